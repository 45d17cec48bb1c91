/*
 * A scenario as data. A Lua script (scenario/lua.c) declares what to
 * compare (modes, a swept parameter) and, once per run, builds a topology
 * with director rules, real servers, applications, workloads and timed
 * events. That becomes the plain structs below, checked as a whole
 * (scenario/check.c), from which a world is built: the simulator's, or
 * namespaces in the emulated world. Every element remembers the script line
 * that declared it, so later errors still point at the script.
 */
#ifndef SCENARIO_SCENARIO_H
#define SCENARIO_SCENARIO_H

#include "scenario/cpu_profile.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/simtime.h"

#define SCN_NAME_MAX 32
#define SCN_WHERE_MAX 96
#define SCN_IF_NAME_MAX 16
#define SCN_MAX_IFS 64        /* interfaces of the emulated director (a node in the simulator has any number) */
#define SCN_MAX_ADDRS 4
#define SCN_MAX_ROUTES 16
#define SCN_MAX_SWEEP 32       /* values of one swept parameter */
#define SCN_MAX_DIMS 4         /* parameters swept at once */
#define SCN_LINE_MAX 256

enum scn_mode { SCN_NAT, SCN_TUN, SCN_DR, SCN_FULLNAT, SCN_MODES };
#define SCN_MAX_RUNS 1024      /* modes times the sweep's cross product */

const char *scn_mode_name(enum scn_mode m);
/* -1 when the name is not one of nat, tun, dr, fullnat. */
int scn_mode_parse(const char *name);

/* "file.lua:12": where the element was declared. */
struct scn_where {
    char text[SCN_WHERE_MAX];
};

enum scn_node_kind { SCN_HOST, SCN_ROUTER, SCN_SWITCH };

struct scn_cpu {
    int cores;                 /* 0: no CPU model (infinitely fast) */
    sim_time_t per_packet;     /* cost of handling one packet */
    double per_byte_ns;        /* and of each of its bytes */
    uint32_t backlog;          /* packets waiting for a core before drops */
    struct scn_cpu_profile profile;   /* set: each frame costs what was done to it */
    double speed;              /* the profile's costs are divided by it */
};

struct scn_iface {
    char name[SCN_IF_NAME_MAX];
    uint32_t addr[SCN_MAX_ADDRS];   /* host byte order */
    uint8_t prefix_len[SCN_MAX_ADDRS];
    int naddrs;
    int link;                  /* index in scn_topo.links, or -1 (lo, tunl0) */
    bool noarp;                /* holds addresses without answering ARP (lo) */
};

#define SCN_MAX_NEXTHOPS 8

enum scn_route_hash { SCN_HASH_L3, SCN_HASH_L4 };

struct scn_route {
    uint32_t prefix;
    uint8_t prefix_len;
    uint32_t via;              /* 0: on-link; a multipath route: its first next hop */
    uint32_t vias[SCN_MAX_NEXTHOPS];   /* a multipath (ECMP) route's next hops, nvias >= 2 */
    int nvias;                 /* 0: a single-path route */
    enum scn_route_hash hash;  /* fib_multipath_hash_policy 0 (l3) or 1 (l4) */
    struct scn_where where;
};

#define SCN_MAX_MARKS 16

/* A firewall-mark rule (iptables -t mangle ... -j MARK). */
struct scn_mark {
    uint8_t protocol;          /* 0: any */
    uint32_t daddr;
    uint8_t prefix_len;
    uint16_t dport_lo, dport_hi;   /* 0, 0: any */
    uint32_t mark;
    struct scn_where where;
};

/* TCP settings of a node (sysctl net.ipv4.tcp_*); only those given in
 * `set` apply, the others keep Linux's defaults. */
enum {
    SCN_TCP_RMEM = 1 << 0, SCN_TCP_WMEM = 1 << 1, SCN_TCP_MODERATE_RCVBUF = 1 << 2,
    SCN_TCP_CONGESTION_CONTROL = 1 << 3, SCN_TCP_SACK = 1 << 4, SCN_TCP_TIMESTAMPS = 1 << 5,
    SCN_TCP_WINDOW_SCALING = 1 << 6, SCN_TCP_SLOW_START_AFTER_IDLE = 1 << 7,
    SCN_TCP_LIMIT_OUTPUT_BYTES = 1 << 8, SCN_TCP_DSACK = 1 << 9,
    SCN_TCP_SYSCTL_MAX_LINES = 10, /* one sysctl line a key at most */
};
struct scn_tcp_sysctl {
    unsigned set;
    uint32_t rmem[3], wmem[3];
    uint32_t limit_output_bytes;
    bool moderate_rcvbuf, sack, dsack, timestamps, window_scaling, slow_start_after_idle;
    char congestion_control[16];
};

