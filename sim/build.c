/* Where a scenario becomes a simulated world: each node, link, director and
 * real server of one run's topology (scenario/scenario.h) built on a
 * sim_world (sim/world.c), set up as either world sets it (scenario/apply.c). */
#include "sim/build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "lvs/director.h"
#include "lvs/ipvsadm.h"
#include "net/host.h"
#include "net/ipip.h"
#include "sim/build_keepalived.h"
#include "scenario/apply.h"
#include "sim/nic.h"

static struct sim_node *add_node(struct sim_world *w, const struct scn_node *n)
{
    struct sim_node *s = n->kind == SCN_SWITCH ? sim_add_switch(w, n->name)
                         : n->kind == SCN_ROUTER ? sim_add_router(w, n->name)
                                                 : sim_add_host(w, n->name);
    if (s->host)
        scn_apply_sysctls(s->host, n);
    if (n->cpu.cores > 0) {
        struct sim_cpu_params p = { .cores = n->cpu.cores, .per_packet = n->cpu.per_packet,
                                    .per_byte_ns = n->cpu.per_byte_ns, .backlog = n->cpu.backlog,
                                    .by_work = n->cpu.profile.set };
        for (int c = 0; p.by_work && c < SCN_COSTS; c++)
            p.cost_ns[c] = n->cpu.profile.ns[c] / n->cpu.speed;
        sim_node_set_cpu(s, &p);
    }
    return s;
}

/* The netif a scenario interface stands for: a link's NIC, lo, or tunl0
 * (NULL for a link-less interface without addresses). */
static struct netif *iface_netif(struct sim_build *b, const struct scn_topo *topo, int node, int i)
{
    const struct scn_iface *ifc = &topo->nodes[node].ifs[i];
    if (ifc->link >= 0) {
        const struct scn_link *l = &topo->links[ifc->link];
        int end = l->node[0] == node && l->iface[0] == i ? 0 : 1;
        return b->links[ifc->link]->nic[end]->nif;
    }
    return ifc->naddrs ? scn_apply_local_netif(b->nodes[node]->host, ifc) : NULL;
}

