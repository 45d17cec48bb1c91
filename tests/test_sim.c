/* The simulated network: exact serialization and propagation, queues that
 * build and drop at a rate mismatch, a switch that learns and stops
 * flooding, a router between subnets, a router of 40 interfaces and a
 * host of 40 addresses' worth of interfaces, the CPU model, a TCP flow near line
 * rate, two flows sharing a bottleneck fairly, recovery from drops, and the
 * same world twice giving the same pcaps and counters. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "net/icmp.h"
#include "net/route.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "sim/cpu.h"
#include "sim/nic.h"
#include "sim/switch.h"
#include "sim/world.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static const struct sim_link_params gig = { .rate_bps = 1000000000, .delay = 50 * SIM_US,
                                            .mtu = 1500, .queue_pkts = 100 };

static void addr(struct sim_node *n, int nic, uint32_t a, uint8_t len)
{
    netif_add_addr(n->nics[nic]->nif, a, len);
}

static sim_time_t last_rtt;
static int replies;

static void on_reply(void *ctx, uint32_t from, uint16_t id, uint16_t seq, sim_time_t rtt)
{
    (void)ctx, (void)from, (void)id, (void)seq;
    last_rtt = rtt;
    replies++;
}

Test(sim, serialization_and_propagation_are_exact)
{
    struct sim_world *w = sim_world_new(1);
    struct sim_node *a = sim_add_host(w, "a"), *b = sim_add_host(w, "b");
    sim_connect(w, a, b, &gig);
    addr(a, 0, IP4(10, 0, 0, 1), 24);
    addr(b, 0, IP4(10, 0, 0, 2), 24);
    icmp_set_echo_handler(a->host, on_reply, NULL);
    replies = 0;
    icmp_ping(a->host, IP4(10, 0, 0, 2), 1, 1, 100, false);   /* resolves ARP first */
    sched_run(&w->sched);
    icmp_ping(a->host, IP4(10, 0, 0, 2), 1, 2, 100, false);
    sched_run(&w->sched);
    cr_assert_eq(replies, 2);
    /* 14 + 20 + 8 + 100 bytes, + 24 of FCS, preamble, gap: 1328 ns at 1 Gbit/s */
    cr_assert_eq(last_rtt, 2 * (1328 + 50 * SIM_US), "rtt %lld", (long long)last_rtt);
    cr_assert_eq(sim_world_free(w), 0);
}

static void drop_it(void *ctx, struct udp_sock *u, uint32_t src, uint16_t sport, uint32_t dst,
                    const uint8_t *data, size_t len)
{
    (void)ctx, (void)u, (void)src, (void)sport, (void)dst, (void)data;
    *(uint64_t *)ctx += len;
}

/* a --10G-- r --1G (queue 100)-- b */
static struct sim_world *mismatch(struct sim_node **a, struct sim_node **r, struct sim_node **b,
                                  uint64_t seed)
{
    struct sim_world *w = sim_world_new(seed);
    *a = sim_add_host(w, "a");
    *r = sim_add_router(w, "r");
    *b = sim_add_host(w, "b");
    struct sim_link_params fast = gig;
    fast.rate_bps = 10000000000ull;
    fast.queue_pkts = 2000;   /* the sender keeps its burst; the router's queue decides */
    sim_connect(w, *a, *r, &fast);
    sim_connect(w, *r, *b, &gig);
    addr(*a, 0, IP4(10, 1, 0, 2), 24);
    addr(*r, 0, IP4(10, 1, 0, 1), 24);
    addr(*r, 1, IP4(10, 2, 0, 1), 24);
    addr(*b, 0, IP4(10, 2, 0, 2), 24);
    route_add((*a)->host, 0, 0, IP4(10, 1, 0, 1), NULL);
    route_add((*b)->host, 0, 0, IP4(10, 2, 0, 1), NULL);
    return w;
}

