/* Frames read through libpcap carry no offload header: a TCP or UDP
 * checksum left partial by a sender on the same machine is recognised by
 * its value and marked at the right place, so completing it gives a valid
 * checksum; complete checksums, fragments and padded frames are left as
 * they are. */
#include <criterion/criterion.h>

#include "emu/pcap_dev.h"
#include "net/ipv4.h"
#include "net/sw_offload.h"
#include "tests/support/leak_check.h"
#include "tests/support/offload_frames.h"

static struct pkt_pool *pool;

static void setup(void) { pool = pkt_pool_new(); }
static void teardown(void) { leak_check(pkt_pool_free(pool)); }

TestSuite(emu_pcap_dev, .init = setup, .fini = teardown);

/* An IPv4 frame of proto with `payload` bytes, checksums complete. */
static struct pkt *frame(uint8_t proto, uint32_t payload)
{
    struct pkt *p = offload_partial_frame(pool, proto, payload);
    offload_make_partial(p);
    sw_csum_complete(p);
    p->off = (struct pkt_offload){ 0 };
    cr_assert(offload_l4_csum_ok(p->data + ETH_HLEN), "the test frame's checksum");
    return p;
}

static void partial_is_recognised_and_completes(uint8_t proto, uint16_t offset)
{
    struct pkt *p = frame(proto, 300);
    offload_make_partial(p);
    struct pkt_offload want = p->off;
    p->off = (struct pkt_offload){ 0 };
    cr_assert(emu_pcap_dev_mark_partial(p), "a partial checksum was not recognised");
    cr_assert(p->off.csum_partial);
    cr_assert_eq(p->off.csum_start, want.csum_start);
    cr_assert_eq(p->off.csum_offset, offset);
    sw_csum_complete(p);
    cr_assert(offload_l4_csum_ok(p->data + ETH_HLEN), "completed, the checksum is not valid");
    pkt_free(p);
}

Test(emu_pcap_dev, partial_tcp_checksum) { partial_is_recognised_and_completes(IPPROTO_TCP, 16); }
Test(emu_pcap_dev, partial_udp_checksum) { partial_is_recognised_and_completes(IPPROTO_UDP, 6); }

Test(emu_pcap_dev, complete_checksums_fragments_and_padding_are_left_alone)
{
    struct pkt *p = frame(IPPROTO_TCP, 300);
    cr_assert_not(emu_pcap_dev_mark_partial(p), "a complete checksum was taken for partial");
    cr_assert_not(pkt_has_offload(p));
    pkt_free(p);

    p = frame(IPPROTO_UDP, 300);           /* a first fragment, its checksum field as partial */
    offload_make_partial(p);
    p->off = (struct pkt_offload){ 0 };
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
    ip->frag_off = htons(IPV4_MF);
    ipv4_set_checksum((uint8_t *)ip);
    cr_assert_not(emu_pcap_dev_mark_partial(p), "a fragment was taken for a whole datagram");
    pkt_free(p);

    p = frame(IPPROTO_TCP, 10);            /* padded to Ethernet's minimum: longer than its IPv4 length */
    offload_make_partial(p);
    p->off = (struct pkt_offload){ 0 };
    pkt_put(p, 6);
    cr_assert_not(emu_pcap_dev_mark_partial(p), "a padded frame was taken for partial");
    pkt_free(p);
}
