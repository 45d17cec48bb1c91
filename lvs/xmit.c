/*
 * NAT, DR, TUN and FULLNAT transmit, and the NAT/FULLNAT reply rewrite.
 * Address and port rewrites update the IP and TCP/UDP checksums
 * incrementally (RFC 1624); the forwarded packet's TTL drops by one as the
 * kernel's decrement_ttl does, answering ICMP time exceeded at 1. A packet
 * with offloads (a partial checksum, GSO: emulated world only) keeps them
 * where the rewrite allows, as the kernel's does.
 */
#include "lvs/xmit.h"

#include <string.h>

#include "lvs/toa.h"
#include "net/csum.h"
#include "net/dst_cache.h"
#include "net/hdr.h"
#include "net/host.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/sw_offload.h"

/* The TTL is checked before anything else; false: it ran out and the
 * packet is gone (ICMP time exceeded sent), as the kernel's decrement_ttl. */
static bool ttl_expired(struct ipvs *ipvs, struct pkt *p)
{
    if (((struct ipv4_hdr *)p->data)->ttl > 1)
        return false;
    icmp_send_error(ipvs->host, p, ICMP_TIME_EXCEEDED, 0, 0);
    host_drop(ipvs->host, p, DROP_IP_TTL);
    return true;
}

enum { NEW_SOURCE = 1, NEW_DEST = 2 };

/* The TTL, checked above 1, drops by one; the ends named in ends (source,
 * destination) become the given addresses and ports, host order. Each
 * checksum is updated once for all its fields (RFC 1624, csum_apply): the
 * IP one for TTL and addresses, the TCP/UDP one for addresses and ports (a
 * UDP datagram without a checksum stays without; a computed zero is sent
 * as all ones, RFC 768), with the transport header found once. A partial
 * transport checksum holds only the pseudo-header's sum, which the ports
 * are not part of: the addresses alone update it
 * (inet_proto_csum_replace4 with pseudohdr on CHECKSUM_PARTIAL). Inline:
 * each caller's ends are a constant. */
static inline void rewrite(struct pkt *p, unsigned ends, uint32_t saddr, uint16_t sport, uint32_t daddr,
                           uint16_t dport)
{
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    /* the checksum word of TTL and protocol loses 0x0100 (the TTL being
     * above 1, nothing borrows): its change ~m + m' is that constant */
    ip->ttl--;
    const uint32_t ttl_delta = (uint16_t)~htons(0x0100);
    uint32_t addrs = 0, ports = 0;
    uint8_t *l4 = (uint8_t *)ip + ipv4_hdr_len(ip);
    if (ends & NEW_SOURCE) {
        uint32_t old_a = ip->saddr, new_a = htonl(saddr);
        uint16_t old_p, new_p = htons(sport);
        memcpy(&old_p, l4, 2);
        addrs += csum_delta4(old_a, new_a);
        ports += csum_delta2(old_p, new_p);
        ip->saddr = new_a;
        memcpy(l4, &new_p, 2);
    }
    if (ends & NEW_DEST) {
        uint32_t old_a = ip->daddr, new_a = htonl(daddr);
        uint16_t old_p, new_p = htons(dport);
        memcpy(&old_p, l4 + 2, 2);
        addrs += csum_delta4(old_a, new_a);
        ports += csum_delta2(old_p, new_p);
        ip->daddr = new_a;
        memcpy(l4 + 2, &new_p, 2);
    }
    ip->check = csum_apply(ip->check, ttl_delta + addrs);
    bool udp = ip->proto != IPPROTO_TCP;
    uint8_t *check_field = l4 + (udp ? 6 : 16);
    uint16_t check;
    memcpy(&check, check_field, 2);
    if (p->off.csum_partial) {
        check = (uint16_t)~csum_apply((uint16_t)~check, addrs);
    } else if (!udp || check) {
        check = csum_apply(check, addrs + ports);
        if (udp && !check)
            check = 0xffff;
    } else {
        return;
    }
    memcpy(check_field, &check, 2);
}

/* false: the packet's TTL ran out and it is gone (ICMP sent). Else the
 * TTL drops by one and the checksum rises by the 0x0100 its word lost,
 * with the end-around carry, as the kernel's ip_decrease_ttl: the same
 * checksum as rewrite's RFC 1624 update (for every checksum and TTL), in
 * fewer instructions. */
