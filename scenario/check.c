/*
 * Checks on a whole run's topology, after build(run): gateways inside a
 * subnet, both ends of a link on one subnet, each director's VIP inside one
 * of its subnets or routed to it (directors sharing a VIP on a subnet under
 * VRRP, or behind an ECMP route), each real server's VIP a director's, DR real servers on the director's L2 segment (switches join
 * segments), NAT real servers routed back through a director (its own
 * address, or one its keepalived's VRRP moves between directors), a
 * director a real server only of a director in front (cascading, DR or
 * TUN) or FULLNAT of its own VIP (directors serving it themselves), no
 * address twice. Each error names the script line that declared the culprit.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "scenario/api.h"
#include "scenario/keepalived.h"

static const char *ip(uint32_t a, char *buf)
{
    struct in_addr in = { .s_addr = htonl(a) };
    return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

static uint32_t mask_of(uint8_t len) { return len ? ~0u << (32 - len) : 0; }

static bool in_subnet(uint32_t a, uint32_t net, uint8_t len)
{
    return (a & mask_of(len)) == (net & mask_of(len));
}

/* Is a inside a subnet of one of the node's interfaces (lo excluded)? */
static bool node_reaches(const struct scn_node *n, uint32_t a)
{
    for (int i = 0; i < n->nifs; i++) {
        const struct scn_iface *f = &n->ifs[i];
        if (f->noarp)
            continue;
        for (int k = 0; k < f->naddrs; k++)
            if (in_subnet(a, f->addr[k], f->prefix_len[k]))
                return true;
    }
    return false;
}

static bool node_has(const struct scn_node *n, uint32_t a)
{
    for (int i = 0; i < n->nifs; i++)
        for (int k = 0; k < n->ifs[i].naddrs; k++)
            if (n->ifs[i].addr[k] == a)
                return true;
    return false;
}

/* ---- L2 segments: union-find over (node, interface) ---- */

struct segments {
    int *parent;
    int *base;                 /* first id of each node's interfaces */
};

static int seg_find(struct segments *s, int x)
{
    while (s->parent[x] != x)
        x = s->parent[x] = s->parent[s->parent[x]];
    return x;
}

static void seg_join(struct segments *s, int a, int b) { s->parent[seg_find(s, a)] = seg_find(s, b); }

static void segments_build(struct segments *s, const struct scn_topo *t)
{
    s->base = xcalloc((size_t)t->nnodes + 1, sizeof *s->base);
    for (int n = 0; n < t->nnodes; n++)
        s->base[n + 1] = s->base[n] + t->nodes[n].nifs;
    s->parent = xcalloc((size_t)s->base[t->nnodes] + 1, sizeof *s->parent);
    for (int i = 0; i < s->base[t->nnodes]; i++)
        s->parent[i] = i;
    for (int l = 0; l < t->nlinks; l++) {
        const struct scn_link *k = &t->links[l];
        seg_join(s, s->base[k->node[0]] + k->iface[0], s->base[k->node[1]] + k->iface[1]);
    }
    for (int n = 0; n < t->nnodes; n++)
        if (t->nodes[n].kind == SCN_SWITCH)
            for (int i = 1; i < t->nodes[n].nifs; i++)
                seg_join(s, s->base[n], s->base[n] + i);
}

static void segments_free(struct segments *s)
{
    free(s->parent);
    free(s->base);
}

static bool share_segment(struct segments *s, const struct scn_topo *t, int a, int b)
{
    for (int i = 0; i < t->nodes[a].nifs; i++)
        for (int j = 0; j < t->nodes[b].nifs; j++)
            if (t->nodes[a].ifs[i].link >= 0 && t->nodes[b].ifs[j].link >= 0 &&
                seg_find(s, s->base[a] + i) == seg_find(s, s->base[b] + j))
                return true;
    return false;
}

static int check_links(const struct scn_topo *t, char *err, size_t errlen)
{
    char b1[INET_ADDRSTRLEN], b2[INET_ADDRSTRLEN];
    for (int l = 0; l < t->nlinks; l++) {
        const struct scn_link *k = &t->links[l];
        const struct scn_node *na = &t->nodes[k->node[0]], *nb = &t->nodes[k->node[1]];
        if (na->kind == SCN_SWITCH || nb->kind == SCN_SWITCH)
            continue;
        const struct scn_iface *fa = &na->ifs[k->iface[0]], *fb = &nb->ifs[k->iface[1]];
        if (!fa->naddrs || !fb->naddrs)
            continue;
        bool shared = false;
        for (int i = 0; i < fa->naddrs; i++)
            for (int j = 0; j < fb->naddrs; j++)
                shared |= in_subnet(fb->addr[j], fa->addr[i], fa->prefix_len[i]);
        if (!shared)
            return scn_fail(err, errlen, &k->where,
                        "link %s-%s: %s %s %s/%u and %s %s %s/%u are on different subnets",
                        na->name, nb->name, na->name, fa->name, ip(fa->addr[0], b1),
                        fa->prefix_len[0], nb->name, fb->name, ip(fb->addr[0], b2),
                        fb->prefix_len[0]);
    }
    return 0;
}

