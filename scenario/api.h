/*
 * The declarations a scenario script makes: scenario{}, and inside
 * build(run) the topology (host, router, switch, link, addr, route, sysctl),
 * the director and real servers, applications, workloads and timed events.
 * Each checks its arguments at once and raises "file:line: message" at the
 * script line that called it (past the topologies/ modules in between).
 */
#ifndef SCENARIO_API_H
#define SCENARIO_API_H

#include <lua.h>

#include "scenario/scenario.h"

/* Install the API's globals; the scenario receives what scenario{} says. */
void scn_api_register(lua_State *L, struct scenario *sc);
/* Between begin and end, build(run)'s declarations go into topo. */
void scn_api_begin(lua_State *L, struct scn_topo *topo);
void scn_api_end(lua_State *L);

/* The misc_check(path, fn) that the last build(run) declared, called as
 * fn(address, port, seconds): 1 pass, 0 fail, -1 with err (none declared,
 * a Lua error, not a boolean). */
int scn_api_misc(lua_State *L, const char *path, uint32_t addr, uint16_t port, double seconds, char *err,
                 size_t errlen);
/* api_track.c: vrrp_script(script, fn), registered by scn_api_register and
 * emptied by scn_api_begin; the one the last build(run) declared, called
 * as fn(director, seconds): 1 pass, 0 fail, -1 with err. */
void scn_api_track_register(lua_State *L);
void scn_api_track_begin(lua_State *L);
int scn_api_vrrp_script(lua_State *L, const char *script, const char *director, double seconds, char *err,
                        size_t errlen);
/* api_route.c: route(node, {dst, via = {...}, hash}) for multipath
 * routes, wrapping the route() scn_api_register installed. */
void scn_api_route_register(lua_State *L);
/* Checks that need the whole topology (scenario/check.c). */
int scn_topo_check(const struct scn_topo *topo, char *err, size_t errlen);

#endif
