/* ICMP over two hosts back to back: ping resolves ARP and gets replies;
 * port and protocol unreachable come back; errors are not sent about
 * errors or broadcasts; a bad checksum is dropped and counted. */
#include <criterion/criterion.h>

#include "net/filter.h"
#include "net/hdr.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/udp.h"
#include "support/leak_check.h"
#include "support/wire.h"

static struct sched s;
static struct pkt_pool *pool;
static struct host *a, *b;
static struct wire w;

static void setup(void)
{
    sched_init(&s);
    pool = pkt_pool_new();
    a = wire_host("a", &s, pool, 1, IP4(10, 0, 0, 1), 24);
    b = wire_host("b", &s, pool, 2, IP4(10, 0, 0, 2), 24);
    wire_join(&w, &s, host_netif(a, "eth0"), host_netif(b, "eth0"), 10 * SIM_US, 1);
}

static void teardown(void)
{
    sched_run(&s);
    host_free(a);
    host_free(b);
    leak_check(pkt_pool_free(pool));
    sched_destroy(&s);
}

TestSuite(icmp, .init = setup, .fini = teardown);

static int replies;
static sim_time_t last_rtt;

static void on_reply(void *ctx, uint32_t from, uint16_t id, uint16_t seq, sim_time_t rtt)
{
    (void)ctx;
    (void)id;
    cr_assert_eq(from, IP4(10, 0, 0, 2));
    cr_assert_eq(seq, replies + 1);
    replies++;
    last_rtt = rtt;
}

Test(icmp, ping_resolves_and_gets_replies)
{
    replies = 0;
    icmp_set_echo_handler(a, on_reply, NULL);
    for (uint16_t seq = 1; seq <= 3; seq++) {
        cr_assert_eq(icmp_ping(a, IP4(10, 0, 0, 2), 7, seq, 56, false), 0);
        sched_run(&s);
    }
    cr_assert_eq(replies, 3);
    cr_assert_eq(last_rtt, 20 * SIM_US, "rtt %lld", (long long)last_rtt);
    cr_assert_eq(icmp_stats(b)->echo_requests, 3);
}

Test(icmp, ping_to_a_local_address_loops_back)
{
    icmp_ping(a, IP4(10, 0, 0, 1), 7, 1, 56, false);
    sched_run(&s);
    cr_assert_eq(icmp_stats(a)->echo_replies, 1);
    cr_assert_eq(w.frames[0], 0, "a packet to ourselves went on the wire");
}

static int port_unreach;

static void count_error(void *ctx, struct host *h, uint8_t type, uint8_t code, uint32_t info,
                        const uint8_t *quoted, uint32_t len)
{
    (void)ctx, (void)h, (void)info, (void)quoted, (void)len;
    if (type == ICMP_DEST_UNREACH && code == ICMP_PORT_UNREACH)
        port_unreach++;
}

static uint32_t quoted_len;

static void note_quote(void *ctx, struct host *h, uint8_t type, uint8_t code, uint32_t info,
                       const uint8_t *quoted, uint32_t len)
{
    (void)ctx, (void)h, (void)type, (void)code, (void)info, (void)quoted;
    quoted_len = len;
}

static void ignore(void *ctx, struct udp_sock *s, uint32_t src, uint16_t sport, uint32_t dst,
                   const uint8_t *data, size_t len)
{
    (void)ctx, (void)s, (void)src, (void)sport, (void)dst, (void)data, (void)len;
}

Test(icmp, udp_to_a_closed_port_is_answered_port_unreachable)
{
    port_unreach = 0;
    struct udp_sock *u = udp_bind(a, 0, 5000, ignore, NULL);
    /* watch errors that quote UDP: wrap the UDP handler's error slot */
    a->proto[17].error = count_error;
    udp_sendto(u, IP4(10, 0, 0, 2), 9999, "x", 1);
    sched_run(&s);
    cr_assert_eq(port_unreach, 1);
    cr_assert_eq(b->drops[DROP_UDP_NO_PORT], 1);
    udp_close(u);
}

/* The error quotes the whole datagram when it fits in 576 bytes with the
 * error's own headers, else its first 548 bytes (Linux icmp_send). */
Test(icmp, an_error_quotes_up_to_576_bytes)
{
    static char payload[1000];
    struct udp_sock *u = udp_bind(a, 0, 5000, ignore, NULL);
    a->proto[17].error = note_quote;
    quoted_len = 0;
    udp_sendto(u, IP4(10, 0, 0, 2), 9999, payload, 100);
    sched_run(&s);
    cr_assert_eq(quoted_len, 20 + 8 + 100, "quoted %u bytes of a 128-byte datagram", quoted_len);
    quoted_len = 0;
    udp_sendto(u, IP4(10, 0, 0, 2), 9999, payload, sizeof payload);
    sched_run(&s);
    cr_assert_eq(quoted_len, 576 - 20 - 8, "quoted %u bytes of a 1028-byte datagram", quoted_len);
    udp_close(u);
}

Test(icmp, bad_checksum_is_dropped_and_counted)
{
    struct pkt *p = pkt_alloc(pool, 8);
    struct icmp_hdr *ic = (struct icmp_hdr *)p->data;
    memset(ic, 0, 8);
    ic->type = ICMP_ECHO;
    ic->check = 0x1234;       /* wrong */
    ipv4_send(a, p, 0, IP4(10, 0, 0, 2), 1, 0, false);
    sched_run(&s);
    cr_assert_eq(b->drops[DROP_ICMP_CSUM], 1);
    cr_assert_eq(icmp_stats(b)->echo_requests, 0);
}

/* A FORWARD rule dropping ICMP fragmentation-needed: that type and code
 * are dropped and counted, other ICMP passes. */
Test(icmp, a_forward_filter_drops_frag_needed_only)
{
    struct host *h = a;
    cr_assert_eq(filter_icmp_drop_add(h, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED), 0);
    uint8_t frame[64] = { 0 };
    struct ipv4_hdr *ip = (struct ipv4_hdr *)frame;
    ip->ver_ihl = 0x45;
    ip->proto = IPPROTO_ICMP;
    frame[20] = ICMP_DEST_UNREACH;
    frame[21] = ICMP_FRAG_NEEDED;
    struct pkt p = { .data = frame, .len = sizeof frame };
    cr_assert_eq(host_run_hooks(h, HOOK_FORWARD, &p), VERDICT_DROP);
    frame[21] = ICMP_PORT_UNREACH;
    cr_assert_eq(host_run_hooks(h, HOOK_FORWARD, &p), VERDICT_ACCEPT);
    frame[20] = ICMP_ECHO;
    frame[21] = 0;
    cr_assert_eq(host_run_hooks(h, HOOK_FORWARD, &p), VERDICT_ACCEPT);
}
