/*
 * IPv4 output: headers for transport payloads, routing (or loopback for our
 * own addresses), LOCAL_OUT hooks, fragmentation or DF handling, and the
 * neighbour step (ARP, broadcast and multicast MACs).
 */
#include "net/ipv4.h"

#include <string.h>

#include "net/arp.h"
#include "net/csum.h"
#include "net/dst_cache.h"
#include "net/eth.h"
#include "net/hdr.h"
#include "net/icmp.h"
#include "net/ipv4_frag.h"
#include "net/ipv4_int.h"
#include "net/route.h"
#include "net/sw_offload.h"

void ipv4_set_checksum(uint8_t *hdr)
{
    struct ipv4_hdr *ip = (struct ipv4_hdr *)hdr;
    ip->check = 0;
    ip->check = csum_ipv4_hdr(hdr, ipv4_hdr_len(ip));
}

/* ---- loopback: what we send ourselves arrives on lo, one event later ---- */

static void loopback_deliver(void *arg)
{
    struct host *h = arg;
    struct pkt_queue q = h->lo_queue;   /* what arrived meanwhile waits for the next turn */
    h->lo_queue = (struct pkt_queue){ 0 };
    struct pkt *p;
    while ((p = pkt_queue_pop(&q))) {
        h->lo->stats.rx_packets++;
        h->lo->stats.rx_bytes += p->len;
        ipv4_input(h, h->lo, p);
    }
}

void ipv4_loopback_init(struct host *h) { rt_timer_init(&h->lo_timer, loopback_deliver, h); }

void ipv4_loopback_free(struct host *h)
{
    rt_timer_cancel(h->rt, &h->lo_timer);
    pkt_queue_purge(&h->lo_queue);
}

static int loopback(struct host *h, struct pkt *p)
{
    h->lo->stats.tx_packets++;
    h->lo->stats.tx_bytes += p->len;
    pkt_orphan(p);                 /* as Linux's loopback_xmit */
    pkt_queue_push(&h->lo_queue, p);
    if (!rt_timer_armed(&h->lo_timer))
        rt_timer_arm_in(h->rt, &h->lo_timer, 0);
    return 0;
}

/* ---- the last step ---- */

static void neighbour_out(struct host *h, struct pkt *p, struct netif *dev, uint32_t nh)
{
    (void)h;
    uint32_t dst = ntohl(((const struct ipv4_hdr *)p->data)->daddr);
    if ((dst >> 28) == 0xe) {
        uint8_t mac[6];
        eth_mcast_mac(dst, mac);
        eth_output(dev, p, mac, ETH_P_IP);
    } else if (dst == 0xffffffff) {
        eth_output(dev, p, eth_broadcast, ETH_P_IP);
    } else {
        arp_output(dev, p, nh);
    }
}

struct frag_out {
    struct netif *dev;
    uint32_t nh;
};

static void fragment_out(struct host *h, struct pkt *p, void *ctx)
{
    struct frag_out *o = ctx;
    neighbour_out(h, p, o->dev, o->nh);
}

/* A packet whose offloads the device cannot finish, or whose segments need
 * fragmenting: the plain packets it stands for, each transmitted. */
static int transmit_in_software(struct host *h, struct pkt *p, struct netif *dev, uint32_t nh, bool forwarded)
{
    struct pkt_queue q = { 0 };
    int rc = sw_offload_resolve(h, p, &q);
    while (q.first)
        rc |= ipv4_transmit(h, pkt_queue_pop(&q), dev, nh, forwarded);
    return rc;
}

int ipv4_transmit(struct host *h, struct pkt *p, struct netif *dev, uint32_t nh, bool forwarded)
{
    if (!(dev->flags & NETIF_UP)) {
        host_drop(h, p, DROP_IF_DOWN);
        return -1;
    }
    /* a GSO packet fits when its segments do (skb_gso_validate_network_len) */
    bool fits = sw_wire_len(p) <= dev->mtu;
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
    if (!fits && (ntohs(ip->frag_off) & IPV4_DF)) {
        if (forwarded)
            icmp_send_error(h, p, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, dev->mtu);
        host_drop(h, p, DROP_IP_DF_TOO_BIG);
        return -1;
    }
    if (pkt_has_offload(p) && (!fits || !(dev->flags & NETIF_OFFLOAD)))
        return transmit_in_software(h, p, dev, nh, forwarded);
    if (fits) {
        neighbour_out(h, p, dev, nh);
        return 0;
    }
    struct frag_out o = { dev, nh };
    return ipv4_fragment(h, p, dev->mtu, fragment_out, &o);
}

/* ---- the entry points ---- */

/* The header of an outgoing packet, the LOCAL_OUT hooks, then loopback or
 * the device; dev and nh are the route's. Inlined into its two callers:
 * a call with nine arguments cost more than it saved, and the cached
 * caller's copy drops the uncached branches. */
