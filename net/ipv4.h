/*
 * IPv4: input (checks, reassembly, local delivery or forwarding) and output
 * (routing, header, fragmentation, neighbour resolution). Addresses are in
 * host byte order in every argument.
 */
#ifndef NET_IPV4_H
#define NET_IPV4_H

#include <stdbool.h>
#include <stdint.h>

#include "net/dst_cache.h"
#include "net/host.h"

#define IPV4_DEFAULT_TTL 64

/* Input from Ethernet (or lo, or a tunnel): data at the IPv4 header, in
 * the interface it came in on; takes ownership. */
void ipv4_input(struct host *h, struct netif *in, struct pkt *p);

/* Send a transport payload (data at the transport header, headroom for the IP
 * and Ethernet headers). src 0 picks the source for the route. Builds the
 * header (id, TTL, checksum), routes, fragments unless df, resolves the next
 * hop and transmits. Always takes ownership; returns 0, or -1 when the packet
 * was dropped here (no route, DF and too big, ...; counted in h->drops). */
int ipv4_send(struct host *h, struct pkt *p, uint32_t src, uint32_t dst,
              uint8_t proto, uint8_t tos, bool df);

/* Send a complete IPv4 packet (data at its header, checksum correct) by
 * routing its destination, as a forwarder does after a rewrite. Used by the
 * director's NAT and FULLNAT transmit. Takes ownership; 0 or -1 as above. */
int ipv4_route_out(struct host *h, struct pkt *p);

/* Send a complete IPv4 packet to the given next hop on the interface that
 * reaches it, unchanged (the director's DR transmit). */
int ipv4_send_to_nexthop(struct host *h, struct pkt *p, uint32_t nexthop);

/* The source address this host would use towards dst; 0 if no route. */
uint32_t ipv4_select_src(struct host *h, uint32_t dst);

/* The MTU towards dst: the route's interface MTU, lowered by what ICMP
 * fragmentation-needed messages taught (the path-MTU cache). 0 if no route. */
uint32_t ipv4_path_mtu(struct host *h, uint32_t dst);

/* Everything ipv4_send sets, for senders that need more (VRRP: TTL 255 on
 * a given interface). dev NULL: the route's. */
struct ipv4_tx {
    uint32_t src, dst;
    uint8_t proto, tos, ttl;
    bool df;
    struct netif *dev;
};
int ipv4_send_tx(struct host *h, struct pkt *p, const struct ipv4_tx *tx);

/* The same with a struct dst_cache (net/dst_cache.h) for dst: the route,
 * source and neighbour are resolved once, then revalidated on each use;
 * what is sent, dropped or counted is exactly what the uncached call does. */
int ipv4_route_out_cached(struct host *h, struct pkt *p, struct dst_cache *dc);
int ipv4_send_to_nexthop_cached(struct host *h, struct pkt *p, uint32_t nexthop, struct dst_cache *dc);
uint32_t ipv4_path_mtu_cached(struct host *h, uint32_t dst, struct dst_cache *dc);

/* Fill dc for dst as ipv4_route_out (DST_ROUTE_OUT) or
 * ipv4_send_to_nexthop (DST_NEXTHOP) would resolve it; false (dc left
 * empty) when that would drop. The cached calls' slow half. */
bool ipv4_dst_fill(struct host *h, struct dst_cache *dc, uint32_t dst, enum dst_kind kind);

/* A sender that asks for the path MTU and then sends (a tunnel) validates
 * once: ipv4_dst_hold makes dc good for a route out to dst and returns
 * ipv4_path_mtu(dst) (0: not held, the uncached calls must be used: they
 * give the same answer); while held, ipv4_send_tx_held is ipv4_send_tx for
 * a tx to dst with no source and no device of its own. Inline: a tunnel
 * asks it for every packet. */
static inline uint32_t ipv4_dst_hold(struct host *h, struct dst_cache *dc, uint32_t dst)
{
    if (!dst_cache_valid(h, dc, dst, DST_ROUTE_OUT) && !ipv4_dst_fill(h, dc, dst, DST_ROUTE_OUT))
        return 0;
    return dst_cache_mtu(h, dc);
}
int ipv4_send_tx_held(struct host *h, struct pkt *p, const struct ipv4_tx *tx, struct dst_cache *dc);

/* Set the header checksum of the IPv4 header at hdr. */
void ipv4_set_checksum(uint8_t *hdr);

/* Packets a host sends to itself go through lo on the next event. */
void ipv4_loopback_init(struct host *h);
void ipv4_loopback_free(struct host *h);

#endif
