/*
 * Loading a scenario script: a Lua 5.4 state with the base, string, table
 * and math libraries, `require` limited to topologies/ and the script's own
 * folder, and the declaration API (scenario/api.c). The script's top
 * level calls scenario{...} once and defines build(run); each run calls
 * build with a table of the run's parameters.
 */
#include "scenario/scenario.h"

#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/units.h"
#include "engine/xalloc.h"
#include "scenario/api.h"
#include "scenario/sweep.h"

/* Libraries a scenario may use: nothing that touches files or processes. */
static void open_safe_libs(lua_State *L)
{
    static const luaL_Reg libs[] = {
        { LUA_GNAME, luaopen_base },      { LUA_LOADLIBNAME, luaopen_package },
        { LUA_TABLIBNAME, luaopen_table }, { LUA_STRLIBNAME, luaopen_string },
        { LUA_MATHLIBNAME, luaopen_math },
    };
    for (size_t i = 0; i < sizeof libs / sizeof *libs; i++) {
        luaL_requiref(L, libs[i].name, libs[i].func, 1);
        lua_pop(L, 1);
    }
    static const char *const unsafe[] = { "dofile", "loadfile", "load", "collectgarbage", NULL };
    for (int i = 0; unsafe[i]; i++) {
        lua_pushnil(L);
        lua_setglobal(L, unsafe[i]);
    }
    /* Lua modules only, from topologies/ and the script's folder. */
    lua_getglobal(L, "package");
    lua_pushstring(L, "");
    lua_setfield(L, -2, "cpath");
    lua_getfield(L, -1, "searchers");       /* keep the preload and Lua searchers */
    for (lua_Integer i = luaL_len(L, -1); i > 2; i--) {
        lua_pushnil(L);
        lua_rawseti(L, -2, i);
    }
    lua_pop(L, 2);
}

static void set_module_path(lua_State *L, const char *script)
{
    char dir[256];
    snprintf(dir, sizeof dir, "%s", script);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    lua_getglobal(L, "package");
    lua_pushfstring(L, "%s/?.lua;%s/../topologies/?.lua;topologies/?.lua", dir, dir);
    lua_setfield(L, -2, "path");
    lua_pop(L, 1);
    lua_pushstring(L, dir);                 /* where shipped profiles are looked for first */
    lua_setfield(L, LUA_REGISTRYINDEX, "lvslab.dir");
}

/* Message handler: keep Lua's "file:line: message" as it is. */
static int keep_message(lua_State *L)
{
    if (!lua_isstring(L, 1))
        lua_pushstring(L, "error object is not a string");
    return 1;
}

static int call_protected(lua_State *L, int nargs, char *err, size_t errlen)
{
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, keep_message);
    lua_insert(L, base);
    int rc = lua_pcall(L, nargs, 0, base);
    lua_remove(L, base);
    if (rc != LUA_OK) {
        snprintf(err, errlen, "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    return 0;
}

static int by_name(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

int scenario_param_names(const struct scenario *sc, const char **names, int max)
{
    lua_State *L = sc->L;
    int n = 0;
    lua_getfield(L, LUA_REGISTRYINDEX, "lvslab.params");
    for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1))
        if (lua_type(L, -2) == LUA_TSTRING && n < max)
            names[n++] = lua_tostring(L, -2);     /* the key stays in the params table */
    lua_pop(L, 1);
    qsort(names, (size_t)n, sizeof *names, by_name);    /* lua_next's order is no order */
    return n;
}

/* "a, b, c" of the scenario's parameters, for a message. */
static void param_list(const struct scenario *sc, char *out, size_t len)
{
    const char *names[64];
    int n = scenario_param_names(sc, names, 64);
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%s", i ? ", " : "", names[i]);
}

