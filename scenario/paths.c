/* Tracing a packet's path through a topology's routes and switches. */
#include "scenario/paths.h"

#include <stdbool.h>
#include <stdlib.h>

#include "engine/xalloc.h"

#define MAX_HOPS 64

static uint32_t mask(int len) { return len ? ~0u << (32 - len) : 0; }

static bool holds(const struct scn_iface *f, uint32_t addr)
{
    for (int a = 0; a < f->naddrs; a++)
        if (f->addr[a] == addr)
            return true;
    return false;
}

/* Whether node is a director of addr (the world adds VIPs only when built). */
static bool director_vip(const struct scn_topo *t, int node, uint32_t addr)
{
    for (int d = 0; d < t->ndirectors; d++)
        if (node == t->directors[d].node && addr == t->directors[d].vip)
            return true;
    return false;
}

/* The director holds the VIP too. */
static bool node_holds(const struct scn_topo *t, int node, uint32_t addr)
{
    const struct scn_node *n = &t->nodes[node];
    for (int i = 0; i < n->nifs; i++)
        if (holds(&n->ifs[i], addr))
            return true;
    return director_vip(t, node, addr);
}

/* The interface on a link whose subnet holds addr, or -1. */
static int iface_for(const struct scn_node *n, uint32_t addr, int *best_len)
{
    int best = -1;
    for (int i = 0; i < n->nifs; i++) {
        const struct scn_iface *f = &n->ifs[i];
        for (int a = 0; f->link >= 0 && a < f->naddrs; a++)
            if (((f->addr[a] ^ addr) & mask(f->prefix_len[a])) == 0 && f->prefix_len[a] > *best_len)
                *best_len = f->prefix_len[a], best = i;
    }
    return best;
}

/* Longest-prefix match: the egress interface and the next hop's address. */
static bool route(const struct scn_node *n, uint32_t dst, int *iface, uint32_t *next_hop)
{
    int len = -1;
    *iface = iface_for(n, dst, &len);
    *next_hop = dst;
    for (int r = 0; r < n->nroutes; r++) {
        const struct scn_route *rt = &n->routes[r];
        if (((rt->prefix ^ dst) & mask(rt->prefix_len)) || rt->prefix_len <= len)
            continue;
        int via_len = -1, via_if = rt->via ? iface_for(n, rt->via, &via_len) : -1;
        if (via_if >= 0)
            len = rt->prefix_len, *iface = via_if, *next_hop = rt->via;
    }
    return *iface >= 0;
}

static int other_end(const struct scn_link *l, int node, int iface)
{
    return l->node[0] == node && l->iface[0] == iface ? 1 : 0;
}

/* From the far end of link `first` (sent by its end first_end), across
 * switches breadth first, to the node whose interface on the segment holds
 * addr (a non-ARP address does not answer): reports each link direction of
 * the way and returns that node, or -1. */
static int across_segment(const struct scn_topo *t, int first, int first_end, uint32_t addr, scn_path_visit visit,
                          void *ctx)
{
    size_t n = (size_t)t->nlinks;
    int *sent_from = xcalloc(n, sizeof *sent_from), *prev = xcalloc(n, sizeof *prev);
    int *queue = xcalloc(n, sizeof *queue), head = 0, tail = 0, found = -1;
    for (size_t l = 0; l < n; l++)
        sent_from[l] = -1;
    sent_from[first] = first_end, prev[first] = -1, queue[tail++] = first;
    while (head < tail && found < 0) {
        int l = queue[head++], end = 1 - sent_from[l], at = t->links[l].node[end];
        const struct scn_node *node = &t->nodes[at];
        if (node->kind != SCN_SWITCH) {
            const struct scn_iface *f = &node->ifs[t->links[l].iface[end]];
            if ((!f->noarp && holds(f, addr)) || director_vip(t, at, addr))
                found = l;
            continue;
        }
        for (int i = 0; i < node->nifs; i++) {
            int next = node->ifs[i].link;
            if (next < 0 || sent_from[next] >= 0)
                continue;
            sent_from[next] = t->links[next].node[0] == at && t->links[next].iface[0] == i ? 0 : 1;
            prev[next] = l;
            queue[tail++] = next;
        }
    }
    int arrived = -1;
    if (found >= 0) {
        int hops = 0;
        for (int l = found; l >= 0; l = prev[l])
            queue[hops++] = l;             /* the way back, reused as a stack */
        while (hops > 0) {
            int l = queue[--hops];
            visit(ctx, l, sent_from[l]);
        }
        arrived = t->links[found].node[1 - sent_from[found]];
    }
    free(sent_from);
    free(prev);
    free(queue);
    return arrived;
}

int scn_path_trace(const struct scn_topo *t, int from, uint32_t dst, scn_path_visit visit, void *ctx)
{
    int node = from;
    for (int hop = 0; hop < MAX_HOPS; hop++) {
        const struct scn_node *n = &t->nodes[node];
        if (node_holds(t, node, dst))
            return node;
        int iface;
        uint32_t next_hop;
        if (!route(n, dst, &iface, &next_hop))
            return -1;
        int link = n->ifs[iface].link;
        node = across_segment(t, link, 1 - other_end(&t->links[link], node, iface), next_hop, visit, ctx);
        if (node < 0)
            return -1;
    }
    return -1;
}
