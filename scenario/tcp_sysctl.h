/*
 * A node's TCP sysctls from a scenario's sysctl(node, {...}): the keys,
 * their parsing from the Lua table, and how either world applies them (the
 * simulated host's TCP settings, or sysctl lines for a namespace).
 */
#ifndef SCENARIO_TCP_SYSCTL_H
#define SCENARIO_TCP_SYSCTL_H

#include <lua.h>
#include <stddef.h>

#include "net/host.h"
#include "scenario/scenario.h"

#define SCN_TCP_SYSCTL_KEYS                                                                        \
    "tcp_rmem", "tcp_wmem", "tcp_moderate_rcvbuf", "tcp_congestion_control", "tcp_sack",           \
        "tcp_dsack", "tcp_timestamps", "tcp_window_scaling", "tcp_slow_start_after_idle",          \
        "tcp_limit_output_bytes"

/* Read the TCP keys present in the table at idx into t; -1 with a message
 * naming the key and what is valid. */
int scn_tcp_sysctl_parse(lua_State *L, int idx, struct scn_tcp_sysctl *t, char *err, size_t errlen);
/* Set the simulated host's TCP settings. */
void scn_tcp_sysctl_apply(struct host *h, const struct scn_tcp_sysctl *t);
/* The settings as "net.ipv4.tcp_x=value" lines for sysctl -w; returns how
 * many (at most max). */
int scn_tcp_sysctl_lines(const struct scn_tcp_sysctl *t, char (*lines)[96], int max);

#endif
