/*
 * NAT, DR, TUN and FULLNAT transmit, and the NAT/FULLNAT reply rewrite.
 * Address and port rewrites update the IP and TCP/UDP checksums
 * incrementally (RFC 1624); the forwarded packet's TTL drops by one as the
 * kernel's decrement_ttl does, answering ICMP time exceeded at 1.
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

/* Where the transport checksum sits: 16 bytes into TCP, 6 into UDP. */
static unsigned l4_check_off(const struct ipv4_hdr *ip) { return ip->proto == IPPROTO_TCP ? 16 : 6; }

/* Fold a change of old to new_ (network-order words, as in memory) into the
 * transport checksum; a UDP datagram without one stays without. */
static void l4_update(struct ipv4_hdr *ip, uint32_t old, uint32_t new_, bool word32)
{
    uint8_t *field = (uint8_t *)ip + ipv4_hdr_len(ip) + l4_check_off(ip);
    uint16_t check;
    memcpy(&check, field, 2);
    bool udp = ip->proto != IPPROTO_TCP;
    if (udp && !check)
        return;
    if (word32)
        csum_replace4(&check, old, new_);
    else
        csum_replace2(&check, (uint16_t)old, (uint16_t)new_);
    if (udp && !check)
        check = 0xffff;            /* RFC 768: a computed zero is sent as all ones */
    memcpy(field, &check, 2);
}

static void set_addr(struct ipv4_hdr *ip, bool source, uint32_t addr)
{
    uint32_t old = source ? ip->saddr : ip->daddr, new_ = htonl(addr);
    uint16_t check = ip->check;
    csum_replace4(&check, old, new_);
    ip->check = check;
    l4_update(ip, old, new_, true);
    if (source)
        ip->saddr = new_;
    else
        ip->daddr = new_;
}

/* Ports lead both TCP and UDP headers: source, then destination. */
static void set_port(struct ipv4_hdr *ip, bool source, uint16_t port)
{
    uint8_t *field = (uint8_t *)ip + ipv4_hdr_len(ip) + (source ? 0 : 2);
    uint16_t old, new_ = htons(port);
    memcpy(&old, field, 2);
    l4_update(ip, old, new_, false);
    memcpy(field, &new_, 2);
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
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    set_addr(ip, false, cp->daddr);
    set_port(ip, false, cp->dport);
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

/* -i: an outer IPv4 header to the real server, protocol 4. The inner DF bit
 * goes outside; a DF packet that no longer fits is refused with
 * fragmentation-needed carrying the MTU left for it, as the kernel's
 * ensure_mtu_is_adequate. */
static void xmit_tun(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p)
{
    if (!decrement_ttl(ipvs, p))
        return;
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    bool df = ntohs(ip->frag_off) & IPV4_DF;
    uint32_t pmtu = path_mtu(ipvs, cp);
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
    struct dst_cache *dc = dest_dst(cp);
    if (dc)
        ipv4_send_tx_cached(ipvs->host, p, &tx, dc);
    else
        ipv4_send_tx(ipvs->host, p, &tx);
}

/* FULLNAT: the client's tuple becomes the local one and the virtual one the
 * real server's; the client's address rides in a TOA option on its first
 * ACK and first data segment. */
static void xmit_fullnat(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p)
{
    if (!decrement_ttl(ipvs, p))
        return;
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    if (ip->proto == IPPROTO_TCP && !(cp->flags & IPVS_CONN_F_TOA_DONE)) {
        int carried = ipvs_toa_insert(p, cp->caddr, cp->cport, path_mtu(ipvs, cp));
        if (carried > 0)
            cp->flags |= IPVS_CONN_F_TOA_DONE;
        ip = (struct ipv4_hdr *)p->data;
    }
    set_addr(ip, true, cp->laddr);
    set_port(ip, true, cp->lport);
    set_addr(ip, false, cp->daddr);
    set_port(ip, false, cp->dport);
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
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    set_addr(ip, true, cp->vaddr);
    set_port(ip, true, cp->vport);
    if (cp->fwd == IPVS_FWD_FULLNAT) {
        set_addr(ip, false, cp->caddr);
        set_port(ip, false, cp->cport);
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
            uint16_t new_, check = th->check;
            memcpy(&new_, opt + 2, 2);
            csum_replace2(&check, old, new_);
            th->check = check;
            return;
        }
        opt += opt[1];
    }
}
