/* Reports: validation of results.json against docs/results-schema.md. Every
 * missing or ill-typed field is reported with its JSON path; measurements may
 * be null (not measured), identities and structure may not. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "reports/report_int.h"

enum vt { V_NUM, V_NUM_NULL, V_STR, V_STR_NULL, V_OBJ, V_ARR, V_ARR_NULL, V_OBJ_NULL };

struct vctx { char *err; size_t errlen; };

static const char *type_name(json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: case JSON_REAL: return "number";
    case JSON_TRUE: case JSON_FALSE: return "boolean";
    default: return "null";
    }
}

static const char *want_name(enum vt t)
{
    static const char *n[] = { "number", "number or null", "string", "string or null",
                               "object", "array", "array or null", "object or null" };
    return n[t];
}

static int type_ok(json_t *v, enum vt t)
{
    switch (t) {
    case V_NUM: return json_is_number(v);
    case V_NUM_NULL: return json_is_number(v) || json_is_null(v);
    case V_STR: return json_is_string(v);
    case V_STR_NULL: return json_is_string(v) || json_is_null(v);
    case V_OBJ: return json_is_object(v);
    case V_ARR: return json_is_array(v);
    case V_ARR_NULL: return json_is_array(v) || json_is_null(v);
    case V_OBJ_NULL: return json_is_object(v) || json_is_null(v);
    }
    return 0;
}

static int fail(struct vctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, c->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Field key of object o at path; *out gets it. */
static int field(struct vctx *c, json_t *o, const char *path, const char *key, enum vt t,
                 json_t **out)
{
    json_t *v = json_object_get(o, key);
    const char *dot = *path ? "." : "";
    if (!v)
        return fail(c, "%s%s%s: missing (expected %s)", path, dot, key, want_name(t));
    if (!type_ok(v, t))
        return fail(c, "%s%s%s: expected %s, got %s", path, dot, key, want_name(t), type_name(v));
    if (out)
        *out = v;
    return 0;
}

static int fields(struct vctx *c, json_t *o, const char *path, enum vt t, const char **keys)
{
    for (; *keys; keys++)
        if (field(c, o, path, *keys, t, NULL))
            return -1;
    return 0;
}

static int num_array(struct vctx *c, json_t *a, const char *path, int nullable)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
        if (!json_is_number(v) && !(nullable && json_is_null(v)))
            return fail(c, "%s[%zu]: expected number, got %s", path, i, type_name(v));
    return 0;
}

/* An array of n numbers (or nulls) at path. */
static int series_of(struct vctx *c, json_t *a, const char *path, size_t n)
{
    if (!json_is_array(a))
        return fail(c, "%s: expected array, got %s", path, type_name(a));
    if (json_array_size(a) != n)
        return fail(c, "%s: %zu values for %zu times", path, json_array_size(a), n);
    return num_array(c, a, path, 1);
}

/* The time series the simulator adds (each optional): per second and
 * connection-table counts, each server's share, the entries per state. */
static int optional_series(struct vctx *c, json_t *ts, const char *p, size_t n)
{
    static const char *const plain[] = { "failed_per_s", "retries_per_s", "director_active_conns",
                                         "director_inactive_conns" };
    char q[512];
    json_t *a, *v;
    size_t i;
    const char *key;
    for (size_t k = 0; k < sizeof plain / sizeof *plain; k++) {
        snprintf(q, sizeof q, "%s.%s", p, plain[k]);
        if ((a = json_object_get(ts, plain[k])) && series_of(c, a, q, n))
            return -1;
    }
    if ((a = json_object_get(ts, "server_share"))) {
        snprintf(q, sizeof q, "%s.server_share", p);
        if (!json_is_array(a))
            return fail(c, "%s: expected array, got %s", q, type_name(a));
        json_array_foreach(a, i, v) {
            snprintf(q, sizeof q, "%s.server_share[%zu]", p, i);
            if (!json_is_object(v))
                return fail(c, "%s: expected object, got %s", q, type_name(v));
            if (field(c, v, q, "name", V_STR, NULL))
                return -1;
            snprintf(q, sizeof q, "%s.server_share[%zu].share", p, i);
            if (series_of(c, json_object_get(v, "share"), q, n))
                return -1;
        }
    }
    if ((a = json_object_get(ts, "director_conn_states"))) {
        snprintf(q, sizeof q, "%s.director_conn_states", p);
        if (!json_is_object(a))
            return fail(c, "%s: expected object, got %s", q, type_name(a));
        json_object_foreach(a, key, v) {
            snprintf(q, sizeof q, "%s.director_conn_states.%s", p, key);
            if (series_of(c, v, q, n))
                return -1;
        }
    }
    return 0;
}

