/*
 * IPv4 input: header checks (each failure dropped and counted), options
 * validated and skipped, strict reverse-path filtering, then local
 * delivery (reassembly, LOCAL_IN hooks, the transport) or forwarding
 * (FORWARD hooks, TTL, route, MTU).
 */
#include "net/ipv4.h"

#include <string.h>

#include "net/csum.h"
#include "net/hdr.h"
#include "net/icmp.h"
#include "net/ipv4_frag.h"
#include "net/ipv4_int.h"
#include "net/redirect.h"
#include "net/route.h"
#include "net/sw_offload.h"

/* Data at the IP header (pkt_l3 there too), header checked; takes ownership. */
static void ipv4_local_deliver(struct host *h, struct pkt *p);
static void ipv4_forward(struct host *h, struct pkt *p);

/* RFC 791 options: every option well-formed within the header. */
static bool options_valid(const uint8_t *opt, unsigned len)
{
    unsigned i = 0;
    while (i < len) {
        uint8_t type = opt[i];
        if (type == 0)             /* end of options */
            return true;
        if (type == 1) {           /* no-op */
            i++;
            continue;
        }
        if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
            return false;
        i += opt[i + 1];
    }
    return true;
}

static bool is_broadcast_for(const struct host *h, uint32_t dst)
{
    if (dst == 0xffffffff)
        return true;
    for (int i = 0; i < h->nifs; i++)
        for (int k = 0; k < h->ifs[i]->naddrs; k++) {
            const struct netif_addr *a = &h->ifs[i]->addrs[k];
            if (a->prefix_len < 31 && (dst | route_mask(a->prefix_len)) == dst &&
                ((dst ^ a->addr) & route_mask(a->prefix_len)) == 0)
                return true;
        }
    return false;
}

/* Not one of our addresses: a broadcast or a joined group is delivered
 * all the same; the rest is forwarded, or dropped on a host that does not
 * forward. */
__attribute__((noinline)) static void input_not_local(struct host *h, struct pkt *p, uint32_t dst)
{
    if (is_broadcast_for(h, dst) || ((dst >> 28) == 0xe && host_in_group(h, dst))) {
        ipv4_local_deliver(h, p);
        return;
    }
    if ((dst >> 28) == 0xe || !h->ip_forward) {
        host_drop(h, p, DROP_IP_NOT_FOR_US);
        return;
    }
    ipv4_forward(h, p);
}

/* The routing decision for a packet past PRE_ROUTING and rp_filter. */
static inline void input_route(struct host *h, struct pkt *p, uint32_t dst)
{
    if (host_is_local(h, dst))
        ipv4_local_deliver(h, p);
    else
        input_not_local(h, p, dst);
}

static bool rp_filter_strict(const struct host *h, const struct netif *in, bool from_lo)
{
    return !from_lo && ipv4_eff(h->rp_filter_all, in->rp_filter) == 1;
}

/* PRE_ROUTING hooks, then strict rp_filter, then the routing decision.
 * Out of line: most hosts have neither hook nor rp_filter, and their
 * packets pass through ipv4_input with no call but the last, hence no
 * registers to save. */
__attribute__((noinline)) static void input_prerouting(struct host *h, struct netif *in, struct pkt *p,
                                                       uint32_t src, uint32_t dst, bool from_lo)
{
    enum host_verdict v = host_run_hooks(h, HOOK_PRE_ROUTING, p);
    if (v != VERDICT_ACCEPT) {
        if (v == VERDICT_DROP)
            host_drop(h, p, DROP_HOOK);
        return;                    /* or stolen: the hook owns it */
    }
    if (rp_filter_strict(h, in, from_lo) && src) {
        const struct route *back = route_lookup(h, src);
        if (!back || back->dev != in) {
            host_drop(h, p, DROP_IP_RP_FILTER);
            return;
        }
    }
    input_route(h, p, dst);
}

/* The rest of the input, past version and header length: always inlined
 * into its two callers, so that the usual header's copy knows it has 20
 * bytes and no options. */
static inline __attribute__((always_inline)) void input_header(struct host *h, struct netif *in,
                                                               struct pkt *p, unsigned ihl)
{
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    unsigned total = ntohs(ip->tot_len);
    if (total < ihl || total > p->len) {
        host_drop(h, p, DROP_IP_LEN);
        return;
    }
    pkt_trim(p, total);            /* Ethernet pads short frames */
    if (csum_ipv4_hdr(ip, ihl) != 0) {
        host_drop(h, p, DROP_IP_CSUM);
        return;
    }
    if (ihl > IPV4_HLEN && !options_valid(p->data + IPV4_HLEN, ihl - IPV4_HLEN)) {
        host_drop(h, p, DROP_IP_OPTIONS);
        return;
    }
    uint32_t src = ntohl(ip->saddr), dst = ntohl(ip->daddr);
    bool from_lo = in->flags & NETIF_LOOPBACK;
    if (!from_lo && ((src >> 24) == 127 || (src >> 28) == 0xe || src == 0xffffffff ||
                     (dst >> 24) == 127)) {
        host_drop(h, p, DROP_IP_MARTIAN);
        return;
    }
    p->in_if = in;
    pkt_set_l3(p);
    if (host_has_hooks(h, HOOK_PRE_ROUTING) || rp_filter_strict(h, in, from_lo))
        input_prerouting(h, in, p, src, dst, from_lo);
    else
        input_route(h, p, dst);
}

