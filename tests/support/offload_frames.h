/*
 * Test support for offloads: turn a frame with complete checksums (data at
 * the Ethernet header, IPv4 TCP or UDP) into what a TAP with offloads hands
 * over (a partial checksum, then a GSO super-frame), check a packet's
 * transport checksum, and a device that keeps every frame. Header-only.
 */
#ifndef TESTS_SUPPORT_OFFLOAD_FRAMES_H
#define TESTS_SUPPORT_OFFLOAD_FRAMES_H

#include "net/csum.h"
#include "net/hdr.h"
#include "net/ipv4.h"
#include "net/netif.h"

/* The transport checksum replaced by the pseudo-header's sum, as Linux
 * leaves a CHECKSUM_PARTIAL packet (tcp_v4_send_check). */
static inline void offload_make_partial(struct pkt *frame)
{
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(frame->data + ETH_HLEN);
    uint8_t *l4 = (uint8_t *)ip + ipv4_hdr_len(ip);
    uint16_t l4_len = (uint16_t)(ntohs(ip->tot_len) - ipv4_hdr_len(ip));
    uint16_t offset = ip->proto == IPPROTO_TCP ? 16 : 6;
    uint16_t pseudo = (uint16_t)~csum_fold(csum_pseudo(ip->saddr, ip->daddr, ip->proto, l4_len));
    memcpy(l4 + offset, &pseudo, 2);
    frame->off.csum_partial = true;
    frame->off.csum_start = (uint16_t)(l4 - frame->head);
    frame->off.csum_offset = offset;
}

/* An Ethernet frame holding an IPv4 TCP (a bare header) or UDP packet
 * with `payload` bytes of a pattern, its IP checksum complete and its
 * transport checksum field holding the pseudo-header's sum, as Linux
 * leaves a CHECKSUM_PARTIAL packet; p->off is clear. */
static inline struct pkt *offload_partial_frame(struct pkt_pool *pool, uint8_t proto, uint32_t payload)
{
    uint32_t l4 = proto == IPPROTO_TCP ? TCP_HLEN : 8, len = ETH_HLEN + IPV4_HLEN + l4 + payload;
    struct pkt *p = pkt_alloc(pool, len);
    memset(p->data, 0, len);
    p->data[12] = 0x08;
    for (uint32_t i = 0; i < payload; i++)
        p->data[len - payload + i] = (uint8_t)(i * 7 + 1);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
    *ip = (struct ipv4_hdr){ .ver_ihl = 0x45, .tot_len = htons((uint16_t)(len - ETH_HLEN)), .ttl = 64,
                             .proto = proto, .saddr = htonl(0x0a000001), .daddr = htonl(0x0a000002) };
    ipv4_set_checksum((uint8_t *)ip);
    uint8_t *h4 = (uint8_t *)(ip + 1);
    if (proto == IPPROTO_TCP)
        h4[12] = 5 << 4;
    else
        h4[5] = (uint8_t)(8 + payload);
    offload_make_partial(p);
    p->off = (struct pkt_offload){ 0 };
    return p;
}

/* A TCP frame made partial and marked GSO with segments of mss bytes. */
static inline void offload_make_gso(struct pkt *frame, uint16_t mss)
{
    offload_make_partial(frame);
    frame->off.gso_type = PKT_GSO_TCPV4;
    frame->off.gso_size = mss;
}

/* Whether the TCP or UDP checksum of the IPv4 packet at ip verifies. */
static inline bool offload_l4_csum_ok(const uint8_t *ip_bytes)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)ip_bytes;
    unsigned ihl = ipv4_hdr_len(ip);
    uint16_t l4_len = (uint16_t)(ntohs(ip->tot_len) - ihl);
    return csum_fold(csum_partial(ip_bytes + ihl, l4_len, csum_pseudo(ip->saddr, ip->daddr, ip->proto, l4_len))) == 0;
}

/* A device that keeps every frame it is given, in order. */
static inline void offload_keep_xmit(struct netif *nif, struct pkt *frame)
{
    pkt_queue_push((struct pkt_queue *)nif->xmit_ctx, frame);
}

#endif
