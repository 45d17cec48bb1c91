/*
 * The scenario declaration API, as Lua globals. Options come in tables whose
 * keys are checked against each function's list: an unknown key, a wrong
 * type, a bad unit or address, an unknown node is an error at the calling
 * line, never a silent default.
 */
#include "scenario/api.h"
#include "scenario/sweep.h"
#include "scenario/api_int.h"

#include <arpa/inet.h>
#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist.h"
#include "engine/units.h"
#include "engine/xalloc.h"
#include "lvs/ipvsadm.h"
#include "scenario/tcp_sysctl.h"

#define REG_SCENARIO "lvslab.scenario"
#define REG_TOPO "lvslab.topo"
#define REG_PARAMS "lvslab.params"
#define REG_MISC "lvslab.misc"        /* misc_path -> predicate, for the run built last */

/* ---- errors at the script's line ---- */

/* The first caller outside topologies/ modules: the user's script line. */
static void script_where(lua_State *L, struct scn_where *w)
{
    lua_Debug ar;
    w->text[0] = '\0';
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
            continue;
        if (!w->text[0] || !strstr(ar.short_src, "topologies/")) {
            snprintf(w->text, sizeof w->text, "%s:%d", ar.short_src, ar.currentline);
            if (!strstr(ar.short_src, "topologies/"))
                return;
        }
    }
}

static int fail(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(lua_State *L, const char *fmt, ...)
{
    struct scn_where w;
    script_where(L, &w);
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (w.text[0])
        lua_pushfstring(L, "%s: %s", w.text, msg);
    else
        lua_pushstring(L, msg);
    return lua_error(L);
}

/* ---- option tables ---- */

static void check_keys(lua_State *L, int idx, const char *what, const char *const *allowed)
{
    if (!lua_istable(L, idx))
        fail(L, "%s: expected a table of options, got %s", what, luaL_typename(L, idx));
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            fail(L, "%s: option names are strings", what);
        const char *key = lua_tostring(L, -1);
        int known = 0;
        for (int i = 0; allowed[i]; i++)
            known |= !strcmp(key, allowed[i]);
        if (!known) {
            char list[512] = "";
            for (int i = 0; allowed[i]; i++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                         allowed[i]);
            fail(L, "%s: unknown key \"%s\" (known: %s)", what, key, list);
        }
    }
}

/* Push opts[key]; true when it is there. */
static int opt(lua_State *L, int idx, const char *key)
{
    lua_getfield(L, idx, key);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    return 1;
}

static const char *opt_string(lua_State *L, int idx, const char *key, const char *what, const char *dflt)
{
    if (!opt(L, idx, key))
        return dflt;
    if (lua_type(L, -1) != LUA_TSTRING)
        fail(L, "%s: %s must be a string, not %s", what, key, luaL_typename(L, -1));
    const char *s = lua_tostring(L, -1);
    lua_pop(L, 1);            /* the table still holds it */
    return s;
}

static sim_time_t opt_time(lua_State *L, int idx, const char *key, const char *what, sim_time_t dflt)
{
    const char *s = opt_string(L, idx, key, what, NULL);
    if (!s)
        return dflt;
    sim_time_t t;
    char uerr[160];
    if (units_parse_time(s, &t, uerr, sizeof uerr) < 0)
        fail(L, "%s: %s: %s", what, key, uerr);
    return t;
}

static uint64_t opt_rate(lua_State *L, int idx, const char *key, const char *what, uint64_t dflt)
{
    const char *s = opt_string(L, idx, key, what, NULL);
    if (!s)
        return dflt;
    uint64_t bps;
    char uerr[160];
    if (units_parse_rate(s, &bps, uerr, sizeof uerr) < 0)
        fail(L, "%s: %s: %s", what, key, uerr);
    return bps;
}

static double opt_number(lua_State *L, int idx, const char *key, const char *what, double dflt,
                         double lo, double hi)
{
    if (!opt(L, idx, key))
        return dflt;
    if (!lua_isnumber(L, -1) || lua_type(L, -1) != LUA_TNUMBER)
        fail(L, "%s: %s must be a number, not %s", what, key, luaL_typename(L, -1));
    double v = lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (!(v >= lo && v <= hi))
        fail(L, "%s: %s = %g is outside %g..%g", what, key, v, lo, hi);
    return v;
}

static long opt_int(lua_State *L, int idx, const char *key, const char *what, long dflt, long lo, long hi)
{
    double v = opt_number(L, idx, key, what, (double)dflt, (double)lo, (double)hi);
    if (v != floor(v))
        fail(L, "%s: %s must be a whole number, not %g", what, key, v);
    return (long)v;
}

static int opt_bool(lua_State *L, int idx, const char *key, const char *what, int dflt)
{
    if (!opt(L, idx, key))
        return dflt;
    if (!lua_isboolean(L, -1))
        fail(L, "%s: %s must be true or false, not %s", what, key, luaL_typename(L, -1));
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* A distribution, kept as text once engine/dist accepts it. */
static void opt_dist(lua_State *L, int idx, const char *key, const char *what, enum dist_unit unit,
                     const char *dflt, char *out, size_t outlen)
{
    const char *s = opt_string(L, idx, key, what, dflt);
    struct dist d;
    char derr[200];
    if (dist_parse(s, unit, &d, derr, sizeof derr) < 0)
        fail(L, "%s: %s: %s", what, key, derr);
    if (strlen(s) >= outlen)
        fail(L, "%s: %s: \"%s\" is too long", what, key, s);
    snprintf(out, outlen, "%s", s);
}

/* ---- addresses ---- */

static uint32_t parse_addr(lua_State *L, const char *s, const char *what)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1)
        fail(L, "%s: \"%s\" is not an IPv4 address", what, s);
    return ntohl(a.s_addr);
}

