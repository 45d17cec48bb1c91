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
    rewrite(p, NEW_DEST, 0, 0, cp->daddr, cp->dport);
    route_out(ipvs, cp, p);
}

/* -g: the packet is unchanged; only the frame goes to the real server's MAC. */
static void xmit_dr(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p)
{
    if (!decrement_ttl(ipvs, p))
        return;
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

/* FULLNAT: the client's tuple becomes the local one and the virtual one the
 * real server's; the client's address rides in a TOA option on its first
 * ACK and first data segment. A GSO packet that would carry it is
 * segmented first, so that only its first segment does, as on a wire
 * without offloads. */
static void xmit_fullnat(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p)
{
    bool toa = ((struct ipv4_hdr *)p->data)->proto == IPPROTO_TCP && !(cp->flags & IPVS_CONN_F_TOA_DONE);
    if (toa && pkt_is_gso(p)) {
        xmit_in_software(ipvs, cp, p, xmit_fullnat);
        return;
    }
    if (ttl_expired(ipvs, p))
        return;
    if (toa && ipvs_toa_insert(p, cp->caddr, cp->cport, path_mtu(ipvs, cp)) > 0)
        cp->flags |= IPVS_CONN_F_TOA_DONE;
    rewrite(p, NEW_SOURCE | NEW_DEST, cp->laddr, cp->lport, cp->daddr, cp->dport);
    route_out(ipvs, cp, p);
}

const ipvs_xmit_fn ipvs_xmit_table[IPVS_FWD_METHODS] = {
    [IPVS_FWD_MASQ] = xmit_nat, [IPVS_FWD_DROUTE] = xmit_dr,
    [IPVS_FWD_TUNNEL] = xmit_tun, [IPVS_FWD_FULLNAT] = xmit_fullnat,
};

void ipvs_xmit_reply(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p)
{
    if (ttl_expired(ipvs, p))
        return;
    if (cp->fwd == IPVS_FWD_FULLNAT)
        rewrite(p, NEW_SOURCE | NEW_DEST, cp->vaddr, cp->vport, cp->caddr, cp->cport);
    else
        rewrite(p, NEW_SOURCE, cp->vaddr, cp->vport, 0, 0);
    ipv4_route_out(ipvs->host, p);
}

void ipvs_fullnat_adjust_mss(struct pkt *p)
{
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    struct tcp_hdr *th = (struct tcp_hdr *)((uint8_t *)ip + ipv4_hdr_len(ip));
    uint8_t *opt = (uint8_t *)(th + 1), *end = (uint8_t *)th + tcp_hdr_len(th);
    while (opt < end && *opt != TCPOPT_EOL) {
        if (*opt == TCPOPT_NOP) {
            opt++;
            continue;
        }
        if (end - opt < 2 || opt[1] < 2 || opt[1] > end - opt)
            return;                       /* malformed: leave it to the server */
        if (opt[0] == TCPOPT_MSS && opt[1] == 4) {
            uint16_t old, mss = (uint16_t)(opt[2] << 8 | opt[3]);
            if (mss <= TCPOLEN_TOA + 536)
                return;
            memcpy(&old, opt + 2, 2);
            mss -= TCPOLEN_TOA;
            opt[2] = (uint8_t)(mss >> 8);
            opt[3] = (uint8_t)mss;
            if (p->off.csum_partial)
                return;                   /* the option is in the bytes the device sums */
            uint16_t new_, check = th->check;
            memcpy(&new_, opt + 2, 2);
            csum_replace2(&check, old, new_);
            th->check = check;
            return;
        }
        opt += opt[1];
    }
}