struct scn_node {
    char name[SCN_NAME_MAX];
    enum scn_node_kind kind;
    struct scn_where where;
    struct scn_cpu cpu;
    struct scn_iface *ifs;     /* a switch has one per port */
    int nifs;
    int links;                 /* its links so far: the next is named eth<links> */
    struct scn_route routes[SCN_MAX_ROUTES];
    int nroutes;
    bool forward;              /* routers forward; hosts do not */
    struct scn_mark marks[SCN_MAX_MARKS];
    int nmarks;
    struct {
        int type, code;        /* code -1: any */
    } icmp_drops[SCN_MAX_MARKS];   /* forwarded ICMP a firewall drops */
    int nicmp_drops;
    int arp_ignore, arp_announce, rp_filter;   /* host-wide ("all") values */
    bool send_redirects, accept_redirects;     /* host-wide; true by default, as Linux */
    struct scn_tcp_sysctl tcp;
};

struct scn_link {
    int node[2], iface[2];
    uint64_t rate_bps;
    sim_time_t delay, jitter;
    double loss;
    uint32_t mtu;
    uint32_t queue_pkts;
    struct scn_where where;
};

#define SCN_MAX_LADDRS 8
#define SCN_MAX_DIRECTORS 8

/* A director; a run may have several: with VIPs of their own, sharing one
 * on a subnet (keepalived's VRRP decides which holds it), or sharing a VIP
 * that routes send to them all (ECMP). */
struct scn_director {
    int node;
    uint32_t vip;
    uint32_t laddrs[SCN_MAX_LADDRS];   /* FULLNAT local addresses */
    int nladdrs;
    char (*ipvsadm)[SCN_LINE_MAX];  /* rules, in order */
    int nipvsadm;
    char keepalived[256];      /* path of a keepalived.conf, or "" */
    bool sloppy_tcp;           /* net.ipv4.vs.sloppy_tcp: a connection from any TCP packet, not only SYN */
    char sync_if[SCN_IF_NAME_MAX];   /* "": no sync; else master and backup sync daemons there (syncid 0) */
    struct scn_where where;
};

struct scn_realserver {
    int node;
    enum scn_mode mode;        /* how the host is set up for the director */
    uint32_t vip;
    uint32_t gateway;          /* NAT: the director's address on the server side */
    bool arp_fix;              /* DR: arp_ignore=1, arp_announce=2 (the default) */
    struct scn_where where;
};

enum scn_app_kind { SCN_APP_HTTP, SCN_APP_BULK, SCN_APP_UDP, SCN_APP_PROXY };

#define SCN_MAX_UPSTREAMS 32

/* serve(node, {kind = "proxy", ...}): an L7 proxy as nginx's proxy_pass. */
struct scn_proxy {
    uint32_t upstream_addr[SCN_MAX_UPSTREAMS];
    uint16_t upstream_port[SCN_MAX_UPSTREAMS];
    int nupstream;
    int balance;               /* enum proxy_balance (apps/proxy_peers.h) */
    int keepalive;             /* idle upstream connections cached */
    int max_fails;
    sim_time_t fail_timeout, timeout;
    sim_time_t per_request;    /* CPU per request */
    double per_byte_ns;        /* and per byte relayed */
};

struct scn_server_app {
    int node;
    enum scn_app_kind kind;
    uint16_t port;
    char service_time[64];     /* a distribution, as engine/dist parses it */
    bool has_health;           /* http: health = {...} given */
    char health_path[256];     /* the page a GET finds ("": every path) */
    int health_status;         /* its status (200) */
    char health_body[1024];    /* its body ("OK\n") */
    struct scn_proxy proxy;    /* kind proxy */
    struct scn_where where;
};

enum scn_load_kind { SCN_LOAD_HTTP_CLOSED, SCN_LOAD_HTTP_OPEN, SCN_LOAD_BULK_DOWN,
                     SCN_LOAD_BULK_UP, SCN_LOAD_UDP };

struct scn_workload {
    char name[SCN_NAME_MAX];
    enum scn_load_kind kind;
    int *from;                 /* client nodes */
    int nfrom;
    uint32_t dst;
    uint16_t dport;
    int users;                 /* closed loop: concurrent users per client */
    double rate;               /* open loop: requests per second per client */
    char think[64], request[64], response[64];   /* distributions */
    bool keepalive;
    sim_time_t start, stop;
    sim_time_t timeout;        /* per attempt, connection set-up included */
    int retries;               /* attempts again after a failure, then the request fails */
    struct scn_where where;
};

enum scn_event_kind { SCN_EV_FAIL, SCN_EV_RECOVER, SCN_EV_LINK_DOWN, SCN_EV_LINK_UP,
                      SCN_EV_IPVSADM, SCN_EV_APP_STOP, SCN_EV_APP_START, SCN_EV_ROUTE };

struct scn_event {
    sim_time_t at;
    enum scn_event_kind kind;
    int node;                  /* FAIL, RECOVER, ROUTE */
    int link;                  /* LINK_DOWN, LINK_UP */
    int app;                   /* APP_STOP, APP_START: index in scn_topo.apps */
    char line[SCN_LINE_MAX];   /* IPVSADM */
    struct scn_route route;    /* ROUTE: replaces the node's routes to its prefix */
    struct scn_where where;
};

/* One run's world: what build(run) declared. */
struct scn_topo {
    struct scn_node *nodes;
    int nnodes;
    struct scn_link *links;
    int nlinks;
    struct scn_director *directors;    /* in the order declared */
    int ndirectors;
    struct scn_realserver *realservers;
    int nrealservers;
    struct scn_server_app *apps;
    int napps;
    struct scn_workload *workloads;
    int nworkloads;
    struct scn_event *events;
    int nevents;
};

