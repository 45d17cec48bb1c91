/* TCP behaviours modelled on Linux, end to end on a wire: receive-buffer
 * autotuning and send-buffer growth fill a long fat path, HyStart leaves
 * slow start before any loss, and tail losses and recovery. */
#include <criterion/criterion.h>
#include <string.h>

#include "net/tcp.h"
#include "net/tcp_int.h"
#include "support/leak_check.h"
#include "support/wire.h"

WIRE_SUITE(tcp_linux);

/* A download: the listener's side sends `total` bytes and shuts down. */
struct dl {
    struct tcp_sock *srv;
    uint64_t total, sent, rx;
    sim_time_t done_at;
    struct tcp_sock_stats srv_end, cli_end;
    bool shut;
};

static void dl_pump(struct dl *d, struct tcp_sock *sk)
{
    static uint8_t buf[65536];
    while (d->sent < d->total) {
        uint64_t n = d->total - d->sent < sizeof buf ? d->total - d->sent : sizeof buf;
        size_t k = tcp_send(sk, buf, n);
        d->sent += k;
        if (k < n)
            return;
    }
    if (!d->shut) {
        d->shut = true;
        tcp_shutdown(sk);
    }
}

static void *dl_accepted(void *ctx, struct tcp_sock *l, struct tcp_sock *sk)
{
    (void)l;
    struct dl *d = ctx;
    d->srv = sk;
    dl_pump(d, sk);
    return d;
}
static void dl_writable(void *ctx, struct tcp_sock *sk) { dl_pump(ctx, sk); }
static size_t dl_received(void *ctx, struct tcp_sock *sk, const uint8_t *data, size_t len)
{
    (void)data;
    (void)sk;
    struct dl *d = ctx;
    d->rx += len;
    if (d->rx == d->total)
        d->done_at = sched_now(&s);
    return len;
}
static void dl_eof(void *ctx, struct tcp_sock *sk)
{
    (void)ctx;
    tcp_shutdown(sk);
}
static void dl_srv_closed(void *ctx, struct tcp_sock *sk, enum tcp_close_reason why)
{
    (void)why;
    tcp_sock_stats(sk, &((struct dl *)ctx)->srv_end);
}
static void dl_cli_closed(void *ctx, struct tcp_sock *sk, enum tcp_close_reason why)
{
    (void)why;
    tcp_sock_stats(sk, &((struct dl *)ctx)->cli_end);
}
static const struct tcp_callbacks srv_cb = { .accepted = dl_accepted, .writable = dl_writable,
                                             .eof = dl_eof, .closed = dl_srv_closed };
static const struct tcp_callbacks cli_cb = { .received = dl_received, .eof = dl_eof,
                                             .closed = dl_cli_closed };

/* `total` bytes from b to a over rate x delay each way; the wire queues
 * without limit (no loss unless `loss`). */
static void download(struct dl *d, struct wire_pair *P, uint64_t rate, sim_time_t delay, uint64_t total)
{
    wire_pair_seeded(P, &s, pool, delay, 5, 5);
    P->w.rate_bps = rate;
    d->total = total;
    cr_assert_not_null(tcp_listen(P->b, 0, 5201, 4, &srv_cb, d));
    cr_assert_not_null(tcp_connect(P->a, 0, WIRE_PAIR_B, 5201, &cli_cb, d));
}

Test(tcp_linux, autotuning_fills_a_long_fat_path)
{
    struct dl d = { 0 };
    struct wire_pair P;
    download(&d, &P, 1000000000ull, 10 * SIM_MS, 200u << 20);
    sched_run_until(&s, SIM_S);
    uint64_t rx_1s = d.rx;
    sched_run(&s);
    cr_assert_eq(d.rx, d.total);
    /* 1 Gbit/s x 20 ms is 2.5 MB in flight: both buffers grew past it */
    cr_assert_gt(d.cli_end.rcvbuf, 2 * 2500000, "receive buffer %u", d.cli_end.rcvbuf);
    cr_assert_gt(d.srv_end.sndbuf, 2500000, "send buffer %u", d.srv_end.sndbuf);
    /* goodput after the first second: at least 90% of 1448/1514 of 1 Gbit/s */
    double secs = sim_time_to_s(d.done_at - SIM_S);
    double gbps = (d.total - rx_1s) * 8 / secs / 1e9;
    cr_assert_gt(gbps, 0.9 * 0.956, "%.3f Gbit/s over %.3f s", gbps, secs);
    cr_assert_gt(rx_1s * 8 / 1e9, 0.7, "%.3f Gbit in the first second", rx_1s * 8 / 1e9);
    wire_pair_free(&P);
}

Test(tcp_linux, without_autotuning_the_buffer_limits)
{
    struct dl d = { 0 };
    struct wire_pair P;
    download(&d, &P, 1000000000ull, 10 * SIM_MS, 20u << 20);
    tcp_stack_config(P.a)->moderate_rcvbuf = false;
    sched_run(&s);
    cr_assert_eq(d.rx, d.total);
    cr_assert_eq(d.cli_end.rcvbuf, 131072, "tcp_rmem[1], not grown");
    /* a 64 KB window per 20 ms: about 26 Mbit/s */
    double mbps = d.total * 8 / sim_time_to_s(d.done_at) / 1e6;
    cr_assert_lt(mbps, 30, "%.1f Mbit/s", mbps);
    wire_pair_free(&P);
}

Test(tcp_linux, hystart_leaves_slow_start_before_a_loss)
{
    struct dl d = { 0 };
    struct wire_pair P;
    download(&d, &P, 100000000ull, 10 * SIM_MS, 20u << 20);
    sched_run(&s);
    cr_assert_eq(d.rx, d.total);
    cr_assert_lt(d.srv_end.ssthresh, 0x7fffffffu, "HyStart set ssthresh");
    cr_assert_eq(d.srv_end.retransmits, 0);
    /* 100 Mbit/s x 20 ms = 250 KB: HyStart exits near it, far below the
     * 3 MB the receive window would allow */
    cr_assert_lt(d.srv_end.ssthresh, 1000000, "ssthresh %u", d.srv_end.ssthresh);
    cr_assert_gt(d.srv_end.ssthresh, 100000, "ssthresh %u", d.srv_end.ssthresh);
    wire_pair_free(&P);
}
