/* TCP Small Queues in the simulator: one bulk sender on a 100 Mbit/s link
 * with 50 ms RTT and a 100-frame NIC queue keeps that queue short and
 * fills the link without a drop; tcp_limit_output_bytes caps what it has
 * queued; a socket aborted with segments still queued is freed once they
 * leave, and no packet is left. */
#include <criterion/criterion.h>

#include "net/route.h"
#include "net/tcp.h"
#include "sim/nic.h"
#include "sim/world.h"

#define PORT 5201
#define CLIENT 0x0a090001u
#define SERVER 0x0a090002u

static uint8_t chunk[16384];

struct bulk {
    uint64_t received;
    struct tcp_sock *sender;
};

static void *accepted(void *ctx, struct tcp_sock *l, struct tcp_sock *s)
{
    (void)l;
    struct bulk *b = ctx;
    b->sender = s;
    while (tcp_send(s, chunk, sizeof chunk) == sizeof chunk)
        ;
    return ctx;
}

static void fill(void *ctx, struct tcp_sock *s)
{
    (void)ctx;
    while (tcp_send(s, chunk, sizeof chunk) == sizeof chunk)
        ;
}

static size_t sink(void *ctx, struct tcp_sock *s, const uint8_t *d, size_t len)
{
    (void)s, (void)d;
    ((struct bulk *)ctx)->received += len;
    return len;
}

static const struct tcp_callbacks server_cb = { .accepted = accepted, .writable = fill };
static const struct tcp_callbacks client_cb = { .received = sink };

struct rig {
    struct sim_world *w;
    struct sim_node *client, *server;
    struct bulk b;
};

/* The server sends to the client for `secs` simulated seconds. */
static void run(struct rig *r, uint32_t limit_output_bytes, double secs)
{
    r->w = sim_world_new(1);
    const struct sim_link_params link = { .rate_bps = 100000000, .delay = 25 * SIM_MS, .mtu = 1500,
                                          .queue_pkts = 100 };
    r->client = sim_add_host(r->w, "client");
    r->server = sim_add_host(r->w, "server");
    sim_connect(r->w, r->client, r->server, &link);
    netif_add_addr(r->client->nics[0]->nif, CLIENT, 24);
    netif_add_addr(r->server->nics[0]->nif, SERVER, 24);
    if (limit_output_bytes)
        tcp_stack_config(r->server->host)->limit_output_bytes = limit_output_bytes;
    cr_assert(tcp_listen(r->server->host, 0, PORT, 16, &server_cb, &r->b));
    cr_assert(tcp_connect(r->client->host, 0, SERVER, PORT, &client_cb, &r->b));
    sched_run_until(&r->w->sched, (sim_time_t)(secs * SIM_S));
}

static double mbps(const struct rig *r, double secs) { return (double)r->b.received * 8 / secs / 1e6; }

Test(tcp_tsq, a_bulk_sender_fills_a_long_path_without_overflowing_its_own_queue)
{
    struct rig r = { 0 };
    run(&r, 0, 5);
    const struct sim_nic_stats *nic = &r.server->nics[0]->stats;
    struct tcp_sock_stats st;
    tcp_sock_stats(r.b.sender, &st);
    /* without TSQ slow start overflowed the 100 frames and an RTO followed
     * (23 Mbit/s); Linux fills the link */
    cr_expect_eq(nic->queue_drops, 0, "%llu frames dropped at the sender's queue",
                 (unsigned long long)nic->queue_drops);
    cr_expect_lt(nic->queue_max, 100, "queue reached %u frames", nic->queue_max);
    cr_expect_gt(st.tsq_throttled, 0);
    cr_expect_eq(st.timeouts, 0);
    cr_expect_gt(mbps(&r, 5), 80, "%.1f Mbit/s", mbps(&r, 5));
    cr_expect_eq(sim_world_free(r.w), 0, "packets left");
}

Test(tcp_tsq, tcp_limit_output_bytes_caps_what_the_socket_has_queued)
{
    struct rig r = { 0 };
    run(&r, 8192, 5);
    const struct sim_nic_stats *nic = &r.server->nics[0]->stats;
    /* 8 KB is about four segments with their overhead, plus the one that
     * passed the check, less the one on the wire */
    cr_expect_leq(nic->queue_max, 5, "queue reached %u frames", nic->queue_max);
    /* the completions refill it: the link stays busy */
    cr_expect_gt(mbps(&r, 5), 80, "%.1f Mbit/s", mbps(&r, 5));
    cr_expect_eq(sim_world_free(r.w), 0, "packets left");
}

Test(tcp_tsq, a_socket_aborted_with_segments_queued_is_freed_when_they_leave)
{
    struct rig r = { 0 };
    run(&r, 0, 1);
    cr_assert(r.server->nics[0]->txq.count > 0, "nothing queued to test with");
    tcp_abort(r.b.sender);
    /* the queued segments still leave (the RST behind them), then the
     * socket's memory goes; ASan (make check) sees a leak or a use after free */
    sched_run_until(&r.w->sched, (sim_time_t)(1.1 * SIM_S));
    cr_expect_eq(r.server->nics[0]->txq.count, 0);
    cr_expect_eq(sim_world_free(r.w), 0, "packets left");
}
