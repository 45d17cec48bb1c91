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