static int check_routes(const struct scn_topo *t, char *err, size_t errlen)
{
    char b1[INET_ADDRSTRLEN];
    for (int n = 0; n < t->nnodes; n++)
        for (int r = 0; r < t->nodes[n].nroutes; r++) {
            const struct scn_route *rt = &t->nodes[n].routes[r];
            for (int k = 0; k < (rt->nvias > 1 ? rt->nvias : 1); k++) {
                uint32_t via = rt->nvias > 1 ? rt->vias[k] : rt->via;
                if (!node_reaches(&t->nodes[n], via))
                    return scn_fail(err, errlen, &rt->where,
                                "route on %s via %s: the gateway is outside every subnet of %s",
                                t->nodes[n].name, ip(via, b1), t->nodes[n].name);
            }
        }
    return 0;
}

static int check_duplicates(const struct scn_topo *t, char *err, size_t errlen)
{
    char b1[INET_ADDRSTRLEN];
    for (int a = 0; a < t->nnodes; a++)
        for (int i = 0; i < t->nodes[a].nifs; i++) {
            const struct scn_iface *f = &t->nodes[a].ifs[i];
            if (f->noarp)
                continue;     /* a VIP on lo or tunl0 is shared by design */
            for (int k = 0; k < f->naddrs; k++)
                for (int b = a + 1; b < t->nnodes; b++)
                    for (int j = 0; j < t->nodes[b].nifs; j++) {
                        const struct scn_iface *g = &t->nodes[b].ifs[j];
                        for (int m = 0; !g->noarp && m < g->naddrs; m++)
                            if (g->addr[m] == f->addr[k])
                                return scn_fail(err, errlen, &t->nodes[b].where,
                                            "%s is on both %s and %s", ip(f->addr[k], b1),
                                            t->nodes[a].name, t->nodes[b].name);
                    }
        }
    return 0;
}

/* Does a route of some node send the VIP to one of the director's
 * addresses (an ECMP group of directors, or one director behind a route)? */
static bool routed_to(const struct scn_topo *t, const struct scn_node *dn, uint32_t vip)
{
    for (int n = 0; n < t->nnodes; n++)
        for (int r = 0; r < t->nodes[n].nroutes; r++) {
            const struct scn_route *rt = &t->nodes[n].routes[r];
            if (!in_subnet(vip, rt->prefix, rt->prefix_len) || !rt->prefix_len)
                continue;
            for (int k = 0; k < (rt->nvias > 1 ? rt->nvias : 1); k++)
                if (node_has(dn, rt->nvias > 1 ? rt->vias[k] : rt->via))
                    return true;
        }
    return false;
}

/* A director that is also a DR or TUN real server of its own VIP (a NAT
 * director behind a front director: cascading) holds the VIP on lo or
 * tunl0, without ARP. */
static bool cascaded(const struct scn_topo *t, const struct scn_director *d)
{
    for (int i = 0; i < t->nrealservers; i++)
        if (t->realservers[i].node == d->node && t->realservers[i].vip == d->vip &&
            (t->realservers[i].mode == SCN_DR || t->realservers[i].mode == SCN_TUN))
            return true;
    return false;
}

/* Each director holds its VIP: inside one of its subnets (announced by
 * ARP), or routed to it. Directors sharing a VIP on a subnet need
 * keepalived's VRRP to decide which holds it; directors sharing a routed
 * VIP (ECMP) all hold it. */
static int check_director(const struct scn_topo *t, const struct scn_director *d, char *err, size_t errlen)
{
    char b1[INET_ADDRSTRLEN];
    const struct scn_node *dn = &t->nodes[d->node];
    if (dn->kind != SCN_HOST)
        return scn_fail(err, errlen, &d->where, "director %s: the director is a host, not a %s",
                    dn->name, dn->kind == SCN_ROUTER ? "router" : "switch");
    bool on_subnet = node_reaches(dn, d->vip);
    if (!on_subnet && !routed_to(t, dn, d->vip))
        return scn_fail(err, errlen, &d->where,
                    "director %s: VIP %s is outside every subnet of %s, and no route sends it there",
                    dn->name, ip(d->vip, b1), dn->name);
    for (int k = 0; k < t->ndirectors; k++) {
        const struct scn_director *o = &t->directors[k];
        if (o == d || o->vip != d->vip || !on_subnet || cascaded(t, d) || cascaded(t, o))
            continue;
        if (!d->keepalived[0])
            return scn_fail(err, errlen, &d->where,
                        "director %s: VIP %s is also %s's, on a subnet: each needs keepalived = \"file\" (VRRP "
                        "decides which holds it), or route the VIP to them (ECMP)", dn->name, ip(d->vip, b1),
                        t->nodes[o->node].name);
    }
    return 0;
}

