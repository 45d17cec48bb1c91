/*
 * The run's time series that are not one number per sample, taken at each
 * sample of the run's sampler (ts_on_sample): each real server's share of
 * the requests answered in the interval (servers in the order of the
 * results' "servers"), and the directors' TCP connection entries per state.
 */
#ifndef SIM_RUN_SAMPLES_H
#define SIM_RUN_SAMPLES_H

#include <jansson.h>
#include <stddef.h>

#include "sim/build.h"
#include "sim/run_apps.h"

struct sim_samples;

struct sim_samples *sim_samples_new(const struct sim_build *b, const struct scn_topo *topo,
                                    const struct sim_apps *apps);
/* Sample i (ctx: the struct sim_samples), for ts_on_sample. */
void sim_samples_take(void *ctx, size_t i);
/* Adds "server_share" and "director_conn_states" to the timeseries object. */
void sim_samples_json(const struct sim_samples *s, json_t *ts);
void sim_samples_free(struct sim_samples *s);

#endif
