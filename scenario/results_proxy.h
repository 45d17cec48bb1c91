/*
 * An L7 proxy's entry in a run's "proxies" list of results.json
 * (docs/results-schema.md): its counts over the whole run, the latency it
 * added, and each upstream peer's requests and failures.
 */
#ifndef SCENARIO_RESULTS_PROXY_H
#define SCENARIO_RESULTS_PROXY_H

#include <jansson.h>

#include "apps/proxy.h"

json_t *scn_proxy_json(const char *node, const struct proxy *p);

#endif
