/*
 * Where a packet goes in a scenario's topology, for the analytic bound:
 * from a node to an address, each node's longest-prefix route (connected
 * subnets and declared routes), across switches to the interface that holds
 * the next hop (the director answering for the VIP), hop by hop until a node holds the address. Each link
 * direction crossed is reported in order.
 */
#ifndef SCENARIO_PATHS_H
#define SCENARIO_PATHS_H

#include "scenario/scenario.h"

/* One link direction crossed: link `link`, sent by its end `from_end` (0 or 1). */
typedef void (*scn_path_visit)(void *ctx, int link, int from_end);

/* The node the packet arrives at, or -1 when a hop has no route or no
 * neighbour holds the next hop (visit has then seen the hops before it). */
int scn_path_trace(const struct scn_topo *t, int from, uint32_t dst, scn_path_visit visit, void *ctx);

#endif
