/*
 * What a run measures of the world itself, over the window that follows
 * the warm-up: the director's packet and bit rates, CPU and busiest NIC,
 * the largest connection table, every link direction's utilisation, drops
 * and queue high-water mark, and time series over the whole run: goodput,
 * requests/s, failures and retries, director CPU, the connection table
 * (active, inactive, per state) and each server's share (run_samples.h). Results come out as the JSON fields of
 * docs/results-schema.md.
 */
#ifndef SIM_RUN_MEASURE_H
#define SIM_RUN_MEASURE_H

#include <jansson.h>

#include "sim/build.h"
#include "sim/run_apps.h"

struct sim_measure;

/* Arms the window's start at warmup and the sampler every interval. */
struct sim_measure *sim_measure_start(struct sim_build *b, const struct scn_topo *topo,
                                      const struct sim_apps *apps, sim_time_t warmup, sim_time_t interval);
/* Closes the window now (the director's and the links' figures end here). */
void sim_measure_close_window(struct sim_measure *m);
/* Ends the time series now (the run's end, after the window). */
void sim_measure_finish(struct sim_measure *m);
/* The "director" object, the "links" array and the "timeseries" object. */
json_t *sim_measure_director(const struct sim_measure *m);
json_t *sim_measure_links(const struct sim_measure *m);
/* Every host's TCP over the window, summed, by Linux's MIB names
 * (TCPRecoveries: recoveries begun, Linux's TCPSackRecovery plus
 * TCPRenoRecovery). */
json_t *sim_measure_tcp(const struct sim_measure *m);
json_t *sim_measure_timeseries(const struct sim_measure *m);
void sim_measure_free(struct sim_measure *m);

#endif
