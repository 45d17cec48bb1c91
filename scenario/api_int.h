/*
 * The option readers of scenario/api.c, for the declarations kept in files
 * of their own (scenario/api_*.c): each raises "file:line: message" at the
 * script line, as api.c's own do.
 */
#ifndef SCENARIO_API_INT_H
#define SCENARIO_API_INT_H

#include <lua.h>

#include "scenario/scenario.h"

int scn_api_fail(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* opts[key] at table idx, or dflt when absent; a wrong type is an error. */
const char *scn_api_opt_string(lua_State *L, int idx, const char *key, const char *what, const char *dflt);
sim_time_t scn_api_opt_time(lua_State *L, int idx, const char *key, const char *what, sim_time_t dflt);
double scn_api_opt_number(lua_State *L, int idx, const char *key, const char *what, double dflt, double lo,
                          double hi);
long scn_api_opt_int(lua_State *L, int idx, const char *key, const char *what, long dflt, long lo, long hi);
/* "a.b.c.d:port". */
void scn_api_hostport(lua_State *L, const char *s, uint32_t *addr, uint16_t *port, const char *what);

/* serve(node, {kind = "proxy", ...})'s own options (scenario/api_proxy.c),
 * the options table at index 2. */
void scn_api_serve_proxy(lua_State *L, struct scn_topo *t, struct scn_server_app *app, const char *what);
/* Whether key is one of the proxy's own options. */
int scn_api_proxy_key(const char *key);
/* at(t, "stop"|"start", node, app): which application (kind, or "kind:port")
 * of the node; its index in t->apps. */
int scn_api_app_arg(lua_State *L, struct scn_topo *t, int node, const char *app, const char *what);

/* A declared Lua predicate called: the function under nargs arguments on
 * top of the stack, a table below it (both popped). 1 or 0 for its true or
 * false; -1 with err "<what> \"<name>\": ..." when it raised or returned
 * anything else. */
int scn_api_call_predicate(lua_State *L, int nargs, const char *what, const char *name, char *err,
                           size_t errlen);

#endif