/* A header other than the usual 20 bytes of version 4: options, or bad. */
__attribute__((noinline)) static void input_unusual_header(struct host *h, struct netif *in, struct pkt *p)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
    unsigned ihl = ipv4_hdr_len(ip);
    if ((ip->ver_ihl >> 4) != 4) {
        host_drop(h, p, DROP_IP_VERSION);
        return;
    }
    if (ihl < IPV4_HLEN || ihl > p->len) {
        host_drop(h, p, DROP_IP_HDR_LEN);
        return;
    }
    input_header(h, in, p, ihl);
}

void ipv4_input(struct host *h, struct netif *in, struct pkt *p)
{
    if (p->len < IPV4_HLEN) {
        host_drop(h, p, DROP_IP_SHORT);
        return;
    }
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
    if (ip->ver_ihl == (4 << 4 | IPV4_HLEN / 4))
        input_header(h, in, p, IPV4_HLEN);
    else
        input_unusual_header(h, in, p);
}

static void transport_input(struct host *h, const struct host_proto *proto, struct pkt *p)
{
    pkt_pull(p, ipv4_hdr_len((const struct ipv4_hdr *)p->data));
    pkt_set_l4(p);
    proto->input(proto->ctx, h, p);
}

/* Past LOCAL_IN: the transport registered for the protocol takes the
 * packet. Out of line: on a director the LOCAL_IN hook takes most packets,
 * and ipv4_local_deliver then saves fewer registers around it. */
__attribute__((noinline)) static void deliver_to_transport(struct host *h, struct pkt *p,
                                                           const struct ipv4_hdr *ip)
{
    const struct host_proto *proto = &h->proto[ip->proto];
    if (!proto->input) {
        uint32_t dst = ntohl(ip->daddr);
        if (host_is_local(h, dst))  /* not to broadcast or multicast */
            icmp_send_error(h, p, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
        host_drop(h, p, DROP_IP_NO_PROTO);
        return;
    }
    if (!pkt_has_offload(p)) {
        transport_input(h, proto, p);
        return;
    }
    /* the transports verify whole checksums and take segments, as from a wire */
    struct pkt_queue q = { 0 };
    sw_offload_resolve(h, p, &q);
    while (q.first)
        transport_input(h, proto, pkt_queue_pop(&q));
}

static void ipv4_local_deliver(struct host *h, struct pkt *p)
{
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    if (ip->frag_off & htons(IPV4_MF | IPV4_OFFMASK)) {     /* in network order: no swap */
        p = ipv4_reasm_add(h, p);
        if (!p)
            return;               /* waiting for the rest, or dropped */
        ip = (struct ipv4_hdr *)p->data;
        pkt_set_l3(p);            /* the whole datagram's; ipv4_input set the fragment's */
    }
    enum host_verdict v = host_run_hooks(h, HOOK_LOCAL_IN, p);
    if (v == VERDICT_STOLEN)
        return;
    if (v == VERDICT_DROP) {
        host_drop(h, p, DROP_HOOK);
        return;
    }
    deliver_to_transport(h, p, ip);
}

static void ipv4_forward(struct host *h, struct pkt *p)
{
    /* the route is chosen on input, as ip_route_input's; looked up again
     * only if a FORWARD hook moved the destination */
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    uint32_t dst = ntohl(ip->daddr);
    const struct route *r = route_lookup(h, dst);
    if (r && h->send_redirects)
        redirect_maybe_send(h, p, r);  /* before the FORWARD hooks change it, as ip_forward */
    enum host_verdict v = host_run_hooks(h, HOOK_FORWARD, p);
    if (v == VERDICT_STOLEN)
        return;
    if (v == VERDICT_DROP) {
        host_drop(h, p, DROP_HOOK);
        return;
    }
    ip = (struct ipv4_hdr *)p->data;
    if (ip->ttl <= 1) {
        icmp_send_error(h, p, ICMP_TIME_EXCEEDED, 0, 0);
        host_drop(h, p, DROP_IP_TTL);
        return;
    }
    if (ntohl(ip->daddr) != dst) {
        dst = ntohl(ip->daddr);
        r = route_lookup(h, dst);
    }
    uint32_t gateway;
    struct netif *dev;
    if (!r || !route_select(r, p->data, p->len, &gateway, &dev)) {
        icmp_send_error(h, p, ICMP_DEST_UNREACH, ICMP_NET_UNREACH, 0);
        host_drop(h, p, DROP_IP_NO_ROUTE);
        return;
    }
    /* TTL and protocol make one 16-bit word of the checksum */
    uint16_t old, now, check = ip->check;
    memcpy(&old, &ip->ttl, 2);
    now = (uint16_t)(old - ntohs(1u << 8));     /* the TTL byte, above 1, loses one */
    memcpy(&ip->ttl, &now, 2);
    csum_replace2(&check, old, now);
    ip->check = check;
    ipv4_transmit(h, p, dev, gateway ? gateway : dst, true);
}
