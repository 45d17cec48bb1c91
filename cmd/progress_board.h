/*
 * Progress of runs side by side (`lvslab run --jobs N`): each run's process
 * reports its simulated time through a pipe; the parent draws one bar for
 * them all on a terminal (runs done, simulated time of all of them, events
 * per second, time left) once the whole has taken a second, and a plain
 * line as each run ends. Quiet shows nothing.
 */
#ifndef CMD_PROGRESS_BOARD_H
#define CMD_PROGRESS_BOARD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/simtime.h"

/* What a run's process writes to the pipe (less than PIPE_BUF: atomic). */
struct progress_report {
    int run;                   /* 0-based */
    sim_time_t now, end;
    uint64_t events;
};

/* In a run's process: the sim_run_progress_fn and its context. */
struct progress_pipe {
    int fd, run;
};
void progress_pipe_update(void *ctx, sim_time_t now, sim_time_t end, uint64_t events);

struct progress_board {
    FILE *out;
    bool tty, quiet, drawn;
    int runs, done;
    sim_time_t *now, *end;     /* per run */
    uint64_t *events;
    double wall_start, *run_start, last_draw;
};

void progress_board_init(struct progress_board *b, FILE *out, bool quiet, int runs, sim_time_t run_length);
void progress_board_free(struct progress_board *b);
void progress_board_run_begins(struct progress_board *b, int run);
void progress_board_take(struct progress_board *b, const struct progress_report *r);
/* The run has ended: its line (label "nat servers=4"), and the bar again. */
void progress_board_run_ends(struct progress_board *b, int run, const char *label);

#endif
