/*
 * Progress of `lvslab run` on stderr: on a terminal, a bar redrawn in place
 * once a run has taken more than a second (simulated time, events per
 * second, time left); otherwise, or when the run was quick, one plain line
 * as each run ends. Quiet shows nothing.
 */
#ifndef CMD_PROGRESS_H
#define CMD_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/simtime.h"

struct progress {
    FILE *out;
    bool tty, quiet, drawn;
    int run, runs;             /* this run's number (1-based) and how many */
    char label[96];            /* "nat servers=4" */
    double wall_start, last_draw;
    uint64_t events;
};

void progress_init(struct progress *p, FILE *out, bool quiet, int runs);
void progress_run_begins(struct progress *p, int run, const char *label);
/* A sim_run_progress_fn. */
void progress_update(void *ctx, sim_time_t now, sim_time_t end, uint64_t events);
void progress_run_ends(struct progress *p, sim_time_t simulated);

#endif