/* --set key=value: params first, then the scenario's own settings. */
static int apply_override(struct scenario *sc, const char *kv, char *err, size_t errlen)
{
    lua_State *L = sc->L;
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv) {
        snprintf(err, errlen, "--set %s: expected key=value", kv);
        return -1;
    }
    char key[SCN_NAME_MAX];
    snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
    const char *value = eq + 1;
    char uerr[160];
    if (!strcmp(key, "duration") || !strcmp(key, "warmup") || !strcmp(key, "after")) {
        sim_time_t t;
        if (units_parse_time(value, &t, uerr, sizeof uerr) < 0) {
            snprintf(err, errlen, "--set %s: %s", kv, uerr);
            return -1;
        }
        *(!strcmp(key, "duration") ? &sc->duration : !strcmp(key, "warmup") ? &sc->warmup : &sc->after) = t;
        return 0;
    }
    if (!strcmp(key, "seed")) {
        char *end;
        errno = 0;
        unsigned long long seed = strtoull(value, &end, 10);
        if (errno || *end || !*value) {
            snprintf(err, errlen, "--set %s: the seed is a whole number", kv);
            return -1;
        }
        sc->seed = seed;
        return 0;
    }
    int dim = scn_sweep_dim(sc, key);
    if (dim >= 0) {   /* a swept parameter: one value ends its sweep, a list replaces it */
        char verr[200];
        if (scn_sweep_set(sc, dim, value, verr, sizeof verr) < 0) {
            snprintf(err, errlen, "--set %s: %s", kv, verr);
            return -1;
        }
        lua_getfield(L, LUA_REGISTRYINDEX, "lvslab.params");
        scn_value_push(L, &sc->sweep[dim].values[0]);
        lua_setfield(L, -2, key);
        lua_pop(L, 1);
        return 0;
    }
    lua_getfield(L, LUA_REGISTRYINDEX, "lvslab.params");
    lua_getfield(L, -1, key);
    int type = lua_type(L, -1);
    lua_pop(L, 1);
    if (type == LUA_TNIL) {
        char names[256];
        param_list(sc, names, sizeof names);
        snprintf(err, errlen,
                 "--set %s: the scenario has no parameter \"%s\" (it has %s%sduration, warmup, after and seed)",
                 kv, key, names, names[0] ? "; and " : "");
        lua_pop(L, 1);
        return -1;
    }
    if (type == LUA_TNUMBER) {
        char *end;
        double v = strtod(value, &end);
        if (*end || !*value) {
            snprintf(err, errlen, "--set %s: \"%s\" is a number", kv, key);
            lua_pop(L, 1);
            return -1;
        }
        lua_pushnumber(L, v);
    } else if (type == LUA_TBOOLEAN) {
        if (strcmp(value, "true") && strcmp(value, "false")) {
            snprintf(err, errlen, "--set %s: \"%s\" is true or false", kv, key);
            lua_pop(L, 1);
            return -1;
        }
        lua_pushboolean(L, !strcmp(value, "true"));
    } else {
        lua_pushstring(L, value);
    }
    lua_setfield(L, -2, key);
    lua_pop(L, 1);
    return 0;
}

int scenario_load(struct scenario *sc, const char *path, const char *const *overrides,
                  int noverrides, char *err, size_t errlen)
{
    memset(sc, 0, sizeof *sc);
    snprintf(sc->file, sizeof sc->file, "%s", path);
    sc->seed = 1;
    lua_State *L = luaL_newstate();
    if (!L) {
        snprintf(err, errlen, "%s: cannot create a Lua state", path);
        return -1;
    }
    sc->L = L;
    open_safe_libs(L);
    set_module_path(L, path);
    scn_api_register(L, sc);

    if (luaL_loadfile(L, path) != LUA_OK) {
        snprintf(err, errlen, "%s", lua_tostring(L, -1));
        scenario_free(sc);
        return -1;
    }
    if (call_protected(L, 0, err, errlen) < 0) {
        scenario_free(sc);
        return -1;
    }
    if (!sc->name[0]) {
        snprintf(err, errlen, "%s: the script never calls scenario{...}", path);
        scenario_free(sc);
        return -1;
    }
    lua_getglobal(L, "build");
    int has_build = lua_isfunction(L, -1);
    lua_pop(L, 1);
    if (!has_build) {
        snprintf(err, errlen, "%s: the script defines no function build(run)", path);
        scenario_free(sc);
        return -1;
    }
    for (int i = 0; i < noverrides; i++)
        if (apply_override(sc, overrides[i], err, errlen) < 0) {
            scenario_free(sc);
            return -1;
        }
    if (scenario_runs(sc, NULL, 0) > SCN_MAX_RUNS) {
        snprintf(err, errlen, "%s: the modes and the sweep make %d runs; at most %d", path,
                 scenario_runs(sc, NULL, 0), SCN_MAX_RUNS);
        scenario_free(sc);
        return -1;
    }
    return 0;
}

