/* Offloads done in software: a partial checksum completed equals the one
 * computed whole, a GSO packet's segments are what Linux's TSO would send
 * (sizes, sequence numbers, IP ids, FIN/PSH on the last, CWR on the first,
 * every checksum right, the payload intact), and what cannot be segmented
 * is refused. */
#include <criterion/criterion.h>

#include "engine/sched.h"
#include "net/host.h"
#include "net/ipv4.h"
#include "net/sw_offload.h"
#include "tests/support/leak_check.h"
#include "tests/support/offload_frames.h"

static struct pkt_pool *pool;

static void setup(void) { pool = pkt_pool_new(); }
static void teardown(void) { leak_check(pkt_pool_free(pool)); }

/* An Ethernet frame of IPv4 proto with payload bytes 0, 1, 2, ... and
 * complete checksums (TCP: seq 1000, flags). */
static struct pkt *frame(uint8_t proto, uint8_t flags, uint32_t payload)
{
    uint32_t l4 = proto == IPPROTO_TCP ? TCP_HLEN : 8, len = ETH_HLEN + IPV4_HLEN + l4 + payload;
    struct pkt *p = pkt_alloc(pool, len);
    memset(p->data, 0, len);
    p->data[12] = 0x08;
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
    *ip = (struct ipv4_hdr){ .ver_ihl = 0x45, .tot_len = htons((uint16_t)(len - ETH_HLEN)), .id = htons(7),
                             .frag_off = htons(IPV4_DF), .ttl = 64, .proto = proto,
                             .saddr = htonl(0x0a000001), .daddr = htonl(0x0a000002) };
    ipv4_set_checksum((uint8_t *)ip);
    uint8_t *h4 = (uint8_t *)(ip + 1);
    for (uint32_t i = 0; i < payload; i++)
        h4[l4 + i] = (uint8_t)i;
    h4[1] = 80;
    h4[3] = 81;
    uint16_t tl = (uint16_t)(l4 + payload), check;
    if (proto == IPPROTO_TCP) {
        struct tcp_hdr *th = (struct tcp_hdr *)h4;
        th->seq = htonl(1000);
        th->doff = 5 << 4;
        th->flags = flags;
    } else {
        uint16_t ulen = htons(tl);
        memcpy(h4 + 4, &ulen, 2);
    }
    check = csum_fold(csum_partial(h4, tl, csum_pseudo(ip->saddr, ip->daddr, proto, tl)));
    memcpy(h4 + (proto == IPPROTO_TCP ? 16 : 6), &check, 2);
    return p;
}

static uint16_t l4_check(const struct pkt *p)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(p->data + ETH_HLEN);
    uint16_t c;
    memcpy(&c, (const uint8_t *)ip + IPV4_HLEN + (ip->proto == IPPROTO_TCP ? 16 : 6), 2);
    return c;
}

TestSuite(sw_offload, .init = setup, .fini = teardown);

Test(sw_offload, a_completed_partial_checksum_is_the_whole_one)
{
    for (int udp = 0; udp < 2; udp++) {
        struct pkt *p = frame(udp ? IPPROTO_UDP : IPPROTO_TCP, TCP_ACK, 999);
        uint16_t whole = l4_check(p);
        offload_make_partial(p);
        cr_assert_neq(l4_check(p), whole);
        sw_csum_complete(p);
        cr_assert_not(p->off.csum_partial);
        cr_assert_eq(l4_check(p), whole, "%s", udp ? "UDP" : "TCP");
        pkt_free(p);
    }
}

Test(sw_offload, a_udp_sum_of_zero_is_sent_as_all_ones)
{
    struct pkt *p = frame(IPPROTO_UDP, 0, 2);
    uint8_t *pay = p->data + ETH_HLEN + IPV4_HLEN + 8;
    /* choose the two payload bytes so that the whole sum is 0xffff */
    pay[0] = pay[1] = 0;
    memset(pay - 2, 0, 2);
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(p->data + ETH_HLEN);
    uint16_t rest = (uint16_t)~csum_fold(csum_partial(pay - 8, 10, csum_pseudo(ip->saddr, ip->daddr, IPPROTO_UDP, 10)));
    uint16_t fill = (uint16_t)(0xffff - rest);
    memcpy(pay, &fill, 2);
    offload_make_partial(p);
    sw_csum_complete(p);
    cr_assert_eq(l4_check(p), 0xffff, "a computed zero goes out as 0xffff (RFC 768)");
    cr_assert(offload_l4_csum_ok(p->data + ETH_HLEN));
    pkt_free(p);
}

