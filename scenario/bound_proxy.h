/*
 * The analytic bound's view of an L7 proxy tier (serve kind = "proxy"):
 * which server applications are the back ends (the proxies' upstreams when
 * the workload reaches proxies, else those on the workload's port), and
 * how many requests per second the proxies' CPUs allow, each proxy taking
 * an even share at its per_request cost plus per_byte over the request and
 * response it relays.
 */
#ifndef SCENARIO_BOUND_PROXY_H
#define SCENARIO_BOUND_PROXY_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario/scenario.h"

/* Whether a proxy serves the workload's port: its back ends are then the
 * servers that bound it. */
bool scn_bound_proxied(const struct scn_topo *topo, const struct scn_workload *w);
bool scn_bound_is_backend(const struct scn_topo *topo, const struct scn_workload *w, const struct scn_server_app *app);
/* false when no proxy serves the workload's port. */
bool scn_bound_proxy_cpus(const struct scn_topo *topo, const struct scn_workload *w, double req_bytes,
                          double resp_bytes, double *rps, char *detail, size_t detail_len);

#endif
