/*
 * What follows the measured window, for the scenario's `after` time (a
 * failover the script makes happen then): the requests completed, failed
 * and retried in it, and the longest stretch without a single completion
 * anywhere (the outage), sampled every millisecond. The "after" object of
 * docs/results-schema.md.
 */
#ifndef SIM_RUN_AFTER_H
#define SIM_RUN_AFTER_H

#include <jansson.h>

#include "sim/build.h"
#include "sim/run_apps.h"

struct sim_after;

/* Arms the watch over [from, to). */
struct sim_after *sim_after_start(struct sim_build *b, const struct sim_apps *apps, sim_time_t from, sim_time_t to);
json_t *sim_after_json(const struct sim_after *a);
void sim_after_free(struct sim_after *a);

#endif
