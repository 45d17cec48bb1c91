/* The simulated network's parts, each added by call: nodes, NICs (host
 * interfaces or switch ports), links, CPU models, pcap taps, faults. A
 * scenario's run becomes such a world in sim/build.c. */
#include "sim/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "sim/cpu.h"
#include "sim/nic.h"
#include "scenario/pcap.h"
#include "sim/switch.h"

struct sim_world *sim_world_new(uint64_t seed)
{
    struct sim_world *w = xcalloc(1, sizeof *w);
    sched_init(&w->sched);
    w->pool = pkt_pool_new();
    w->seed = seed;
    return w;
}

size_t sim_world_free(struct sim_world *w)
{
    for (int i = 0; i < w->nnodes; i++) {
        struct sim_node *n = w->nodes[i];
        host_free(n->host);
        sim_cpu_free(n->cpu);
        if (n->sw)
            sim_switch_free(n->sw);
    }
    for (int i = 0; i < w->nlinks; i++)
        sim_link_free(w->links[i]);
    for (int i = 0; i < w->nnodes; i++) {
        for (int k = 0; k < w->nodes[i]->nnics; k++)
            sim_nic_free(w->nodes[i]->nics[k]);
        free(w->nodes[i]->nics);
        free(w->nodes[i]);
    }
    free(w->nodes);
    free(w->links);
    sched_destroy(&w->sched);
    size_t live = pkt_pool_free(w->pool);
    free(w);
    return live;
}

void sim_world_capture(struct sim_world *w, const char *dir)
{
    struct scn_capture c = { .patterns = "*" };
    snprintf(c.dir, sizeof c.dir, "%s", dir);
    sim_world_capture_with(w, &c);
}

void sim_world_capture_with(struct sim_world *w, const struct scn_capture *c) { w->capture = *c; }

static struct sim_node *node_find(struct sim_world *w, const char *name)
{
    for (int i = 0; i < w->nnodes; i++)
        if (!strcmp(w->nodes[i]->name, name))
            return w->nodes[i];
    return NULL;
}

static struct sim_node *add_node(struct sim_world *w, const char *name)
{
    if (node_find(w, name) || strlen(name) >= SIM_NAME_MAX)
        return NULL;
    struct sim_node *n = xcalloc(1, sizeof *n);
    snprintf(n->name, sizeof n->name, "%s", name);
    n->w = w;
    w->nodes = xrealloc(w->nodes, ((size_t)w->nnodes + 1) * sizeof *w->nodes);
    w->nodes[w->nnodes++] = n;
    return n;
}

struct sim_node *sim_add_host(struct sim_world *w, const char *name)
{
    struct sim_node *n = add_node(w, name);
    if (n)
        n->host = host_new(name, sim_world_rt(w), w->pool, w->seed);
    return n;
}

struct sim_node *sim_add_router(struct sim_world *w, const char *name)
{
    struct sim_node *n = sim_add_host(w, name);
    if (n)
        n->host->ip_forward = true;
    return n;
}

struct sim_node *sim_add_switch(struct sim_world *w, const char *name)
{
    struct sim_node *n = add_node(w, name);
    if (n)
        n->sw = sim_switch_new(n);
    return n;
}

/* A frame the host sends: on the NIC, or held by the node's CPU until the
 * work that made it is done. */
static void host_xmit(struct netif *nif, struct pkt *frame)
{
    struct sim_nic *nic = nif->xmit_ctx;
    if (nic->node->cpu && sim_cpu_hold(nic->node->cpu, nic, frame))
        return;
    sim_nic_send(nic, frame);
}

static struct sim_nic *add_nic(struct sim_node *n, uint32_t mtu)
{
    char ifname[16];
    snprintf(ifname, sizeof ifname, n->sw ? "port%d" : "eth%d", n->nnics);
    struct sim_nic *nic = sim_nic_new(n, ifname);
    nic->port = n->nnics;
    if (n->host) {
        /* locally administered MACs, in order of creation: deterministic */
        uint64_t id = ++n->w->next_mac;
        const uint8_t mac[6] = { 0x02, 0x00, (uint8_t)(id >> 24), (uint8_t)(id >> 16),
                                 (uint8_t)(id >> 8), (uint8_t)id };
        nic->nif = host_add_netif(n->host, ifname, mac, host_xmit, nic);
        nic->nif->mtu = mtu;
    }
    const struct scn_capture *c = &n->w->capture;
    if (c->dir[0] && scn_capture_selects(c->patterns, n->name, nic->name, n->sw != NULL)) {
        char path[800];
        snprintf(path, sizeof path, "%s/%s.pcap", c->dir, nic->name);
        const struct scn_pcap_opts o = { .if_name = nic->name, .comment = c->comment, .snaplen = c->snaplen,
                                         .max_frames = c->max_frames };
        nic->pcap = scn_pcap_open(path, &o);
    }
    if ((n->nnics & (n->nnics - 1)) == 0)   /* doubled at each power of two */
        n->nics = xrealloc(n->nics, (n->nnics ? 2 * (size_t)n->nnics : 1) * sizeof *n->nics);
    n->nics[n->nnics++] = nic;
    return nic;
}

struct sim_link *sim_connect(struct sim_world *w, struct sim_node *a, struct sim_node *b,
                             const struct sim_link_params *p)
{
    if (a == b || !p->rate_bps)
        return NULL;
    struct sim_nic *na = add_nic(a, p->mtu), *nb = add_nic(b, p->mtu);
    struct sim_link *l = sim_link_new(w, na, nb, p);
    if ((w->nlinks & (w->nlinks - 1)) == 0)
        w->links = xrealloc(w->links, (w->nlinks ? 2 * (size_t)w->nlinks : 1) * sizeof *w->links);
    w->links[w->nlinks++] = l;
    return l;
}

void sim_node_set_cpu(struct sim_node *n, const struct sim_cpu_params *p)
{
    sim_cpu_free(n->cpu);
    n->cpu = p->cores > 0 ? sim_cpu_new(n->w, p) : NULL;
}

void sim_node_fail(struct sim_node *n, bool failed) { n->failed = failed; }

void sim_link_set_up(struct sim_link *l, bool up) { l->up = up; }
