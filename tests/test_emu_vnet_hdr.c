/* The TAP's virtio_net_hdr and a packet's offloads: a TCP or UDP partial
 * checksum and TCP/IPv4 GSO are taken as they are and given back the same
 * way; any other partial checksum is completed at once; what cannot be
 * done (a checksum past the frame, GSO of UDP or without a partial
 * checksum) is refused. */
#include <criterion/criterion.h>
#include <endian.h>

#include "emu/vnet_hdr.h"
#include "net/ipv4.h"
#include "tests/support/leak_check.h"
#include "tests/support/offload_frames.h"

static struct pkt_pool *pool;

static void setup(void) { pool = pkt_pool_new(); }
static void teardown(void) { leak_check(pkt_pool_free(pool)); }

TestSuite(emu_vnet_hdr, .init = setup, .fini = teardown);

static struct pkt *partial_frame(uint8_t proto, uint32_t payload)
{
    return offload_partial_frame(pool, proto, payload);
}

static struct virtio_net_hdr needs_csum(uint16_t start, uint16_t offset)
{
    return (struct virtio_net_hdr){ .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = htole16(start),
                                    .csum_offset = htole16(offset) };
}

Test(emu_vnet_hdr, tcp_gso_is_taken_and_given_back)
{
    struct pkt *p = partial_frame(IPPROTO_TCP, 3000);
    struct virtio_net_hdr in = needs_csum(ETH_HLEN + IPV4_HLEN, 16), out;
    in.gso_type = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN;
    in.gso_size = htole16(1448);
    cr_assert_eq(emu_vnet_hdr_to_pkt(&in, p), 0);
    cr_assert(p->off.csum_partial);
    cr_assert_eq(p->head + p->off.csum_start, p->data + ETH_HLEN + IPV4_HLEN);
    cr_assert_eq(p->off.csum_offset, 16);
    cr_assert_eq(p->off.gso_type, PKT_GSO_TCPV4 | PKT_GSO_ECN);
    cr_assert_eq(p->off.gso_size, 1448);
    pkt_pull(p, ETH_HLEN);          /* as the stack does, and pushes it back on the way out */
    pkt_push(p, ETH_HLEN);
    emu_vnet_hdr_from_pkt(p, &out);
    cr_assert_eq(out.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    cr_assert_eq(out.gso_type, in.gso_type);
    cr_assert_eq(le16toh(out.gso_size), 1448);
    cr_assert_eq(le16toh(out.csum_start), ETH_HLEN + IPV4_HLEN);
    cr_assert_eq(le16toh(out.csum_offset), 16);
    cr_assert_eq(le16toh(out.hdr_len), ETH_HLEN + IPV4_HLEN + TCP_HLEN);
    pkt_free(p);
}

Test(emu_vnet_hdr, a_plain_frame_has_no_offload_either_way)
{
    struct pkt *p = partial_frame(IPPROTO_UDP, 10);
    struct virtio_net_hdr in = { 0 }, out;
    memset(&out, 0xaa, sizeof out);
    cr_assert_eq(emu_vnet_hdr_to_pkt(&in, p), 0);
    cr_assert_not(pkt_has_offload(p));
    emu_vnet_hdr_from_pkt(p, &out);
    cr_assert_eq(memcmp(&out, &in, sizeof in), 0);
    pkt_free(p);
}

Test(emu_vnet_hdr, a_partial_checksum_elsewhere_is_completed_at_once)
{
    struct pkt *p = partial_frame(IPPROTO_UDP, 10);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
    ip->frag_off = htons(IPV4_MF);           /* a first fragment: the director would not find the sum */
    ipv4_set_checksum((uint8_t *)ip);
    struct virtio_net_hdr in = needs_csum(ETH_HLEN + IPV4_HLEN, 6);
    offload_make_partial(p);
    cr_assert_eq(emu_vnet_hdr_to_pkt(&in, p), 0);
    cr_assert_not(p->off.csum_partial);
    cr_assert(offload_l4_csum_ok((const uint8_t *)ip));
    pkt_free(p);
}

Test(emu_vnet_hdr, impossible_requests_are_refused)
{
    struct pkt *p = partial_frame(IPPROTO_TCP, 100);
    struct virtio_net_hdr past = needs_csum((uint16_t)(p->len - 1), 0);
    cr_assert_eq(emu_vnet_hdr_to_pkt(&past, p), -1, "a checksum field past the frame");
    struct virtio_net_hdr no_csum = { .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = htole16(50) };
    cr_assert_eq(emu_vnet_hdr_to_pkt(&no_csum, p), -1, "GSO without a partial checksum");
    struct virtio_net_hdr no_size = needs_csum(ETH_HLEN + IPV4_HLEN, 16);
    no_size.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
    cr_assert_eq(emu_vnet_hdr_to_pkt(&no_size, p), -1, "GSO with no segment size");
    pkt_free(p);
    struct pkt *u = partial_frame(IPPROTO_UDP, 3000);
    struct virtio_net_hdr ufo = needs_csum(ETH_HLEN + IPV4_HLEN, 6);
    ufo.gso_type = VIRTIO_NET_HDR_GSO_UDP;
    ufo.gso_size = htole16(1400);
    cr_assert_eq(emu_vnet_hdr_to_pkt(&ufo, u), -1, "UDP fragmentation offload");
    pkt_free(u);
}
