/*
 * keepalived.conf, the subset lvslab reads, as plain data: global_defs,
 * vrrp_instance blocks (for the VRRP engine) and virtual_server blocks with
 * their real servers and health checkers (for lvs/keepalived/check.h). The
 * parser (conf_*.c) fills these structs with every keepalived default
 * already applied and every inherited value already resolved (checker from
 * real server from virtual server), so a consumer reads final values only.
 * Bad input is an error "file:line: keyword: message"; unknown keywords
 * are all reported at once, one a line ("file:line: unknown keyword `kw`
 * in section (did you mean ...?)"). Keywords that do not change the
 * simulation (notification e-mail, SMTP, SNMP, notify scripts, script
 * security, ...) are accepted and listed in one warning; old names are read
 * as their new ones with a warning.
 *
 * Addresses and ports in host byte order; times in nanoseconds.
 */
#ifndef LVS_KEEPALIVED_CONF_H
#define LVS_KEEPALIVED_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/simtime.h"
#include "lvs/ipvs.h"

#define KA_NAME_MAX 64
#define KA_IFNAME_MAX 16
#define KA_PATH_MAX 256
#define KA_AUTH_PASS_MAX 8        /* VRRPv2 simple password: 8 bytes on the wire */
#define KA_MAX_VIPS 32
#define KA_MAX_URLS 8
#define KA_MAX_STATUS_RANGES 8
#define KA_MAX_CHECKERS 4         /* per real server */
#define KA_MD5_LEN 16
#define KA_MAX_TRACK 8            /* track_script entries per instance (its group's included) */
#define KA_MAX_SYNC_MEMBERS 8     /* instances in one vrrp_sync_group */

/* lvs_sync_daemon IFACE INSTANCE [id N] [maxlen N] [port N] [ttl N] [group A]:
 * IPVS's connection sync, master where the instance is MASTER, backup
 * elsewhere. */
struct ka_lvs_sync {
    bool on;
    int line;
    char interface[KA_IFNAME_MAX];
    char instance[KA_NAME_MAX];
    int syncid;                           /* default: the instance's virtual_router_id */
    int maxlen, port, ttl;                /* 0: the kernel's defaults */
    uint32_t group;
};

struct ka_global {
    char router_id[KA_NAME_MAX];          /* "" when not given (keepalived: the host name) */
    struct ka_lvs_sync lvs_sync;
    int vrrp_version;                     /* 2 (default) or 3 */
    sim_time_t vrrp_garp_master_delay;    /* default 5 s */
    int vrrp_garp_master_repeat;          /* default 5 */
};

enum ka_vrrp_state { KA_VRRP_BACKUP, KA_VRRP_MASTER };
enum ka_auth_type { KA_AUTH_NONE, KA_AUTH_PASS, KA_AUTH_AH };

struct ka_vip {
    uint32_t addr;
    int prefix;                           /* 32 when no /len */
    char dev[KA_IFNAME_MAX];              /* "" : the instance's interface */
};

/* vrrp_script NAME { script "...", interval, timeout, weight, rise, fall,
 * init_fail }: keepalived runs the command every interval; here the
 * embedder answers it (lvs/keepalived/vrrp.h, vrrp_script_fn). */
struct ka_vrrp_script {
    char name[KA_NAME_MAX];
    int line;
    char script[KA_PATH_MAX];             /* required */
    sim_time_t interval;                  /* whole seconds, at least 1; default 1 s */
    sim_time_t timeout;                   /* whole seconds, at least 1; default: the interval */
    int weight;                           /* -253..253, default 0 (failure means FAULT) */
    unsigned rise, fall;                  /* default 1 each */
    bool init_fail;                       /* start as failed */
};

/* One line of a track_script block: a vrrp_script and the weight it
 * applies to this instance (the script's unless "weight N" is given). */
struct ka_track {
    char name[KA_NAME_MAX];
    int script;                           /* index in ka_conf.scripts */
    int weight;
    bool has_weight;                      /* "weight N" on the line */
    int line;
};

struct ka_vrrp_instance {
    char name[KA_NAME_MAX];
    int line;
    enum ka_vrrp_state state;             /* required */
    char interface[KA_IFNAME_MAX];        /* required */
    int virtual_router_id;                /* required, 1..255 */
    int priority;                         /* 1..255, default 100 */
    sim_time_t advert_int;                /* default 1 s */
    bool nopreempt;
    sim_time_t preempt_delay;             /* 0..1000 s, default 0 */
    int version;                          /* the instance's, else global vrrp_version */
    enum ka_auth_type auth_type;
    char auth_pass[KA_AUTH_PASS_MAX + 1];
    sim_time_t garp_master_delay;         /* the instance's, else the global's */
    int garp_master_repeat;
    struct ka_vip vips[KA_MAX_VIPS];
    int nvips;
    struct ka_track track[KA_MAX_TRACK];  /* its own track_script lines, then its sync group's */
    int ntrack;
    int sync_group;                       /* index in ka_conf.groups, or -1 */
};

