/* A proxy's measurements as results.json holds them. */
#include "scenario/results_proxy.h"

#include <stdio.h>

#include "scenario/results.h"

json_t *scn_proxy_json(const char *node, const struct proxy *p)
{
    const struct proxy_stats *st = proxy_stats(p);
    const struct proxy_peers *g = proxy_group(p);
    json_t *peers = json_array();
    for (int i = 0; i < g->n; i++) {
        char addr[32];
        uint32_t a = g->peer[i].addr;
        snprintf(addr, sizeof addr, "%u.%u.%u.%u:%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255,
                 g->peer[i].port);
        json_array_append_new(peers, json_pack("{s:s, s:I, s:I}", "addr", addr, "requests",
                                               (json_int_t)g->peer[i].chosen, "failures",
                                               (json_int_t)g->peer[i].failures));
    }
    json_t *added = scn_latency_json(&st->added);
    json_object_del(added, "cdf");
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "name", node, "balance",
                     proxy_balance_name(g->balance), "requests", (json_int_t)st->requests, "responses",
                     (json_int_t)st->responses, "bad_gateway", (json_int_t)st->bad_gateway, "gateway_timeout",
                     (json_int_t)st->gateway_timeout, "upstream_errors", (json_int_t)st->upstream_errors,
                     "upstream_conns", (json_int_t)st->upstream_conns, "upstream_reused",
                     (json_int_t)st->upstream_reused, "added_latency_ms", added, "upstreams", peers);
}
