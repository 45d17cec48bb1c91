/* Building a simulated world from a scenario run's topology. */
#include "sim/build.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "lvs/director.h"
#include "lvs/ipvsadm.h"
#include "net/ipip.h"
#include "net/filter.h"
#include "net/mark.h"
#include "net/route.h"
#include "sim/build_keepalived.h"
#include "sim/nic.h"

static int fail(char *err, size_t errlen, const struct scn_where *where, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(err, errlen, "%s: %s", where->text, msg);
    return -1;
}

static struct sim_node *add_node(struct sim_world *w, const struct scn_node *n)
{
    struct sim_node *s = n->kind == SCN_SWITCH ? sim_add_switch(w, n->name)
                         : n->kind == SCN_ROUTER ? sim_add_router(w, n->name)
                                                 : sim_add_host(w, n->name);
    if (s->host) {
        s->host->ip_forward = s->host->ip_forward || n->forward;
        s->host->arp_ignore_all = n->arp_ignore;
        s->host->arp_announce_all = n->arp_announce;
        s->host->rp_filter_all = n->rp_filter;
    }
    if (n->cpu.cores > 0)
        sim_node_set_cpu(s, &(struct sim_cpu_params){ .cores = n->cpu.cores, .per_packet = n->cpu.per_packet,
                                                     .per_byte_ns = n->cpu.per_byte_ns,
                                                     .backlog = n->cpu.backlog });
    return s;
}

/* The netif a scenario interface stands for: a link's NIC, lo, or tunl0. */
static struct netif *iface_netif(struct sim_build *b, const struct scn_topo *topo, int node, int i)
{
    const struct scn_iface *ifc = &topo->nodes[node].ifs[i];
    struct host *h = b->nodes[node]->host;
    if (ifc->link >= 0) {
        const struct scn_link *l = &topo->links[ifc->link];
        int end = l->node[0] == node && l->iface[0] == i ? 0 : 1;
        return b->links[ifc->link]->nic[end]->nif;
    }
    if (!strcmp(ifc->name, "lo"))
        return h->lo;
    struct netif *t = host_netif(h, ifc->name);
    return t ? t : ipip_add_tunnel(h, ifc->name);
}

static int build_addrs(struct sim_build *b, const struct scn_topo *topo, char *err, size_t errlen)
{
    for (int n = 0; n < topo->nnodes; n++) {
        const struct scn_node *node = &topo->nodes[n];
        if (node->kind == SCN_SWITCH)
            continue;
        for (int i = 0; i < node->nifs; i++) {
            const struct scn_iface *ifc = &node->ifs[i];
            if (!ifc->naddrs)
                continue;
            struct netif *nif = iface_netif(b, topo, n, i);
            for (int a = 0; a < ifc->naddrs; a++)
                if (!netif_has_addr(nif, ifc->addr[a]) && !netif_add_addr(nif, ifc->addr[a], ifc->prefix_len[a]))
                    return fail(err, errlen, &node->where, "%s %s: cannot hold address %u.%u.%u.%u",
                                node->name, ifc->name, ifc->addr[a] >> 24, ifc->addr[a] >> 16 & 255,
                                ifc->addr[a] >> 8 & 255, ifc->addr[a] & 255);
        }
    }
    for (int n = 0; n < topo->nnodes; n++)
        for (int m = 0; m < topo->nodes[n].nmarks; m++) {
            const struct scn_mark *k = &topo->nodes[n].marks[m];
            struct mark_rule rule = { .protocol = k->protocol, .daddr = k->daddr, .prefix_len = k->prefix_len,
                                      .dport_lo = k->dport_lo, .dport_hi = k->dport_hi, .mark = k->mark };
            if (mark_rule_add(b->nodes[n]->host, &rule) < 0)
                return fail(err, errlen, &k->where, "%s: no room for another mark rule", topo->nodes[n].name);
        }
    for (int n = 0; n < topo->nnodes; n++)
        for (int r = 0; r < topo->nodes[n].nicmp_drops; r++)
            if (filter_icmp_drop_add(b->nodes[n]->host, topo->nodes[n].icmp_drops[r].type,
                                     topo->nodes[n].icmp_drops[r].code) < 0)
                return fail(err, errlen, &topo->nodes[n].where, "%s: no room for another ICMP drop rule",
                            topo->nodes[n].name);
    for (int n = 0; n < topo->nnodes; n++)
        for (int r = 0; r < topo->nodes[n].nroutes; r++) {
            const struct scn_route *rt = &topo->nodes[n].routes[r];
            if (route_add(b->nodes[n]->host, rt->prefix, rt->prefix_len, rt->via, NULL) < 0)
                return fail(err, errlen, &rt->where, "%s: no interface reaches the gateway",
                            topo->nodes[n].name);
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
            return fail(err, errlen, &rs->where, "%s: cannot put the VIP on %s",
                        topo->nodes[rs->node].name, vip_dev->name);
        if (rs->arp_fix) {
            h->arp_ignore_all = 1;
            h->arp_announce_all = 2;
        }
    }
    return 0;
}

