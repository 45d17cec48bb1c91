/*
 * keepalived's VRRP on one host: a daemon (keepalived's VRRP process)
 * holding instances, each a virtual router on one interface with its VRID,
 * priority and virtual addresses. Adverts go to 224.0.0.18 with TTL 255;
 * the state machine is RFC 3768/5798's with keepalived's choices (start-up
 * in BACKUP, a lower-priority advert answered by the master, preempt_delay,
 * priority 0 on shutdown). A new MASTER adds its addresses and announces
 * them with bursts of gratuitous ARP; a BACKUP removes them. Tracked
 * scripts (keepalived's vrrp_script/track_script, vrrp_track.c) move an
 * instance's effective priority by their weights, or put it in FAULT when
 * one of weight 0 fails; a sync group's instances change state together
 * (vrrp_sync_group). Every state change is reported, with its time and
 * reason, to the embedder.
 */
#ifndef LVS_KEEPALIVED_VRRP_H
#define LVS_KEEPALIVED_VRRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/runtime.h"
#include "lvs/keepalived/vrrp_pkt.h"
#include "net/host.h"

#define VRRP_NAME_MAX 32

enum vrrp_state { VRRP_STATE_INIT, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_STATE_FAULT };

/* Why an instance changed state (keepalived's master reasons, and more). */
enum vrrp_reason {
    VRRP_REASON_START,           /* started: INIT to BACKUP */
    VRRP_REASON_OWNER,           /* priority 255 at start: straight to MASTER */
    VRRP_REASON_MASTER_DOWN,     /* no advert for the master-down interval */
    VRRP_REASON_PRIORITY_ZERO,   /* the master said it stops (after the skew time) */
    VRRP_REASON_PREEMPT,         /* a lower-priority master was not accepted */
    VRRP_REASON_HIGHER_PRIORITY, /* a master heard a better master */
    VRRP_REASON_SHUTDOWN,        /* stopped with priority 0 sent */
    VRRP_REASON_HALT,            /* stopped silently (a crash, kill -9) */
    VRRP_REASON_FAULT,           /* a tracked script of weight 0 failed */
    VRRP_REASON_FAULT_CLEARED,   /* every tracked script of weight 0 passes again */
    VRRP_REASON_SYNC,            /* another instance of its sync group moved */
};

const char *vrrp_state_name(enum vrrp_state s);   /* "INIT", "BACKUP", "MASTER", "FAULT" */
const char *vrrp_reason_name(enum vrrp_reason r);

struct vrrp_event {
    sim_time_t time;
    const char *instance;
    enum vrrp_state from, to;
    enum vrrp_reason reason;
};

typedef void (*vrrp_event_fn)(void *ctx, const struct vrrp_event *ev);

#define VRRP_MAX_TRACK 8
#define VRRP_MAX_SCRIPTS 16
#define VRRP_SCRIPT_MAX 256

/* A tracked script and the weight it has for one instance: while it
 * fails, weight < 0 lowers the instance's priority by -weight; while it
 * passes, weight > 0 raises it by weight; weight 0 failing is FAULT. */
struct vrrp_track {
    int script;                         /* vrrp_script_add's index */
    int weight;                         /* -254..254 */
};

/* One vrrp_instance block of keepalived.conf, as plain values. */
struct ka_vrrp_conf {
    char name[VRRP_NAME_MAX];
    char interface[NETIF_NAME_MAX];
    enum vrrp_state state;              /* the configured start state: MASTER or BACKUP */
    uint8_t vrid;                       /* 1..255 */
    uint8_t priority;                   /* 1..255 (255: the address owner) */
    uint8_t version;                    /* 2 or 3 */
    sim_time_t advert_int;              /* v2: whole seconds; v3: centiseconds below 40.96 s */
    bool nopreempt;
    sim_time_t preempt_delay;
    enum vrrp_auth auth_type;           /* v2 only */
    char auth_pass[VRRP_AUTH_LEN];      /* AUTH_PASS: up to 8 bytes */
    uint32_t vips[VRRP_MAX_VIPS];
    uint8_t vip_prefix[VRRP_MAX_VIPS];  /* keepalived's default is /32 */
    char vip_dev[VRRP_MAX_VIPS][NETIF_NAME_MAX];   /* "dev IFACE" ("": the instance's interface) */
    int nvips;
    unsigned garp_master_repeat;        /* GARPs per address in each burst */
    sim_time_t garp_master_delay;       /* second burst after this (0: none) */
    struct vrrp_track tracks[VRRP_MAX_TRACK];
    int ntracks;
};

/* One vrrp_script block: the command, how often it runs, and how many
 * results in a row change its verdict. */
struct vrrp_script_conf {
    char name[VRRP_NAME_MAX];
    char script[VRRP_SCRIPT_MAX];
    sim_time_t interval;
    unsigned rise, fall;                /* at least 1 */
    bool init_fail;                     /* failed until it passes rise times */
};

/* The embedder runs a script: does it pass now? (keepalived runs the
 * command and takes exit status 0 as a pass.) */
typedef bool (*vrrp_script_fn)(void *ctx, const char *script);

/* keepalived's defaults: version 2, priority 100, advert_int 1 s, preempt,
 * state BACKUP, garp_master_repeat 5, garp_master_delay 5 s. */