/* A swept parameter's value: a number, or a name (letters, digits, '.',
 * '_', '-': it becomes part of a folder name). */
struct scn_value {
    bool is_string;
    double num;
    char str[SCN_NAME_MAX];
};

/* One swept parameter and its values, in the order the script lists them. */
struct scn_dim {
    char param[SCN_NAME_MAX];
    struct scn_value values[SCN_MAX_SWEEP];
    int nvalues;
};

/* One run: a mode and a value of each swept parameter (sweep[d] for the
 * scenario's dimension d). */
struct scn_run {
    enum scn_mode mode;
    struct scn_value sweep[SCN_MAX_DIMS];
};

struct scenario {
    char name[SCN_NAME_MAX];
    char description[512];
    char lesson[4096];         /* Markdown: what the runs show and why ("" : none) */
    char file[256];
    sim_time_t duration, warmup;
    sim_time_t after;          /* simulated after the measured window, measured apart (0: none) */
    uint64_t seed;
    enum scn_mode modes[SCN_MODES];
    int nmodes;
    struct scn_dim sweep[SCN_MAX_DIMS];    /* by parameter name */
    int nsweep;                /* parameters swept; 0: none */
    struct lua_State *L;       /* holds build() and the params */
};

/* Load a scenario script; 0, or -1 with "file:line: message" in err.
 * overrides are "key=value" strings (lvslab run --set) applied to params and
 * to duration, warmup, after, seed; a key the scenario does not have is an error. */
int scenario_load(struct scenario *sc, const char *path, const char *const *overrides,
                  int noverrides, char *err, size_t errlen);
void scenario_free(struct scenario *sc);

/* The names of the scenario's parameters (its params table, after --set),
 * sorted, at most max; returns how many. They live as long as sc. */
int scenario_param_names(const struct scenario *sc, const char **names, int max);

/* The runs, modes outer, then the swept parameters in name order, the
 * last varying fastest (the cross product); returns how many (all of
 * them, even past max: only max are written). */
int scenario_runs(const struct scenario *sc, struct scn_run *runs, int max);

/* The run's swept values as text, "sched=rr servers=30" (sep between
 * them), "" without a sweep. */
void scn_run_label(const struct scenario *sc, const struct scn_run *run, const char *sep, char *out, size_t len);
/* The run's folder below its mode's: "servers-30" for one swept parameter,
 * "sched-rr_servers-30" for two; "" without a sweep. */
void scn_run_folder(const struct scenario *sc, const struct scn_run *run, char *out, size_t len);
/* Do a and b have the same mode and swept values? */
bool scn_run_same(const struct scenario *sc, const struct scn_run *a, const struct scn_run *b);
/* Parse text as a value of dimension d (a number if its values are
 * numbers, a name if they are names): 0, or -1 with err. */
int scn_value_parse(const struct scn_dim *d, const char *text, struct scn_value *v, char *err, size_t errlen);
/* A value as text: the name, or the number as %.15g. */
void scn_value_text(const struct scn_value *v, char *out, size_t len);
/* The dimension sweeping param, or -1. */
int scn_sweep_dim(const struct scenario *sc, const char *param);

/* Call build(run) and check the result as a whole; 0, or -1 with err. */
int scenario_build(struct scenario *sc, const struct scn_run *run, struct scn_topo *topo,
                   char *err, size_t errlen);
void scn_topo_free(struct scn_topo *topo);

/* One run of a script, as the emulated world's single-run commands take
 * it: loaded with the overrides, the run of mode (NULL: the first) at the
 * first sweep value unless the overrides pin one, built. 0 with sc, run and
 * topo filled, or -1 with err (nothing to free). */
int scenario_load_run(const char *script, const char *mode, const char *const *sets, int nsets,
                      struct scenario *sc, struct scn_run *run, struct scn_topo *topo, char *err, size_t errlen);

/* A keepalived MISC_CHECK during the run: the predicate the last
 * build(run) declared with misc_check(path, fn), called as fn(address,
 * port, seconds). 1 pass, 0 fail, -1 with "message" in err. */
int scenario_misc_check(struct scenario *sc, const char *path, uint32_t addr, uint16_t port, sim_time_t now,
                        char *err, size_t errlen);

/* A keepalived vrrp_script during the run: the predicate the last
 * build(run) declared with vrrp_script(script, fn), called as
 * fn(director, seconds). 1 pass, 0 fail, -1 with "message" in err. */
int scenario_vrrp_script(struct scenario *sc, const char *script, const char *director, sim_time_t now, char *err,
                         size_t errlen);

/* "where: message" into err, for errors about a declared element; -1. */
int scn_fail(char *err, size_t errlen, const struct scn_where *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Find a node by name: its index, or -1. */
int scn_topo_node(const struct scn_topo *topo, const char *name);
/* The director on node, or NULL. */
const struct scn_director *scn_topo_director(const struct scn_topo *topo, int node);

#endif
