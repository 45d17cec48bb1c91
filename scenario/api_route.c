/*
 * route(node, {dst = "a.b.c.d/len" | "default", via = {gw, gw, ...},
 * hash = "l3" | "l4"}): a multipath (ECMP) route, as
 * `ip route add DST nexthop via GW nexthop via GW ...` with
 * net.ipv4.fib_multipath_hash_policy 0 (l3, the default) or 1 (l4). The
 * two-argument route(node, dst, via) stays api.c's: this wraps it and
 * hands it every call whose second argument is not a table. Likewise
 * at(time, "route", node, {dst, via, hash}) replaces a node's route during
 * the run (a routing daemon withdrawing a next hop); every other at() is
 * api.c's.
 */
#include <arpa/inet.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/units.h"
#include "engine/xalloc.h"
#include "scenario/api.h"

#define REG_TOPO "lvslab.topo"

static uint32_t addr_of(lua_State *L, const char *text, const char *what)
{
    struct in_addr in;
    if (inet_pton(AF_INET, text, &in) != 1)
        luaL_error(L, "%s: '%s' is not an IPv4 address", what, text);
    return ntohl(in.s_addr);
}

/* The script line that declared it: the first caller outside the
 * topologies/ modules, as api.c's declarations record. */
static void script_line(lua_State *L, struct scn_where *w)
{
    lua_Debug ar;
    snprintf(w->text, sizeof w->text, "?");
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
            continue;
        snprintf(w->text, sizeof w->text, "%s:%d", ar.short_src, ar.currentline);
        if (!strstr(ar.short_src, "topologies/"))
            return;
    }
}

static void table_keys(lua_State *L, int idx, const char *what)
{
    static const char *const keys[] = { "dst", "via", "hash", NULL };
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
        bool known = false;
        for (int i = 0; keys[i]; i++)
            known |= !strcmp(k, keys[i]);
        if (!known)
            luaL_error(L, "%s: unknown option '%s' (valid: dst, via, hash)", what, k);
    }
}

static struct scn_topo *topo_of(lua_State *L, const char *fn)
{
    lua_getfield(L, LUA_REGISTRYINDEX, REG_TOPO);
    struct scn_topo *t = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!t)
        luaL_error(L, "%s: only inside build(run)", fn);
    return t;
}

static int node_of(lua_State *L, const struct scn_topo *t, int idx, const char *fn)
{
    const char *name = luaL_checkstring(L, idx);
    int n = scn_topo_node(t, name);
    if (n < 0)
        luaL_error(L, "%s: no node named \"%s\"", fn, name);
    return n;
}

/* The route table at idx for node into *out: dst, via (min_vias.. gateways),
 * hash. */
