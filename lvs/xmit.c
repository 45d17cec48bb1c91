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

/* Rewrite one end of the packet (source or destination) to addr:port:
 * the IP checksum for the address, the TCP/UDP checksum for both, folded
 * one field after the other exactly as two separate RFC 1624 updates
 * would (a UDP datagram without a checksum stays without; a computed zero
 * is sent as all ones, RFC 768), with the transport header found once.
 * A partial transport checksum holds only the pseudo-header's sum, which
 * the port is not part of: the address alone updates it
 * (inet_proto_csum_replace4 with pseudohdr on CHECKSUM_PARTIAL). */
static void rewrite(struct pkt *p, bool source, uint32_t addr, uint16_t port)
{
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    uint8_t *l4 = (uint8_t *)ip + ipv4_hdr_len(ip);
    bool udp = ip->proto != IPPROTO_TCP;
    uint8_t *check_field = l4 + (udp ? 6 : 16), *port_field = l4 + (source ? 0 : 2);
    uint8_t *addr_field = source ? (uint8_t *)&ip->saddr : (uint8_t *)&ip->daddr;
    uint32_t old_a, new_a = htonl(addr);
    uint16_t old_p, new_p = htons(port), check, ip_check = ip->check;
    memcpy(&old_a, addr_field, 4);
    memcpy(&old_p, port_field, 2);
    memcpy(&check, check_field, 2);
    csum_replace4(&ip_check, old_a, new_a);
    ip->check = ip_check;
    if (p->off.csum_partial) {
        check = (uint16_t)~check;
        csum_replace4(&check, old_a, new_a);
        check = (uint16_t)~check;
        memcpy(check_field, &check, 2);
    } else if (!udp || check) {
        csum_replace4(&check, old_a, new_a);
        if (udp && !check)
            check = 0xffff;
        csum_replace2(&check, old_p, new_p);
        if (udp && !check)
            check = 0xffff;
        memcpy(check_field, &check, 2);
    }
    memcpy(addr_field, &new_a, 4);
    memcpy(port_field, &new_p, 2);
}

/* false: the packet's TTL ran out and it is gone (ICMP sent). */
static bool decrement_ttl(struct ipvs *ipvs, struct pkt *p)
{
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    if (ip->ttl <= 1) {
        icmp_send_error(ipvs->host, p, ICMP_TIME_EXCEEDED, 0, 0);
        host_drop(ipvs->host, p, DROP_IP_TTL);
        return false;
    }
    /* TTL and protocol make one checksum word; it is read and written
     * whole (a byte store and then a word load of it would stall) */
    uint16_t old, now, check = ip->check;
    memcpy(&old, &ip->ttl, 2);
    now = (uint16_t)(old - ntohs(1u << 8));     /* the TTL byte, above 1, loses one */
    memcpy(&ip->ttl, &now, 2);
    csum_replace2(&check, old, now);
    ip->check = check;
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
    if (!decrement_ttl(ipvs, p))
        return;
    rewrite(p, false, cp->daddr, cp->dport);
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
    bool held = dc && ipv4_dst_hold(ipvs->host, dc, cp->daddr);
    uint32_t pmtu = held ? ipv4_dst_mtu(ipvs->host, dc) : ipv4_path_mtu(ipvs->host, cp->daddr);
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
    if (!decrement_ttl(ipvs, p))
        return;
    if (toa && ipvs_toa_insert(p, cp->caddr, cp->cport, path_mtu(ipvs, cp)) > 0)
        cp->flags |= IPVS_CONN_F_TOA_DONE;
    rewrite(p, true, cp->laddr, cp->lport);
    rewrite(p, false, cp->daddr, cp->dport);
    route_out(ipvs, cp, p);
}

ipvs_xmit_fn ipvs_xmit_for(enum ipvs_fwd fwd)
{
    static const ipvs_xmit_fn table[IPVS_FWD_METHODS] = {
        [IPVS_FWD_MASQ] = xmit_nat, [IPVS_FWD_DROUTE] = xmit_dr,
        [IPVS_FWD_TUNNEL] = xmit_tun, [IPVS_FWD_FULLNAT] = xmit_fullnat,
    };
    return table[fwd];
}

void ipvs_xmit_reply(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p)
{
    if (!decrement_ttl(ipvs, p))
        return;
    rewrite(p, true, cp->vaddr, cp->vport);
    if (cp->fwd == IPVS_FWD_FULLNAT) {
        rewrite(p, false, cp->caddr, cp->cport);
    }
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
