/*
 * One run of a scenario in the simulator: build(run)'s world, its servers,
 * workloads and timed events, simulated for warm-up plus duration, then
 * measured into the run's record (an entry of results.json's "runs").
 */
#ifndef SIM_RUN_H
#define SIM_RUN_H

#include <jansson.h>

#include "scenario/pcap.h"
#include "scenario/scenario.h"

/* Called every few milliseconds of simulated time. */
typedef void (*sim_run_progress_fn)(void *ctx, sim_time_t now, sim_time_t end, uint64_t events);

struct sim_run_opts {
    const struct scn_capture *capture; /* what to capture, and where; NULL: nothing */
    const char *pcap_rel;      /* capture->dir relative to the results directory */
    sim_run_progress_fn progress;
    void *progress_ctx;
};

/* The run's record, or NULL with "file:line: message" in err. */
json_t *sim_run(struct scenario *sc, const struct scn_run *run, const struct sim_run_opts *o, char *err,
                size_t errlen);

#endif
