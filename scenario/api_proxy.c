/*
 * serve(node, {kind = "proxy", port, upstream = {"addr:port", ...}, balance,
 * keepalive, max_fails, fail_timeout, timeout, per_request, per_byte}): the
 * L7 proxy's options, with nginx's defaults (round_robin, no keepalive,
 * max_fails 1, fail_timeout 10s, timeouts 60s); and naming one application
 * of a node for at(t, "stop"|"start", node, app).
 */
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "apps/proxy_peers.h"
#include "scenario/api_int.h"

static const char *const proxy_keys[] = { "upstream", "balance", "keepalive", "max_fails", "fail_timeout",
                                          "timeout", "per_request", "per_byte", NULL };

int scn_api_proxy_key(const char *key)
{
    for (int i = 0; proxy_keys[i]; i++)
        if (!strcmp(key, proxy_keys[i]))
            return 1;
    return 0;
}

static void upstreams(lua_State *L, struct scn_proxy *px, const char *what)
{
    lua_getfield(L, 2, "upstream");
    if (!lua_istable(L, -1))
        scn_api_fail(L, "%s: upstream = {\"addr:port\", ...} is required", what);
    lua_Integer n = luaL_len(L, -1);
    if (n < 1 || n > SCN_MAX_UPSTREAMS)
        scn_api_fail(L, "%s: upstream lists 1 to %d servers", what, SCN_MAX_UPSTREAMS);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        if (lua_type(L, -1) != LUA_TSTRING)
            scn_api_fail(L, "%s: upstream[%lld] is not an \"addr:port\" string", what, (long long)i);
        char uwhat[96];
        snprintf(uwhat, sizeof uwhat, "%s: upstream[%lld]", what, (long long)i);
        scn_api_hostport(L, lua_tostring(L, -1), &px->upstream_addr[px->nupstream],
                         &px->upstream_port[px->nupstream], uwhat);
        for (int k = 0; k < px->nupstream; k++)
            if (px->upstream_addr[k] == px->upstream_addr[px->nupstream] &&
                px->upstream_port[k] == px->upstream_port[px->nupstream])
                scn_api_fail(L, "%s: upstream[%lld] is listed twice", what, (long long)i);
        px->nupstream++;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

void scn_api_serve_proxy(lua_State *L, struct scn_topo *t, struct scn_server_app *app, const char *what)
{
    struct scn_proxy *px = &app->proxy;
    upstreams(L, px, what);
    const char *balance = scn_api_opt_string(L, 2, "balance", what, "round_robin");
    px->balance = proxy_balance_parse(balance);
    if (px->balance < 0)
        scn_api_fail(L, "%s: balance \"%s\" is not round_robin, least_conn or ip_hash", what, balance);
    px->keepalive = (int)scn_api_opt_int(L, 2, "keepalive", what, 0, 0, 100000);
    px->max_fails = (int)scn_api_opt_int(L, 2, "max_fails", what, 1, 0, 1000000);
    px->fail_timeout = scn_api_opt_time(L, 2, "fail_timeout", what, 10 * SIM_S);
    if (px->fail_timeout < 0)
        scn_api_fail(L, "%s: fail_timeout must not be negative", what);
    px->timeout = scn_api_opt_time(L, 2, "timeout", what, 60 * SIM_S);
    if (px->timeout <= 0)
        scn_api_fail(L, "%s: timeout must be more than 0", what);
    px->per_request = scn_api_opt_time(L, 2, "per_request", what, 0);
    px->per_byte_ns = scn_api_opt_number(L, 2, "per_byte", what, 0, 0, 1e6);
    if ((px->per_request > 0 || px->per_byte_ns > 0) && t->nodes[app->node].cpu.cores <= 0)
        scn_api_fail(L, "%s: per_request and per_byte need cores on node %s (host(..., {cores = N}))", what,
                     t->nodes[app->node].name);
}

static const char *kind_name(enum scn_app_kind k)
{
    static const char *const names[] = { "http", "bulk", "udp", "proxy" };
    return names[k];
}

int scn_api_app_arg(lua_State *L, struct scn_topo *t, int node, const char *app, const char *what)
{
    char kind[16];
    long port = 0;
    const char *colon = strchr(app, ':');
    size_t klen = colon ? (size_t)(colon - app) : strlen(app);
    if (klen >= sizeof kind)
        scn_api_fail(L, "%s: \"%s\" is not an application (http, bulk, udp, proxy, or kind:port)", what, app);
    snprintf(kind, sizeof kind, "%.*s", (int)klen, app);
    if (colon && (sscanf(colon + 1, "%ld", &port) != 1 || port < 1 || port > 65535))
        scn_api_fail(L, "%s: \"%s\": the port must be 1..65535", what, app);
    int found = -1, count = 0;
    for (int i = 0; i < t->napps; i++)
        if (t->apps[i].node == node && !strcmp(kind_name(t->apps[i].kind), kind) &&
            (!port || t->apps[i].port == port))
            found = i, count++;
    if (count == 0)
        scn_api_fail(L, "%s: node %s serves no \"%s\" (declare serve() before at())", what, t->nodes[node].name,
                     app);
    if (count > 1)
        scn_api_fail(L, "%s: node %s serves %d \"%s\": name one as \"%s:port\"", what, t->nodes[node].name, count,
                     app, kind);
    if (t->apps[found].kind != SCN_APP_HTTP && t->apps[found].kind != SCN_APP_PROXY)
        scn_api_fail(L, "%s: only http and proxy applications can be stopped and started", what);
    return found;
}