static int build_addrs(struct sim_build *b, const struct scn_topo *topo, char *err, size_t errlen)
{
    for (int n = 0; n < topo->nnodes; n++) {
        const struct scn_node *node = &topo->nodes[n];
        if (node->kind == SCN_SWITCH)
            continue;
        struct netif **ifs = xcalloc((size_t)node->nifs + 1, sizeof *ifs);
        for (int i = 0; i < node->nifs; i++)
            ifs[i] = iface_netif(b, topo, n, i);
        int rc = scn_apply_node(b->nodes[n]->host, node, ifs, err, errlen);
        free(ifs);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* A real server's set-up for its mode, as one would do it on Linux. */
static int build_realserver(struct sim_build *b, const struct scn_topo *topo, const struct scn_realserver *rs,
                            char *err, size_t errlen)
{
    struct host *h = b->nodes[rs->node]->host;
    struct netif *vip_dev = NULL;
    if (rs->mode == SCN_DR) {
        vip_dev = h->lo;
    } else if (rs->mode == SCN_TUN) {
        vip_dev = host_netif(h, "tunl0");
        if (!vip_dev)
            vip_dev = ipip_add_tunnel(h, "tunl0");
        h->rp_filter_all = 0;
        vip_dev->rp_filter = 0;
    }
    if (vip_dev) {
        if (!netif_has_addr(vip_dev, rs->vip) && !netif_add_addr(vip_dev, rs->vip, 32))
            return scn_fail(err, errlen, &rs->where, "%s: cannot put the VIP on %s",
                        topo->nodes[rs->node].name, vip_dev->name);
        if (rs->arp_fix) {
            h->arp_ignore_all = 1;
            h->arp_announce_all = 2;
        }
    }
    return 0;
}

/* A director's configuration: its keepalived.conf (services, checkers,
 * VRRP), then the VIP unless VRRP decides, the rules and FULLNAT's local
 * addresses (scenario/apply.c). */
static int configure_director(struct sim_build *b, int i, char *err, size_t errlen)
{
    const struct scn_director *d = &b->topo->directors[i];
    bool vrrp = false;
    if (d->keepalived[0] && sim_keepalived_start(b, b->topo, i, &vrrp, err, errlen) < 0)
        return -1;
    return scn_apply_director(b->ipvs[i], b->nodes[d->node]->host, d, vrrp, err, errlen);
}

void sim_build_director_crash(struct sim_build *b, int i)
{
    sim_keepalived_free(b, i);
}

int sim_build_director_reboot(struct sim_build *b, int i, char *err, size_t errlen)
{
    char msg[256];
    sim_keepalived_free(b, i);
    if (ipvsadm_run(b->ipvs[i], "-C", "reboot", &(struct ipvsadm_io){ .out = NULL }, msg, sizeof msg) < 0) {
        snprintf(err, errlen, "%s", msg);
        return -1;
    }
    return configure_director(b, i, err, errlen);
}

int sim_build(struct sim_build *b, const struct scn_topo *topo, uint64_t seed, const struct scn_capture *capture,
              char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    b->topo = topo;
    b->w = sim_world_new(seed);
    if (capture && capture->dir[0])
        sim_world_capture_with(b->w, capture);
    b->nnodes = topo->nnodes;
    b->nodes = xcalloc((size_t)topo->nnodes, sizeof *b->nodes);
    b->links = xcalloc((size_t)topo->nlinks + 1, sizeof *b->links);
    for (int n = 0; n < topo->nnodes; n++)
        b->nodes[n] = add_node(b->w, &topo->nodes[n]);
    for (int i = 0; i < topo->nlinks; i++) {
        const struct scn_link *l = &topo->links[i];
        struct sim_link_params p = { .rate_bps = l->rate_bps, .delay = l->delay, .jitter = l->jitter,
                                     .loss = l->loss, .mtu = l->mtu, .queue_pkts = l->queue_pkts };
        b->links[i] = sim_connect(b->w, b->nodes[l->node[0]], b->nodes[l->node[1]], &p);
        if (!b->links[i]) {
            scn_fail(err, errlen, &l->where, "cannot join %s and %s", topo->nodes[l->node[0]].name,
                     topo->nodes[l->node[1]].name);
            sim_build_free(b);
            return -1;
        }
    }
    int rc = build_addrs(b, topo, err, errlen);
    for (int i = 0; rc == 0 && i < topo->nrealservers; i++)
        rc = build_realserver(b, topo, &topo->realservers[i], err, errlen);
    size_t n = (size_t)topo->ndirectors + 1;
    b->ipvs = xcalloc(n, sizeof *b->ipvs);
    b->checks = xcalloc(n, sizeof *b->checks);
    b->vrrp = xcalloc(n, sizeof *b->vrrp);
    b->sinks = xcalloc(n, sizeof *b->sinks);
    b->nipvs = topo->ndirectors;
    for (int i = 0; rc == 0 && i < topo->ndirectors; i++) {
        b->ipvs[i] = xcalloc(1, sizeof *b->ipvs[i]);
        ipvs_director_init(b->ipvs[i], b->nodes[topo->directors[i].node]->host);
        rc = configure_director(b, i, err, errlen);
    }
    if (rc < 0)
        sim_build_free(b);
    return rc;
}

size_t sim_build_free(struct sim_build *b)
{
    for (int i = 0; i < b->nipvs; i++) {
        sim_keepalived_free(b, i);
        if (b->ipvs[i]) {
            ipvs_director_destroy(b->ipvs[i]);
            free(b->ipvs[i]);
        }
    }
    free(b->ipvs);
    free(b->checks);
    free(b->vrrp);
    free(b->sinks);
    size_t live = b->w ? sim_world_free(b->w) : 0;
    free(b->nodes);
    free(b->links);
    memset(b, 0, sizeof *b);
    return live;
}