static inline __attribute__((always_inline)) int send_built(struct host *h, struct pkt *p,
                                                            const struct ipv4_tx *tx, uint32_t src,
                                                            uint32_t src_dst_sum, bool local, struct netif *dev,
                                                            uint32_t nh, struct dst_cache *dc);

/* The one's-complement sum of the address words of a header from src to
 * dst (host order), for its checksum. */
static uint32_t addr_sum(uint32_t src, uint32_t dst)
{
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff);
}

int ipv4_send_tx(struct host *h, struct pkt *p, const struct ipv4_tx *tx)
{
    bool local = host_is_local(h, tx->dst);
    const struct route *r = NULL;
    struct netif *dev = tx->dev;
    if (!local && !dev) {
        r = route_lookup(h, tx->dst);
        if (!r) {
            host_drop(h, p, DROP_IP_NO_ROUTE);
            return -1;
        }
        dev = r->dev;
    }
    uint32_t src = tx->src;
    if (!src)
        src = tx->dev ? (dev->naddrs ? dev->addrs[0].addr : 0) : ipv4_select_src(h, tx->dst);
    return send_built(h, p, tx, src, addr_sum(src, tx->dst), local, dev, r && r->gateway ? r->gateway : tx->dst,
                      NULL);
}

/* Inlined into each of its three callers: the call and the registers it
 * saved cost more than its checks. */
static inline __attribute__((always_inline)) int transmit_cached(struct host *h, struct pkt *p,
                                                                 struct dst_cache *dc);

static inline int send_built(struct host *h, struct pkt *p, const struct ipv4_tx *tx, uint32_t src,
                             uint32_t src_dst_sum, bool local, struct netif *dev, uint32_t nh, struct dst_cache *dc)
{
    struct ipv4_hdr *ip = (struct ipv4_hdr *)pkt_push(p, IPV4_HLEN);
    if (!ip) {
        host_drop(h, p, DROP_NO_BUFFER);
        return -1;
    }
    uint16_t len = (uint16_t)p->len, frag = tx->df ? IPV4_DF : 0;
    uint16_t id = ip_ident_select(h->ip_ident, rt_now(h->rt), src, tx->dst, tx->proto, tx->df,
                                  (const uint8_t *)ip + IPV4_HLEN, len - IPV4_HLEN);
    uint8_t ttl = tx->ttl ? tx->ttl : IPV4_DEFAULT_TTL;
    ip->ver_ihl = 0x45;
    ip->tos = tx->tos;
    ip->tot_len = htons(len);
    ip->id = htons(id);
    ip->frag_off = htons(frag);
    ip->ttl = ttl;
    ip->proto = tx->proto;
    ip->saddr = htonl(src);
    ip->daddr = htonl(tx->dst);
    /* the header checksum from the values just stored, not read back from
     * the header (a word load over those byte stores would wait for them):
     * the same one's-complement sum of the same 16-bit words */
    uint32_t sum = (0x45u << 8 | tx->tos) + len + id + frag + ((uint32_t)ttl << 8 | tx->proto) + src_dst_sum;
    ip->check = htons(csum_fold(sum));
    pkt_set_l3(p);
    enum host_verdict v = host_run_hooks(h, HOOK_LOCAL_OUT, p);
    if (v == VERDICT_STOLEN)
        return 0;
    if (v == VERDICT_DROP) {
        host_drop(h, p, DROP_HOOK);
        return -1;
    }
    if (local)
        return loopback(h, p);
    if (dc)
        return transmit_cached(h, p, dc);
    return ipv4_transmit(h, p, dev, nh, false);
}

int ipv4_send(struct host *h, struct pkt *p, uint32_t src, uint32_t dst, uint8_t proto, uint8_t tos,
              bool df)
{
    struct ipv4_tx tx = { .src = src, .dst = dst, .proto = proto, .tos = tos, .df = df };
    return ipv4_send_tx(h, p, &tx);
}

int ipv4_route_out(struct host *h, struct pkt *p)
{
    uint32_t dst = ntohl(((const struct ipv4_hdr *)p->data)->daddr);
    pkt_set_l3(p);
    if (host_is_local(h, dst))
        return loopback(h, p);
    const struct route *r = route_lookup(h, dst);
    if (!r) {
        host_drop(h, p, DROP_IP_NO_ROUTE);
        return -1;
    }
    return ipv4_transmit(h, p, r->dev, r->gateway ? r->gateway : dst, false);
}

int ipv4_send_to_nexthop(struct host *h, struct pkt *p, uint32_t nexthop)
{
    const struct route *r = route_lookup(h, nexthop);
    pkt_set_l3(p);
    if (!r || r->gateway) {       /* the next hop must be on a link of ours */
        host_drop(h, p, DROP_IP_NO_ROUTE);
        return -1;
    }
    return ipv4_transmit(h, p, r->dev, nexthop, false);
}

