/*
 * A time-series sampler on the clock seam: every interval it reads each
 * registered series — a gauge (a probe function's value) or a rate (a
 * counter's increase per second since the last sample) — and keeps the
 * points until freed.
 */
#ifndef ENGINE_TIMESERIES_H
#define ENGINE_TIMESERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/runtime.h"

#define TS_MAX_SERIES 16
#define TS_NAME_MAX 32

typedef double (*ts_probe_fn)(void *ctx);

struct ts_series {
    char name[TS_NAME_MAX];
    ts_probe_fn probe;         /* gauge */
    void *ctx;
    const uint64_t *counter;   /* rate */
    double scale;              /* rate: multiplies the per-second increase */
    uint64_t last;
    double *values;
};

struct timeseries {
    struct rt *rt;
    struct rt_timer timer;
    sim_time_t interval;
    struct ts_series series[TS_MAX_SERIES];
    int nseries;
    void (*on_sample)(void *ctx, size_t i);   /* after the series' sample i, if set */
    void *on_sample_ctx;
    sim_time_t *t;             /* sample times */
    size_t n, cap;
    bool running;
};

void ts_init(struct timeseries *ts, struct rt *rt, sim_time_t interval);
void ts_free(struct timeseries *ts);
/* Register before ts_start; -1 when the table is full. */
int ts_add_gauge(struct timeseries *ts, const char *name, ts_probe_fn probe, void *ctx);
int ts_add_rate(struct timeseries *ts, const char *name, const uint64_t *counter, double scale);
/* Call fn after every sample, with its index (for observations that are
 * not one number: a value per server, per state). */
void ts_on_sample(struct timeseries *ts, void (*fn)(void *ctx, size_t i), void *ctx);
/* First sample one interval from now; stop cancels the timer. */
void ts_start(struct timeseries *ts);
void ts_stop(struct timeseries *ts);
/* Index of a series by name, or -1. */
int ts_find(const struct timeseries *ts, const char *name);

#endif