Test(sim, a_queue_builds_and_drops_at_a_rate_mismatch)
{
    struct sim_node *a, *r, *b;
    struct sim_world *w = mismatch(&a, &r, &b, 1);
    uint64_t got = 0;
    udp_bind(b->host, 0, 9, drop_it, &got);
    struct udp_sock *u = udp_bind(a->host, 0, 0, drop_it, NULL);
    static uint8_t payload[1400];
    icmp_ping(a->host, IP4(10, 2, 0, 2), 1, 1, 8, false);   /* resolve ARP on both hops */
    sched_run(&w->sched);
    for (int i = 0; i < 1000; i++)
        udp_sendto(u, IP4(10, 2, 0, 2), 9, payload, sizeof payload);
    sched_run(&w->sched);
    const struct sim_nic_stats *st = &r->nics[1]->stats;
    cr_assert_eq(st->queue_max, 100, "high-water mark %u", st->queue_max);
    cr_assert_gt(st->queue_drops, 700, "%llu drops", (unsigned long long)st->queue_drops);
    cr_assert_eq(got / sizeof payload + st->queue_drops, 1000, "every datagram arrived or was dropped");
    cr_assert_eq(sim_world_free(w), 0);
}

/* A router of 40 interfaces (no fixed cap), a subnet and a host on each:
 * every host reaches the host on the next subnet and the router's address
 * on its farthest interface, and the router knows all its addresses. */
Test(sim, a_router_of_forty_interfaces_forwards_between_all)
{
    enum { N = 40 };
    struct sim_world *w = sim_world_new(1);
    struct sim_node *r = sim_add_router(w, "r"), *h[N];
    for (int i = 0; i < N; i++) {
        char name[16];
        snprintf(name, sizeof name, "h%d", i);
        h[i] = sim_add_host(w, name);
        cr_assert_not_null(sim_connect(w, h[i], r, &gig), "link %d", i);
        addr(h[i], 0, IP4(10, i, 0, 2), 24);
        addr(r, i, IP4(10, i, 0, 1), 24);
        route_add(h[i]->host, 0, 0, IP4(10, i, 0, 1), NULL);
    }
    cr_assert_eq(r->host->nifs, N + 1, "lo and %d interfaces", N);
    for (int i = 0; i < N; i++) {
        cr_assert(host_is_local(r->host, IP4(10, i, 0, 1)), "router address %d", i);
        cr_assert(!host_is_local(r->host, IP4(10, i, 0, 2)), "host address %d", i);
    }
    replies = 0;
    for (int i = 0; i < N; i++) {
        icmp_set_echo_handler(h[i]->host, on_reply, NULL);
        icmp_ping(h[i]->host, IP4(10, (i + 1) % N, 0, 2), 1, 1, 64, false);
        icmp_ping(h[i]->host, IP4(10, N - 1 - i, 0, 1), 1, 2, 64, false);
    }
    sched_run(&w->sched);
    cr_assert_eq(replies, 2 * N, "%d of %d echo replies", replies, 2 * N);
    for (int i = 0; i < N; i++)
        cr_assert_eq(r->nics[i]->stats.tx_packets >= 2, true, "the router sent on interface %d", i);
    cr_assert_eq(sim_world_free(w), 0);
}

Test(sim, the_switch_learns_and_stops_flooding)
{
    struct sim_world *w = sim_world_new(1);
    struct sim_node *sw = sim_add_switch(w, "sw");
    struct sim_node *h[3];
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "h%d", i);
        h[i] = sim_add_host(w, name);
        sim_connect(w, h[i], sw, &gig);
        addr(h[i], 0, IP4(10, 0, 0, 1 + i), 24);
    }
    for (int i = 0; i < 5; i++) {
        icmp_ping(h[0]->host, IP4(10, 0, 0, 2), 1, (uint16_t)i, 64, false);
        sched_run(&w->sched);
    }
    /* h2 saw only the first ARP broadcast; the pings and the reply went unicast */
    cr_assert_eq(h[2]->nics[0]->stats.rx_packets, 1, "h2 received %llu frames",
                 (unsigned long long)h[2]->nics[0]->stats.rx_packets);
    cr_assert_eq(sim_switch_stats(sw->sw)->flooded, 1);
    cr_assert_eq(sim_switch_stats(sw->sw)->forwarded, 1 + 10);   /* ARP reply, 5 pings, 5 replies */
    cr_assert_eq(icmp_stats(h[0]->host)->echo_replies, 5);
    /* after the ageing time the switch floods again */
    sched_run_until(&w->sched, sched_now(&w->sched) + SIM_SWITCH_AGEING + SIM_S);
    const uint8_t *mac1 = h[1]->nics[0]->nif->mac;
    cr_assert_eq(sim_switch_port_of(sw->sw, mac1), -1);
    cr_assert_eq(sim_world_free(w), 0);
}