static bool decrement_ttl(struct ipvs *ipvs, struct pkt *p)
{
    if (ttl_expired(ipvs, p))
        return false;
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    uint32_t check = ip->check + (uint32_t)htons(0x0100);
    ip->check = (uint16_t)(check + (check >= 0xffff));
    ip->ttl--;
    return true;
}

/* The dest's cached route and neighbour (the kernel's dest_dst), or none
 * for an entry that connection sync made without its dest. */
static struct dst_cache *dest_dst(struct ipvs_conn *cp) { return cp->dest ? &cp->dest->dst : NULL; }

static void route_out(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p)
{
    struct dst_cache *dc = dest_dst(cp);
    if (dc)
        ipv4_route_out_cached(ipvs->host, p, dc);
    else
        ipv4_route_out(ipvs->host, p);
}

static uint32_t path_mtu(struct ipvs *ipvs, struct ipvs_conn *cp)
{
    struct dst_cache *dc = dest_dst(cp);
    return dc ? ipv4_path_mtu_cached(ipvs->host, cp->daddr, dc) : ipv4_path_mtu(ipvs->host, cp->daddr);
}

/* -m: the destination becomes the real server. */
static void xmit_nat(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p)
{
    if (ttl_expired(ipvs, p))
        return;
    host_work_add(ipvs->host, WORK_XMIT_NAT, 1);
    rewrite(p, NEW_DEST, 0, 0, cp->daddr, cp->dport);
    route_out(ipvs, cp, p);
}

/* -g: the packet is unchanged; only the frame goes to the real server's MAC. */
static void xmit_dr(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p)
{
    if (!decrement_ttl(ipvs, p))
        return;
    host_work_add(ipvs->host, WORK_XMIT_DR, 1);
    struct dst_cache *dc = dest_dst(cp);
    if (dc)
        ipv4_send_to_nexthop_cached(ipvs->host, p, cp->daddr, dc);
    else
        ipv4_send_to_nexthop(ipvs->host, p, cp->daddr);
}

/* A packet with offloads as the plain packets it stands for, each sent by
 * xmit: for a path that cannot carry them. */
static void xmit_in_software(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p, ipvs_xmit_fn xmit)
{
    struct pkt_queue q = { 0 };
    sw_offload_resolve(ipvs->host, p, &q);
    while (q.first)
        xmit(ipvs, cp, pkt_queue_pop(&q));
}

/* -i: an outer IPv4 header to the real server, protocol 4. The inner DF bit
 * goes outside; a DF packet that no longer fits is refused with
 * fragmentation-needed carrying the MTU left for it, as the kernel's
 * ensure_mtu_is_adequate. A TAP's GSO cannot say "IP-in-IP", and the real
 * server's end reads the inner packet as bytes: a packet with offloads is
 * segmented and checksummed here first. */
static void xmit_tun(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p)
{
    if (pkt_has_offload(p)) {
        xmit_in_software(ipvs, cp, p, xmit_tun);
        return;
    }
    if (!decrement_ttl(ipvs, p))
        return;
    host_work_add(ipvs->host, WORK_XMIT_TUN, 1);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    bool df = ntohs(ip->frag_off) & IPV4_DF;
    struct dst_cache *dc = dest_dst(cp);
    uint32_t pmtu = dc ? ipv4_dst_hold(ipvs->host, dc, cp->daddr) : 0;
    bool held = pmtu != 0;
    if (!held)
        pmtu = ipv4_path_mtu(ipvs->host, cp->daddr);
    if (!pmtu) {
        host_drop(ipvs->host, p, DROP_IP_NO_ROUTE);
        return;
    }
    uint32_t mtu = pmtu - IPV4_HLEN;
    if (df && p->len > mtu) {
        icmp_send_error(ipvs->host, p, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mtu);
        host_drop(ipvs->host, p, DROP_IP_DF_TOO_BIG);
        return;
    }
    struct ipv4_tx tx = { .dst = cp->daddr, .proto = IPPROTO_IPIP, .tos = ip->tos,
                          .ttl = ip->ttl, .df = df };
    if (held)
        ipv4_send_tx_held(ipvs->host, p, &tx, dc);
    else
        ipv4_send_tx(ipvs->host, p, &tx);
}