static void parse_route(lua_State *L, int idx, const struct scn_node *node, int min_vias, struct scn_route *out)
{
    char what[96];
    lua_getfield(L, idx, "dst");
    const char *dst = lua_tostring(L, -1);
    snprintf(what, sizeof what, "route %s %s", node->name, dst ? dst : "?");
    table_keys(L, idx, what);
    if (!dst)
        luaL_error(L, "%s: dst = \"a.b.c.d/len\" or \"default\" is required", what);
    if (node->kind == SCN_SWITCH)
        luaL_error(L, "%s: a switch has no routes", what);
    struct scn_route r = { 0 };
    if (strcmp(dst, "default")) {
        char net[32];
        const char *slash = strchr(dst, '/');
        char *end;
        long len = slash ? strtol(slash + 1, &end, 10) : -1;
        if (!slash || slash == dst || (size_t)(slash - dst) >= sizeof net || !slash[1] || *end || len < 0 || len > 32)
            luaL_error(L, "%s: dst '%s' is not a.b.c.d/len", what, dst);
        snprintf(net, sizeof net, "%.*s", (int)(slash - dst), dst);
        r.prefix = addr_of(L, net, what);
        r.prefix_len = (uint8_t)len;
        if (r.prefix & ~(len ? ~0u << (32 - len) : 0u))
            luaL_error(L, "%s: '%s' has host bits set", what, dst);
    }
    lua_getfield(L, idx, "via");
    if (!lua_istable(L, -1))
        luaL_error(L, "%s: via = {gateway, gateway, ...} is required", what);
    int nvia = (int)luaL_len(L, -1);
    if (nvia < min_vias || nvia > SCN_MAX_NEXTHOPS)
        luaL_error(L, "%s: via lists %d to %d gateways, not %d", what, min_vias, SCN_MAX_NEXTHOPS, nvia);
    for (int i = 0; i < nvia; i++) {
        lua_rawgeti(L, -1, i + 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "%s: via[%d] is not an address string", what, i + 1);
        r.vias[i] = addr_of(L, lua_tostring(L, -1), what);
        for (int k = 0; k < i; k++)
            if (r.vias[k] == r.vias[i])
                luaL_error(L, "%s: via lists %s twice", what, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    r.nvias = nvia > 1 ? nvia : 0;
    r.via = r.vias[0];
    lua_getfield(L, idx, "hash");
    const char *hash = lua_isnil(L, -1) ? "l3" : lua_tostring(L, -1);
    if (!hash || (strcmp(hash, "l3") && strcmp(hash, "l4")))
        luaL_error(L, "%s: hash is \"l3\" (fib_multipath_hash_policy 0) or \"l4\" (1)", what);
    r.hash = strcmp(hash, "l4") ? SCN_HASH_L3 : SCN_HASH_L4;
    script_line(L, &r.where);
    *out = r;
}

static int multipath(lua_State *L)
{
    struct scn_topo *t = topo_of(L, "route");
    struct scn_node *node = &t->nodes[node_of(L, t, 1, "route")];
    if (node->nroutes == SCN_MAX_ROUTES)
        return luaL_error(L, "route %s: a node holds at most %d routes", node->name, SCN_MAX_ROUTES);
    parse_route(L, 2, node, 2, &node->routes[node->nroutes]);
    node->nroutes++;
    return 0;
}

/* at(time, "route", node, {dst, via = {...}, hash}): the node's routes to
 * dst replaced by this one (one gateway or several), as a routing daemon
 * does when a peer withdraws (ip route replace). */
static int at_route(lua_State *L)
{
    struct scn_topo *t = topo_of(L, "at");
    struct scn_event ev = { .kind = SCN_EV_ROUTE, .link = -1 };
    char uerr[160];
    if (units_parse_time(luaL_checkstring(L, 1), &ev.at, uerr, sizeof uerr) < 0)
        return luaL_error(L, "at: %s", uerr);
    ev.node = node_of(L, t, 3, "at");
    if (!lua_istable(L, 4))
        return luaL_error(L, "at: \"route\" takes a node and {dst, via = {...}, hash}");
    parse_route(L, 4, &t->nodes[ev.node], 1, &ev.route);
    ev.where = ev.route.where;
    t->events = xrealloc(t->events, (size_t)(t->nevents + 1) * sizeof *t->events);
    t->events[t->nevents++] = ev;
    return 0;
}

static int at(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TSTRING && !strcmp(lua_tostring(L, 2), "route"))
        return at_route(L);
    int nargs = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, nargs, LUA_MULTRET);
    return lua_gettop(L);
}

static int route(lua_State *L)
{
    if (lua_istable(L, 2))
        return multipath(L);
    int nargs = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, nargs, LUA_MULTRET);
    return lua_gettop(L);
}

void scn_api_route_register(lua_State *L)
{
    lua_getglobal(L, "route");
    lua_pushcclosure(L, route, 1);
    lua_setglobal(L, "route");
    lua_getglobal(L, "at");
    lua_pushcclosure(L, at, 1);
    lua_setglobal(L, "at");
}
