/* A node's TCP sysctls: parsed from sysctl(node, {...}), applied to a
 * simulated host or written as sysctl lines for an emulated one. */
#include "scenario/tcp_sysctl.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "net/tcp.h"

/* a line per key at most: the callers' arrays are sized by the constant */
_Static_assert(sizeof(const char *[]){ SCN_TCP_SYSCTL_KEYS } / sizeof(const char *) ==
                   SCN_TCP_SYSCTL_MAX_LINES,
               "SCN_TCP_SYSCTL_MAX_LINES must count SCN_TCP_SYSCTL_KEYS");

static int perr(char *err, size_t errlen, const char *fmt, const char *key)
{
    snprintf(err, errlen, fmt, key);
    return -1;
}

/* {min, default, max} or "min default max": 1 <= min <= default <= max,
 * default at least 4096 (Linux's smallest buffer is about that). */
static int parse_triple(lua_State *L, const char *key, uint32_t out[3], char *err, size_t errlen)
{
    double v[3];
    if (lua_type(L, -1) == LUA_TTABLE) {
        if (luaL_len(L, -1) != 3)
            return perr(err, errlen, "%s must be {min, default, max} in bytes", key);
        for (int i = 0; i < 3; i++) {
            lua_geti(L, -1, i + 1);
            int ok = lua_isnumber(L, -1);
            v[i] = lua_tonumber(L, -1);
            lua_pop(L, 1);
            if (!ok)
                return perr(err, errlen, "%s must be {min, default, max} in bytes", key);
        }
    } else if (lua_type(L, -1) == LUA_TSTRING) {
        char tail;
        if (sscanf(lua_tostring(L, -1), "%lf %lf %lf %c", &v[0], &v[1], &v[2], &tail) != 3)
            return perr(err, errlen, "%s must be \"min default max\" in bytes", key);
    } else {
        return perr(err, errlen, "%s must be {min, default, max} or \"min default max\" in bytes", key);
    }
    for (int i = 0; i < 3; i++)
        if (v[i] != floor(v[i]) || v[i] < 1 || v[i] > 2147483647.0)
            return perr(err, errlen, "%s: each value is a whole number of bytes from 1 to 2147483647", key);
    if (!(v[0] <= v[1] && v[1] <= v[2]) || v[1] < 4096)
        return perr(err, errlen, "%s needs min <= default <= max and default >= 4096", key);
    for (int i = 0; i < 3; i++)
        out[i] = (uint32_t)v[i];
    return 0;
}

/* true/false, or 0/1 as sysctl writes them. */
static int parse_bool(lua_State *L, const char *key, bool *out, char *err, size_t errlen)
{
    if (lua_isboolean(L, -1)) {
        *out = lua_toboolean(L, -1);
        return 0;
    }
    if (lua_type(L, -1) == LUA_TNUMBER && (lua_tonumber(L, -1) == 0 || lua_tonumber(L, -1) == 1)) {
        *out = lua_tonumber(L, -1) == 1;
        return 0;
    }
    return perr(err, errlen, "%s must be true or false (or 1 or 0)", key);
}

int scn_tcp_sysctl_parse(lua_State *L, int idx, struct scn_tcp_sysctl *t, char *err, size_t errlen)
{
    static const struct {
        const char *key;
        unsigned bit;
        size_t off;                /* of the bool, for the boolean keys */
    } bools[] = {
        { "tcp_moderate_rcvbuf", SCN_TCP_MODERATE_RCVBUF, offsetof(struct scn_tcp_sysctl, moderate_rcvbuf) },
        { "tcp_sack", SCN_TCP_SACK, offsetof(struct scn_tcp_sysctl, sack) },
        { "tcp_dsack", SCN_TCP_DSACK, offsetof(struct scn_tcp_sysctl, dsack) },
        { "tcp_timestamps", SCN_TCP_TIMESTAMPS, offsetof(struct scn_tcp_sysctl, timestamps) },
        { "tcp_window_scaling", SCN_TCP_WINDOW_SCALING, offsetof(struct scn_tcp_sysctl, window_scaling) },
        { "tcp_slow_start_after_idle", SCN_TCP_SLOW_START_AFTER_IDLE,
          offsetof(struct scn_tcp_sysctl, slow_start_after_idle) },
    };
    int rc = 0;
    if (lua_getfield(L, idx, "tcp_rmem") != LUA_TNIL) {
        rc = parse_triple(L, "tcp_rmem", t->rmem, err, errlen);
        t->set |= SCN_TCP_RMEM;
    }
    lua_pop(L, 1);
    if (rc == 0 && lua_getfield(L, idx, "tcp_wmem") != LUA_TNIL) {
        rc = parse_triple(L, "tcp_wmem", t->wmem, err, errlen);
        t->set |= SCN_TCP_WMEM;
    }
    lua_pop(L, 1);
    for (size_t i = 0; rc == 0 && i < sizeof bools / sizeof bools[0]; i++) {
        if (lua_getfield(L, idx, bools[i].key) != LUA_TNIL) {
            rc = parse_bool(L, bools[i].key, (bool *)((char *)t + bools[i].off), err, errlen);
            t->set |= bools[i].bit;
        }
        lua_pop(L, 1);
    }
    if (rc == 0 && lua_getfield(L, idx, "tcp_limit_output_bytes") != LUA_TNIL) {
        double v = lua_tonumber(L, -1);
        if (lua_type(L, -1) != LUA_TNUMBER || v != floor(v) || v < 0 || v > 2147483647.0)
            rc = perr(err, errlen, "%s must be a whole number of bytes from 0 to 2147483647", "tcp_limit_output_bytes");
        t->limit_output_bytes = rc == 0 ? (uint32_t)v : 0;
        t->set |= SCN_TCP_LIMIT_OUTPUT_BYTES;
    }
    lua_pop(L, 1);
    if (rc == 0 && lua_getfield(L, idx, "tcp_congestion_control") != LUA_TNIL) {
        const char *v = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        if (!v || (strcmp(v, "cubic") && strcmp(v, "reno"))) {
            snprintf(err, errlen, "tcp_congestion_control \"%s\" is not modelled (valid: \"cubic\", \"reno\")",
                     v ? v : luaL_typename(L, -1));
            rc = -1;
        } else {
            snprintf(t->congestion_control, sizeof t->congestion_control, "%s", v);
            t->set |= SCN_TCP_CONGESTION_CONTROL;
        }
    }
    lua_pop(L, 1);
    return rc;
}