/* The TCP header of a segment whose whole header is there, else NULL. */
static struct tcp_hdr *whole_tcp_hdr(struct pkt *p)
{
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    if (ip->proto != IPPROTO_TCP)
        return NULL;
    unsigned ihl = ipv4_hdr_len(ip), tot = ntohs(ip->tot_len);
    struct tcp_hdr *th = (struct tcp_hdr *)(p->data + ihl);
    unsigned hl = tcp_hdr_len(th);
    return hl >= TCP_HLEN && ihl + hl <= tot && tot <= p->len ? th : NULL;
}

/* The option of the given kind and length in a TCP header, or NULL; NULL
 * too for a malformed option list (left to the end host), as the patch's
 * walks over the options (tcp_parse_options). */
static uint8_t *tcp_option(struct tcp_hdr *th, uint8_t kind, uint8_t len)
{
    uint8_t *opt = (uint8_t *)(th + 1), *end = (uint8_t *)th + tcp_hdr_len(th);
    while (opt < end && *opt != TCPOPT_EOL) {
        if (*opt == TCPOPT_NOP) {
            opt++;
            continue;
        }
        if (end - opt < 2 || opt[1] < 2 || opt[1] > end - opt)
            return NULL;
        if (opt[0] == kind && opt[1] == len)
            return opt;
        opt += opt[1];
    }
    return NULL;
}

/* tcp_opt_remove_timestamp (the patch's fullnat_timestamp_remove_entry, on
 * by default): the client SYN's timestamp option becomes ten NOPs, for the
 * real server sees the clients of one local address as one peer, whose
 * clocks disagree. The server then answers without timestamps and the
 * connection has none. The checksum is updated over the even-aligned words
 * that cover the option (a partial one is the device's to finish). */
static void fullnat_remove_timestamp(struct pkt *p, struct tcp_hdr *th)
{
    uint8_t *ts = tcp_option(th, TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP);
    if (!ts)
        return;
    unsigned from = (unsigned)(ts - (uint8_t *)th) & ~1u, to = (unsigned)(ts - (uint8_t *)th) + TCPOLEN_TIMESTAMP;
    to += to & 1;
    uint8_t *span = (uint8_t *)th + from;
    uint16_t old_sum = (uint16_t)~csum_fold(csum_partial(span, to - from, 0));
    memset(ts, TCPOPT_NOP, TCPOLEN_TIMESTAMP);
    if (p->off.csum_partial)
        return;
    uint16_t new_sum = (uint16_t)~csum_fold(csum_partial(span, to - from, 0));
    th->check = csum_apply(th->check, csum_delta2(old_sum, new_sum));
}

/* FULLNAT: the client's tuple becomes the local one and the virtual one the
 * real server's. As the patch's tcp_fnat_in_handler, a client SYN loses its
 * timestamps and takes a TOA option with the client's address and port;
 * so does (fullnat_toa_entry, on by default) every later segment that
 * acknowledges the real server's ISN + 1 (fullnat_ack: nothing of the
 * server's data yet) and has none of SYN, RST and FIN, while the TCP
 * header has room. The window closes for good once the client acknowledges
 * more (the patch compares every segment: it would still put TOA on one
 * reordered from before that); until the real server's SYN-ACK, only the
 * SYN takes it. A GSO packet that would carry it is segmented first, so
 * that each segment does, as on a wire without offloads. */
static void xmit_fullnat(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p);

/* The rewrite to the local and real server's tuples, and out. */
static inline void fullnat_send(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p)
{
    host_work_add(ipvs->host, WORK_XMIT_FULLNAT, 1);
    rewrite(p, NEW_SOURCE | NEW_DEST, cp->laddr, cp->lport, cp->daddr, cp->dport);
    route_out(ipvs, cp, p);
}

/* A SYN, or a segment while the TOA window is open: whether it takes TOA,
 * then as xmit_fullnat. Apart, so that the established path stays short. */
