/*
 * The forwarding methods' header rewrites on crafted segments: the TTL
 * drops by one with the IP checksum updated incrementally, right for every
 * checksum (the end-around carry included), in each mode.
 */
#include <criterion/criterion.h>

#include "tests/support/director_rig.h"
#include "tests/support/leak_check.h"

static struct rig r;

static void teardown(void)
{
    leak_check(rig_free(&r));
}

TestSuite(ipvs_xmit, .fini = teardown);

/* The packet as the real server gets it: the inner one for TUN. */
static const struct ipv4_hdr *forwarded(enum ipvs_fwd fwd)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(r.back_dev.last->data + ETH_HLEN);
    return fwd == IPVS_FWD_TUNNEL ? ip + 1 : ip;
}

/* Segments whose IP checksums spread over the whole range (ids 0x101
 * apart) leave with their TTL one lower and a checksum that verifies. */
static void ttl_drops_with_a_right_checksum(enum ipvs_fwd fwd)
{
    rig_init(&r, fwd, 1, "rr", true);
    rig_send(&r, 0, TCP_SYN);
    for (uint32_t id = 0; id < 0x10000; id += 0x101) {
        struct pkt *p = rig_segment(&r, 0, TCP_ACK, 0);
        struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
        ip->id = htons((uint16_t)id);
        ipv4_set_checksum((uint8_t *)ip);
        netif_input(r.front, p);
        const struct ipv4_hdr *out = forwarded(fwd);
        cr_assert_eq(out->ttl, 63);
        cr_assert_eq(csum_buf(out, IPV4_HLEN), 0, "id %#x: checksum", id);
    }
}

Test(ipvs_xmit, ttl_drops_with_a_right_checksum_dr) { ttl_drops_with_a_right_checksum(IPVS_FWD_DROUTE); }
Test(ipvs_xmit, ttl_drops_with_a_right_checksum_tun) { ttl_drops_with_a_right_checksum(IPVS_FWD_TUNNEL); }
Test(ipvs_xmit, ttl_drops_with_a_right_checksum_nat) { ttl_drops_with_a_right_checksum(IPVS_FWD_MASQ); }
Test(ipvs_xmit, ttl_drops_with_a_right_checksum_fullnat) { ttl_drops_with_a_right_checksum(IPVS_FWD_FULLNAT); }

/* The one checksum where the carry goes round: 0xfeff before the update. */
Test(ipvs_xmit, ttl_drop_carries_round_from_0xfeff)
{
    rig_init(&r, IPVS_FWD_DROUTE, 1, "rr", true);
    rig_send(&r, 0, TCP_SYN);
    struct pkt *p = rig_segment(&r, 0, TCP_ACK, 0);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
    uint32_t id = 0;
    do {
        ip->id = htons((uint16_t)id++);
        ipv4_set_checksum((uint8_t *)ip);
    } while (ntohs(ip->check) != 0xfeff);
    netif_input(r.front, p);
    const struct ipv4_hdr *out = forwarded(IPVS_FWD_DROUTE);
    cr_assert_eq(ntohs(out->check), 0x0000, "0xfeff + 0x0100, the carry added back");
    cr_assert_eq(csum_buf(out, IPV4_HLEN), 0);
}
