/* A sweep as a plan of runs (see plan.h). */
#include "scenario/plan.h"

#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/results.h"

json_t *scn_plan_params(const struct scenario *sc)
{
    lua_State *L = sc->L;
    const char *names[256];
    int n = scenario_param_names(sc, names, 256);
    lua_getfield(L, LUA_REGISTRYINDEX, "lvslab.params");
    json_t *params = json_object();
    for (int i = 0; i < n; i++) {
        lua_getfield(L, -1, names[i]);
        json_t *v = lua_type(L, -1) == LUA_TNUMBER    ? json_real(lua_tonumber(L, -1))
                  : lua_type(L, -1) == LUA_TBOOLEAN ? json_boolean(lua_toboolean(L, -1))
                  : lua_type(L, -1) == LUA_TSTRING  ? json_string(lua_tostring(L, -1))
                                                    : json_string(lua_typename(L, lua_type(L, -1)));
        json_object_set_new(params, names[i], v);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    json_object_set_new(params, "warmup_s", json_real(sim_time_to_s(sc->warmup)));
    if (sc->after > 0)
        json_object_set_new(params, "after_s", json_real(sim_time_to_s(sc->after)));
    return params;
}

json_t *scn_run_params_json(const struct scenario *sc, const struct scn_run *run)
{
    json_t *params = scn_plan_params(sc);
    for (int d = 0; d < sc->nsweep; d++)
        json_object_set_new(params, sc->sweep[d].param, scn_value_json(&run->sweep[d]));
    json_object_set_new(params, "duration_s", json_real(sim_time_to_s(sc->duration)));
    return params;
}

json_t *scn_plan_json(const struct scenario *sc, const struct scn_run *runs, const int *index, int n)
{
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        json_t *sweep = scn_run_sweep_json(sc, &runs[i]);
        json_array_append_new(list, json_pack("{s:i, s:s, s:o}", "index", index[i], "mode",
                                              scn_mode_name(runs[i].mode), "sweep", sweep));
    }
    return json_pack("{s:s, s:o, s:I, s:o, s:o}", "lvslab", LVSLAB_VERSION, "scenario", scn_results_scenario(sc),
                     "seed", (json_int_t)sc->seed, "params", scn_plan_params(sc), "runs", list);
}

const char *scn_plan_differs(const json_t *a, const json_t *b, char *buf, size_t len)
{
    static const char *const fields[][2] = {
        { "lvslab", "lvslab versions" }, { "scenario", "scenarios" }, { "seed", "seeds" },
        { "params", "parameters" }, { "runs", "runs planned (--mode or the sweep)" },
    };
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        const json_t *x = json_object_get(a, fields[i][0]), *y = json_object_get(b, fields[i][0]);
        if (json_equal(x, y))
            continue;
        char *dx = json_dumps(x, JSON_COMPACT | JSON_ENCODE_ANY), *dy = json_dumps(y, JSON_COMPACT | JSON_ENCODE_ANY);
        snprintf(buf, len, "different %s: %.150s against %.150s", fields[i][1], dx ? dx : "none", dy ? dy : "none");
        free(dx);
        free(dy);
        return buf;
    }
    return NULL;
}

int scn_plan_parse_only(const char *spec, int total, bool *chosen, char *err, size_t errlen)
{
    memset(chosen, 0, (size_t)total * sizeof *chosen);
    const char *p = spec;
    do {
        char *end;
        long lo = strtol(p, &end, 10), hi = lo;
        if (end == p || lo < 0) {
            snprintf(err, errlen, "--only %s: \"%s\" is not K or K-L (run indexes from 0)", spec, p);
            return -1;
        }
        if (*end == '-') {
            const char *q = end + 1;
            hi = strtol(q, &end, 10);
            if (end == q || hi < lo) {
                snprintf(err, errlen, "--only %s: \"%s\" is not K or K-L with K <= L", spec, p);
                return -1;
            }
        }
        if (*end && *end != ',') {
            snprintf(err, errlen, "--only %s: \"%s\" is not K or K-L (run indexes from 0)", spec, p);
            return -1;
        }
        if (hi >= total) {
            snprintf(err, errlen, "--only %s: the scenario has runs 0-%d", spec, total - 1);
            return -1;
        }
        for (long k = lo; k <= hi; k++)
            chosen[k] = true;
        p = *end ? end + 1 : end;
    } while (*p);
    return 0;
}