/* vrrp_sync_group NAME { group { VI ... } track_script { ... } }:
 * instances that change state together. */
struct ka_sync_group {
    char name[KA_NAME_MAX];
    int line;
    char names[KA_MAX_SYNC_MEMBERS][KA_NAME_MAX];
    int lines[KA_MAX_SYNC_MEMBERS];
    int nnames;
    int members[KA_MAX_SYNC_MEMBERS];     /* the names found: indexes in ka_conf.vrrp */
    int nmembers;
    struct ka_track track[KA_MAX_TRACK];  /* added to every member's */
    int ntrack;
};

enum ka_check_kind { KA_CHECK_TCP, KA_CHECK_HTTP, KA_CHECK_MISC };

/* An inclusive range of HTTP status codes that pass. */
struct ka_status_range {
    uint16_t lo, hi;
};

struct ka_url {
    char path[KA_PATH_MAX];
    bool has_digest;
    uint8_t digest[KA_MD5_LEN];
    struct ka_status_range status[KA_MAX_STATUS_RANGES];   /* default 200-299 */
    int nstatus;
};

struct ka_checker_conf {
    enum ka_check_kind kind;
    int line;
    uint32_t connect_ip;                  /* where to connect: the real server's unless connect_ip */
    uint16_t connect_port;                /* the real server's unless connect_port */
    sim_time_t connect_timeout;           /* default 5 s (per connect and per read) */
    sim_time_t delay_loop;                /* default 60 s */
    sim_time_t warmup;                    /* first check within 1 s + [0, warmup]; default delay_loop */
    sim_time_t delay_before_retry;        /* default 1 s; HTTP_GET 3 s */
    unsigned retry;                       /* default 1; MISC_CHECK 0 */
    bool alpha;                           /* start as failed */
    struct ka_url urls[KA_MAX_URLS];      /* HTTP_GET */
    int nurls;
    char misc_path[KA_PATH_MAX];          /* MISC_CHECK: handed to the embedder's predicate */
    sim_time_t misc_timeout;              /* default: the virtual server's delay_loop */
    bool misc_dynamic;                    /* exit code 2..255 passes with weight code - 2 */
};

struct ka_real_server {
    int line;
    uint32_t addr;
    uint16_t port;                        /* the dest's port in IPVS (0 on a DR/TUN fwmark service) */
    uint16_t check_port;                  /* the port written in the file, which checkers use */
    int weight;                           /* default 1 */
    bool inhibit_on_failure;
    struct ka_checker_conf checkers[KA_MAX_CHECKERS];
    int ncheckers;
};

struct ka_virtual_server {
    int line;
    uint8_t protocol;                     /* IPPROTO_TCP (default) or IPPROTO_UDP; 0 for fwmark */
    uint32_t addr;
    uint16_t port;
    uint32_t fwmark;                      /* non-zero: virtual_server fwmark N */
    char sched[IPVS_SCHED_NAME_MAX];      /* lb_algo / lvs_sched, required */
    enum ipvs_fwd fwd;                    /* lb_kind / lvs_method, required */
    uint32_t persistence_timeout;         /* seconds, 0 = not persistent */
    uint32_t persistence_granularity;     /* netmask, host order; 0xffffffff by default */
    sim_time_t delay_loop;
    unsigned quorum;                      /* default 1 */
    unsigned hysteresis;                  /* default 0 */
    bool alpha, omega, inhibit_on_failure;
    bool has_sorry_server;
    uint32_t sorry_addr;
    uint16_t sorry_port;
    struct ka_real_server *rs;
    int nrs;
};

struct ka_conf {
    char file[KA_PATH_MAX];
    char *warnings;                       /* "file[:line]: ...\n" lines, or NULL */
    struct ka_global global;
    struct ka_vrrp_instance *vrrp;
    int nvrrp;
    struct ka_vrrp_script *scripts;
    int nscripts;
    struct ka_sync_group *groups;
    int ngroups;
    struct ka_virtual_server *vs;
    int nvs;
};

/* Parse a file, or text named `name` in messages. 0 (conf->warnings may
 * hold warnings), or -1 with "file:line: keyword: message" (or the unknown
 * keywords, one a line) in err and *conf empty. */
int ka_conf_parse_file(const char *path, struct ka_conf *conf, char *err, size_t errlen);
int ka_conf_parse_string(const char *text, const char *name, struct ka_conf *conf, char *err,
                         size_t errlen);
void ka_conf_free(struct ka_conf *conf);

/* A service's name as events and messages give it: "TCP 10.0.0.100:80", "FWM 1". */
void ka_vs_name(const struct ka_virtual_server *vs, char *buf, size_t len);

struct ka_checks;
struct ka_checks_opts;

/* Build the virtual servers on the director (services, and the real
 * servers keepalived would add at start) and start their checkers on its
 * host. NULL with "file:line: virtual_server: message" in err if IPVS
 * refuses one (the services added before it are removed again). */
struct ka_checks *ka_conf_apply(const struct ka_conf *conf, struct ipvs *ipvs,
                                const struct ka_checks_opts *opts, char *err, size_t errlen);

#endif
