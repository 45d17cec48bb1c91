/* virtio_net_hdr to and from a packet's offload metadata. */
#include "emu/vnet_hdr.h"

#include <endian.h>
#include <string.h>

#include "net/hdr.h"
#include "net/sw_offload.h"

#define TCP_CHECK_OFFSET 16
#define UDP_CHECK_OFFSET 6

/* Whether the checksum at start + offset (from the frame's first byte) is
 * the TCP or UDP checksum of an unfragmented IPv4 packet. */
static bool l4_checksum(const struct pkt *frame, uint32_t start, uint32_t offset)
{
    const uint8_t *d = frame->data;
    if (frame->len < ETH_HLEN + IPV4_HLEN || d[12] != 0x08 || d[13] != 0x00)
        return false;
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(d + ETH_HLEN);
    unsigned ihl = ipv4_hdr_len(ip);
    if ((ip->ver_ihl >> 4) != 4 || ihl < IPV4_HLEN || start != ETH_HLEN + ihl ||
        (ntohs(ip->frag_off) & (IPV4_MF | IPV4_OFFMASK)))
        return false;
    if (ip->proto == IPPROTO_TCP)
        return offset == TCP_CHECK_OFFSET && frame->len >= start + TCP_HLEN;
    return ip->proto == IPPROTO_UDP && offset == UDP_CHECK_OFFSET && frame->len >= start + 8;
}

int emu_vnet_hdr_to_pkt(const struct virtio_net_hdr *hdr, struct pkt *frame)
{
    frame->off = (struct pkt_offload){ 0 };
    uint32_t start = le16toh(hdr->csum_start), offset = le16toh(hdr->csum_offset);
    bool l4 = false;
    if (hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
        if (start + offset + 2 > frame->len)
            return -1;
        frame->off.csum_partial = true;
        frame->off.csum_start = (uint16_t)(frame->data - frame->head + start);
        frame->off.csum_offset = (uint16_t)offset;
        l4 = l4_checksum(frame, start, offset);
        if (!l4)
            sw_csum_complete(frame);
    }
    if (hdr->gso_type == VIRTIO_NET_HDR_GSO_NONE)
        return 0;
    uint16_t gso_size = le16toh(hdr->gso_size);
    bool tcp = l4 && offset == TCP_CHECK_OFFSET;
    if ((hdr->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) != VIRTIO_NET_HDR_GSO_TCPV4 || !tcp || !gso_size)
        return -1;
    frame->off.gso_type = (uint8_t)(PKT_GSO_TCPV4 | (hdr->gso_type & VIRTIO_NET_HDR_GSO_ECN ? PKT_GSO_ECN : 0));
    frame->off.gso_size = gso_size;
    return 0;
}

void emu_vnet_hdr_from_pkt(const struct pkt *frame, struct virtio_net_hdr *hdr)
{
    memset(hdr, 0, sizeof *hdr);
    if (!frame->off.csum_partial)
        return;                  /* complete checksums: nothing for the kernel to finish */
    uint32_t start = (uint32_t)(frame->head + frame->off.csum_start - frame->data);
    hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    hdr->csum_start = htole16((uint16_t)start);
    hdr->csum_offset = htole16(frame->off.csum_offset);
    if (!pkt_is_gso(frame))
        return;
    const struct tcp_hdr *th = (const struct tcp_hdr *)(frame->head + frame->off.csum_start);
    hdr->gso_type = (uint8_t)(VIRTIO_NET_HDR_GSO_TCPV4 |
                              (frame->off.gso_type & PKT_GSO_ECN ? VIRTIO_NET_HDR_GSO_ECN : 0));
    hdr->gso_size = htole16(frame->off.gso_size);
    hdr->hdr_len = htole16((uint16_t)(start + tcp_hdr_len(th)));
}
