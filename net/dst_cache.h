/*
 * A route and neighbour resolved once for a destination a sender uses
 * again and again (the kernel's dst_cache on ip_vs_dest): the director
 * keeps one per real server. It is valid while the host's dst_gen is the
 * one it was filled at; adding or removing a route or an address,
 * forgetting a neighbour, and learning a path MTU bump that generation.
 * What can change without a bump (an interface's MTU or state, a
 * neighbour's reachability, a learnt path MTU's lapse) is checked on every
 * use, so a cached send does exactly what an uncached one would.
 */
#ifndef NET_DST_CACHE_H
#define NET_DST_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/simtime.h"
#include "net/host.h"

struct arp_entry;

/* DST_ROUTE_OUT: a route to a unicast destination (multicast and broadcast
 * ones are not cached); DST_NEXTHOP: a next hop on a link of ours. */
enum dst_kind { DST_ROUTE_OUT = 1, DST_NEXTHOP };

struct dst_cache {
    uint32_t gen;              /* host->dst_gen when filled; 0: empty */
    uint32_t dst;              /* the destination (or next hop) it is for */
    uint8_t kind;              /* enum dst_kind: how it was resolved */
    bool local;                /* one of our addresses: loopback */
    struct netif *dev;
    uint32_t nh;               /* the next hop on dev */
    uint32_t src;              /* ipv4_select_src(dst) */
    uint32_t src_dst_sum;      /* src's and dst's 16-bit words summed: half a header checksum */
    uint32_t pmtu;             /* route_pmtu(dst) when filled, 0: none (DST_ROUTE_OUT) */
    sim_time_t pmtu_expires;   /* when pmtu lapses */
    struct arp_entry *neigh;   /* the next hop's ARP entry, a hint */
};

/* Still good for dst resolved as kind. */
static inline bool dst_cache_valid(const struct host *h, const struct dst_cache *dc, uint32_t dst,
                                   enum dst_kind kind)
{
    return dc->gen == h->dst_gen && dc->dst == dst && dc->kind == kind;
}

/* ipv4_path_mtu(dc->dst) for a valid DST_ROUTE_OUT cache: the path MTU
 * learnt when it was filled (a newer one bumped the generation) unless it
 * lapsed, else the interface's. */
static inline uint32_t dst_cache_mtu(struct host *h, const struct dst_cache *dc)
{
    if (dc->local)
        return h->lo->mtu;
    uint32_t mtu = dc->dev->mtu;
    if (dc->pmtu && dc->pmtu < mtu && dc->pmtu_expires > rt_now(h->rt))
        return dc->pmtu;
    return mtu;
}

#endif