static bool is_vip(const struct scn_topo *t, uint32_t vip)
{
    for (int k = 0; k < t->ndirectors; k++)
        if (t->directors[k].vip == vip)
            return true;
    return false;
}

static bool is_director_addr(const struct scn_topo *t, uint32_t addr)
{
    for (int i = 0; i < t->ndirectors; i++)
        if (node_has(&t->nodes[t->directors[i].node], addr))
            return true;
    return false;
}

static int check_lvs(const struct scn_topo *t, struct segments *seg, char *err, size_t errlen)
{
    char b1[INET_ADDRSTRLEN];
    if (t->ndirectors == 0) {
        if (t->nrealservers)
            return scn_fail(err, errlen, &t->realservers[0].where,
                        "realserver declared, but the run has no director");
        return 0;
    }
    for (int i = 0; i < t->ndirectors; i++)
        if (check_director(t, &t->directors[i], err, errlen) < 0)
            return -1;
    for (int i = 0; i < t->nrealservers; i++) {
        const struct scn_realserver *rs = &t->realservers[i];
        const struct scn_node *rn = &t->nodes[rs->node];
        const struct scn_director *rd = scn_topo_director(t, rs->node);
        if (rd && !cascaded(t, rd) && !(rs->mode == SCN_FULLNAT && rs->vip == rd->vip))
            return scn_fail(err, errlen, &rs->where,
                        "realserver %s is a director; a director behind another (cascading) is a dr or tun "
                        "real server of its own VIP, and directors that serve their VIP themselves (each "
                        "other's real servers) are fullnat ones", rn->name);
        if (!is_vip(t, rs->vip))
            return scn_fail(err, errlen, &rs->where, "realserver %s: vip %s is not a director's VIP",
                        rn->name, ip(rs->vip, b1));
        for (int k = 0; k < t->ndirectors; k++)
            if (rs->mode == SCN_DR && t->directors[k].vip == rs->vip && t->directors[k].node != rs->node &&
                !cascaded(t, &t->directors[k]) && !share_segment(seg, t, t->directors[k].node, rs->node))
                return scn_fail(err, errlen, &rs->where,
                            "realserver %s (dr): not on director %s's L2 segment; DR rewrites only "
                            "the MAC, so the director must reach it without a router",
                            rn->name, t->nodes[t->directors[k].node].name);
        if (rs->mode == SCN_NAT && !is_director_addr(t, rs->gateway) && !scn_ka_floating(t, rs->gateway))
            return scn_fail(err, errlen, &rs->where,
                        "realserver %s (nat): gateway %s is not an address of a director, nor a "
                        "virtual_ipaddress of a director's keepalived.conf",
                        rn->name, ip(rs->gateway, b1));
        if (rs->gateway && !node_reaches(rn, rs->gateway))
            return scn_fail(err, errlen, &rs->where,
                        "realserver %s: gateway %s is outside every subnet of %s", rn->name,
                        ip(rs->gateway, b1), rn->name);
    }
    return 0;
}

static int check_workloads(const struct scn_topo *t, char *err, size_t errlen)
{
    for (int w = 0; w < t->nworkloads; w++)
        for (int i = 0; i < t->workloads[w].nfrom; i++) {
            const struct scn_node *n = &t->nodes[t->workloads[w].from[i]];
            if (n->kind != SCN_HOST)
                return scn_fail(err, errlen, &t->workloads[w].where,
                            "load \"%s\": %s is a %s; clients are hosts", t->workloads[w].name,
                            n->name, n->kind == SCN_ROUTER ? "router" : "switch");
        }
    return 0;
}

int scn_topo_check(const struct scn_topo *t, char *err, size_t errlen)
{
    if (!t->nnodes) {
        snprintf(err, errlen, "build(run) declared no node");
        return -1;
    }
    if (check_links(t, err, errlen) || check_routes(t, err, errlen) ||
        check_duplicates(t, err, errlen) || check_workloads(t, err, errlen))
        return -1;
    struct segments seg;
    segments_build(&seg, t);
    int rc = check_lvs(t, &seg, err, errlen);
    segments_free(&seg);
    return rc;
}
