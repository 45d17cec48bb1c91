/* Bulk transfers back to back on a 1 Gbit/s wire: a download by count
 * reaches most of the wire rate with every byte checked, an upload's count
 * is confirmed by the server's receipt, a timed download stops on time,
 * parallel streams share the wire, a closed port is counted as refused. */
#include <criterion/criterion.h>

#include "apps/bulk.h"
#include "net/tcp.h"
#include "support/leak_check.h"
#include "support/wire.h"

WIRE_SUITE(apps_bulk);

#define PORT 5001
#define RATE 1000000000ull
/* What a full segment carries against what it costs on the wire: 1448
 * payload bytes (MSS 1460 less 12 of timestamps) in 1448 + 66 header + 24
 * preamble, gap and FCS bytes. */
#define PAYLOAD_SHARE (1448.0 / (1448 + 66 + 24))

struct bulk_rig {
    struct wire_pair p;
    struct bulk_server *srv;
    struct bulk_client *cli;
};

static void bulk_run(struct bulk_rig *r, const struct bulk_client_cfg *cc, sim_time_t until)
{
    wire_pair(&r->p, &s, pool, 50 * SIM_US, 5);
    r->p.w.rate_bps = RATE;
    r->srv = bulk_server_new(r->p.b, &(struct bulk_server_cfg){ .port = PORT, .id = 7 });
    cr_assert_not_null(r->srv);
    r->cli = bulk_client_new(r->p.a, cc);
    bulk_client_start(r->cli);
    sched_run_until(&s, until);
}

static void bulk_free(struct bulk_rig *r)
{
    bulk_client_free(r->cli);
    bulk_server_free(r->srv);
    sched_run(&s);
    wire_pair_free(&r->p);
}

static struct bulk_client_cfg cfg(enum bulk_dir dir, uint64_t bytes)
{
    return (struct bulk_client_cfg){ .name = "iperf", .dst = IP4(10, 0, 0, 2), .dport = PORT,
                                     .dir = dir, .bytes = bytes };
}

/* 20 MB in one stream: slow start costs a few RTTs of 100 us against a
 * ~170 ms transfer, so goodput is within 10% of the payload share of 1 Gbit/s. */
Test(apps_bulk, download_reaches_wire_rate)
{
    struct bulk_client_cfg cc = cfg(BULK_DOWN, 20000000);
    struct bulk_rig r;
    bulk_run(&r, &cc, 2 * SIM_S);
    const struct app_stats *st = bulk_client_stats(r.cli);
    cr_assert_eq(st->completed, 1, "completed %llu failed %llu", (unsigned long long)st->completed,
                 (unsigned long long)st->failed);
    cr_assert_eq(st->bytes_received, 20000000);
    cr_assert_eq(st->bad_bytes, 0);
    cr_assert_eq(app_stats_server_count(st, 7), 1);
    double secs = sim_time_to_s((sim_time_t)st->latency.max);
    double bps = 20000000 * 8 / secs, top = RATE * PAYLOAD_SHARE;
    cr_assert(bps > 0.9 * top && bps <= top, "%.3f Gbit/s of %.3f", bps / 1e9, top / 1e9);
    cr_assert_eq(bulk_server_stats(r.srv)->bytes_sent, 20000000);
    bulk_free(&r);
}

Test(apps_bulk, upload_confirmed_by_receipt)
{
    struct bulk_client_cfg cc = cfg(BULK_UP, 10000000);
    struct bulk_rig r;
    bulk_run(&r, &cc, 2 * SIM_S);
    const struct app_stats *st = bulk_client_stats(r.cli);
    const struct app_stats *ss = bulk_server_stats(r.srv);
    cr_assert_eq(st->completed, 1);
    cr_assert_eq(st->bytes_sent, 10000000);
    cr_assert_eq(ss->bytes_received, 10000000);
    cr_assert_eq(ss->bad_bytes, 0);
    cr_assert_eq(ss->completed, 1);
    bulk_free(&r);
}

/* 100 ms by the clock, two streams: together they move what the wire
 * carries in that time, give or take the send buffers still draining
 * (autotuned, at most tcp_wmem[2] = 4 MB each). */
Test(apps_bulk, timed_download_two_streams)
{
    struct bulk_client_cfg cc = cfg(BULK_DOWN, 0);
    cc.duration = 100 * SIM_MS;
    cc.streams = 2;
    cc.start = 1 * SIM_MS;
    cc.win_start = 11 * SIM_MS;    /* after slow start */
    cc.win_stop = 91 * SIM_MS;
    struct bulk_rig r;
    bulk_run(&r, &cc, 1 * SIM_S);
    const struct app_stats *st = bulk_client_stats(r.cli);
    cr_assert_eq(st->completed, 2);
    cr_assert_eq(st->bad_bytes, 0);
    double top = RATE * PAYLOAD_SHARE;
    double got = app_stats_goodput_bps(st, sched_now(&s));
    cr_assert(got > 0.95 * top && got <= 1.001 * top, "window goodput %.3f Gbit/s", got / 1e9);
    double all = (double)st->bytes_received * 8;
    cr_assert(all > 0.9 * top * 0.1 && all < top * 0.1 + 2 * 8.0 * 4194304,
              "%.0f bits in 100 ms", all);
    cr_assert_lt(st->latency.max, 110 * SIM_MS);
    bulk_free(&r);
}

Test(apps_bulk, closed_port_refused)
{
    struct bulk_client_cfg cc = cfg(BULK_DOWN, 1000);
    cc.dport = PORT + 1;
    struct bulk_rig r;
    bulk_run(&r, &cc, 1 * SIM_S);
    const struct app_stats *st = bulk_client_stats(r.cli);
    cr_assert_eq(st->failed, 1);
    cr_assert_eq(st->fails[APP_FAIL_REFUSED], 1);
    bulk_free(&r);
}
