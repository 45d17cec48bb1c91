/*
 * vrrp_script(script, function(director, seconds) -> boolean): what a
 * keepalived vrrp_script whose `script` is that text answers, instead of
 * running a command, on the director (by node name) at that time of the
 * run. Declared in build(run), like misc_check; a keepalived.conf script
 * that no vrrp_script declares fails the run naming it.
 */
#include <lauxlib.h>
#include <stdio.h>

#include "scenario/api.h"
#include "scenario/api_int.h"

#define REG_VSCRIPT "lvslab.vrrp_script"   /* script text -> predicate, for the run built last */

static int api_vrrp_script(lua_State *L)
{
    const char *script = luaL_checkstring(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, REG_VSCRIPT);
    if (!lua_istable(L, -1))
        return luaL_error(L, "vrrp_script \"%s\": declare it inside build(run)", script);
    if (!*script)
        return luaL_error(L, "vrrp_script: the script is empty");
    if (!lua_isfunction(L, 2))
        return luaL_error(L, "vrrp_script \"%s\": the predicate is a function(director, seconds)", script);
    lua_getfield(L, -1, script);
    if (!lua_isnil(L, -1))
        return luaL_error(L, "vrrp_script \"%s\": declared twice", script);
    lua_pop(L, 1);
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, script);
    lua_pop(L, 1);
    return 0;
}

void scn_api_track_register(lua_State *L)
{
    lua_register(L, "vrrp_script", api_vrrp_script);
}

void scn_api_track_begin(lua_State *L)
{
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, REG_VSCRIPT);
}

int scn_api_vrrp_script(lua_State *L, const char *script, const char *director, double seconds, char *err,
                        size_t errlen)
{
    lua_getfield(L, LUA_REGISTRYINDEX, REG_VSCRIPT);
    if (lua_istable(L, -1))
        lua_getfield(L, -1, script);
    else
        lua_pushnil(L);
    if (!lua_isfunction(L, -1)) {
        lua_pop(L, 2);
        snprintf(err, errlen, "vrrp_script script \"%s\": the scenario declares no vrrp_script(\"%s\", ...)", script,
                 script);
        return -1;
    }
    lua_pushstring(L, director);
    lua_pushnumber(L, seconds);
    return scn_api_call_predicate(L, 2, "vrrp_script", script, err, errlen);
}
