/* Fragmentation and reassembly: a large datagram crosses a 1500-byte link in
 * fragments and arrives whole; DF and too big is refused locally and answered
 * with fragmentation-needed (and a learnt path MTU) when forwarded;
 * overlapping fragments drop the datagram, a duplicate is ignored, and a
 * datagram that never completes times out with time exceeded. */
#include <criterion/criterion.h>

#include "net/csum.h"
#include "net/hdr.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/ipv4_frag.h"
#include "net/route.h"
#include "net/udp.h"
#include "support/leak_check.h"
#include "support/wire.h"

WIRE_SUITE(frag);

static size_t got_len;
static int got_ok;

static void on_datagram(void *ctx, struct udp_sock *u, uint32_t src, uint16_t sport, uint32_t dst,
                        const uint8_t *data, size_t len)
{
    (void)ctx, (void)u, (void)src, (void)sport, (void)dst;
    got_len = len;
    got_ok = 1;
    for (size_t i = 0; i < len; i++)
        got_ok &= data[i] == (uint8_t)(i * 7);
}

Test(frag, a_large_datagram_arrives_whole)
{
    struct host *a = wire_host("a", &s, pool, 1, IP4(10, 0, 0, 1), 24);
    struct host *b = wire_host("b", &s, pool, 2, IP4(10, 0, 0, 2), 24);
    struct wire w;
    wire_join(&w, &s, host_netif(a, "eth0"), host_netif(b, "eth0"), 10 * SIM_US, 1);
    struct udp_sock *rx = udp_bind(b, 0, 7000, on_datagram, NULL);
    struct udp_sock *tx = udp_bind(a, 0, 0, on_datagram, NULL);
    static uint8_t data[4000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7);
    got_len = 0;
    cr_assert_eq(udp_sendto(tx, IP4(10, 0, 0, 2), 7000, data, sizeof data), 0);
    sched_run(&s);
    cr_assert_eq(got_len, sizeof data);
    cr_assert(got_ok, "reassembled bytes differ");
    cr_assert_eq(w.frames[0], 1 + 3, "one ARP request and three fragments");
    cr_assert_eq(ipv4_reasm_pending(b), 0);
    udp_close(rx);
    udp_close(tx);
    host_free(a);
    host_free(b);
}

Test(frag, df_and_too_big)
{
    /* a -- r (MTU 1500 | 1000) -- b: forwarded DF packets get fragmentation-needed */
    struct wire_routed t;
    wire_routed(&t, &s, pool);
    struct host *a = t.a, *r = t.r;
    host_netif(r, "eth1")->mtu = 1000;

    cr_assert_eq(ipv4_path_mtu(a, IP4(10, 2, 0, 2)), 1500);
    cr_assert_eq(icmp_ping(a, IP4(10, 2, 0, 2), 1, 1, 1400, true), 0);
    sched_run(&s);
    cr_assert_eq(r->drops[DROP_IP_DF_TOO_BIG], 1);
    cr_assert_eq(ipv4_path_mtu(a, IP4(10, 2, 0, 2)), 1000, "the path MTU was not learnt");
    cr_assert_eq(icmp_stats(a)->echo_replies, 0);
    /* locally: DF and bigger than our own link is refused at once */
    cr_assert_eq(icmp_ping(a, IP4(10, 2, 0, 2), 1, 2, 2000, true), -1);
    cr_assert_eq(a->drops[DROP_IP_DF_TOO_BIG], 1);
    /* without DF the router fragments, and the ping gets through */
    cr_assert_eq(icmp_ping(a, IP4(10, 2, 0, 2), 1, 3, 1400, false), 0);
    sched_run(&s);
    cr_assert_eq(icmp_stats(a)->echo_replies, 1);
    wire_routed_free(&t);
}

static void inject_fragment(struct host *h, uint16_t id, uint32_t offset, uint32_t len, bool more)
{
    struct pkt *p = pkt_alloc(pool, ETH_HLEN + IPV4_HLEN + len);
    struct eth_hdr *eh = (struct eth_hdr *)p->data;
    memcpy(eh->dst, host_netif(h, "eth0")->mac, 6);
    memset(eh->src, 2, 6);
    eh->type = htons(ETH_P_IP);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
    memset(ip, 0, IPV4_HLEN + len);
    ip->ver_ihl = 0x45;
    ip->tot_len = htons((uint16_t)(IPV4_HLEN + len));
    ip->id = htons(id);
    ip->frag_off = htons((uint16_t)(offset / 8 | (more ? IPV4_MF : 0)));
    ip->ttl = 64;
    ip->proto = 17;
    ip->saddr = htonl(IP4(10, 0, 0, 1));
    ip->daddr = htonl(IP4(10, 0, 0, 2));
    ip->check = csum_buf(ip, IPV4_HLEN);
    netif_input(host_netif(h, "eth0"), p);
}

Test(frag, overlaps_duplicates_and_timeouts)
{
    struct host *h = wire_host("h", &s, pool, 2, IP4(10, 0, 0, 2), 24);
    struct fake_dev dev;
    fake_attach(&dev, host_netif(h, "eth0"));
    /* overlap: 0..800 then 400..1200 drops the whole datagram */
    inject_fragment(h, 1, 0, 800, true);
    inject_fragment(h, 1, 400, 800, false);
    cr_assert_eq(h->drops[DROP_IP_FRAG_OVERLAP], 2);
    cr_assert_eq(ipv4_reasm_pending(h), 0);
    /* a duplicate is dropped alone; the datagram still completes (to UDP,
     * whose zero header makes it a short datagram: counted there) */
    inject_fragment(h, 2, 0, 800, true);
    inject_fragment(h, 2, 0, 800, true);
    cr_assert_eq(h->drops[DROP_IP_FRAG_OVERLAP], 3);
    inject_fragment(h, 2, 800, 100, false);
    cr_assert_eq(ipv4_reasm_pending(h), 0);
    cr_assert_eq(h->drops[DROP_UDP_SHORT], 1, "the reassembled datagram did not reach UDP");
    /* never completes: 30 s later it is dropped, with time exceeded to the sender */
    inject_fragment(h, 3, 0, 800, true);
    cr_assert_eq(ipv4_reasm_pending(h), 1);
    sched_run_until(&s, IPV4_REASM_TIMEOUT - 1);
    cr_assert_eq(ipv4_reasm_pending(h), 1, "gone before 30 s");
    sched_run_until(&s, IPV4_REASM_TIMEOUT);
    cr_assert_eq(ipv4_reasm_pending(h), 0);
    cr_assert_eq(h->drops[DROP_IP_FRAG_TIMEOUT], 1);
    cr_assert_eq(icmp_stats(h)->errors_sent, 1);
    /* a fragment claiming more than 64 KB */
    inject_fragment(h, 4, 65000, 800, false);
    cr_assert_eq(h->drops[DROP_IP_FRAG_TOO_BIG], 1);
    sched_run(&s);
    pkt_queue_purge(&dev.frames);
    host_free(h);
}