/* A sweep's values: all numbers or all strings. */
static int value_array(struct vctx *c, json_t *a, const char *path)
{
    size_t i;
    json_t *v;
    bool names = json_is_string(json_array_get(a, 0));
    json_array_foreach(a, i, v)
        if (names ? !json_is_string(v) : !json_is_number(v))
            return fail(c, "%s[%zu]: expected %s like [0], got %s", path, i, names ? "string" : "number",
                        type_name(v));
    return 0;
}

static int check_run(struct vctx *c, json_t *run, const char *rp)
{
    char p[160], q[200];
    json_t *o, *a, *v;
    size_t i;

    if (!json_is_object(run))
        return fail(c, "%s: expected object, got %s", rp, type_name(run));
    if (field(c, run, rp, "mode", V_STR, NULL) || field(c, run, rp, "world", V_STR, NULL) ||
        field(c, run, rp, "duration_s", V_NUM, NULL))
        return -1;
    const char *w = json_string_value(json_object_get(run, "world"));
    if (strcmp(w, "sim") && strcmp(w, "emu"))
        return fail(c, "%s.world: expected \"sim\" or \"emu\", got \"%s\"", rp, w);
    if (field(c, run, rp, "sweep", V_OBJ, &o))
        return -1;
    snprintf(p, sizeof p, "%s.sweep", rp);
    const char *k;
    json_object_foreach(o, k, v)
        if (!json_is_number(v) && !json_is_string(v))
            return fail(c, "%s.%s: expected number or string, got %s", p, k, type_name(v));
    if (fields(c, run, rp, V_NUM_NULL, (const char *[]){ "goodput_mbps", "requests_per_s", "jain", NULL }))
        return -1;
    if (field(c, run, rp, "requests", V_OBJ, &o))
        return -1;
    snprintf(p, sizeof p, "%s.requests", rp);
    if (fields(c, o, p, V_NUM_NULL, (const char *[]){ "completed", "failed", NULL }))
        return -1;
    if (field(c, run, rp, "latency_ms", V_OBJ, &o))
        return -1;
    snprintf(p, sizeof p, "%s.latency_ms", rp);
    if (fields(c, o, p, V_NUM_NULL, (const char *[]){ "mean", "p50", "p99", "p999", NULL }) ||
        field(c, o, p, "cdf", V_ARR_NULL, &a))
        return -1;
    json_array_foreach(a, i, v) {
        snprintf(q, sizeof q, "%s.cdf[%zu]", p, i);
        if (!json_is_array(v) || json_array_size(v) != 2)
            return fail(c, "%s: expected [latency_ms, fraction]", q);
        if (num_array(c, v, q, 0))
            return -1;
    }
    if (field(c, run, rp, "servers", V_ARR, &a))
        return -1;
    json_array_foreach(a, i, v) {
        snprintf(q, sizeof q, "%s.servers[%zu]", rp, i);
        if (!json_is_object(v))
            return fail(c, "%s: expected object, got %s", q, type_name(v));
        if (field(c, v, q, "name", V_STR, NULL) ||
            fields(c, v, q, V_NUM_NULL, (const char *[]){ "requests", "bytes", "share", NULL }))
            return -1;
    }
    if (field(c, run, rp, "director", V_OBJ, &o))
        return -1;
    snprintf(p, sizeof p, "%s.director", rp);
    if (fields(c, o, p, V_NUM_NULL, (const char *[]){ "pkts_per_s", "mbps", "cpu_util", "conns_max", "nic_util", NULL }))
        return -1;
    if (field(c, run, rp, "links", V_ARR, &a))
        return -1;
    json_array_foreach(a, i, v) {
        snprintf(q, sizeof q, "%s.links[%zu]", rp, i);
        if (!json_is_object(v))
            return fail(c, "%s: expected object, got %s", q, type_name(v));
        if (field(c, v, q, "name", V_STR, NULL) ||
            fields(c, v, q, V_NUM_NULL, (const char *[]){ "util", "drops", "queue_max_pkts", NULL }))
            return -1;
    }
    if (field(c, run, rp, "bound", V_OBJ, &o))
        return -1;
    snprintf(p, sizeof p, "%s.bound", rp);
    if (field(c, o, p, "goodput_mbps", V_NUM_NULL, NULL) ||
        fields(c, o, p, V_STR_NULL, (const char *[]){ "limited_by", "detail", NULL }))
        return -1;
    if (field(c, run, rp, "events", V_ARR, &a))
        return -1;
    json_array_foreach(a, i, v) {
        snprintf(q, sizeof q, "%s.events[%zu]", rp, i);
        if (!json_is_object(v))
            return fail(c, "%s: expected object, got %s", q, type_name(v));
        if (field(c, v, q, "t_s", V_NUM, NULL) || field(c, v, q, "kind", V_STR, NULL) ||
            field(c, v, q, "what", V_STR, NULL) || field(c, v, q, "detail", V_STR_NULL, NULL))
            return -1;
    }
    if (field(c, run, rp, "timeseries", V_OBJ_NULL, &o))
        return -1;
    if (json_is_object(o)) {
        snprintf(p, sizeof p, "%s.timeseries", rp);
        if (field(c, o, p, "interval_s", V_NUM, NULL) || field(c, o, p, "t_s", V_ARR, &a))
            return -1;
        snprintf(q, sizeof q, "%s.t_s", p);
        if (num_array(c, a, q, 0))
            return -1;
        size_t n = json_array_size(a);
        const char *series[] = { "goodput_mbps", "requests_per_s", "director_cpu_util", NULL };
        for (const char **s = series; *s; s++) {
            if (field(c, o, p, *s, V_ARR, &a))
                return -1;
            snprintf(q, sizeof q, "%s.%s", p, *s);
            if (json_array_size(a) != n)
                return fail(c, "%s: %zu values for %zu times", q, json_array_size(a), n);
            if (num_array(c, a, q, 1))
                return -1;
        }
        if (optional_series(c, o, p, n))
            return -1;
    }
    if (json_object_get(run, "proxies")) {     /* optional: runs with L7 proxies */
        if (field(c, run, rp, "proxies", V_ARR, &a))
            return -1;
        json_array_foreach(a, i, v) {
            snprintf(q, sizeof q, "%s.proxies[%zu]", rp, i);
            if (!json_is_object(v))
                return fail(c, "%s: expected object, got %s", q, type_name(v));
            if (field(c, v, q, "name", V_STR, NULL) || field(c, v, q, "balance", V_STR, NULL) ||
                fields(c, v, q, V_NUM, (const char *[]){ "requests", "responses", "bad_gateway", "gateway_timeout",
                                                         "upstream_errors", "upstream_conns", "upstream_reused",
                                                         NULL }) ||
                field(c, v, q, "added_latency_ms", V_OBJ, NULL) || field(c, v, q, "upstreams", V_ARR, NULL))
                return -1;
        }
    }
    if (json_object_get(run, "after")) {       /* optional: the scenario's after */
        if (field(c, run, rp, "after", V_OBJ, &o))
            return -1;
        snprintf(p, sizeof p, "%s.after", rp);
        if (fields(c, o, p, V_NUM, (const char *[]){ "start_s", "duration_s", "completed", "failed", "retries",
                                                     "requests_per_s", "outage_s", "outage_start_s", NULL }))
            return -1;
    }
    if (json_object_get(run, "tcp")) {         /* optional: simulated runs' TCP counters */
        if (field(c, run, rp, "tcp", V_OBJ, &o))
            return -1;
        snprintf(p, sizeof p, "%s.tcp", rp);
        if (fields(c, o, p, V_NUM, (const char *[]){ "OutSegs", "RetransSegs", "TCPTimeouts", "TCPLossProbes",
                                                     "TCPLossProbeRecovery", "TCPRecoveries", "TCPLostRetransmit",
                                                     "TCPDSACKOldSent", "TCPDSACKOfoSent", "TCPDSACKRecv",
                                                     "TCPDSACKUndo", "TCPFullUndo", NULL }))
            return -1;
    }
    if (field(c, run, rp, "pcaps", V_ARR, &a))
        return -1;
    json_array_foreach(a, i, v)
        if (!json_is_string(v))
            return fail(c, "%s.pcaps[%zu]: expected string, got %s", rp, i, type_name(v));
    return 0;
}