static uint32_t parse_prefix(lua_State *L, const char *s, uint8_t *len, const char *what)
{
    char buf[64];
    const char *slash = strchr(s, '/');
    if (!slash || (size_t)(slash - s) >= sizeof buf)
        fail(L, "%s: \"%s\" needs a prefix length (a.b.c.d/len)", what, s);
    snprintf(buf, sizeof buf, "%.*s", (int)(slash - s), s);
    char *end;
    long n = strtol(slash + 1, &end, 10);
    if (*end || end == slash + 1 || n < 0 || n > 32)
        fail(L, "%s: \"%s\": the prefix length must be 0..32", what, s);
    *len = (uint8_t)n;
    return parse_addr(L, buf, what);
}

static void parse_hostport(lua_State *L, const char *s, uint32_t *addr, uint16_t *port, const char *what)
{
    char buf[64];
    const char *colon = strrchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof buf)
        fail(L, "%s: \"%s\" should be address:port", what, s);
    snprintf(buf, sizeof buf, "%.*s", (int)(colon - s), s);
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || p < 1 || p > 65535)
        fail(L, "%s: \"%s\": the port must be 1..65535", what, s);
    *addr = parse_addr(L, buf, what);
    *port = (uint16_t)p;
}

/* ---- the readers shared with scenario/api_*.c (scenario/api_int.h) ---- */

int scn_api_fail(lua_State *L, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fail(L, "%s", msg);
}

const char *scn_api_opt_string(lua_State *L, int idx, const char *key, const char *what, const char *dflt)
{
    return opt_string(L, idx, key, what, dflt);
}

sim_time_t scn_api_opt_time(lua_State *L, int idx, const char *key, const char *what, sim_time_t dflt)
{
    return opt_time(L, idx, key, what, dflt);
}

double scn_api_opt_number(lua_State *L, int idx, const char *key, const char *what, double dflt, double lo,
                          double hi)
{
    return opt_number(L, idx, key, what, dflt, lo, hi);
}

long scn_api_opt_int(lua_State *L, int idx, const char *key, const char *what, long dflt, long lo, long hi)
{
    return opt_int(L, idx, key, what, dflt, lo, hi);
}

void scn_api_hostport(lua_State *L, const char *s, uint32_t *addr, uint16_t *port, const char *what)
{
    parse_hostport(L, s, addr, port, what);
}

/* ---- the topology being built ---- */

static struct scn_topo *topo_of(lua_State *L, const char *fn)
{
    lua_getfield(L, LUA_REGISTRYINDEX, REG_TOPO);
    struct scn_topo *t = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!t)
        fail(L, "%s() declares part of a run: call it inside build(run)", fn);
    return t;
}

/* The next element of arr[0..n), the array doubled whenever n reaches a
 * power of two: a pool of thousands of servers costs no quadratic copying. */
#define GROW(arr, n)                                                                              \
    (((n) & ((n) - 1)) == 0 ? (void)((arr) = xrealloc((arr), ((size_t)(n) ? 2 * (size_t)(n) : 1) * \
                                                                  sizeof *(arr)))                 \
                            : (void)0,                                                             \
     &(arr)[(n)++])

static int node_arg(lua_State *L, struct scn_topo *t, int idx, const char *what)
{
    const char *name = luaL_checkstring(L, idx);
    int n = scn_topo_node(t, name);
    if (n < 0)
        fail(L, "%s: no node named \"%s\"", what, name);
    return n;
}

static int iface_of(struct scn_node *node, const char *name)
{
    for (int i = 0; i < node->nifs; i++)
        if (!strcmp(node->ifs[i].name, name))
            return i;
    return -1;
}

static struct scn_iface *add_iface(struct scn_node *node, const char *name, int link)
{
    struct scn_iface *ifc = GROW(node->ifs, node->nifs);
    memset(ifc, 0, sizeof *ifc);
    snprintf(ifc->name, sizeof ifc->name, "%s", name);
    ifc->link = link;
    return ifc;
}

/* profile = "default" | FILE and speed: each frame costs what was done to
 * it (scenario/cpu_profile.h), instead of the flat per_packet/per_byte. */
static void cpu_profile_opts(lua_State *L, int idx, const char *what, struct scn_cpu *cpu)
{
    const char *profile = opt_string(L, idx, "profile", what, NULL);
    bool has_speed = opt(L, idx, "speed");
    if (has_speed)
        lua_pop(L, 1);
    cpu->speed = opt_number(L, idx, "speed", what, 1.0, 1e-3, 1e3);
    if (!profile) {
        if (has_speed)
            fail(L, "%s: speed scales a cost profile's costs: it needs profile = \"default\" or a file", what);
        return;
    }
    if (!cpu->cores)
        fail(L, "%s: a CPU profile needs cores = N (N >= 1)", what);
    if (cpu->per_packet || cpu->per_byte_ns)
        fail(L, "%s: profile and per_packet/per_byte are two CPU models: give one", what);
    char path[SCN_PROFILE_NAME_MAX], err[768];
    size_t len = strlen(profile);
    bool file = strchr(profile, '/') || (len > 5 && !strcmp(profile + len - 5, ".conf"));
    if (file) {
        snprintf(path, sizeof path, "%s", profile);
    } else {
        lua_getfield(L, LUA_REGISTRYINDEX, "lvslab.dir");
        const char *dir = lua_isstring(L, -1) ? lua_tostring(L, -1) : ".";
        int rc = scn_cpu_profile_find(profile, dir, path, sizeof path, err, sizeof err);
        lua_pop(L, 1);
        if (rc < 0)
            fail(L, "%s: %s", what, err);
    }
    if (scn_cpu_profile_load(path, &cpu->profile, err, sizeof err) < 0)
        fail(L, "%s: profile: %s", what, err);
}

