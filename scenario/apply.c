/* A scenario's node settings and director rules on a host (either world). */
#include "scenario/apply.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lvs/director.h"
#include "lvs/ipvsadm.h"
#include "lvs/sync.h"
#include "net/filter.h"
#include "net/ipip.h"
#include "net/mark.h"
#include "net/route.h"
#include "scenario/tcp_sysctl.h"

struct netif *scn_apply_local_netif(struct host *h, const struct scn_iface *ifc)
{
    if (!strcmp(ifc->name, "lo"))
        return h->lo;
    struct netif *t = host_netif(h, ifc->name);
    return t ? t : ipip_add_tunnel(h, ifc->name);
}

void scn_apply_sysctls(struct host *h, const struct scn_node *node)
{
    h->ip_forward = h->ip_forward || node->forward;
    h->arp_ignore_all = node->arp_ignore;
    h->arp_announce_all = node->arp_announce;
    h->rp_filter_all = node->rp_filter;
    h->send_redirects = node->send_redirects;
    h->accept_redirects = node->accept_redirects;
    scn_tcp_sysctl_apply(h, &node->tcp);
}

int scn_apply_node(struct host *h, const struct scn_node *node, struct netif *const *ifs, char *err,
                   size_t errlen)
{
    for (int i = 0; i < node->nifs; i++) {
        const struct scn_iface *ifc = &node->ifs[i];
        for (int a = 0; a < ifc->naddrs; a++)
            if (!netif_has_addr(ifs[i], ifc->addr[a]) && !netif_add_addr(ifs[i], ifc->addr[a], ifc->prefix_len[a]))
                return scn_fail(err, errlen, &node->where, "%s %s: cannot hold address %u.%u.%u.%u", node->name,
                            ifc->name, ifc->addr[a] >> 24, ifc->addr[a] >> 16 & 255, ifc->addr[a] >> 8 & 255,
                            ifc->addr[a] & 255);
    }
    for (int m = 0; m < node->nmarks; m++) {
        const struct scn_mark *k = &node->marks[m];
        struct mark_rule rule = { .protocol = k->protocol, .daddr = k->daddr, .prefix_len = k->prefix_len,
                                  .dport_lo = k->dport_lo, .dport_hi = k->dport_hi, .mark = k->mark };
        if (mark_rule_add(h, &rule) < 0)
            return scn_fail(err, errlen, &k->where, "%s: no room for another mark rule", node->name);
    }
    for (int r = 0; r < node->nicmp_drops; r++)
        if (filter_icmp_drop_add(h, node->icmp_drops[r].type, node->icmp_drops[r].code) < 0)
            return scn_fail(err, errlen, &node->where, "%s: no room for another ICMP drop rule", node->name);
    for (int r = 0; r < node->nroutes; r++) {
        const struct scn_route *rt = &node->routes[r];
        if (rt->nvias > 1 ? route_add_multipath(h, rt->prefix, rt->prefix_len, rt->vias, rt->nvias,
                                                rt->hash == SCN_HASH_L4 ? ROUTE_HASH_L4 : ROUTE_HASH_L3) < 0
                          : route_add(h, rt->prefix, rt->prefix_len, rt->via, NULL) < 0)
            return scn_fail(err, errlen, &rt->where, "%s: no interface reaches the gateway", node->name);
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

int scn_apply_director(struct ipvs *ipvs, struct host *h, const struct scn_director *d, bool vrrp, char *err,
                       size_t errlen)
{
    if (!vrrp && put_vip(h, d->vip) < 0)
        return scn_fail(err, errlen, &d->where, "the director has no interface for the VIP");
    ipvs->sysctl.sloppy_tcp = d->sloppy_tcp;
    if (d->sync_if[0]) {           /* ipvsadm --start-daemon master and backup --mcast-interface IF */
        struct ipvs_sync_conf c = { 0 };
        snprintf(c.mcast_ifn, sizeof c.mcast_ifn, "%s", d->sync_if);
        if (ipvs_sync_start(ipvs, IPVS_SYNC_MASTER, &c) < 0 || ipvs_sync_start(ipvs, IPVS_SYNC_BACKUP, &c) < 0)
            return scn_fail(err, errlen, &d->where, "sync: the director has no interface %s with an address",
                            d->sync_if);
    }
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
            return scn_fail(err, errlen, &d->where, "FULLNAT real servers need laddrs = {local addresses}");
        struct ipvs_service_conf c = { .protocol = s->protocol, .addr = s->addr, .port = s->port,
                                       .fwmark = s->fwmark };
        for (int a = 0; a < d->nladdrs; a++) {
            int rc = ipvs_laddr_add(ipvs, &c, d->laddrs[a]);
            if (rc == -EINVAL)
                return scn_fail(err, errlen, &d->where, "laddrs[%d] is not an address of the director", a + 1);
        }
    }
    return 0;
}
