/*
 * The applications of one run: a server for every serve() (its service time
 * charged on a per-node CPU of the node's cores) and a client for every
 * node of every load(), all started on the built world, with their
 * measurements gathered over the window [win_start, win_stop).
 */
#ifndef SIM_RUN_APPS_H
#define SIM_RUN_APPS_H

#include "apps/proxy.h"
#include "apps/stats.h"
#include "sim/build.h"

struct sim_apps;

/* Creates and starts everything; NULL with "file:line: message" in err. */
struct sim_apps *sim_apps_start(struct sim_build *b, const struct scn_topo *topo, uint64_t seed,
                                sim_time_t win_start, sim_time_t win_stop, char *err, size_t errlen);
/* Everything the clients measured, merged; uploads count what the servers
 * received as delivered payload. */
void sim_apps_totals(const struct sim_apps *a, struct app_stats *into);
/* The id a server application answers with (its node's first address). */
uint32_t sim_apps_server_id(const struct scn_topo *topo, int node);
/* The server applications: how many, the node of each, and the response
 * bytes each has sent (false for UDP servers, which do not count them). */
int sim_apps_nservers(const struct sim_apps *a);
int sim_apps_server_node(const struct sim_apps *a, int i);
bool sim_apps_server_bytes(const struct sim_apps *a, int i, uint64_t *bytes);
/* How many distinct client addresses server i saw as connections' sources,
 * and in TOA (false for servers that do not look: bulk and UDP). */
bool sim_apps_server_clients(const struct sim_apps *a, int i, int *sources, int *toa);
/* The nodes whose servers answer for themselves (not proxies), each once,
 * in the order each first serves, into node (room for sim_apps_nservers);
 * returns how many. */
int sim_apps_answering_nodes(const struct sim_apps *a, int *node);
/* The requests the node whose id this is answered so far, as the clients
 * counted them (all of the run). */
uint64_t sim_apps_answered_by(const struct sim_apps *a, uint32_t id);
/* Server application i when it is an L7 proxy (its measurements), else NULL. */
const struct proxy *sim_apps_proxy(const struct sim_apps *a, int i);
/* at(t, "stop"|"start", node, app): the application (http or proxy) dies
 * or runs again; false when it cannot (its port taken, another kind). */
bool sim_apps_set_running(struct sim_apps *a, int i, bool run);
/* Bytes of payload delivered so far (all of the run, for time series). */
uint64_t sim_apps_delivered(const struct sim_apps *a);
uint64_t sim_apps_completed(const struct sim_apps *a);
/* Requests failed so far over every client, and in *retries the attempts made again. */
uint64_t sim_apps_failed(const struct sim_apps *a, uint64_t *retries);
/* Stops and frees every application, before the world goes. */
void sim_apps_free(struct sim_apps *a);

#endif