/* The VIP on the interface whose subnet holds it (or the first), unless
 * already there; -1 without an interface. */
static int put_vip(struct host *h, uint32_t vip)
{
    struct netif *vip_dev = NULL;
    for (int f = 0; f < h->nifs && !vip_dev; f++)
        for (int a = 0; a < h->ifs[f]->naddrs; a++)
            if (!(h->ifs[f]->flags & NETIF_LOOPBACK) &&
                ((h->ifs[f]->addrs[a].addr ^ vip) & route_mask(h->ifs[f]->addrs[a].prefix_len)) == 0)
                vip_dev = h->ifs[f];
    if (!vip_dev)
        vip_dev = h->nifs > 1 ? h->ifs[1] : NULL;
    if (!vip_dev)
        return -1;
    if (!host_is_local(h, vip))
        netif_add_addr(vip_dev, vip, 32);
    return 0;
}

/* A director's configuration: its keepalived.conf (services, checkers,
 * VRRP), the VIP on it unless VRRP decides, the rules, and FULLNAT's local
 * addresses for every service. */
static int configure_director(struct sim_build *b, int i, char *err, size_t errlen)
{
    const struct scn_director *d = &b->topo->directors[i];
    struct host *h = b->nodes[d->node]->host;
    struct ipvs *ipvs = b->ipvs[i];
    bool vrrp = false;
    if (d->keepalived[0] && sim_keepalived_start(b, b->topo, i, &vrrp, err, errlen) < 0)
        return -1;
    if (!vrrp && put_vip(h, d->vip) < 0)
        return fail(err, errlen, &d->where, "the director has no interface for the VIP");
    for (int k = 0; k < d->nipvsadm; k++) {
        char where[SCN_WHERE_MAX + 24], msg[512];
        snprintf(where, sizeof where, "%s: rules[%d]", d->where.text, k + 1);
        if (ipvsadm_run(ipvs, d->ipvsadm[k], where, &(struct ipvsadm_io){ .out = NULL }, msg, sizeof msg) < 0) {
            snprintf(err, errlen, "%s", msg);
            return -1;
        }
    }
    for (struct ipvs_service *s = ipvs->services; s; s = s->next) {
        bool fullnat = false;
        for (struct ipvs_dest *dst = s->dests; dst; dst = dst->next)
            fullnat |= dst->fwd == IPVS_FWD_FULLNAT;
        if (!fullnat)
            continue;
        if (!d->nladdrs)
            return fail(err, errlen, &d->where, "FULLNAT real servers need laddrs = {local addresses}");
        struct ipvs_service_conf c = { .protocol = s->protocol, .addr = s->addr, .port = s->port,
                                       .fwmark = s->fwmark };
        for (int a = 0; a < d->nladdrs; a++) {
            int rc = ipvs_laddr_add(ipvs, &c, d->laddrs[a]);
            if (rc == -EINVAL)
                return fail(err, errlen, &d->where, "laddrs[%d] is not an address of the director", a + 1);
        }
    }
    return 0;
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

int sim_build(struct sim_build *b, const struct scn_topo *topo, uint64_t seed, const char *pcap_dir,
              char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    b->topo = topo;
    b->w = sim_world_new(seed);
    if (pcap_dir && *pcap_dir)
        sim_world_capture(b->w, pcap_dir);
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
            fail(err, errlen, &l->where, "cannot join %s and %s", topo->nodes[l->node[0]].name,
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
