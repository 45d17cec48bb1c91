/*
 * The calibration's measurements: the director's real paths timed on the
 * bench host (cmd/calibrate_rig.h), each frame's operations counted as the
 * simulated CPU counts them (net/work.h), and each operation's cost found
 * by difference: a path's time less the costs already known of the other
 * operations it did, over how many times it did the one sought. Costs that
 * no path isolates (a lookup, the TOA insertion, a sync entry, a checksum's
 * bytes) are timed as calls.
 */
#ifndef CMD_CALIBRATE_PATHS_H
#define CMD_CALIBRATE_PATHS_H

#include <stdint.h>
#include <stdio.h>

#include "scenario/cpu_profile.h"

struct cal_opts {
    uint32_t conns;            /* connections in the table */
    uint64_t pkts;             /* frames (or calls) per measurement */
    int repeats;               /* each measurement's median of this many */
};

/* Every cost into out->ns; each path's time and work per frame on log.
 * 0, or -1 with a message on log when a path did not do what it should. */
int cal_measure(const struct cal_opts *o, struct scn_cpu_profile *out, FILE *log);

#endif
