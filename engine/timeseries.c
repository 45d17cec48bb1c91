/* The time-series sampler: one timer, re-armed every interval. */
#include "engine/timeseries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"

static void sample(void *arg)
{
    struct timeseries *ts = arg;
    if (ts->n == ts->cap) {
        ts->cap = ts->cap ? ts->cap * 2 : 256;
        ts->t = xrealloc(ts->t, ts->cap * sizeof *ts->t);
        for (int i = 0; i < ts->nseries; i++)
            ts->series[i].values = xrealloc(ts->series[i].values, ts->cap * sizeof(double));
    }
    ts->t[ts->n] = rt_now(ts->rt);
    double per_s = (double)SIM_S / (double)ts->interval;
    for (int i = 0; i < ts->nseries; i++) {
        struct ts_series *s = &ts->series[i];
        if (s->probe) {
            s->values[ts->n] = s->probe(s->ctx);
        } else {
            uint64_t now = *s->counter;
            s->values[ts->n] = (double)(now - s->last) * per_s * s->scale;
            s->last = now;
        }
    }
    if (ts->on_sample)
        ts->on_sample(ts->on_sample_ctx, ts->n);
    ts->n++;
    rt_timer_arm_in(ts->rt, &ts->timer, ts->interval);
}

void ts_on_sample(struct timeseries *ts, void (*fn)(void *ctx, size_t i), void *ctx)
{
    ts->on_sample = fn;
    ts->on_sample_ctx = ctx;
}

void ts_init(struct timeseries *ts, struct rt *rt, sim_time_t interval)
{
    memset(ts, 0, sizeof *ts);
    ts->rt = rt;
    ts->interval = interval;
    rt_timer_init(&ts->timer, sample, ts);
}

void ts_free(struct timeseries *ts)
{
    ts_stop(ts);
    for (int i = 0; i < ts->nseries; i++)
        free(ts->series[i].values);
    free(ts->t);
    memset(ts, 0, sizeof *ts);
}

static struct ts_series *add(struct timeseries *ts, const char *name)
{
    if (ts->nseries == TS_MAX_SERIES || ts->n)
        return NULL;
    struct ts_series *s = &ts->series[ts->nseries++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    return s;
}

int ts_add_gauge(struct timeseries *ts, const char *name, ts_probe_fn probe, void *ctx)
{
    struct ts_series *s = add(ts, name);
    if (!s)
        return -1;
    s->probe = probe;
    s->ctx = ctx;
    return ts->nseries - 1;
}

int ts_add_rate(struct timeseries *ts, const char *name, const uint64_t *counter, double scale)
{
    struct ts_series *s = add(ts, name);
    if (!s)
        return -1;
    s->counter = counter;
    s->scale = scale;
    s->last = *counter;
    return ts->nseries - 1;
}

void ts_start(struct timeseries *ts)
{
    for (int i = 0; i < ts->nseries; i++)
        if (ts->series[i].counter)
            ts->series[i].last = *ts->series[i].counter;
    ts->running = true;
    rt_timer_arm_in(ts->rt, &ts->timer, ts->interval);
}

void ts_stop(struct timeseries *ts)
{
    if (ts->rt)
        rt_timer_cancel(ts->rt, &ts->timer);
    ts->running = false;
}

int ts_find(const struct timeseries *ts, const char *name)
{
    for (int i = 0; i < ts->nseries; i++)
        if (!strcmp(ts->series[i].name, name))
            return i;
    return -1;
}
