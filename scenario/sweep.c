/*
 * A scenario's sweep: the parameters scenario{sweep = {...}} names, each
 * with numbers or names as values, and the runs as their cross product
 * (modes outer, then the parameters in name order, the last fastest).
 */
#include "scenario/sweep.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') && !(*s >= '0' && *s <= '9') &&
            !strchr("._-", *s))
            return false;
    return true;
}

int scn_value_parse(const struct scn_dim *d, const char *text, struct scn_value *v, char *err, size_t errlen)
{
    memset(v, 0, sizeof *v);
    if (d->nvalues > 0 && d->values[0].is_string) {
        if (!is_name(text) || strlen(text) >= sizeof v->str) {
            snprintf(err, errlen, "\"%s\" is not a name of up to %zu letters, digits, '.', '_' or '-' (%s takes names)",
                     text, sizeof v->str - 1, d->param);
            return -1;
        }
        v->is_string = true;
        snprintf(v->str, sizeof v->str, "%s", text);
        return 0;
    }
    char *end;
    v->num = strtod(text, &end);
    if (end == text || *end || !isfinite(v->num)) {
        snprintf(err, errlen, "\"%s\" is not a number (%s takes numbers)", text, d->param);
        return -1;
    }
    return 0;
}

static int value_from_lua(lua_State *L, int idx, const char *param, lua_Integer i, struct scn_value *v, char *err,
                          size_t errlen)
{
    memset(v, 0, sizeof *v);
    if (lua_type(L, idx) == LUA_TNUMBER) {
        v->num = lua_tonumber(L, idx);
        return 0;
    }
    const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
    if (!s || !is_name(s) || strlen(s) >= sizeof v->str) {
        snprintf(err, errlen,
                 "scenario: sweep %s[%lld] is a number or a name of up to %zu letters, digits, '.', '_' or '-'",
                 param, (long long)i, sizeof v->str - 1);
        return -1;
    }
    v->is_string = true;
    snprintf(v->str, sizeof v->str, "%s", s);
    return 0;
}

static int by_param(const void *a, const void *b)
{
    return strcmp(((const struct scn_dim *)a)->param, ((const struct scn_dim *)b)->param);
}

int scn_sweep_declare(lua_State *L, int idx, struct scenario *sc, char *err, size_t errlen)
{
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx)) {
        snprintf(err, errlen, "scenario: sweep = {param = {values}, ...}");
        return -1;
    }
    sc->nsweep = 0;
    for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) {
        const char *param = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        if (!param || strlen(param) >= SCN_NAME_MAX || !lua_istable(L, -1)) {
            lua_pop(L, 2);
            snprintf(err, errlen, "scenario: sweep = {param = {values}, ...}");
            return -1;
        }
        if (sc->nsweep == SCN_MAX_DIMS) {
            lua_pop(L, 2);
            snprintf(err, errlen, "scenario: sweep names at most %d parameters", SCN_MAX_DIMS);
            return -1;
        }
        struct scn_dim *d = &sc->sweep[sc->nsweep++];
        memset(d, 0, sizeof *d);
        snprintf(d->param, sizeof d->param, "%s", param);
        lua_Integer nv = luaL_len(L, -1);
        if (nv < 1 || nv > SCN_MAX_SWEEP) {
            snprintf(err, errlen, "scenario: sweep %s lists 1 to %d values", param, SCN_MAX_SWEEP);
            lua_pop(L, 2);
            return -1;
        }
        for (lua_Integer i = 1; i <= nv; i++) {
            lua_rawgeti(L, -1, i);
            struct scn_value *v = &d->values[d->nvalues];
            int rc = value_from_lua(L, -1, param, i, v, err, errlen);
            lua_pop(L, 1);
            if (rc == 0 && i > 1 && v->is_string != d->values[0].is_string) {
                snprintf(err, errlen, "scenario: sweep %s mixes numbers and names ([1] and [%lld])", param,
                         (long long)i);
                rc = -1;
            }
            for (int k = 0; rc == 0 && k < d->nvalues; k++)
                if (v->is_string ? !strcmp(v->str, d->values[k].str) : v->num == d->values[k].num) {
                    snprintf(err, errlen, "scenario: sweep %s lists [%d] again at [%lld]", param, k + 1,
                             (long long)i);
                    rc = -1;
                }
            if (rc < 0) {
                lua_pop(L, 2);
                return -1;
            }
            d->nvalues++;
        }
    }
    if (sc->nsweep == 0) {
        snprintf(err, errlen, "scenario: sweep names no parameter");
        return -1;
    }
    qsort(sc->sweep, (size_t)sc->nsweep, sizeof *sc->sweep, by_param);   /* lua_next's order is no order */
    int total = sc->nmodes;
    for (int k = 0; k < sc->nsweep; k++)
        total *= sc->sweep[k].nvalues;
    if (total > SCN_MAX_RUNS) {
        snprintf(err, errlen, "scenario: the modes and the sweep make %d runs; at most %d", total, SCN_MAX_RUNS);
        return -1;
    }
    return 0;
}