void vrrp_conf_defaults(struct ka_vrrp_conf *c);

/* Why the daemon refused a received advertisement (counted, then freed). */
enum vrrp_drop {
    VRRP_DROP_TTL, VRRP_DROP_NOT_GROUP, VRRP_DROP_MALFORMED, VRRP_DROP_UNKNOWN_VRID,
    VRRP_DROP_VERSION, VRRP_DROP_AUTH, VRRP_DROP_INTERVAL, VRRP_DROP_STOPPED,
    VRRP_DROP_REASONS
};

struct vrrp_stats {
    uint64_t adverts_sent, adverts_rcvd, pri_zero_sent, pri_zero_rcvd;
    uint64_t become_master, release_master, garps_sent, addr_list_err;
};

struct vrrp_daemon;

struct vrrp_instance {
    struct vrrp_daemon *d;
    struct ka_vrrp_conf conf;
    struct netif *nif;
    struct netif *vip_nif[VRRP_MAX_VIPS];   /* where each address goes (dev, else nif) */
    uint32_t saddr;                     /* primary address of the interface: adverts' source */
    enum vrrp_state state;
    enum vrrp_reason next_master_reason;
    sim_time_t master_adver_int;        /* v3: learnt from the master */
    uint32_t master_addr;               /* the master last accepted */
    sim_time_t last_advert;             /* when the last advert was accepted (BACKUP) */
    sim_time_t preempt_time;            /* preempt_delay: when preemption may happen (0: not started) */
    bool vips_set;
    uint8_t priority;                   /* effective: the configured one moved by the tracked scripts */
    bool faulty;                        /* one of its own tracked scripts of weight 0 fails */
    int group;                          /* its sync group, or -1 */
    struct rt_timer timer;              /* adver timer (MASTER), master-down timer (BACKUP) */
    struct rt_timer garp_timer;         /* the delayed GARP burst */
    struct vrrp_stats stats;
};

/* A daemon on h, reporting transitions to fn (may be NULL). It receives
 * protocol 112 on the host and joins 224.0.0.18. */
struct vrrp_daemon *vrrp_daemon_new(struct host *h, vrrp_event_fn fn, void *ctx);
/* Stops every instance silently and frees the daemon. */
void vrrp_daemon_free(struct vrrp_daemon *d);

/* Add an instance (stopped, in INIT); NULL with the reason in err when the
 * configuration is refused (no such interface, VRID in use there, bad
 * interval, no address). */
struct vrrp_instance *vrrp_instance_add(struct vrrp_daemon *d, const struct ka_vrrp_conf *conf,
                                        char *err, size_t errlen);

/* Tracked scripts, run by fn (which must be set before the daemon
 * starts): the script's index, or -1 with err. */
void vrrp_daemon_set_script_fn(struct vrrp_daemon *d, vrrp_script_fn fn, void *ctx);
int vrrp_script_add(struct vrrp_daemon *d, const struct vrrp_script_conf *c, char *err, size_t errlen);
/* Make instances a sync group (each in one group at most): 0, or -1 with err. */
int vrrp_sync_group_add(struct vrrp_daemon *d, struct vrrp_instance *const *members, int n, char *err,
                        size_t errlen);
/* Whether a script passes now (its verdict after rise/fall). */
bool vrrp_script_ok(const struct vrrp_daemon *d, int script);

/* Start every instance (keepalived starting): the owner goes MASTER, the
 * others BACKUP, a configured MASTER waiting one advert interval first. */
void vrrp_daemon_start(struct vrrp_daemon *d);

/* Stop every instance: graceful sends priority 0 from masters and removes
 * their addresses (keepalived on SIGTERM); otherwise timers just stop and
 * addresses stay where they were (a crash; the next start removes them). */
void vrrp_daemon_stop(struct vrrp_daemon *d, bool graceful);

/* The instance of that name, or NULL. */
struct vrrp_instance *vrrp_instance_find(struct vrrp_daemon *d, const char *name);
const uint64_t *vrrp_daemon_drops(const struct vrrp_daemon *d);   /* [VRRP_DROP_REASONS] */

/* The master-down interval of an instance now (RFC 3768 §6.1; RFC 5798
 * §6.1 with the learnt Master_Adver_Interval). */
sim_time_t vrrp_master_down_interval(const struct vrrp_instance *vi);

/* ---- internal to lvs/keepalived (vrrp_vip.c) ---- */

/* Add the instance's addresses and send the first GARP burst, arming the
 * second; and the reverse. */
void vrrp_vips_take(struct vrrp_instance *vi);
void vrrp_vips_release(struct vrrp_instance *vi);
void vrrp_garp_burst(void *arg);

/* vrrp_track.c: start and stop the scripts' timers; an instance's
 * effective priority and own fault from its tracked scripts' verdicts. */
void vrrp_scripts_start(struct vrrp_daemon *d);
void vrrp_scripts_stop(struct vrrp_daemon *d);
void vrrp_scripts_free(struct vrrp_daemon *d);
void vrrp_track_eval(struct vrrp_instance *vi);
/* vrrp.c: a script's verdict changed: every instance tracking it follows. */
void vrrp_track_changed(struct vrrp_daemon *d, int script);

#endif