void scn_tcp_sysctl_apply(struct host *h, const struct scn_tcp_sysctl *t)
{
    if (!t->set)
        return;
    struct tcp_config *c = tcp_stack_config(h);
    if (t->set & SCN_TCP_RMEM)
        memcpy(c->rmem, t->rmem, sizeof c->rmem);
    if (t->set & SCN_TCP_WMEM)
        memcpy(c->wmem, t->wmem, sizeof c->wmem);
    if (t->set & SCN_TCP_MODERATE_RCVBUF)
        c->moderate_rcvbuf = t->moderate_rcvbuf;
    if (t->set & SCN_TCP_SACK)
        c->sack = t->sack;
    if (t->set & SCN_TCP_DSACK)
        c->dsack = t->dsack;
    if (t->set & SCN_TCP_TIMESTAMPS)
        c->timestamps = t->timestamps;
    if (t->set & SCN_TCP_WINDOW_SCALING)
        c->window_scaling = t->window_scaling;
    if (t->set & SCN_TCP_SLOW_START_AFTER_IDLE)
        c->slow_start_after_idle = t->slow_start_after_idle;
    if (t->set & SCN_TCP_CONGESTION_CONTROL)
        snprintf(c->cc, sizeof c->cc, "%s", t->congestion_control);
    if (t->set & SCN_TCP_LIMIT_OUTPUT_BYTES)
        c->limit_output_bytes = t->limit_output_bytes;
}

int scn_tcp_sysctl_lines(const struct scn_tcp_sysctl *t, char (*lines)[96], int max)
{
    int n = 0;
#define LINE(...)                                                                                  \
    do {                                                                                           \
        if (n < max)                                                                               \
            snprintf(lines[n++], 96, __VA_ARGS__);                                                 \
    } while (0)
    if (t->set & SCN_TCP_RMEM)
        LINE("net.ipv4.tcp_rmem=%u %u %u", t->rmem[0], t->rmem[1], t->rmem[2]);
    if (t->set & SCN_TCP_WMEM)
        LINE("net.ipv4.tcp_wmem=%u %u %u", t->wmem[0], t->wmem[1], t->wmem[2]);
    if (t->set & SCN_TCP_MODERATE_RCVBUF)
        LINE("net.ipv4.tcp_moderate_rcvbuf=%d", t->moderate_rcvbuf);
    if (t->set & SCN_TCP_CONGESTION_CONTROL)
        LINE("net.ipv4.tcp_congestion_control=%s", t->congestion_control);
    if (t->set & SCN_TCP_SACK)
        LINE("net.ipv4.tcp_sack=%d", t->sack);
    if (t->set & SCN_TCP_DSACK)
        LINE("net.ipv4.tcp_dsack=%d", t->dsack);
    if (t->set & SCN_TCP_TIMESTAMPS)
        LINE("net.ipv4.tcp_timestamps=%d", t->timestamps);
    if (t->set & SCN_TCP_WINDOW_SCALING)
        LINE("net.ipv4.tcp_window_scaling=%d", t->window_scaling);
    if (t->set & SCN_TCP_SLOW_START_AFTER_IDLE)
        LINE("net.ipv4.tcp_slow_start_after_idle=%d", t->slow_start_after_idle);
    if (t->set & SCN_TCP_LIMIT_OUTPUT_BYTES)
        LINE("net.ipv4.tcp_limit_output_bytes=%u", t->limit_output_bytes);
#undef LINE
    return n;
}