Test(sim, the_cpu_model_delays_and_drops)
{
    struct sim_world *w = sim_world_new(1);
    struct sim_node *a = sim_add_host(w, "a"), *b = sim_add_host(w, "b");
    sim_connect(w, a, b, &gig);
    addr(a, 0, IP4(10, 0, 0, 1), 24);
    addr(b, 0, IP4(10, 0, 0, 2), 24);
    struct sim_cpu_params cpu = { .cores = 1, .per_packet = 10 * SIM_US, .backlog = 5 };
    sim_node_set_cpu(b, &cpu);
    icmp_set_echo_handler(a->host, on_reply, NULL);
    replies = 0;
    icmp_ping(a->host, IP4(10, 0, 0, 2), 1, 1, 100, false);
    sched_run(&w->sched);
    icmp_ping(a->host, IP4(10, 0, 0, 2), 1, 2, 100, false);
    sched_run(&w->sched);
    cr_assert_eq(last_rtt, 2 * (1328 + 50 * SIM_US) + 10 * SIM_US, "rtt %lld", (long long)last_rtt);
    for (uint16_t i = 0; i < 20; i++)   /* a burst: 5 wait, the rest are dropped */
        icmp_ping(a->host, IP4(10, 0, 0, 2), 1, (uint16_t)(10 + i), 100, false);
    sched_run(&w->sched);
    cr_assert_gt(sim_cpu_stats(b->cpu)->dropped, 0);
    cr_assert_eq(replies, 2 + (int)(20 - sim_cpu_stats(b->cpu)->dropped));
    cr_assert_eq(sim_world_free(w), 0);
}

Test(sim, a_cost_profile_charges_what_was_done_to_each_frame)
{
    struct sim_world *w = sim_world_new(1);
    struct sim_node *a = sim_add_host(w, "a"), *b = sim_add_host(w, "b");
    sim_connect(w, a, b, &gig);
    addr(a, 0, IP4(10, 0, 0, 1), 24);
    addr(b, 0, IP4(10, 0, 0, 2), 24);
    struct sim_cpu_params cpu = { .cores = 1, .backlog = 5, .by_work = true };
    cpu.cost_ns[SCN_COST_FRAME_IN] = 3000;
    cpu.cost_ns[SCN_COST_FRAME_OUT] = 5000;
    cpu.cost_ns[WORK_SYNC_CONN] = 1000;
    sim_node_set_cpu(b, &cpu);
    icmp_set_echo_handler(a->host, on_reply, NULL);
    replies = 0;
    icmp_ping(a->host, IP4(10, 0, 0, 2), 1, 1, 100, false);
    sched_run(&w->sched);
    icmp_ping(a->host, IP4(10, 0, 0, 2), 1, 2, 100, false);
    sched_run(&w->sched);
    /* the echo is handled on arrival; its reply waits for the frame's work: in and one out */
    cr_assert_eq(last_rtt, 2 * (1328 + 50 * SIM_US) + 8 * SIM_US, "rtt %lld", (long long)last_rtt);
    /* work done between frames goes with the next frame */
    b->host->work.n[WORK_SYNC_CONN] = 2;
    icmp_ping(a->host, IP4(10, 0, 0, 2), 1, 3, 100, false);
    sched_run(&w->sched);
    cr_assert_eq(last_rtt, 2 * (1328 + 50 * SIM_US) + 10 * SIM_US, "rtt %lld", (long long)last_rtt);
    const struct sim_cpu_stats *s = sim_cpu_stats(b->cpu);
    /* a's ARP request (answered) and three echo requests, each in and out */
    cr_assert_eq(s->handled, 4);
    cr_assert_eq(s->sent, 4);
    cr_assert_float_eq(s->busy_ns_by[SCN_COST_FRAME_OUT], 4 * 5000.0, 1e-9);
    cr_assert_float_eq(s->busy_ns_by[WORK_SYNC_CONN], 2000.0, 1e-9);
    cr_assert_eq(s->busy, 4 * 8 * SIM_US + 2 * SIM_US);
    for (uint16_t i = 0; i < 20; i++)   /* a burst: 5 in work, the rest are dropped */
        icmp_ping(a->host, IP4(10, 0, 0, 2), 1, (uint16_t)(10 + i), 100, false);
    sched_run(&w->sched);
    cr_assert_gt(s->dropped, 0);
    cr_assert_eq(replies, 3 + (int)(20 - s->dropped));
    cr_assert_eq(sim_world_free(w), 0);
}

/* ---- TCP over the simulated links ---- */

struct flow {
    struct tcp_sock *s;
    uint64_t received, window_bytes;
    sim_time_t window_start;
    bool done;
};

