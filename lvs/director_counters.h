/*
 * What the director dropped and why, for status listings: the host's drop
 * counters (malformed frames, frames for addresses or ports it does not
 * serve, ...), each reason counted in one place by the stack, and the SYN
 * proxy's counters.
 */
#ifndef LVS_DIRECTOR_COUNTERS_H
#define LVS_DIRECTOR_COUNTERS_H

#include <stdio.h>

#include "lvs/ipvs.h"

/* "Drops:" with one "  reason count" line per non-zero reason, then one
 * "SynProxy:" line with every counter. */
void ipvs_counters_print(const struct ipvs *ipvs, FILE *out);

#endif