int report_validate(json_t *root, char *err, size_t errlen)
{
    struct vctx c = { err, errlen };
    json_t *o, *a, *v;
    size_t i;
    char p[64];

    if (!json_is_object(root))
        return fail(&c, "(root): expected object, got %s", type_name(root));
    if (field(&c, root, "", "lvslab", V_OBJ, &o) ||
        field(&c, o, "lvslab", "version", V_STR, NULL) ||
        field(&c, o, "lvslab", "seed", V_NUM, NULL) ||
        field(&c, o, "lvslab", "world", V_STR, NULL))
        return -1;
    if (field(&c, root, "", "scenario", V_OBJ, &o) ||
        fields(&c, o, "scenario", V_STR, (const char *[]){ "name", "file", NULL }) ||
        field(&c, o, "scenario", "description", V_STR_NULL, NULL) ||
        field(&c, o, "scenario", "duration_s", V_NUM, NULL) ||
        field(&c, o, "scenario", "modes", V_ARR, &a))
        return -1;
    json_array_foreach(a, i, v)
        if (!json_is_string(v))
            return fail(&c, "scenario.modes[%zu]: expected string, got %s", i, type_name(v));
    if (field(&c, o, "scenario", "sweep", V_OBJ_NULL, &o))
        return -1;
    if (json_is_object(o)) {
        if (field(&c, o, "scenario.sweep", "param", V_STR, NULL) ||
            field(&c, o, "scenario.sweep", "values", V_ARR, &a) ||
            value_array(&c, a, "scenario.sweep.values"))
            return -1;
        json_t *params = json_object_get(o, "params");
        if (params && !json_is_array(params))
            return fail(&c, "scenario.sweep.params: expected array, got %s", type_name(params));
        json_array_foreach(params, i, v) {
            char pp[64];
            snprintf(pp, sizeof pp, "scenario.sweep.params[%zu]", i);
            if (field(&c, v, pp, "name", V_STR, NULL) || field(&c, v, pp, "values", V_ARR, &a))
                return -1;
            snprintf(pp, sizeof pp, "scenario.sweep.params[%zu].values", i);
            if (value_array(&c, a, pp))
                return -1;
        }
    }
    if (field(&c, root, "", "runs", V_ARR, &a))
        return -1;
    json_array_foreach(a, i, v) {
        snprintf(p, sizeof p, "runs[%zu]", i);
        if (check_run(&c, v, p))
            return -1;
    }
    return 0;
}