Test(sw_offload, gso_segments_are_what_tso_sends)
{
    struct pkt *p = frame(IPPROTO_TCP, TCP_ACK | TCP_PSH | TCP_FIN | TCP_CWR, 3000);
    offload_make_gso(p, 1448);
    p->off.gso_type |= PKT_GSO_ECN;
    struct pkt_queue q = { 0 };
    cr_assert_eq(sw_gso_segment(p, ETH_HLEN, &q), 0);
    cr_assert_eq(q.count, 3);
    const uint32_t sizes[3] = { 1448, 1448, 104 };
    uint32_t i = 0, offset = 0;
    for (const struct pkt *s = q.first; s; s = s->next, i++) {
        const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(s->data + ETH_HLEN);
        const struct tcp_hdr *th = (const struct tcp_hdr *)(ip + 1);
        cr_assert_eq(s->len, ETH_HLEN + IPV4_HLEN + TCP_HLEN + sizes[i]);
        cr_assert_eq(ntohs(ip->tot_len), IPV4_HLEN + TCP_HLEN + sizes[i]);
        cr_assert_eq(ntohs(ip->id), 7 + i, "each segment its own IP id");
        cr_assert_eq(csum_buf(ip, IPV4_HLEN), 0, "IP checksum of segment %u", i);
        cr_assert(offload_l4_csum_ok((const uint8_t *)ip), "TCP checksum of segment %u", i);
        cr_assert_not(pkt_has_offload(s));
        cr_assert_eq(ntohl(th->seq), 1000 + offset);
        cr_assert_eq(th->flags & TCP_ACK, TCP_ACK);
        cr_assert_eq(!!(th->flags & TCP_CWR), i == 0, "CWR on the first only");
        cr_assert_eq(!!(th->flags & (TCP_FIN | TCP_PSH)), i == 2, "FIN and PSH on the last only");
        cr_assert_eq(memcmp(s->data, p->data, ETH_HLEN), 0, "the Ethernet header copied");
        for (uint32_t b = 0; b < sizes[i]; b++)
            cr_assert_eq(((const uint8_t *)(th + 1))[b], (uint8_t)(offset + b));
        offset += sizes[i];
    }
    pkt_queue_purge(&q);
    pkt_free(p);
}

Test(sw_offload, a_gso_packet_fits_by_its_segments)
{
    struct pkt *plain = frame(IPPROTO_TCP, TCP_ACK, 3000), *gso = frame(IPPROTO_TCP, TCP_ACK, 3000);
    offload_make_gso(gso, 1448);
    pkt_pull(plain, ETH_HLEN);
    pkt_pull(gso, ETH_HLEN);
    cr_assert_eq(sw_wire_len(plain), IPV4_HLEN + TCP_HLEN + 3000);
    cr_assert_eq(sw_wire_len(gso), IPV4_HLEN + TCP_HLEN + 1448, "skb_gso_network_seglen");
    pkt_free(plain);
    pkt_free(gso);
}

Test(sw_offload, what_is_not_tcp_over_ipv4_is_not_segmented)
{
    struct sched clock;
    sched_init(&clock);
    struct host *h = host_new("h", sched_rt(&clock), pool, 1);
    struct pkt *p = frame(IPPROTO_UDP, 0, 3000);
    offload_make_partial(p);
    p->off.gso_type = PKT_GSO_TCPV4;
    p->off.gso_size = 1000;
    struct pkt_queue q = { 0 };
    cr_assert_eq(sw_gso_segment(p, ETH_HLEN, &q), -1);
    cr_assert_eq(q.count, 0);
    pkt_pull(p, ETH_HLEN);
    cr_assert_eq(sw_offload_resolve(h, p, &q), -1);
    cr_assert_eq(q.count, 0);
    cr_assert_eq(h->drops[DROP_GSO_BAD], 1);
    host_free(h);
    sched_destroy(&clock);
}
