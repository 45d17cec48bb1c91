/* The time-series sampler on the scheduler: samples every interval, gauges
 * read at sample time, rates per second between samples, a callback after
 * each sample with its index, stops on request. */
#include <criterion/criterion.h>

#include "engine/sched.h"
#include "engine/timeseries.h"

struct world {
    struct sched s;
    struct rt_timer tick;
    uint64_t bytes;
    double queue;
};

static void add_bytes(void *arg)
{
    struct world *w = arg;
    w->bytes += 1250;          /* 1250 B per ms = 10 Mbit/s */
    w->queue += 1;
    rt_timer_arm_in(sched_rt(&w->s), &w->tick, SIM_MS);
}

static double read_queue(void *ctx) { return ((struct world *)ctx)->queue; }

/* After each sample: its index, and the gauge already read for it. */
struct seen {
    struct timeseries *ts;
    size_t calls, last;
    bool in_order;
};

static void after_sample(void *ctx, size_t i)
{
    struct seen *s = ctx;
    s->in_order &= i == s->calls && s->ts->series[1].values[i] == 100.0 * (double)(i + 1);
    s->calls++;
    s->last = i;
}

Test(timeseries, gauges_and_rates_every_interval)
{
    static struct world w;
    sched_init(&w.s);
    rt_timer_init(&w.tick, add_bytes, &w);
    rt_timer_arm(sched_rt(&w.s), &w.tick, SIM_MS / 2);
    struct timeseries ts;
    ts_init(&ts, sched_rt(&w.s), 100 * SIM_MS);
    cr_assert_eq(ts_add_rate(&ts, "mbps", &w.bytes, 8e-6), 0);
    cr_assert_eq(ts_add_gauge(&ts, "queue", read_queue, &w), 1);
    struct seen seen = { .ts = &ts, .in_order = true };
    ts_on_sample(&ts, after_sample, &seen);
    ts_start(&ts);
    sched_run_until(&w.s, SIM_S);
    cr_assert_eq(ts.n, 10);
    for (size_t i = 0; i < ts.n; i++) {
        cr_assert_eq(ts.t[i], (sim_time_t)(i + 1) * 100 * SIM_MS);
        cr_assert_float_eq(ts.series[0].values[i], 10.0, 1e-9, "sample %zu: %g Mbit/s", i,
                           ts.series[0].values[i]);
        cr_assert_float_eq(ts.series[1].values[i], 100.0 * (double)(i + 1), 1e-9);
    }
    cr_assert_eq(ts_find(&ts, "queue"), 1);
    cr_assert_eq(ts_find(&ts, "nope"), -1);
    ts_stop(&ts);
    sched_run_until(&w.s, 2 * SIM_S);
    cr_assert_eq(ts.n, 10, "samples after ts_stop");
    cr_assert_eq(seen.calls, 10, "the callback ran %zu times", seen.calls);
    cr_assert(seen.in_order && seen.last == 9, "each sample's index, after its series were read");
    ts_free(&ts);
    rt_timer_cancel(sched_rt(&w.s), &w.tick);
    sched_destroy(&w.s);
}