void scn_value_push(lua_State *L, const struct scn_value *v)
{
    if (v->is_string)
        lua_pushstring(L, v->str);
    else if (v->num == floor(v->num) && fabs(v->num) < 9e15)
        lua_pushinteger(L, (lua_Integer)v->num);
    else
        lua_pushnumber(L, v->num);
}

int scenario_runs(const struct scenario *sc, struct scn_run *runs, int max)
{
    int n = 0, at[SCN_MAX_DIMS] = { 0 };
    for (int m = 0; m < sc->nmodes; m++) {
        memset(at, 0, sizeof at);
        for (;;) {
            if (n < max) {
                runs[n] = (struct scn_run){ .mode = sc->modes[m] };
                for (int d = 0; d < sc->nsweep; d++)
                    runs[n].sweep[d] = sc->sweep[d].values[at[d]];
            }
            n++;
            int d = sc->nsweep - 1;     /* the last parameter fastest */
            while (d >= 0 && ++at[d] == sc->sweep[d].nvalues)
                at[d--] = 0;
            if (d < 0)
                break;
        }
    }
    return n;
}

void scn_value_text(const struct scn_value *v, char *out, size_t len)
{
    if (v->is_string)
        snprintf(out, len, "%s", v->str);
    else
        snprintf(out, len, "%.15g", v->num);
}

void scn_run_label(const struct scenario *sc, const struct scn_run *run, const char *sep, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (int d = 0; d < sc->nsweep && used < len; d++) {
        char v[64];
        scn_value_text(&run->sweep[d], v, sizeof v);
        used += (size_t)snprintf(out + used, len - used, "%s%s=%s", d ? sep : "", sc->sweep[d].param, v);
    }
}

void scn_run_folder(const struct scenario *sc, const struct scn_run *run, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (int d = 0; d < sc->nsweep && used < len; d++) {
        char v[64];
        if (run->sweep[d].is_string)
            snprintf(v, sizeof v, "%s", run->sweep[d].str);
        else
            snprintf(v, sizeof v, "%g", run->sweep[d].num);
        used += (size_t)snprintf(out + used, len - used, "%s%s-%s", d ? "_" : "", sc->sweep[d].param, v);
    }
}

bool scn_run_same(const struct scenario *sc, const struct scn_run *a, const struct scn_run *b)
{
    if (a->mode != b->mode)
        return false;
    for (int d = 0; d < sc->nsweep; d++) {
        const struct scn_value *x = &a->sweep[d], *y = &b->sweep[d];
        if (x->is_string != y->is_string || (x->is_string ? strcmp(x->str, y->str) != 0 : x->num != y->num))
            return false;
    }
    return true;
}

int scn_sweep_dim(const struct scenario *sc, const char *param)
{
    for (int d = 0; d < sc->nsweep; d++)
        if (!strcmp(sc->sweep[d].param, param))
            return d;
    return -1;
}

int scn_sweep_set(struct scenario *sc, int d, const char *list, char *err, size_t errlen)
{
    struct scn_dim *dim = &sc->sweep[d];
    struct scn_value values[SCN_MAX_SWEEP];
    int n = 0;
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", list);
    for (char *save, *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (n == SCN_MAX_SWEEP) {
            snprintf(err, errlen, "%s takes 1 to %d values", dim->param, SCN_MAX_SWEEP);
            return -1;
        }
        if (scn_value_parse(dim, p, &values[n++], err, errlen) < 0)
            return -1;
    }
    if (n == 0) {
        snprintf(err, errlen, "no value for %s", dim->param);
        return -1;
    }
    memcpy(dim->values, values, (size_t)n * sizeof *values);
    dim->nvalues = n;
    return 0;
}
