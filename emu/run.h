/*
 * One run of a scenario in the emulated world, from up to record: the
 * world up (shaped: every link at its rate, delay, jitter and loss), the
 * real servers waited for, the clients' load for the scenario's duration,
 * the directors and servers sampled before and after, the world down, and
 * the run's record as world "emu" (docs/results-schema.md).
 */
#ifndef EMU_RUN_H
#define EMU_RUN_H

#include <jansson.h>
#include <stddef.h>

#include "scenario/scenario.h"

struct emu_run_opts {
    const char *tag;            /* the world's name */
    const char *self;           /* the lvslab executable that directors start from */
    char *const *director_argv; /* how each director reloads this run */
    const char *dir;            /* the results folder */
    const char *pcap_rel;       /* the run's captures, relative to dir; NULL: none */
};

/* The run's record, or NULL with err. */
json_t *emu_run(const struct scenario *sc, const struct scn_run *run, const struct scn_topo *topo,
                const struct emu_run_opts *o, char *err, size_t errlen);

#endif
