/*
 * The share of the requests each real server gets, as the bound needs it:
 * from the director's scheduler and the servers' weights (its ipvsadm
 * lines) and the servers' capacities (cores over mean service time). rr
 * shares evenly, wrr by weight, every scheduler evenly among equal
 * servers; a scheduler whose shares follow the load (lc, wlc, sed, nq, the
 * locality ones) on unequal servers has no share to state, and the bound
 * says so.
 */
#ifndef SCENARIO_BOUND_SHARES_H
#define SCENARIO_BOUND_SHARES_H

#include <stddef.h>

#include "scenario/scenario.h"

/* share[i] for topo->realservers[i] (0 for one the service does not
 * list, or of weight 0), summing to 1; capacity[i] its requests per second
 * (INFINITY without a CPU model). 0, or -1 with why in why (no service, or
 * shares that depend on load). */
int scn_bound_shares(const struct scn_topo *topo, uint16_t dport, double *share, double *capacity, char *why,
                     size_t len);

#endif
