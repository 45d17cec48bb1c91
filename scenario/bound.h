/*
 * The analytic goodput bound of a run: from the workload's request and
 * response sizes, the frames and bytes one request puts on the wire each
 * way (TCP handshake, segments at the path's MSS with timestamps, delayed
 * ACKs, the close; IP-in-IP's outer header; FULLNAT's smaller MSS), and what
 * each resource can carry: the director's NIC and CPU (both directions of
 * traffic in NAT and FULLNAT, the client's only in DR and TUN), the real
 * servers' NICs and CPUs, the clients' links and an open loop's offered
 * load. The smallest is the bound, and names what limits the run.
 */
#ifndef SCENARIO_BOUND_H
#define SCENARIO_BOUND_H

#include <jansson.h>

#include "scenario/scenario.h"

/* The "bound" object: goodput_mbps, limited_by and detail, all null when
 * the run has no workload to model or workloads of different shapes. */
json_t *scn_bound(const struct scn_topo *topo, enum scn_mode mode, uint64_t seed);

#endif