static int declare_node(lua_State *L, enum scn_node_kind kind, const char *fn)
{
    struct scn_topo *t = topo_of(L, fn);
    const char *name = luaL_checkstring(L, 1);
    char what[64];
    snprintf(what, sizeof what, "%s \"%.32s\"", fn, name);
    if (!*name || strlen(name) >= SCN_NAME_MAX || strspn(name, "abcdefghijklmnopqrstuvwxyz"
                                                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(name))
        fail(L, "%s: a node name is 1-%d letters, digits, '-' or '_'", what, SCN_NAME_MAX - 1);
    if (scn_topo_node(t, name) >= 0)
        fail(L, "%s: a node of that name exists already", what);
    lua_settop(L, 2);
    if (lua_isnil(L, 2)) {
        lua_newtable(L);
        lua_replace(L, 2);
    }
    static const char *const keys[] = { "cores", "per_packet", "per_byte", "backlog", "profile", "speed", NULL };
    check_keys(L, 2, what, keys);
    struct scn_node *node = GROW(t->nodes, t->nnodes);
    memset(node, 0, sizeof *node);
    snprintf(node->name, sizeof node->name, "%s", name);
    node->kind = kind;
    node->forward = kind == SCN_ROUTER;
    node->send_redirects = node->accept_redirects = true;
    script_where(L, &node->where);
    node->cpu.cores = (int)opt_int(L, 2, "cores", what, 0, 0, 256);
    node->cpu.per_packet = opt_time(L, 2, "per_packet", what, 0);
    node->cpu.per_byte_ns = opt_number(L, 2, "per_byte", what, 0, 0, 1e6);
    node->cpu.backlog = (uint32_t)opt_int(L, 2, "backlog", what, 1000, 1, 1 << 24);
    if (!node->cpu.cores && (node->cpu.per_packet || node->cpu.per_byte_ns))
        fail(L, "%s: CPU costs need cores = N (N >= 1)", what);
    cpu_profile_opts(L, 2, what, &node->cpu);
    if (kind != SCN_SWITCH) {
        struct scn_iface *lo = add_iface(node, "lo", -1);
        lo->noarp = true;
        lo->addr[0] = 0x7f000001;
        lo->prefix_len[0] = 8;
        lo->naddrs = 1;
    }
    lua_pushstring(L, name);
    return 1;
}

static int api_host(lua_State *L) { return declare_node(L, SCN_HOST, "host"); }
static int api_router(lua_State *L) { return declare_node(L, SCN_ROUTER, "router"); }
static int api_switch(lua_State *L) { return declare_node(L, SCN_SWITCH, "switch"); }

/* link(a, b, {rate, delay, jitter, loss, mtu, queue}) -> a's and b's interface names */
static int api_link(lua_State *L)
{
    struct scn_topo *t = topo_of(L, "link");
    int a = node_arg(L, t, 1, "link");
    int b = node_arg(L, t, 2, "link");
    char what[96];
    snprintf(what, sizeof what, "link %s-%s", t->nodes[a].name, t->nodes[b].name);
    if (a == b)
        fail(L, "%s: a link joins two different nodes", what);
    lua_settop(L, 3);
    if (lua_isnil(L, 3)) {
        lua_newtable(L);
        lua_replace(L, 3);
    }
    static const char *const keys[] = { "rate", "delay", "jitter", "loss", "mtu", "queue", NULL };
    check_keys(L, 3, what, keys);
    struct scn_link l = { .node = { a, b } };
    script_where(L, &l.where);
    l.rate_bps = opt_rate(L, 3, "rate", what, 1000000000ull);
    l.delay = opt_time(L, 3, "delay", what, 0);
    l.jitter = opt_time(L, 3, "jitter", what, 0);
    l.loss = opt_number(L, 3, "loss", what, 0, 0, 1);
    l.mtu = (uint32_t)opt_int(L, 3, "mtu", what, 1500, 68, 9000);
    l.queue_pkts = (uint32_t)opt_int(L, 3, "queue", what, 100, 1, 1 << 20);
    int index = t->nlinks;
    for (int end = 0; end < 2; end++) {
        struct scn_node *node = &t->nodes[l.node[end]];
        char name[SCN_IF_NAME_MAX];
        snprintf(name, sizeof name, "eth%d", node->links++);   /* link() alone names eth* */
        l.iface[end] = node->nifs;
        add_iface(node, name, index);
        lua_pushstring(L, name);
    }
    *GROW(t->links, t->nlinks) = l;
    return 2;
}

/* addr(node, ifname, "a.b.c.d/len") */
static int api_addr(lua_State *L)
{
    struct scn_topo *t = topo_of(L, "addr");
    int n = node_arg(L, t, 1, "addr");
    struct scn_node *node = &t->nodes[n];
    const char *ifname = luaL_checkstring(L, 2);
    const char *text = luaL_checkstring(L, 3);
    char what[96];
    snprintf(what, sizeof what, "addr %s %s", node->name, ifname);
    if (node->kind == SCN_SWITCH)
        fail(L, "%s: a switch holds no addresses", what);
    int i = iface_of(node, ifname);
    if (i < 0 && strcmp(ifname, "tunl0"))
        fail(L, "%s: node \"%s\" has no interface \"%s\"", what, node->name, ifname);
    if (i < 0) {
        add_iface(node, "tunl0", -1)->noarp = true;
        i = node->nifs - 1;
    }
    struct scn_iface *ifc = &node->ifs[i];
    if (ifc->naddrs == SCN_MAX_ADDRS)
        fail(L, "%s: an interface holds at most %d addresses", what, SCN_MAX_ADDRS);
    uint8_t len;
    uint32_t a = parse_prefix(L, text, &len, what);
    ifc->addr[ifc->naddrs] = a;
    ifc->prefix_len[ifc->naddrs++] = len;
    return 0;
}

/* route(node, "default" | "a.b.c.d/len", via) */
static int api_route(lua_State *L)
{
    struct scn_topo *t = topo_of(L, "route");
    int n = node_arg(L, t, 1, "route");
    struct scn_node *node = &t->nodes[n];
    const char *dst = luaL_checkstring(L, 2);
    const char *via = luaL_checkstring(L, 3);
    char what[96];
    snprintf(what, sizeof what, "route %s %s", node->name, dst);
    if (node->kind == SCN_SWITCH)
        fail(L, "%s: a switch has no routes", what);
    if (node->nroutes == SCN_MAX_ROUTES)
        fail(L, "%s: a node holds at most %d routes", what, SCN_MAX_ROUTES);
    struct scn_route r = { 0 };
    if (strcmp(dst, "default"))
        r.prefix = parse_prefix(L, dst, &r.prefix_len, what);
    r.via = parse_addr(L, via, what);
    script_where(L, &r.where);
    node->routes[node->nroutes++] = r;
    return 0;
}

/* sysctl(node, {arp_ignore, arp_announce, rp_filter, ip_forward,
 *               send_redirects, accept_redirects, tcp_* (tcp_sysctl.h)}) */
static int api_sysctl(lua_State *L)
{
    struct scn_topo *t = topo_of(L, "sysctl");
    int n = node_arg(L, t, 1, "sysctl");
    struct scn_node *node = &t->nodes[n];
    char what[64];
    snprintf(what, sizeof what, "sysctl %s", node->name);
    static const char *const keys[] = { "arp_ignore", "arp_announce", "rp_filter", "ip_forward",
                                        "send_redirects", "accept_redirects", SCN_TCP_SYSCTL_KEYS, NULL };
    check_keys(L, 2, what, keys);
    node->arp_ignore = (int)opt_int(L, 2, "arp_ignore", what, node->arp_ignore, 0, 1);
    long announce = opt_int(L, 2, "arp_announce", what, node->arp_announce, 0, 2);
    if (announce == 1)
        fail(L, "%s: arp_announce 1 is not modelled (use 0 or 2)", what);
    node->arp_announce = (int)announce;
    node->rp_filter = (int)opt_int(L, 2, "rp_filter", what, node->rp_filter, 0, 1);
    node->forward = opt_bool(L, 2, "ip_forward", what, node->forward);
    /* ICMP redirects (net/redirect.h): sent when forwarding, taken when not */
    node->send_redirects = opt_bool(L, 2, "send_redirects", what, node->send_redirects);
    node->accept_redirects = opt_bool(L, 2, "accept_redirects", what, node->accept_redirects);
    /* TCP keys */
    char err[160];
    if (scn_tcp_sysctl_parse(L, 2, &node->tcp, err, sizeof err) < 0)
        fail(L, "%s: %s", what, err);
    return 0;
}

/* mark(node, {mark, proto = "tcp"|"udp", dst = "a.b.c.d/len", dport = "80" | "80-89"}) */
static int api_mark(lua_State *L)
{
    struct scn_topo *t = topo_of(L, "mark");
    int n = node_arg(L, t, 1, "mark");
    struct scn_node *node = &t->nodes[n];
    char what[64];
    snprintf(what, sizeof what, "mark %s", node->name);
    if (node->kind == SCN_SWITCH)
        fail(L, "%s: a switch marks nothing", what);
    if (node->nmarks == SCN_MAX_MARKS)
        fail(L, "%s: a node holds at most %d mark rules", what, SCN_MAX_MARKS);
    static const char *const keys[] = { "mark", "proto", "dst", "dport", NULL };
    check_keys(L, 2, what, keys);
    struct scn_mark m = { .mark = (uint32_t)opt_int(L, 2, "mark", what, 0, 1, 0xffffffffL) };
    script_where(L, &m.where);
    const char *proto = opt_string(L, 2, "proto", what, "");
    if (!strcmp(proto, "tcp"))
        m.protocol = IPPROTO_TCP;
    else if (!strcmp(proto, "udp"))
        m.protocol = IPPROTO_UDP;
    else if (*proto)
        fail(L, "%s: proto \"%s\" is not tcp or udp", what, proto);
    const char *dst = opt_string(L, 2, "dst", what, "");
    if (*dst)
        m.daddr = parse_prefix(L, dst, &m.prefix_len, what);
    const char *dport = opt_string(L, 2, "dport", what, "");
    if (*dport) {
        char *end;
        long lo = strtol(dport, &end, 10), hi = lo;
        if (*end == '-')
            hi = strtol(end + 1, &end, 10);
        if (*end || lo < 1 || hi < lo || hi > 65535)
            fail(L, "%s: dport \"%s\" is not a port or a range lo-hi", what, dport);
        if (!m.protocol)
            fail(L, "%s: a dport needs proto = \"tcp\" or \"udp\"", what);
        m.dport_lo = (uint16_t)lo;
        m.dport_hi = (uint16_t)hi;
    }
    node->marks[node->nmarks++] = m;
    return 0;
}

/* drop_icmp(node, {type, code}): a firewall on a forwarding node dropping
 * ICMP of that type (and code), as iptables -A FORWARD -p icmp --icmp-type T/C -j DROP. */
static int api_drop_icmp(lua_State *L)
{
    struct scn_topo *t = topo_of(L, "drop_icmp");
    int n = node_arg(L, t, 1, "drop_icmp");
    struct scn_node *node = &t->nodes[n];
    char what[64];
    snprintf(what, sizeof what, "drop_icmp %s", node->name);
    if (!node->forward)
        fail(L, "%s: only a router forwards (a firewall on a host would see nothing pass)", what);
    if (node->nicmp_drops == SCN_MAX_MARKS)
        fail(L, "%s: a node holds at most %d such rules", what, SCN_MAX_MARKS);
    static const char *const keys[] = { "type", "code", NULL };
    check_keys(L, 2, what, keys);
    node->icmp_drops[node->nicmp_drops].type = (int)opt_int(L, 2, "type", what, 3, 0, 255);
    node->icmp_drops[node->nicmp_drops].code = (int)opt_int(L, 2, "code", what, -1, -1, 255);
    node->nicmp_drops++;
    return 0;
}

/* director(node, {vip, rules = {ipvsadm lines}, keepalived = "file", laddrs = {addresses}, sloppy_tcp, sync}),
 * once per director; several share the VIP under keepalived's VRRP. */
static int api_director(lua_State *L)
{
    struct scn_topo *t = topo_of(L, "director");
    int n = node_arg(L, t, 1, "director");
    char what[64];
    snprintf(what, sizeof what, "director %s", t->nodes[n].name);
    if (scn_topo_director(t, n))
        fail(L, "%s: %s is a director already", what, t->nodes[n].name);
    if (t->ndirectors == SCN_MAX_DIRECTORS)
        fail(L, "%s: at most %d directors", what, SCN_MAX_DIRECTORS);
    static const char *const keys[] = { "vip", "rules", "keepalived", "laddrs", "sloppy_tcp", "sync", NULL };
    check_keys(L, 2, what, keys);
    struct scn_director *d = GROW(t->directors, t->ndirectors);
    memset(d, 0, sizeof *d);
    d->node = n;
    script_where(L, &d->where);
    d->vip = parse_addr(L, opt_string(L, 2, "vip", what, ""), what);
    d->sloppy_tcp = opt_bool(L, 2, "sloppy_tcp", what, false);
    const char *sync = opt_string(L, 2, "sync", what, "");
    if (strlen(sync) >= sizeof d->sync_if)
        fail(L, "%s: sync is an interface name, at most %zu characters", what, sizeof d->sync_if - 1);
    snprintf(d->sync_if, sizeof d->sync_if, "%s", sync);
    const char *conf = opt_string(L, 2, "keepalived", what, "");
    if (*conf && *conf != '/') {       /* beside the script, as require finds modules */
        const char *colon = strrchr(d->where.text, ':'), *slash = strrchr(d->where.text, '/');
        int dir = slash && slash < colon ? (int)(slash - d->where.text) + 1 : 0;
        snprintf(d->keepalived, sizeof d->keepalived, "%.*s%s", dir, d->where.text, conf);
    } else {
        snprintf(d->keepalived, sizeof d->keepalived, "%s", conf);
    }
    if (opt(L, 2, "rules")) {
        if (!lua_istable(L, -1))
            fail(L, "%s: rules is a list of ipvsadm lines", what);
        lua_Integer count = luaL_len(L, -1);
        for (lua_Integer i = 1; i <= count; i++) {
            lua_rawgeti(L, -1, i);
            if (lua_type(L, -1) != LUA_TSTRING)
                fail(L, "%s: rules[%lld] is not a string", what, (long long)i);
            const char *line = lua_tostring(L, -1);
            if (strlen(line) >= SCN_LINE_MAX)
                fail(L, "%s: rules[%lld] is longer than %d characters", what, (long long)i,
                     SCN_LINE_MAX - 1);
            snprintf(*GROW(d->ipvsadm, d->nipvsadm), SCN_LINE_MAX, "%s", line);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    if (opt(L, 2, "laddrs")) {
        if (!lua_istable(L, -1))
            fail(L, "%s: laddrs is a list of the director's addresses for FULLNAT", what);
        lua_Integer count = luaL_len(L, -1);
        if (count > SCN_MAX_LADDRS)
            fail(L, "%s: at most %d local addresses", what, SCN_MAX_LADDRS);
        for (lua_Integer i = 1; i <= count; i++) {
            lua_rawgeti(L, -1, i);
            if (lua_type(L, -1) != LUA_TSTRING)
                fail(L, "%s: laddrs[%lld] is not an address", what, (long long)i);
            d->laddrs[d->nladdrs++] = parse_addr(L, lua_tostring(L, -1), what);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    if (!d->nipvsadm && !d->keepalived[0])
        fail(L, "%s: give rules = {ipvsadm lines} or keepalived = \"file\"", what);
    return 0;
}

/* realserver(node, {mode, vip, gateway, arp_fix}) */
static int api_realserver(lua_State *L)
{
    struct scn_topo *t = topo_of(L, "realserver");
    int n = node_arg(L, t, 1, "realserver");
    char what[64];
    snprintf(what, sizeof what, "realserver %s", t->nodes[n].name);
    static const char *const keys[] = { "mode", "vip", "gateway", "arp_fix", NULL };
    check_keys(L, 2, what, keys);
    struct scn_realserver rs = { .node = n };
    script_where(L, &rs.where);
    const char *mode = opt_string(L, 2, "mode", what, "");
    int m = scn_mode_parse(mode);
    if (m < 0)
        fail(L, "%s: mode \"%s\" is not nat, tun, dr or fullnat", what, mode);
    rs.mode = (enum scn_mode)m;
    rs.vip = parse_addr(L, opt_string(L, 2, "vip", what, ""), what);
    const char *gw = opt_string(L, 2, "gateway", what, NULL);
    if (gw)
        rs.gateway = parse_addr(L, gw, what);
    else if (rs.mode == SCN_NAT)
        fail(L, "%s: NAT real servers need gateway = the director's address", what);
    rs.arp_fix = opt_bool(L, 2, "arp_fix", what, 1);
    *GROW(t->realservers, t->nrealservers) = rs;
    return 0;
}

/* health = {path, status, body}: the page an http server answers a GET
 * (a health checker's) with. */
static void serve_health(lua_State *L, struct scn_server_app *app, const char *what)
{
    char hwhat[80];
    snprintf(hwhat, sizeof hwhat, "%s: health", what);
    static const char *const keys[] = { "path", "status", "body", NULL };
    if (!opt(L, 2, "health"))
        return;
    int idx = lua_gettop(L);
    check_keys(L, idx, hwhat, keys);
    if (app->kind != SCN_APP_HTTP)
        fail(L, "%s: only an http server has a health page", what);
    app->has_health = true;
    const char *path = opt_string(L, idx, "path", hwhat, "");
    if (*path && (*path != '/' || strpbrk(path, " \t\r\n?") || strlen(path) >= sizeof app->health_path))
        fail(L, "%s: path \"%s\" is not a path (/..., no spaces or '?', under %zu characters)", hwhat, path,
             sizeof app->health_path);
    snprintf(app->health_path, sizeof app->health_path, "%s", path);
    app->health_status = (int)opt_int(L, idx, "status", hwhat, 200, 200, 599);
    const char *body = opt_string(L, idx, "body", hwhat, "OK\n");
    if (strlen(body) >= sizeof app->health_body)
        fail(L, "%s: body is longer than %zu bytes", hwhat, sizeof app->health_body - 1);
    snprintf(app->health_body, sizeof app->health_body, "%s", body);
    lua_pop(L, 1);
}

/* serve(node, {kind = "http"|"bulk"|"udp"|"proxy", port, service_time, health = {path, status, body},
 *              and a proxy's options (scenario/api_proxy.c)}) */
static int api_serve(lua_State *L)
{
    struct scn_topo *t = topo_of(L, "serve");
    int n = node_arg(L, t, 1, "serve");
    char what[64];
    snprintf(what, sizeof what, "serve %s", t->nodes[n].name);
    static const char *const keys[] = { "kind", "port", "service_time", "health", "upstream", "balance",
                                        "keepalive", "max_fails", "fail_timeout", "timeout", "per_request",
                                        "per_byte", NULL };
    check_keys(L, 2, what, keys);
    struct scn_server_app app = { .node = n, .health_status = 200, .health_body = "OK\n" };
    script_where(L, &app.where);
    const char *kind = opt_string(L, 2, "kind", what, "http");
    if (!strcmp(kind, "http"))
        app.kind = SCN_APP_HTTP;
    else if (!strcmp(kind, "bulk"))
        app.kind = SCN_APP_BULK;
    else if (!strcmp(kind, "udp"))
        app.kind = SCN_APP_UDP;
    else if (!strcmp(kind, "proxy"))
        app.kind = SCN_APP_PROXY;
    else
        fail(L, "%s: kind \"%s\" is not http, bulk, udp or proxy", what, kind);
    app.port = (uint16_t)opt_int(L, 2, "port", what, 80, 1, 65535);
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        lua_pop(L, 1);
        const char *key = lua_tostring(L, -1);
        if (app.kind != SCN_APP_PROXY && scn_api_proxy_key(key))
            fail(L, "%s: %s is an option of kind = \"proxy\"", what, key);
        if (app.kind == SCN_APP_PROXY && !strcmp(key, "service_time"))
            fail(L, "%s: a proxy's CPU cost is per_request and per_byte, not service_time", what);
    }
    if (app.kind == SCN_APP_PROXY)
        scn_api_serve_proxy(L, t, &app, what);
    opt_dist(L, 2, "service_time", what, DIST_TIME, "0", app.service_time, sizeof app.service_time);
    serve_health(L, &app, what);
    *GROW(t->apps, t->napps) = app;
    return 0;
}

/* load(name, {kind, from, to, users, rate, think, request, response, keepalive, start, stop,
 *             timeout, retries}) */
static int api_load(lua_State *L)
{
    struct scn_topo *t = topo_of(L, "load");
    const char *name = luaL_checkstring(L, 1);
    char what[64];
    snprintf(what, sizeof what, "load \"%.32s\"", name);
    if (!*name || strlen(name) >= SCN_NAME_MAX)
        fail(L, "%s: a workload name is 1-%d characters", what, SCN_NAME_MAX - 1);
    static const char *const keys[] = { "kind", "from", "to", "users", "rate", "think", "request",
                                        "response", "keepalive", "start", "stop", "timeout", "retries",
                                        NULL };
    check_keys(L, 2, what, keys);
    struct scn_workload w = { 0 };
    snprintf(w.name, sizeof w.name, "%s", name);
    script_where(L, &w.where);
    const char *kind = opt_string(L, 2, "kind", what, "http");
    static const char *const kinds[] = { "http", "http-open", "download", "upload", "udp" };
    int k = -1;
    for (int i = 0; i < 5; i++)
        if (!strcmp(kind, kinds[i]))
            k = i;
    if (k < 0)
        fail(L, "%s: kind \"%s\" is not http, http-open, download, upload or udp", what, kind);
    w.kind = (enum scn_load_kind)k;
    if (!opt(L, 2, "from") || !lua_istable(L, -1))
        fail(L, "%s: from = {client nodes} is required", what);
    lua_Integer count = luaL_len(L, -1);
    if (count < 1)
        fail(L, "%s: from lists no node", what);
    w.from = xcalloc((size_t)count, sizeof *w.from);
    for (lua_Integer i = 1; i <= count; i++) {
        lua_rawgeti(L, -1, i);
        const char *client = lua_tostring(L, -1);
        int c = client ? scn_topo_node(t, client) : -1;
        if (c < 0) {
            free(w.from);
            fail(L, "%s: from[%lld] is not a node", what, (long long)i);
        }
        w.from[w.nfrom++] = c;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    struct scn_workload *slot = GROW(t->workloads, t->nworkloads);
    *slot = w;                 /* owned by topo from here, so errors free it */
    parse_hostport(L, opt_string(L, 2, "to", what, ""), &slot->dst, &slot->dport, what);
    slot->users = (int)opt_int(L, 2, "users", what, k == SCN_LOAD_HTTP_CLOSED ? 1 : 0, 0, 1 << 20);
    slot->rate = opt_number(L, 2, "rate", what, 0, 0, 1e9);
    if (k == SCN_LOAD_HTTP_OPEN || k == SCN_LOAD_UDP) {
        if (slot->rate <= 0)
            fail(L, "%s: an open-loop workload needs rate = requests per second", what);
    }
    opt_dist(L, 2, "think", what, DIST_TIME, "0", slot->think, sizeof slot->think);
    opt_dist(L, 2, "request", what, DIST_SIZE, "100", slot->request, sizeof slot->request);
    opt_dist(L, 2, "response", what, DIST_SIZE, "10KB", slot->response, sizeof slot->response);
    slot->keepalive = opt_bool(L, 2, "keepalive", what, 0);
    slot->start = opt_time(L, 2, "start", what, 0);
    slot->stop = opt_time(L, 2, "stop", what, SIM_NEVER);
    if (slot->stop <= slot->start)
        fail(L, "%s: stop must come after start", what);
    slot->timeout = opt_time(L, 2, "timeout", what, k == SCN_LOAD_UDP ? SIM_S : 10 * SIM_S);
    if (slot->timeout <= 0)
        fail(L, "%s: timeout must be more than 0", what);
    slot->retries = (int)opt_int(L, 2, "retries", what, 2, 0, 100);
    return 0;
}

/* at(time, "fail"|"recover", node) | at(time, "link_down"|"link_up", a, b) | at(time, "ipvsadm", line)
 * | at(time, "stop"|"start", node, app) */
static int api_at(lua_State *L)
{
    struct scn_topo *t = topo_of(L, "at");
    const char *when = luaL_checkstring(L, 1);
    const char *kind = luaL_checkstring(L, 2);
    struct scn_event ev = { .node = -1, .link = -1, .app = -1 };
    script_where(L, &ev.where);
    char uerr[160];
    if (units_parse_time(when, &ev.at, uerr, sizeof uerr) < 0)
        fail(L, "at: %s", uerr);
    if (!strcmp(kind, "fail") || !strcmp(kind, "recover")) {
        ev.kind = kind[0] == 'f' ? SCN_EV_FAIL : SCN_EV_RECOVER;
        ev.node = node_arg(L, t, 3, "at");
    } else if (!strcmp(kind, "link_down") || !strcmp(kind, "link_up")) {
        ev.kind = !strcmp(kind, "link_down") ? SCN_EV_LINK_DOWN : SCN_EV_LINK_UP;
        int a = node_arg(L, t, 3, "at"), b = node_arg(L, t, 4, "at");
        for (int i = 0; i < t->nlinks; i++)
            if ((t->links[i].node[0] == a && t->links[i].node[1] == b) ||
                (t->links[i].node[0] == b && t->links[i].node[1] == a))
                ev.link = i;
        if (ev.link < 0)
            fail(L, "at: no link joins %s and %s", t->nodes[a].name, t->nodes[b].name);
    } else if (!strcmp(kind, "ipvsadm")) {
        ev.kind = SCN_EV_IPVSADM;
        const char *line = luaL_checkstring(L, 3);
        if (strlen(line) >= SCN_LINE_MAX)
            fail(L, "at: the ipvsadm line is longer than %d characters", SCN_LINE_MAX - 1);
        snprintf(ev.line, sizeof ev.line, "%s", line);
        struct ipvsadm_cmd cmd;
        char perr[256];
        if (ipvsadm_parse(line, &cmd, perr, sizeof perr) < 0)
            fail(L, "at: ipvsadm: %s", perr);
    } else if (!strcmp(kind, "stop") || !strcmp(kind, "start")) {
        ev.kind = kind[2] == 'o' ? SCN_EV_APP_STOP : SCN_EV_APP_START;
        ev.node = node_arg(L, t, 3, "at");
        ev.app = scn_api_app_arg(L, t, ev.node, luaL_checkstring(L, 4), "at");
    } else {
        fail(L, "at: \"%s\" is not fail, recover, link_down, link_up, ipvsadm, stop or start", kind);
    }
    *GROW(t->events, t->nevents) = ev;
    return 0;
}

/* ---- scenario{} ---- */

static int api_scenario(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, REG_SCENARIO);
    struct scenario *sc = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (sc->name[0])
        fail(L, "scenario{} is called once per script");
    lua_getfield(L, LUA_REGISTRYINDEX, REG_TOPO);
    int in_build = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (in_build)
        fail(L, "scenario{} belongs at the top of the script, not in build(run)");
    lua_settop(L, 1);
    static const char *const keys[] = { "name", "description", "lesson", "duration", "warmup", "after", "seed",
                                        "modes", "sweep", "params", NULL };
    check_keys(L, 1, "scenario", keys);
    const char *name = opt_string(L, 1, "name", "scenario", NULL);
    if (!name || !*name || strlen(name) >= SCN_NAME_MAX ||
        strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(name))
        fail(L, "scenario: name is required: 1-%d lower-case letters, digits, '-' or '_'",
             SCN_NAME_MAX - 1);
    snprintf(sc->description, sizeof sc->description, "%s",
             opt_string(L, 1, "description", "scenario", ""));
    const char *lesson = opt_string(L, 1, "lesson", "scenario", "");
    if (strlen(lesson) >= sizeof sc->lesson)
        fail(L, "scenario: lesson is longer than %zu characters", sizeof sc->lesson - 1);
    snprintf(sc->lesson, sizeof sc->lesson, "%s", lesson);
    sc->duration = opt_time(L, 1, "duration", "scenario", 0);
    if (sc->duration <= 0)
        fail(L, "scenario: duration is required and above 0");
    sc->warmup = opt_time(L, 1, "warmup", "scenario", 0);
    if (sc->warmup >= sc->duration)
        fail(L, "scenario: warmup must be shorter than duration");
    sc->after = opt_time(L, 1, "after", "scenario", 0);
    if (sc->after < 0)
        fail(L, "scenario: after is a time of 0 or more");
    sc->seed = (uint64_t)opt_int(L, 1, "seed", "scenario", 1, 0, (1l << 53));
    if (!opt(L, 1, "modes") || !lua_istable(L, -1))
        fail(L, "scenario: modes = {\"nat\", \"tun\", \"dr\", \"fullnat\"} (any of them) is required");
    lua_Integer count = luaL_len(L, -1);
    if (count < 1 || count > SCN_MODES)
        fail(L, "scenario: modes lists 1 to %d modes", SCN_MODES);
    for (lua_Integer i = 1; i <= count; i++) {
        lua_rawgeti(L, -1, i);
        const char *m = lua_tostring(L, -1);
        int mode = m ? scn_mode_parse(m) : -1;
        if (mode < 0)
            fail(L, "scenario: modes[%lld] is not nat, tun, dr or fullnat", (long long)i);
        for (int j = 0; j < sc->nmodes; j++)
            if (sc->modes[j] == (enum scn_mode)mode)
                fail(L, "scenario: mode %s is listed twice", m);
        sc->modes[sc->nmodes++] = (enum scn_mode)mode;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (opt(L, 1, "params")) {
        if (!lua_istable(L, -1))
            fail(L, "scenario: params is a table of name = value");
    } else {
        lua_newtable(L);
    }
    lua_setfield(L, LUA_REGISTRYINDEX, REG_PARAMS);
    if (opt(L, 1, "sweep")) {
        char msg[256];
        if (scn_sweep_declare(L, -1, sc, msg, sizeof msg) < 0)
            fail(L, "%s", msg);
        lua_pop(L, 1);
        /* each swept parameter is a parameter too, for --set */
        lua_getfield(L, LUA_REGISTRYINDEX, REG_PARAMS);
        for (int d = 0; d < sc->nsweep; d++) {
            lua_getfield(L, -1, sc->sweep[d].param);
            bool absent = lua_isnil(L, -1);
            lua_pop(L, 1);
            if (absent) {
                scn_value_push(L, &sc->sweep[d].values[0]);
                lua_setfield(L, -2, sc->sweep[d].param);
            }
        }
        lua_pop(L, 1);
    }
    snprintf(sc->name, sizeof sc->name, "%s", name);
    return 0;
}

/* misc_check(path, function(address, port, seconds) -> boolean): what a
 * keepalived MISC_CHECK with that misc_path runs, instead of a script. */
static int api_misc_check(lua_State *L)
{
    topo_of(L, "misc_check");
    const char *path = luaL_checkstring(L, 1);
    if (!*path)
        fail(L, "misc_check: the misc_path is empty");
    if (!lua_isfunction(L, 2))
        fail(L, "misc_check \"%s\": the predicate is a function(address, port, seconds)", path);
    lua_getfield(L, LUA_REGISTRYINDEX, REG_MISC);
    lua_getfield(L, -1, path);
    if (!lua_isnil(L, -1))
        fail(L, "misc_check \"%s\": declared twice", path);
    lua_pop(L, 1);
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, path);
    lua_pop(L, 1);
    return 0;
}

int scn_api_misc(lua_State *L, const char *path, uint32_t addr, uint16_t port, double seconds, char *err,
                 size_t errlen)
{
    lua_getfield(L, LUA_REGISTRYINDEX, REG_MISC);
    lua_getfield(L, -1, path);
    if (!lua_isfunction(L, -1)) {
        lua_pop(L, 2);
        snprintf(err, errlen, "MISC_CHECK misc_path \"%s\": the scenario declares no misc_check(\"%s\", ...)", path,
                 path);
        return -1;
    }
    char text[16];
    snprintf(text, sizeof text, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255, addr & 255);
    lua_pushstring(L, text);
    lua_pushinteger(L, port);
    lua_pushnumber(L, seconds);
    return scn_api_call_predicate(L, 3, "misc_check", path, err, errlen);
}

int scn_api_call_predicate(lua_State *L, int nargs, const char *what, const char *name, char *err,
                           size_t errlen)
{
    if (lua_pcall(L, nargs, 1, 0) != LUA_OK) {
        snprintf(err, errlen, "%s \"%s\": %s", what, name, lua_tostring(L, -1));
        lua_pop(L, 2);
        return -1;
    }
    if (!lua_isboolean(L, -1)) {
        snprintf(err, errlen, "%s \"%s\": the predicate returned a %s, not true or false", what, name,
                 luaL_typename(L, -1));
        lua_pop(L, 2);
        return -1;
    }
    int pass = lua_toboolean(L, -1);
    lua_pop(L, 2);
    return pass;
}

void scn_api_register(lua_State *L, struct scenario *sc)
{
    lua_pushlightuserdata(L, sc);
    lua_setfield(L, LUA_REGISTRYINDEX, REG_SCENARIO);
    static const luaL_Reg api[] = {
        { "scenario", api_scenario }, { "host", api_host },       { "router", api_router },
        { "switch", api_switch },     { "link", api_link },       { "addr", api_addr },
        { "route", api_route },       { "sysctl", api_sysctl },   { "director", api_director },
        { "realserver", api_realserver }, { "serve", api_serve }, { "load", api_load },
        { "at", api_at },             { "mark", api_mark },       { "misc_check", api_misc_check },
        { "drop_icmp", api_drop_icmp },
        { NULL, NULL },
    };
    lua_pushglobaltable(L);
    luaL_setfuncs(L, api, 0);
    lua_pop(L, 1);
    scn_api_track_register(L);
    scn_api_route_register(L);
}

void scn_api_begin(lua_State *L, struct scn_topo *topo)
{
    lua_pushlightuserdata(L, topo);
    lua_setfield(L, LUA_REGISTRYINDEX, REG_TOPO);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, REG_MISC);
    scn_api_track_begin(L);
}

void scn_api_end(lua_State *L)
{
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, REG_TOPO);
}