static __attribute__((noinline)) void xmit_fullnat_toa(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p)
{
    struct tcp_hdr *th = whole_tcp_hdr(p);
    bool toa = false;
    if (th) {
        uint8_t f = th->flags;
        struct ipvs_conn_cold *cold = ipvs_conn_cold(cp);
        if ((f & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
            toa = true;
            /* the proxy's SYN: the client already acknowledged the cookie, which
             * stands for the server's ISN on its side; else wait for the SYN-ACK */
            if (cp->flags & IPVS_CONN_F_SYNPROXY) {
                cold->fullnat_ack = cold->synproxy_seq + 1;
                cp->flags &= (uint8_t)~IPVS_CONN_F_TOA_DONE;
            } else {
                cp->flags |= IPVS_CONN_F_TOA_DONE;
            }
        } else if (!(cp->flags & IPVS_CONN_F_TOA_DONE)) {
            /* the proxy has moved the ack into the server's space already
             * (the patch compares before its translation): moved back */
            uint32_t ack = ntohl(th->ack), want = cold->fullnat_ack;
            if (cp->flags & IPVS_CONN_F_SYNPROXY)
                ack += cold->synproxy_seq;
            if (ack == want)
                toa = !(f & (TCP_SYN | TCP_RST | TCP_FIN));
            else if ((f & TCP_ACK) && (int32_t)(ack - want) > 0)
                cp->flags |= IPVS_CONN_F_TOA_DONE;
        }
    }
    if (toa && pkt_is_gso(p)) {
        xmit_in_software(ipvs, cp, p, xmit_fullnat);
        return;
    }
    if (ttl_expired(ipvs, p))
        return;
    if (toa) {
        if (th->flags & TCP_SYN)
            fullnat_remove_timestamp(p, th);
        if (ipvs_toa_insert(p, cp->caddr, cp->cport, path_mtu(ipvs, cp)))
            host_work_add(ipvs->host, WORK_TOA, 1);
    }
    fullnat_send(ipvs, cp, p);
}

static void xmit_fullnat(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
    if (ip->proto == IPPROTO_TCP) {
        /* the director parsed the fixed header: flags are there */
        const struct tcp_hdr *th = (const struct tcp_hdr *)(p->data + ipv4_hdr_len(ip));
        if (!(cp->flags & IPVS_CONN_F_TOA_DONE) || (th->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
            xmit_fullnat_toa(ipvs, cp, p);
            return;
        }
    }
    if (ttl_expired(ipvs, p))
        return;
    fullnat_send(ipvs, cp, p);
}

const ipvs_xmit_fn ipvs_xmit_table[IPVS_FWD_METHODS] = {
    [IPVS_FWD_MASQ] = xmit_nat, [IPVS_FWD_DROUTE] = xmit_dr,
    [IPVS_FWD_TUNNEL] = xmit_tun, [IPVS_FWD_FULLNAT] = xmit_fullnat,
};

/* tcp_fnat_out_handler on the real server's SYN-ACK: its MSS option drops
 * by the TOA option's 8 bytes (the patch's fullnat_mss_adjust_entry, on by
 * default), so that the client's segments, which may carry TOA, still fit
 * the path to the server; and its ISN + 1 is what the client's segments
 * that take TOA acknowledge. A partial checksum is the device's to finish. */
static void fullnat_out(struct ipvs_conn *cp, struct pkt *p)
{
    struct tcp_hdr *th = whole_tcp_hdr(p);
    if (!th || (th->flags & (TCP_SYN | TCP_ACK | TCP_RST)) != (TCP_SYN | TCP_ACK))
        return;
    if (!(cp->flags & IPVS_CONN_F_SYNPROXY)) {
        ipvs_conn_cold(cp)->fullnat_ack = ntohl(th->seq) + 1;
        cp->flags &= (uint8_t)~IPVS_CONN_F_TOA_DONE;
    }
    uint8_t *opt = tcp_option(th, TCPOPT_MSS, TCPOLEN_MSS);
    if (!opt)
        return;
    uint16_t old, new_, mss = (uint16_t)(opt[2] << 8 | opt[3]);
    if (mss <= TCPOLEN_TOA)
        return;
    memcpy(&old, opt + 2, 2);
    mss -= TCPOLEN_TOA;
    opt[2] = (uint8_t)(mss >> 8);
    opt[3] = (uint8_t)mss;
    if (p->off.csum_partial)
        return;
    memcpy(&new_, opt + 2, 2);
    th->check = csum_apply(th->check, csum_delta2(old, new_));
}

void ipvs_xmit_reply(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p)
{
    if (ttl_expired(ipvs, p))
        return;
    host_work_add(ipvs->host, cp->fwd == IPVS_FWD_FULLNAT ? WORK_REPLY_FULLNAT : WORK_REPLY_NAT, 1);
    if (cp->fwd == IPVS_FWD_FULLNAT) {
        fullnat_out(cp, p);
        rewrite(p, NEW_SOURCE | NEW_DEST, cp->vaddr, cp->vport, cp->caddr, cp->cport);
    } else
        rewrite(p, NEW_SOURCE, cp->vaddr, cp->vport, 0, 0);
    ipv4_route_out(ipvs->host, p);
}