void scenario_free(struct scenario *sc)
{
    if (sc->L)
        lua_close(sc->L);
    sc->L = NULL;
}

int scenario_build(struct scenario *sc, const struct scn_run *run, struct scn_topo *topo,
                   char *err, size_t errlen)
{
    lua_State *L = sc->L;
    memset(topo, 0, sizeof *topo);
    scn_api_begin(L, topo);

    lua_getglobal(L, "build");
    lua_newtable(L);       /* run = copy of params + mode, seed, the swept values, duration, warmup, after */
    lua_getfield(L, LUA_REGISTRYINDEX, "lvslab.params");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_settable(L, -5);
    }
    lua_pop(L, 1);
    lua_pushstring(L, scn_mode_name(run->mode));
    lua_setfield(L, -2, "mode");
    lua_pushinteger(L, (lua_Integer)sc->seed);
    lua_setfield(L, -2, "seed");
    for (int d = 0; d < sc->nsweep; d++) {
        scn_value_push(L, &run->sweep[d]);
        lua_setfield(L, -2, sc->sweep[d].param);
    }
    lua_pushnumber(L, sim_time_to_s(sc->duration));   /* measured seconds, after the warm-up */
    lua_setfield(L, -2, "duration");
    lua_pushnumber(L, sim_time_to_s(sc->warmup));
    lua_setfield(L, -2, "warmup");
    lua_pushnumber(L, sim_time_to_s(sc->after));      /* simulated after the measured window */
    lua_setfield(L, -2, "after");
    int rc = call_protected(L, 1, err, errlen);
    scn_api_end(L);
    if (rc == 0)
        rc = scn_topo_check(topo, err, errlen);
    if (rc < 0)
        scn_topo_free(topo);
    return rc;
}


int scenario_load_run(const char *script, const char *mode, const char *const *sets, int nsets,
                     struct scenario *sc, struct scn_run *run, struct scn_topo *topo, char *err, size_t errlen)
{
    if (scenario_load(sc, script, sets, nsets, err, errlen) < 0)
        return -1;
    struct scn_run runs[SCN_MAX_RUNS];
    int nruns = scenario_runs(sc, runs, SCN_MAX_RUNS), pick = 0;
    if (mode) {
        int m = scn_mode_parse(mode);
        for (pick = 0; pick < nruns && (int)runs[pick].mode != m; pick++)
            ;
        if (pick == nruns) {
            snprintf(err, errlen, "%s does not compare mode \"%s\"", script, mode);
            scenario_free(sc);
            return -1;
        }
    }
    *run = runs[pick];
    if (scenario_build(sc, run, topo, err, errlen) < 0) {
        scenario_free(sc);
        return -1;
    }
    return 0;
}

int scenario_misc_check(struct scenario *sc, const char *path, uint32_t addr, uint16_t port, sim_time_t now,
                        char *err, size_t errlen)
{
    return scn_api_misc(sc->L, path, addr, port, sim_time_to_s(now), err, errlen);
}

int scenario_vrrp_script(struct scenario *sc, const char *script, const char *director, sim_time_t now, char *err,
                         size_t errlen)
{
    return scn_api_vrrp_script(sc->L, script, director, sim_time_to_s(now), err, errlen);
}