uint32_t ipv4_select_src(struct host *h, uint32_t dst)
{
    if (host_is_local(h, dst))
        return dst;
    const struct route *r = route_lookup(h, dst);
    if (!r || !r->dev->naddrs)
        return 0;
    if (r->src)
        return r->src;
    const struct netif *dev = r->dev;
    for (int i = 0; i < dev->naddrs; i++)  /* an address in the destination's subnet first */
        if (((dev->addrs[i].addr ^ dst) & route_mask(dev->addrs[i].prefix_len)) == 0)
            return dev->addrs[i].addr;
    uint32_t via = r->gateway ? r->gateway : dst;
    for (int i = 0; i < dev->naddrs; i++)
        if (((dev->addrs[i].addr ^ via) & route_mask(dev->addrs[i].prefix_len)) == 0)
            return dev->addrs[i].addr;
    return dev->addrs[0].addr;
}

uint32_t ipv4_path_mtu(struct host *h, uint32_t dst)
{
    if (host_is_local(h, dst))
        return h->lo->mtu;
    const struct route *r = route_lookup(h, dst);
    if (!r)
        return 0;
    uint32_t learnt = route_pmtu(h, dst);
    return learnt && learnt < r->dev->mtu ? learnt : r->dev->mtu;
}

/* ---- with a struct dst_cache ---- */

static bool multicast_or_broadcast(uint32_t dst) { return (dst >> 28) == 0xe || dst == 0xffffffff; }

/* A multicast or broadcast destination is not cached (its packets take
 * the uncached way, as they would from a cache): a cached route out is to
 * a unicast address. Out of line and cold: inlined, it made every valid
 * use of a cache save and restore the registers it needs. */
__attribute__((noinline, cold)) bool ipv4_dst_fill(struct host *h, struct dst_cache *dc, uint32_t dst,
                                                   enum dst_kind kind)
{
    *dc = (struct dst_cache){ 0 };
    if (kind == DST_ROUTE_OUT && multicast_or_broadcast(dst))
        return false;
    if (kind == DST_ROUTE_OUT && host_is_local(h, dst)) {
        dc->local = true;
    } else {
        const struct route *r = route_lookup(h, dst);
        if (!r || (kind == DST_NEXTHOP && r->gateway))
            return false;
        dc->dev = r->dev;
        dc->nh = r->gateway ? r->gateway : dst;
    }
    if (kind == DST_ROUTE_OUT) {
        dc->src = ipv4_select_src(h, dst);
        dc->src_dst_sum = addr_sum(dc->src, dst);
        dc->pmtu = route_pmtu_until(h, dst, &dc->pmtu_expires);
    }
    dc->dst = dst;
    dc->kind = (uint8_t)kind;
    dc->gen = h->dst_gen;
    return true;
}

/* ipv4_transmit and the neighbour step, for a packet to a unicast address
 * whose route is cached; anything unusual takes the uncached way. */
static int transmit_cached(struct host *h, struct pkt *p, struct dst_cache *dc)
{
    struct netif *dev = dc->dev;
    if (!(dev->flags & NETIF_UP) || sw_wire_len(p) > dev->mtu ||
        (pkt_has_offload(p) && !(dev->flags & NETIF_OFFLOAD)))
        return ipv4_transmit(h, p, dev, dc->nh, false);
    arp_output_hint(dev, p, dc->nh, &dc->neigh);
    return 0;
}

int ipv4_route_out_cached(struct host *h, struct pkt *p, struct dst_cache *dc)
{
    uint32_t dst = ntohl(((const struct ipv4_hdr *)p->data)->daddr);
    if (!dst_cache_valid(h, dc, dst, DST_ROUTE_OUT) && !ipv4_dst_fill(h, dc, dst, DST_ROUTE_OUT))
        return ipv4_route_out(h, p);
    pkt_set_l3(p);
    if (dc->local)
        return loopback(h, p);
    return transmit_cached(h, p, dc);
}

int ipv4_send_to_nexthop_cached(struct host *h, struct pkt *p, uint32_t nexthop, struct dst_cache *dc)
{
    if (!dst_cache_valid(h, dc, nexthop, DST_NEXTHOP) && !ipv4_dst_fill(h, dc, nexthop, DST_NEXTHOP))
        return ipv4_send_to_nexthop(h, p, nexthop);
    pkt_set_l3(p);
    if (multicast_or_broadcast(ntohl(((const struct ipv4_hdr *)p->data)->daddr)))
        return ipv4_transmit(h, p, dc->dev, dc->nh, false);    /* the next hop is cached, not the packet's address */
    return transmit_cached(h, p, dc);
}

uint32_t ipv4_path_mtu_cached(struct host *h, uint32_t dst, struct dst_cache *dc)
{
    uint32_t mtu = ipv4_dst_hold(h, dc, dst);
    return mtu ? mtu : ipv4_path_mtu(h, dst);
}

int ipv4_send_tx_held(struct host *h, struct pkt *p, const struct ipv4_tx *tx, struct dst_cache *dc)
{
    return send_built(h, p, tx, dc->src, dc->src_dst_sum, dc->local, dc->dev, dc->nh, dc);
}
