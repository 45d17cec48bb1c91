/* Building and removing an emulated world: namespaces, bridges, veths,
 * addresses, routes, sysctls, real-server set-up and server processes. */
#include "emu/world.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "emu/delay_line.h"
#include "emu/exec.h"
#include "emu/nginx_conf.h"
#include "emu/shape.h"
#include "engine/xalloc.h"
#include "scenario/tcp_sysctl.h"

/* ---- the state file: one made thing per line ---- */

static int record(struct emu_world *w, const char *kind, const char *name, char *err, size_t errlen)
{
    FILE *f = fopen(w->state_path, "a");
    if (!f) {
        snprintf(err, errlen, "%s: %s", w->state_path, strerror(errno));
        return -1;
    }
    fprintf(f, "%s %s\n", kind, name);
    fclose(f);
    return 0;
}

static const char *ip_text(uint32_t a, char *buf)
{
    struct in_addr in = { .s_addr = htonl(a) };
    return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/* ---- pieces ---- */

static int make_ns(struct emu_world *w, int n, char *err, size_t errlen)
{
    const struct scn_node *node = &w->topo->nodes[n];
    snprintf(w->ns[n], sizeof w->ns[n], "lvslab-%s-%s", w->tag, node->name);
    if (emu_execl(NULL, err, errlen, "ip", "netns", "add", w->ns[n], NULL) < 0)
        return -1;
    if (record(w, "ns", w->ns[n], err, errlen) < 0)
        return -1;
    const char *ns = w->ns[n];
    char v[8];
    if (emu_execl(ns, err, errlen, "ip", "link", "set", "lo", "up", NULL) < 0)
        return -1;
    snprintf(v, sizeof v, "%d", node->forward ? 1 : 0);
    char kv[64];
    snprintf(kv, sizeof kv, "net.ipv4.ip_forward=%s", v);
    if (emu_execl(ns, err, errlen, "sysctl", "-qw", kv, NULL) < 0)
        return -1;
    static const char *const knobs[] = { "arp_ignore", "arp_announce", "rp_filter" };
    int values[] = { node->arp_ignore, node->arp_announce, node->rp_filter };
    for (int k = 0; k < 3; k++) {
        snprintf(kv, sizeof kv, "net.ipv4.conf.all.%s=%d", knobs[k], values[k]);
        if (emu_execl(ns, err, errlen, "sysctl", "-qw", kv, NULL) < 0)
            return -1;
        snprintf(kv, sizeof kv, "net.ipv4.conf.default.%s=%d", knobs[k], values[k]);
        if (emu_execl(ns, err, errlen, "sysctl", "-qw", kv, NULL) < 0)
            return -1;
    }
    char tcp[SCN_TCP_SYSCTL_MAX_LINES][96];
    int ntcp = scn_tcp_sysctl_lines(&node->tcp, tcp, SCN_TCP_SYSCTL_MAX_LINES);
    for (int k = 0; k < ntcp; k++)
        if (emu_execl(ns, err, errlen, "sysctl", "-qw", tcp[k], NULL) < 0)
            return -1;
    return 0;
}

static int make_bridge(struct emu_world *w, const char *name, char *err, size_t errlen)
{
    if (emu_execl(NULL, err, errlen, "ip", "link", "add", name, "type", "bridge", NULL) < 0 ||
        record(w, "link", name, err, errlen) < 0)
        return -1;
    /* forward at once: no STP delay, no ageing surprises in short tests */
    return emu_execl(NULL, err, errlen, "ip", "link", "set", name, "type", "bridge",
                     "forward_delay", "0", "stp_state", "0", NULL) < 0 ||
                   emu_execl(NULL, err, errlen, "ip", "link", "set", name, "up", NULL) < 0
               ? -1
               : 0;
}

/* One end of a link: (namespace, interface name), or a root-namespace port
 * on a bridge. */
struct link_end {
    const char *ns;            /* NULL: the root namespace */
    char ifname[16];
    const char *bridge;        /* root-namespace ends join this bridge */
};

static int make_veth(struct emu_world *w, struct link_end *a, struct link_end *b, char *err, size_t errlen)
{
    char *argv[16];
    int n = 0;
    argv[n++] = "ip";
    argv[n++] = "link";
    argv[n++] = "add";
    argv[n++] = a->ifname;
    if (a->ns) {
        argv[n++] = "netns";
        argv[n++] = (char *)a->ns;
    }
    argv[n++] = "type";
    argv[n++] = "veth";
    argv[n++] = "peer";
    argv[n++] = "name";
    argv[n++] = b->ifname;
    if (b->ns) {
        argv[n++] = "netns";
        argv[n++] = (char *)b->ns;
    }
    argv[n] = NULL;
    if (emu_exec(NULL, argv, err, errlen) < 0)
        return -1;
    if (!a->ns && record(w, "link", a->ifname, err, errlen) < 0)
        return -1;
    if (!b->ns && a->ns && record(w, "link", b->ifname, err, errlen) < 0)
        return -1;
    struct link_end *ends[2] = { a, b };
    for (int i = 0; i < 2; i++) {
        struct link_end *e = ends[i];
        if (e->bridge && emu_execl(NULL, err, errlen, "ip", "link", "set", e->ifname, "master",
                                   e->bridge, NULL) < 0)
            return -1;
        if (emu_execl(e->ns, err, errlen, "ip", "link", "set", e->ifname, "up", NULL) < 0)
            return -1;
    }
    return 0;
}

void emu_world_switch_bridge(const char *tag, int node, char bridge[16])
{
    snprintf(bridge, 16, "lb%.4s%d", tag, node % 100000);
}

int emu_world_tag_check(const char *tag, char *err, size_t errlen)
{
    if (!*tag || strlen(tag) > 4 || strspn(tag, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(tag)) {
        snprintf(err, errlen, "emulation tag \"%s\": 1-4 lower-case letters or digits", tag);
        return -1;
    }
    return 0;
}

/* Has link k a delay, jitter or loss (in a shaped world, a delay line)? */
static bool link_delayed(const struct scn_link *k)
{
    return k->delay || k->jitter || k->loss > 0;
}

void emu_world_director_port(const char *tag, const struct scn_topo *t, int l, bool shaped, char tap[16],
                             char bridge[16])
{
    const struct scn_link *k = &t->links[l];
    int peer = scn_topo_director(t, k->node[0]) ? k->node[1] : k->node[0];
    snprintf(tap, 16, "lt%.4s%d", tag, l % 10000);
    if (t->nodes[peer].kind == SCN_SWITCH && !(shaped && link_delayed(k)))
        emu_world_switch_bridge(tag, peer, bridge);
    else
        snprintf(bridge, 16, "lp%.4s%d", tag, l % 10000);
}

void emu_world_director_file(const char *tag, const char *node, const char *what, char *path, size_t len)
{
    snprintf(path, len, EMU_STATE_DIR "/%s/%s.%s", tag, node, what);
}

static int wait_for_device(const char *ns, const char *dev, char *err, size_t errlen)
{
    for (int i = 0; i < 50; i++) {
        char ignored[64];
        if (emu_execl(ns, ignored, sizeof ignored, "ip", "link", "show", dev, NULL) == 0)
            return 0;
        struct timespec ts = { 0, 100 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    snprintf(err, errlen, "%s: device %s did not appear within 5 s", ns ? ns : "root namespace", dev);
    return -1;
}

static int spawn_recorded(struct emu_world *w, const char *ns, char *const argv[], const char *log,
                          char *err, size_t errlen)
{
    pid_t pid = emu_spawn(ns, argv, log, err, errlen);
    if (pid < 0)
        return -1;
    char text[24];
    snprintf(text, sizeof text, "%d", (int)pid);
    return record(w, "pid", text, err, errlen);
}

/* A delayed link (shaped worlds): the two TAPs of a delay line
 * (emu/delay_line.h), each moved to its end: renamed to the interface in a
 * namespace, or a port of a bridge. */
static int make_delay_line(struct emu_world *w, int l, struct link_end ends[2], char *err, size_t errlen)
{
    const struct scn_link *k = &w->topo->links[l];
    char taps[2][16], delay[32], jitter[32], loss[32], rate[32], seed[24], names[2 * EMU_DELAY_END_MAX], log[192];
    for (int i = 0; i < 2; i++)
        snprintf(taps[i], sizeof taps[i], "ld%.4s%d%c", w->tag, l % 10000, 'a' + i);
    const struct scn_node *a = &w->topo->nodes[k->node[0]], *b = &w->topo->nodes[k->node[1]];
    snprintf(names, sizeof names, "%s-%s,%s-%s", a->name, a->ifs[k->iface[0]].name, b->name,
             b->ifs[k->iface[1]].name);
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)w->seed);
    snprintf(delay, sizeof delay, "%lldns", (long long)k->delay);
    snprintf(jitter, sizeof jitter, "%lldns", (long long)k->jitter);
    snprintf(loss, sizeof loss, "%.17g", k->loss);
    snprintf(rate, sizeof rate, "%llubps", (unsigned long long)k->rate_bps);
    snprintf(log, sizeof log, "%s/link%d-delay.log", w->workdir, l);
    char *argv[] = { (char *)w->lvslab, "emu", "delay-line", taps[0], taps[1], "--delay", delay,
                     "--jitter", jitter, "--loss", loss, "--rate", rate, "--seed", seed, "--ends", names,
                     NULL };
    if (spawn_recorded(w, NULL, argv, log, err, errlen) < 0 || wait_for_device(NULL, taps[1], err, errlen) < 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        struct link_end *e = &ends[i];
        if (e->ns) {
            if (emu_execl(NULL, err, errlen, "ip", "link", "set", taps[i], "netns", e->ns, NULL) < 0 ||
                emu_execl(e->ns, err, errlen, "ip", "link", "set", taps[i], "name", e->ifname, NULL) < 0)
                return -1;
        } else {
            memcpy(e->ifname, taps[i], sizeof e->ifname);
            if (emu_execl(NULL, err, errlen, "ip", "link", "set", taps[i], "master", e->bridge, NULL) < 0)
                return -1;
        }
        if (emu_execl(e->ns, err, errlen, "ip", "link", "set", e->ifname, "up", NULL) < 0)
            return -1;
    }
    return 0;
}

/* A link; a director's end is a port on the bridge its TAP will join. */
static int make_link(struct emu_world *w, int l, char *err, size_t errlen)
{
    const struct scn_link *k = &w->topo->links[l];
    struct link_end ends[2];
    char tap[16], p2p[16];
    emu_world_director_port(w->tag, w->topo, l, w->shape, tap, p2p);
    for (int i = 0; i < 2; i++) {
        int n = k->node[i];
        const struct scn_node *node = &w->topo->nodes[n];
        struct link_end *e = &ends[i];
        memset(e, 0, sizeof *e);
        if (scn_topo_director(w->topo, n)) {
            snprintf(e->ifname, sizeof e->ifname, "lv%.4s%d%c", w->tag, l % 10000, 'a' + i);
            if (make_bridge(w, p2p, err, errlen) < 0)
                return -1;
            e->bridge = p2p;
        } else if (node->kind == SCN_SWITCH) {
            snprintf(e->ifname, sizeof e->ifname, "lv%.4s%d%c", w->tag, l % 10000, 'a' + i);
            e->bridge = w->bridge[n];
        } else if (w->ns[n][0]) {
            e->ns = w->ns[n];
            snprintf(e->ifname, sizeof e->ifname, "%s", node->ifs[k->iface[i]].name);
        } else {
            snprintf(err, errlen, "%s: node %s has no namespace in the emulated world",
                     k->where.text, node->name);
            return -1;
        }
    }
    int made = w->shape && link_delayed(k) ? make_delay_line(w, l, ends, err, errlen)
                                                     : make_veth(w, &ends[0], &ends[1], err, errlen);
    if (made < 0)
        return -1;
    for (int i = 0; i < 2 && w->shape && k->rate_bps; i++)
        if (emu_shape(ends[i].ns, ends[i].ifname, k->rate_bps, k->queue_pkts, err, errlen) < 0)
            return -1;
    return 0;
}

/* A multipath route as `ip route add DST nexthop via A nexthop via B ...`,
 * with the node's net.ipv4.fib_multipath_hash_policy (0 l3, 1 l4); the
 * kernel's own flow hash picks the next hop. */
static int add_multipath(struct emu_world *w, int n, const struct scn_route *rt, char *cidr, char *err,
                         size_t errlen)
{
    char vias[SCN_MAX_NEXTHOPS][INET_ADDRSTRLEN], nexthop[] = "nexthop", via[] = "via";
    char ip[] = "ip", route[] = "route", add[] = "add";
    char *argv[4 + 3 * SCN_MAX_NEXTHOPS + 1] = { ip, route, add, cidr };
    int k = 4;
    for (int i = 0; i < rt->nvias; i++) {
        ip_text(rt->vias[i], vias[i]);
        argv[k++] = nexthop, argv[k++] = via, argv[k++] = vias[i];
    }
    argv[k] = NULL;
    const char *policy = rt->hash == SCN_HASH_L4 ? "net.ipv4.fib_multipath_hash_policy=1"
                                                 : "net.ipv4.fib_multipath_hash_policy=0";
    if (emu_execl(w->ns[n], err, errlen, "sysctl", "-qw", policy, NULL) < 0)
        return -1;
    return emu_exec(w->ns[n], argv, err, errlen);
}

static int add_addresses_and_routes(struct emu_world *w, int n, char *err, size_t errlen)
{
    const struct scn_node *node = &w->topo->nodes[n];
    char a[INET_ADDRSTRLEN], via[INET_ADDRSTRLEN], cidr[40];
    for (int i = 0; i < node->nifs; i++) {
        const struct scn_iface *f = &node->ifs[i];
        for (int k = 0; k < f->naddrs; k++) {
            if (!strcmp(f->name, "lo") && f->addr[k] == 0x7f000001)
                continue;
            snprintf(cidr, sizeof cidr, "%s/%u", ip_text(f->addr[k], a), f->prefix_len[k]);
            if (emu_execl(w->ns[n], err, errlen, "ip", "addr", "add", cidr, "dev", f->name, NULL) < 0)
                return -1;
        }
    }
    for (int r = 0; r < node->nroutes; r++) {
        const struct scn_route *rt = &node->routes[r];
        if (rt->prefix_len == 0)
            snprintf(cidr, sizeof cidr, "default");
        else
            snprintf(cidr, sizeof cidr, "%s/%u", ip_text(rt->prefix, a), rt->prefix_len);
        if (rt->nvias > 1) {
            if (add_multipath(w, n, rt, cidr, err, errlen) < 0)
                return -1;
        } else if (emu_execl(w->ns[n], err, errlen, "ip", "route", "add", cidr, "via", ip_text(rt->via, via),
                             NULL) < 0) {
            return -1;
        }
    }
    return 0;
}

static int sysctl_ns(const char *ns, const char *key, int value, char *err, size_t errlen)
{
    char kv[160];
    snprintf(kv, sizeof kv, "%s=%d", key, value);
    return emu_execl(ns, err, errlen, "sysctl", "-qw", kv, NULL);
}



/* arp_ignore=1, arp_announce=2 on all and on each linked interface (the
 * kernel takes the larger of the two): the VIP is not answered for. */
static int arp_fix(const char *ns, const struct scn_node *node, char *err, size_t errlen)
{
    char key[128];
    if (sysctl_ns(ns, "net.ipv4.conf.all.arp_ignore", 1, err, errlen) < 0 ||
        sysctl_ns(ns, "net.ipv4.conf.all.arp_announce", 2, err, errlen) < 0)
        return -1;
    for (int i = 0; i < node->nifs; i++) {
        if (node->ifs[i].link < 0)
            continue;
        snprintf(key, sizeof key, "net.ipv4.conf.%s.arp_ignore", node->ifs[i].name);
        if (sysctl_ns(ns, key, 1, err, errlen) < 0)
            return -1;
        snprintf(key, sizeof key, "net.ipv4.conf.%s.arp_announce", node->ifs[i].name);
        if (sysctl_ns(ns, key, 2, err, errlen) < 0)
            return -1;
    }
    return 0;
}

/* The Linux side of each mode (see topologies/lan.lua for the why). */
static int setup_realserver(struct emu_world *w, const struct scn_realserver *rs, char *err, size_t errlen)
{
    const char *ns = w->ns[rs->node];
    const struct scn_node *node = &w->topo->nodes[rs->node];
    char vip[INET_ADDRSTRLEN], cidr[40];
    snprintf(cidr, sizeof cidr, "%s/32", ip_text(rs->vip, vip));
    switch (rs->mode) {
    case SCN_DR:
        if (emu_execl(ns, err, errlen, "ip", "addr", "add", cidr, "dev", "lo", NULL) < 0)
            return -1;
        return rs->arp_fix ? arp_fix(ns, node, err, errlen) : 0;
    case SCN_TUN: {
        /* no ipip module here: the userspace endpoint decapsulates */
        char log[192];
        snprintf(log, sizeof log, "%s/%s-tun-endpoint.log", w->workdir, node->name);
        char *argv[] = { (char *)w->lvslab, "emu", "tun-endpoint", EMU_TUN_DEV, NULL };
        if (spawn_recorded(w, ns, argv, log, err, errlen) < 0 ||
            wait_for_device(ns, EMU_TUN_DEV, err, errlen) < 0 ||
            emu_execl(ns, err, errlen, "ip", "addr", "add", cidr, "dev", EMU_TUN_DEV, NULL) < 0 ||
            sysctl_ns(ns, "net.ipv4.conf.all.rp_filter", 0, err, errlen) < 0 ||
            sysctl_ns(ns, "net.ipv4.conf." EMU_TUN_DEV ".rp_filter", 0, err, errlen) < 0)
            return -1;
        /* else the kernel answers ARP for the VIP it holds on the TUN device */
        return rs->arp_fix ? arp_fix(ns, node, err, errlen) : 0;
    }
    case SCN_NAT:                 /* the default route via the director is in the topology */
    case SCN_FULLNAT:             /* nothing: replies go to the director's local address */
    case SCN_MODES:
        return 0;
    }
    return 0;
}

/* The proxy tier is the real nginx (emu/nginx_conf.h), its files under
 * the run's directory; stopped with the other recorded processes. */
static int start_nginx(struct emu_world *w, const struct scn_server_app *app, char *err, size_t errlen)
{
    const char *name = w->topo->nodes[app->node].name;
    char dir[192], conf[256], log[256], elog[256], prefix[200];
    snprintf(dir, sizeof dir, "%s/%s-nginx", w->workdir, name);
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    if (emu_nginx_conf(app, name, dir, err, errlen) < 0)
        return -1;
    snprintf(conf, sizeof conf, "%s/nginx.conf", dir);
    snprintf(log, sizeof log, "%s/nginx.out", dir);
    snprintf(elog, sizeof elog, "%s/error.log", dir);
    snprintf(prefix, sizeof prefix, "%s/", dir);
    char *argv[] = { "nginx", "-p", prefix, "-e", elog, "-c", conf, "-g", "daemon off;", NULL };
    return spawn_recorded(w, w->ns[app->node], argv, log, err, errlen);
}

static int start_server_app(struct emu_world *w, const struct scn_server_app *app, char *err, size_t errlen)
{
    const struct scn_node *node = &w->topo->nodes[app->node];
    if (app->kind == SCN_APP_PROXY)
        return start_nginx(w, app, err, errlen);
    if (app->kind != SCN_APP_HTTP) {
        snprintf(err, errlen, "%s: serve kind %s has no emulated server yet (http has)",
                 app->where.text, app->kind == SCN_APP_BULK ? "bulk" : "udp");
        return -1;
    }
    if (app->has_health) {
        snprintf(err, errlen, "%s: serve's health page is not emulated (python3 http.server answers a GET "
                 "with the file of that name in its directory, or 404)", app->where.text);
        return -1;
    }
    char port[8], log[192];
    snprintf(port, sizeof port, "%u", app->port);
    snprintf(log, sizeof log, "%s/%s-http.log", w->workdir, node->name);
    /* bind 0.0.0.0: packets for the VIP arrive in DR and TUN mode */
    char *argv[] = { "python3", "-m", "http.server", port, "--bind", "0.0.0.0", "--directory",
                     w->workdir, NULL };
    return spawn_recorded(w, w->ns[app->node], argv, log, err, errlen);
}

/* The director's TAPs at its links' rates (towards the director; what it
 * sends is paced by the links beyond the bridge). */
static int shape_director(struct emu_world *w, int node, char *err, size_t errlen)
{
    for (int l = 0; l < w->topo->nlinks; l++) {
        const struct scn_link *k = &w->topo->links[l];
        char tap[16], bridge[16];
        if ((k->node[0] != node && k->node[1] != node) || !k->rate_bps)
            continue;
        emu_world_director_port(w->tag, w->topo, l, w->shape, tap, bridge);
        if (emu_shape(NULL, tap, k->rate_bps, k->queue_pkts, err, errlen) < 0)
            return -1;
    }
    return 0;
}

/* The director as a process of its own (emu/director.c), in the root
 * namespace where the bridges are; ready once its mark file appears. */
static int start_director(struct emu_world *w, int index, char *err, size_t errlen)
{
    const char *name = w->topo->nodes[w->topo->directors[index].node].name;
    char *argv[48];
    int n = 0;
    argv[n++] = (char *)w->lvslab;
    argv[n++] = "emu";
    argv[n++] = "director";
    for (int i = 0; w->director_args[i] && n < 40; i++)
        argv[n++] = w->director_args[i];
    argv[n++] = "--tag";
    argv[n++] = w->tag;
    argv[n++] = "--node";
    argv[n++] = (char *)name;
    char log[192], ready[192], status[192];
    emu_world_director_file(w->tag, name, "log", log, sizeof log);
    emu_world_director_file(w->tag, name, "ready", ready, sizeof ready);
    emu_world_director_file(w->tag, name, "status", status, sizeof status);
    argv[n++] = "--status";
    argv[n++] = status;
    argv[n++] = "--ready";
    argv[n++] = ready;
    argv[n] = NULL;
    pid_t pid = emu_spawn(NULL, argv, log, err, errlen);
    if (pid < 0)
        return -1;
    char text[24];
    snprintf(text, sizeof text, "%d", (int)pid);
    if (record(w, "pid", text, err, errlen) < 0)
        return -1;
    w->director_pid[index] = pid;
    for (int i = 0; i < 100; i++) {
        if (access(ready, F_OK) == 0)
            return w->shape ? shape_director(w, w->topo->directors[index].node, err, errlen) : 0;
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            snprintf(err, errlen, "director %s exited at start (see %s)", name, log);
            return -1;
        }
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    snprintf(err, errlen, "director %s was not ready within 5 s (see %s)", name, log);
    return -1;
}

/* ---- up and down ---- */

const char *emu_world_ns(const struct emu_world *w, const char *node)
{
    int n = scn_topo_node(w->topo, node);
    return n >= 0 && w->ns[n][0] ? w->ns[n] : NULL;
}

int emu_world_up(struct emu_world *w, const struct scn_topo *t, const char *tag,
                 const char *lvslab_path, char *const *director_args, bool shape, uint64_t seed, char *err,
                 size_t errlen)
{
    memset(w, 0, sizeof *w);
    w->shape = shape;
    w->seed = seed;
    if (emu_world_tag_check(tag, err, errlen) < 0)
        return -1;
    snprintf(w->tag, sizeof w->tag, "%s", tag);
    w->topo = t;
    w->lvslab = lvslab_path;
    w->director_args = director_args;
    w->ns = xcalloc((size_t)t->nnodes, sizeof *w->ns);
    w->bridge = xcalloc((size_t)t->nnodes, sizeof *w->bridge);
    mkdir(EMU_STATE_DIR, 0755);
    snprintf(w->state_path, sizeof w->state_path, EMU_STATE_DIR "/%s.state", tag);
    snprintf(w->workdir, sizeof w->workdir, EMU_STATE_DIR "/%s", tag);
    if (access(w->state_path, F_OK) == 0) {
        snprintf(err, errlen, "emulated world \"%s\" is up already (lvslab emu down %s)", tag, tag);
        return -1;
    }
    if (mkdir(w->workdir, 0755) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", w->workdir, strerror(errno));
        return -1;
    }
    if (record(w, "dir", w->workdir, err, errlen) < 0)
        return -1;

    int rc = 0;
    for (int n = 0; n < t->nnodes && !rc; n++) {
        if (t->nodes[n].kind == SCN_SWITCH) {
            emu_world_switch_bridge(tag, n, w->bridge[n]);
            rc = make_bridge(w, w->bridge[n], err, errlen);
        } else if (!scn_topo_director(t, n)) {
            rc = make_ns(w, n, err, errlen);
        }
    }
    for (int l = 0; l < t->nlinks && !rc; l++) {
        const int *ends = t->links[l].node;
        bool dir_end = scn_topo_director(t, ends[0]) || scn_topo_director(t, ends[1]);
        if (dir_end && (t->nodes[ends[0]].kind == SCN_SWITCH || t->nodes[ends[1]].kind == SCN_SWITCH) &&
            !(shape && link_delayed(&t->links[l])))
            continue;         /* the director's TAP joins the switch's bridge when it starts */
        rc = make_link(w, l, err, errlen);
    }
    for (int n = 0; n < t->nnodes && !rc; n++)
        if (w->ns[n][0])
            rc = add_addresses_and_routes(w, n, err, errlen);
    for (int i = 0; i < t->nrealservers && !rc; i++)
        rc = setup_realserver(w, &t->realservers[i], err, errlen);
    for (int i = 0; i < t->napps && !rc; i++)
        rc = start_server_app(w, &t->apps[i], err, errlen);
    for (int i = 0; i < t->ndirectors && director_args && !rc; i++)
        rc = start_director(w, i, err, errlen);
    if (rc) {
        char ignored[256];
        emu_world_down(tag, ignored, sizeof ignored);
    }
    return rc;
}

/* Is pid still running (not gone, not a zombie its parent has yet to reap)? */
static bool running(pid_t pid)
{
    char path[32], stat[256];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(stat, 1, sizeof stat - 1, f);
    fclose(f);
    stat[n] = '\0';
    const char *end = strrchr(stat, ')');
    return end && end[1] == ' ' && end[2] != 'Z' && end[2] != 'X';
}

/* Undo in reverse: processes, then root-namespace links, then namespaces. */
int emu_world_down(const char *tag, char *err, size_t errlen)
{
    char path[128];
    snprintf(path, sizeof path, EMU_STATE_DIR "/%s.state", tag);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "no emulated world \"%s\" (%s: %s)", tag, path, strerror(errno));
        return -1;
    }
    char kind[8], name[160];
    char (*items)[2][160] = NULL;
    int n = 0;
    while (fscanf(f, "%7s %159s", kind, name) == 2) {
        items = xrealloc(items, ((size_t)n + 1) * sizeof *items);
        snprintf(items[n][0], 160, "%s", kind);
        snprintf(items[n][1], 160, "%s", name);
        n++;
    }
    fclose(f);
    int rc = 0;
    static const char *const order[] = { "pid", "link", "ns", "dir" };
    for (int pass = 0; pass < 4; pass++)
        for (int i = n - 1; i >= 0; i--) {
            if (strcmp(items[i][0], order[pass]))
                continue;
            char e[256];
            if (pass == 0) {
                pid_t pid = (pid_t)atoi(items[i][1]);
                if (pid > 1 && kill(-pid, SIGTERM) == 0) {
                    /* not always our child (the director's pcaps need it to exit) */
                    for (int k = 0; k < 30 && waitpid(pid, NULL, WNOHANG) != pid && running(pid); k++) {
                        struct timespec ts = { 0, 100 * 1000 * 1000 };
                        nanosleep(&ts, NULL);
                    }
                    kill(-pid, SIGKILL);
                    waitpid(pid, NULL, WNOHANG);
                }
            } else if (pass == 1) {
                emu_execl(NULL, e, sizeof e, "ip", "link", "del", items[i][1], NULL);
            } else if (pass == 2) {
                if (emu_execl(NULL, e, sizeof e, "ip", "netns", "del", items[i][1], NULL) < 0) {
                    snprintf(err, errlen, "%s", e);
                    rc = -1;
                }
            } else {
                char *argv[] = { "rm", "-rf", "--", items[i][1], NULL };
                if (!strncmp(items[i][1], EMU_STATE_DIR "/", strlen(EMU_STATE_DIR) + 1))
                    emu_exec(NULL, argv, e, sizeof e);
            }
        }
    free(items);
    if (rc == 0)
        unlink(path);
    return rc;
}

void emu_world_free(struct emu_world *w)
{
    free(w->ns);
    free(w->bridge);
    w->ns = NULL;
    w->bridge = NULL;
}
