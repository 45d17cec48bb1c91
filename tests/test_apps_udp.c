/* UDP request/response back to back: every answer checked and counted by
 * server, losses on the wire become timeouts in the proportion theory says,
 * retries recover most of them, a 1-core server refuses beyond its rate,
 * the same seed gives the same numbers. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "apps/udp_rr.h"
#include "support/leak_check.h"
#include "support/wire.h"

WIRE_SUITE(apps_udp);

#define PORT 53

struct udp_rig {
    struct wire_pair p;
    struct app_cpu_fifo *fifo;
    struct app_cpu cpu;
    struct udprr_server *srv;
    struct udprr_client *cli;
};

static struct udprr_client_cfg open_cfg(double rate, sim_time_t stop)
{
    struct udprr_client_cfg c = {
        .name = "dns", .seed = 1, .dst = IP4(10, 0, 0, 2), .dport = PORT,
        .load = { .loop = APP_OPEN, .rate = rate, .start = 10 * SIM_MS, .stop = stop },
        .timeout = 10 * SIM_MS, .win_start = 0, .win_stop = stop,
    };
    dist_fixed(&c.req_size, 60);
    dist_exp(&c.resp_size, 400);
    return c;
}

/* Loss starts once ARP has resolved (the first request at 10 ms), so only
 * requests and answers are lost. */
static void lossy(void *arg)
{
    struct wire *w = arg;
    w->loss = 0.1;
}

static void udp_run(struct udp_rig *r, const struct udprr_client_cfg *cc, double loss,
                    sim_time_t service, int cores, sim_time_t until)
{
    memset(r, 0, sizeof *r);
    wire_pair(&r->p, &s, pool, 50 * SIM_US, 9);
    r->p.w.rate_bps = 1000000000ull;
    struct udprr_server_cfg sc = { .name = "dns", .seed = 1, .port = PORT, .id = 42 };
    dist_fixed(&sc.service, (double)service);
    if (cores) {
        r->fifo = app_cpu_fifo_new(r->p.b->rt, cores, 8);
        r->cpu = app_cpu_fifo_seam(r->fifo);
        sc.cpu = &r->cpu;
    }
    r->srv = udprr_server_new(r->p.b, &sc);
    cr_assert_not_null(r->srv);
    r->cli = udprr_client_new(r->p.a, cc);
    cr_assert_not_null(r->cli);
    if (loss > 0)
        sched_call_at(&s, 11 * SIM_MS, lossy, &r->p.w);
    udprr_client_start(r->cli);
    sched_run_until(&s, until);
}

static void udp_free(struct udp_rig *r)
{
    udprr_client_free(r->cli);
    udprr_server_free(r->srv);
    sched_run(&s);
    app_cpu_fifo_free(r->fifo);
    wire_pair_free(&r->p);
    sched_destroy(&s);
    sched_init(&s);
}

Test(apps_udp, answers_checked_and_counted)
{
    struct udprr_client_cfg cc = open_cfg(2000, 2 * SIM_S);
    struct udp_rig r;
    udp_run(&r, &cc, 0, 0, 0, 3 * SIM_S);
    const struct app_stats *st = udprr_client_stats(r.cli);
    cr_assert_gt(st->issued, 3500);
    cr_assert_eq(st->completed, st->issued);
    cr_assert_eq(st->failed, 0);
    cr_assert_eq(st->bad_bytes, 0);
    cr_assert_eq(app_stats_server_count(st, 42), st->completed);
    cr_assert_eq(st->bytes_sent, 60 * st->issued);
    double mean = (double)st->bytes_received / (double)st->completed;
    cr_assert(fabs(mean - 400) < 400 * 0.05, "answer mean %.1f bytes", mean);
    cr_assert_eq(udprr_server_stats(r.srv)->responses, st->completed);
    udp_free(&r);
}

/* 10% loss each way: an attempt fails with probability 1 - 0.9^2 = 0.19;
 * over ~10 000 requests the observed share is within 0.02 (5 sd). With two
 * retries a request fails only if all three attempts do: 0.19^3 = 0.7%. */
Test(apps_udp, loss_becomes_timeouts)
{
    struct udprr_client_cfg cc = open_cfg(2000, 5 * SIM_S);
    struct udp_rig r;
    udp_run(&r, &cc, 0.1, 0, 0, 6 * SIM_S);
    const struct app_stats *st = udprr_client_stats(r.cli);
    double share = (double)st->failed / (double)st->issued;
    cr_assert(fabs(share - 0.19) < 0.02, "%.4f of requests timed out", share);
    cr_assert_eq(st->fails[APP_FAIL_TIMEOUT], st->failed);
    cr_assert_eq(st->completed + st->failed, st->issued);
    cr_assert_eq(st->late, 0, "answers take 100 us, the timeout is 10 ms");
    udp_free(&r);

    cc.retries = 2;
    udp_run(&r, &cc, 0.1, 0, 0, 6 * SIM_S);
    st = udprr_client_stats(r.cli);
    share = (double)st->failed / (double)st->issued;
    cr_assert_lt(share, 0.015, "%.4f failed after two retries", share);
    cr_assert_gt(st->retries, st->issued / 10);
    cr_assert_eq(st->completed + st->failed, st->issued);
    udp_free(&r);
}

/* 1 ms per request on one core with 8 waiting: 2000/s offered, ~1000/s answered. */
Test(apps_udp, one_core_refuses_beyond_its_rate)
{
    struct udprr_client_cfg cc = open_cfg(2000, 2 * SIM_S);
    struct udp_rig r;
    udp_run(&r, &cc, 0, 1 * SIM_MS, 1, 3 * SIM_S);
    const struct app_stats *st = udprr_client_stats(r.cli);
    double rps = (double)st->completed / 1.99;
    cr_assert(rps > 950 && rps < 1010, "%.0f answers/s", rps);
    cr_assert_gt(udprr_server_stats(r.srv)->refused, 1000);
    cr_assert_eq(st->fails[APP_FAIL_TIMEOUT], udprr_server_stats(r.srv)->refused);
    udp_free(&r);
}

Test(apps_udp, same_seed_same_numbers)
{
    static struct app_stats a, b;
    struct udprr_client_cfg cc = open_cfg(3000, 1 * SIM_S);
    cc.retries = 1;
    struct udp_rig r;
    udp_run(&r, &cc, 0.1, 0, 0, 2 * SIM_S);
    a = *udprr_client_stats(r.cli);
    udp_free(&r);
    udp_run(&r, &cc, 0.1, 0, 0, 2 * SIM_S);
    b = *udprr_client_stats(r.cli);
    udp_free(&r);
    cr_assert_eq(a.issued, b.issued);
    cr_assert_eq(a.completed, b.completed);
    cr_assert_eq(a.retries, b.retries);
    cr_assert_eq(a.bytes_received, b.bytes_received);
    cr_assert_eq(memcmp(&a.latency, &b.latency, sizeof a.latency), 0);
}
