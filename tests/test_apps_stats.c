/* Workload measurements: the window, goodput, the per-server table and its
 * size, merging clients, the rate series sampled for charts. */
#include <criterion/criterion.h>
#include <string.h>

#include "apps/stats.h"
#include "engine/sched.h"

Test(apps_stats, window_and_goodput)
{
    static struct app_stats st;
    app_stats_init(&st, 1 * SIM_S, 3 * SIM_S);
    app_stats_complete(&st, 0, SIM_S / 2, 1);            /* warm-up: counted, not measured */
    app_stats_bytes_in(&st, SIM_S / 2, 1000);
    app_stats_complete(&st, SIM_S, SIM_S + 2 * SIM_MS, 1);
    app_stats_bytes_in(&st, 2 * SIM_S, 250000);
    app_stats_complete(&st, 3 * SIM_S, 3 * SIM_S + 1, 2); /* after the window */
    cr_assert_eq(st.completed, 3);
    cr_assert_eq(st.win_completed, 1);
    cr_assert_eq(st.latency.count, 1);
    cr_assert_eq(st.bytes_received, 251000);
    cr_assert_eq(st.win_bytes, 250000);
    /* 250 000 bytes over the 2 s window, or over 1 s if asked at 2 s */
    cr_assert_float_eq(app_stats_goodput_bps(&st, 10 * SIM_S), 1e6, 1e-6);
    cr_assert_float_eq(app_stats_goodput_bps(&st, 2 * SIM_S), 2e6, 1e-6);
    cr_assert_eq(app_stats_goodput_bps(&st, SIM_S / 2), 0);
    cr_assert_eq(app_stats_server_count(&st, 1), 2);
    cr_assert_eq(app_stats_server_count(&st, 2), 1);
    cr_assert_eq(app_stats_server_count(&st, 3), 0);
}

/* A pool of 1,000 servers, each counted apart, and merged. */
Test(apps_stats, server_table_of_any_size_and_merge)
{
    static struct app_stats a, b;
    app_stats_init(&a, 0, SIM_NEVER);
    app_stats_init(&b, 0, SIM_NEVER);
    for (uint32_t id = 0; id < 1000; id++)
        for (uint32_t k = 0; k <= id % 3; k++)
            app_stats_complete(&a, 0, 10, 0x0a000000 + id);
    cr_assert_eq(a.nservers, 1000);
    for (uint32_t id = 0; id < 1000; id++)
        cr_assert_eq(app_stats_server_count(&a, 0x0a000000 + id), 1 + id % 3, "server %u", id);
    cr_assert_eq(app_stats_server_count(&a, 0x0b000000), 0);
    app_stats_complete(&b, 0, 30, 0x0a000001);
    b.fails[APP_FAIL_TIMEOUT] = 2;
    b.failed = 2;
    app_stats_merge(&b, &a);
    cr_assert_eq(b.completed, a.completed + 1);
    cr_assert_eq(b.nservers, 1000);
    cr_assert_eq(app_stats_server_count(&b, 0x0a000001), 3);
    cr_assert_eq(b.failed, 2);
    cr_assert_eq(b.latency.count, a.completed + 1);
    app_stats_free(&a);
    app_stats_free(&b);
}

static void tick(void *arg)
{
    struct app_stats *st = arg;
    app_stats_complete(st, 0, 0, 1);
    app_stats_bytes_in(st, 0, 100);
}

/* 1000 completions a second of 100 bytes each, sampled every 100 ms. */
Test(apps_stats, series)
{
    static struct sched s;
    sched_init(&s);
    static struct app_stats st;
    app_stats_init(&st, 0, SIM_NEVER);
    struct timeseries ts;
    ts_init(&ts, sched_rt(&s), 100 * SIM_MS);
    cr_assert_eq(app_stats_add_series(&st, &ts, "web"), 0);
    ts_start(&ts);
    for (int i = 0; i < 1000; i++)
        sched_call_at(&s, i * SIM_MS + SIM_US, tick, &st);
    sched_run_until(&s, 1 * SIM_S);
    ts_stop(&ts);
    int rps = ts_find(&ts, "web.rps"), bps = ts_find(&ts, "web.bps");
    cr_assert(rps >= 0 && bps >= 0);
    cr_assert_eq(ts.n, 10);
    for (size_t i = 0; i < ts.n; i++) {
        cr_assert_float_eq(ts.series[rps].values[i], 1000, 1e-6);
        cr_assert_float_eq(ts.series[bps].values[i], 800000, 1e-6);
    }
    ts_free(&ts);
    sched_destroy(&s);
}