static uint8_t zeros[65536];

static void *accepted(void *ctx, struct tcp_sock *l, struct tcp_sock *s)
{
    (void)l, (void)s;
    return ctx;
}

static size_t received(void *ctx, struct tcp_sock *s, const uint8_t *d, size_t len)
{
    (void)s, (void)d;
    struct flow *f = ctx;
    f->received += len;
    return len;
}

static void fill(void *ctx, struct tcp_sock *s)
{
    (void)ctx;
    while (tcp_send(s, zeros, sizeof zeros) == sizeof zeros)
        ;
}

static const struct tcp_callbacks sink_cb = { .accepted = accepted, .received = received };
static const struct tcp_callbacks bulk_cb = { .connected = fill, .writable = fill };

Test(sim, one_tcp_flow_gets_ninety_percent_of_a_gigabit, .timeout = 60)
{
    struct sim_world *w = sim_world_new(1);
    struct sim_node *a = sim_add_host(w, "a"), *b = sim_add_host(w, "b");
    sim_connect(w, a, b, &gig);
    addr(a, 0, IP4(10, 0, 0, 1), 24);
    addr(b, 0, IP4(10, 0, 0, 2), 24);
    struct flow f = { 0 };
    tcp_listen(b->host, 0, 5001, 8, &sink_cb, &f);
    struct tcp_sock *s = tcp_connect(a->host, 0, IP4(10, 0, 0, 2), 5001, &bulk_cb, NULL);
    sched_run_until(&w->sched, SIM_S / 2);
    uint64_t start = f.received;
    sched_run_until(&w->sched, 3 * SIM_S / 2);
    double mbps = (double)(f.received - start) * 8 / 1e6;
    cr_assert_geq(mbps, 900, "goodput %.1f Mbit/s over 1 s", mbps);
    tcp_abort(s);
    cr_assert_eq(sim_world_free(w), 0);
}

Test(sim, two_flows_share_a_bottleneck_fairly, .timeout = 120)
{
    struct sim_node *a, *r, *b;
    struct sim_world *w = mismatch(&a, &r, &b, 3);
    struct flow f[2] = { 0 };
    struct tcp_sock *s[2];
    for (int i = 0; i < 2; i++) {
        tcp_listen(b->host, 0, (uint16_t)(5001 + i), 8, &sink_cb, &f[i]);
        s[i] = tcp_connect(a->host, 0, IP4(10, 2, 0, 2), (uint16_t)(5001 + i), &bulk_cb, NULL);
    }
    sched_run_until(&w->sched, SIM_S);
    uint64_t start[2] = { f[0].received, f[1].received };
    sched_run_until(&w->sched, 11 * SIM_S);
    double x[2], sum = 0, sq = 0;
    for (int i = 0; i < 2; i++) {
        x[i] = (double)(f[i].received - start[i]);
        sum += x[i];
        sq += x[i] * x[i];
    }
    double jain = sum * sum / (2 * sq);
    cr_assert_geq(jain, 0.95, "Jain index %.3f (%.0f vs %.0f bytes)", jain, x[0], x[1]);
    cr_assert_geq(sum * 8 / 10 / 1e6, 850, "together %.0f Mbit/s", sum * 8 / 10 / 1e6);
    cr_assert_gt(r->nics[1]->stats.queue_drops, 0, "the bottleneck never dropped");
    for (int i = 0; i < 2; i++)
        tcp_abort(s[i]);
    cr_assert_eq(sim_world_free(w), 0);
}

struct done_flag { int closed; uint64_t got; };

static size_t count(void *ctx, struct tcp_sock *s, const uint8_t *d, size_t len)
{
    (void)s, (void)d;
    ((struct done_flag *)ctx)->got += len;
    return len;
}

static void closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    (void)s;
    if (why == TCP_CLOSE_NORMAL)
        ((struct done_flag *)ctx)->closed++;
}

static void shut_when_eof(void *ctx, struct tcp_sock *s)
{
    (void)ctx;
    tcp_shutdown(s);
}

static uint64_t sent_total;

static void send_some(void *ctx, struct tcp_sock *s)
{
    (void)ctx;
    while (sent_total < 20000000) {
        size_t want = 20000000 - sent_total < sizeof zeros ? 20000000 - sent_total : sizeof zeros;
        size_t n = tcp_send(s, zeros, want);
        sent_total += n;
        if (n < want)
            return;
    }
    tcp_shutdown(s);
    sent_total = UINT64_MAX;  /* once */
}

Test(sim, tcp_recovers_from_drops_at_a_ten_to_one_mismatch, .timeout = 60)
{
    struct sim_node *a, *r, *b;
    struct sim_world *w = mismatch(&a, &r, &b, 5);
    struct done_flag server = { 0 }, client = { 0 };
    static const struct tcp_callbacks scb = { .accepted = accepted, .received = count,
                                              .eof = shut_when_eof, .closed = closed };
    static const struct tcp_callbacks ccb = { .connected = send_some, .writable = send_some,
                                              .closed = closed };
    sent_total = 0;
    tcp_listen(b->host, 0, 5001, 8, &scb, &server);
    tcp_connect(a->host, 0, IP4(10, 2, 0, 2), 5001, &ccb, &client);
    sched_run(&w->sched);
    cr_assert_gt(r->nics[1]->stats.queue_drops, 0, "no drops: the test shows nothing");
    cr_assert_eq(server.got, 20000000, "received %llu", (unsigned long long)server.got);
    cr_assert_eq(server.closed + client.closed, 2);
    cr_assert_eq(sim_world_free(w), 0);
}

/* ---- determinism and pcaps ---- */

static void run_to_dir(const char *dir, uint64_t *counters)
{
    struct sim_node *a, *r, *b;
    struct sim_world *w = sim_world_new(9);
    sim_world_capture(w, dir);
    a = sim_add_host(w, "a");
    r = sim_add_router(w, "r");
    b = sim_add_host(w, "b");
    struct sim_link_params lossy = gig;
    lossy.loss = 0.01;
    lossy.jitter = 5 * SIM_US;
    sim_connect(w, a, r, &lossy);
    sim_connect(w, r, b, &gig);
    addr(a, 0, IP4(10, 1, 0, 2), 24);
    addr(r, 0, IP4(10, 1, 0, 1), 24);
    addr(r, 1, IP4(10, 2, 0, 1), 24);
    addr(b, 0, IP4(10, 2, 0, 2), 24);
    route_add(a->host, 0, 0, IP4(10, 1, 0, 1), NULL);
    route_add(b->host, 0, 0, IP4(10, 2, 0, 1), NULL);
    struct done_flag server = { 0 }, client = { 0 };
    static const struct tcp_callbacks scb = { .accepted = accepted, .received = count,
                                              .eof = shut_when_eof, .closed = closed };
    static const struct tcp_callbacks ccb = { .connected = send_some, .writable = send_some,
                                              .closed = closed };
    sent_total = 18000000;    /* 2 MB */
    tcp_listen(b->host, 0, 80, 8, &scb, &server);
    tcp_connect(a->host, 0, IP4(10, 2, 0, 2), 80, &ccb, &client);
    sched_run(&w->sched);
    counters[0] = server.got;
    counters[1] = a->nics[0]->stats.loss_drops;
    counters[2] = sched_executed(&w->sched);
    counters[3] = (uint64_t)sched_now(&w->sched);
    cr_assert_eq(sim_world_free(w), 0);
}

Test(sim, same_world_and_seed_same_pcaps_and_counters, .timeout = 60)
{
    char d1[] = "/tmp/lvslab-det1-XXXXXX", d2[] = "/tmp/lvslab-det2-XXXXXX";
    cr_assert_not_null(mkdtemp(d1));
    cr_assert_not_null(mkdtemp(d2));
    uint64_t c1[4], c2[4];
    run_to_dir(d1, c1);
    run_to_dir(d2, c2);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(c1[i], c2[i], "counter %d: %llu vs %llu", i, (unsigned long long)c1[i],
                     (unsigned long long)c2[i]);
    cr_assert_eq(c1[0], 2000000);
    cr_assert_gt(c1[1], 0, "the lossy link lost nothing");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cmp -s %s/a-eth0.pcap %s/a-eth0.pcap && cmp -s %s/r-eth1.pcap %s/r-eth1.pcap",
             d1, d2, d1, d2);
    cr_assert_eq(system(cmd), 0, "the pcaps differ");
    /* every pcap passes tshark: no malformed frame, no bad checksum */
    snprintf(cmd, sizeof cmd, "MIN_FRAMES=100 sh scripts/pcap-check.sh %s/*.pcap >/dev/null", d1);
    cr_assert_eq(system(cmd), 0, "a pcap failed the tshark check");
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", d1, d2);
    system(cmd);
}
