/*
 * Inside the VRRP engine: the daemon's state (instances, tracked scripts,
 * sync groups, drop counters), shared by vrrp.c and vrrp_track.c.
 */
#ifndef LVS_KEEPALIVED_VRRP_INT_H
#define LVS_KEEPALIVED_VRRP_INT_H

#include "lvs/keepalived/vrrp.h"

#define VRRP_MAX_INSTANCES 32
#define VRRP_MAX_GROUPS 16

/* A vrrp_script running: its verdict and the results in a row against it. */
struct vrrp_script_run {
    struct vrrp_daemon *d;
    int index;
    struct vrrp_script_conf conf;
    bool ok;
    unsigned streak;                    /* results in a row that contradict `ok` */
    struct rt_timer timer;
};

struct vrrp_daemon {
    struct host *h;
    vrrp_event_fn fn;
    void *ctx;
    vrrp_script_fn script_fn;
    void *script_ctx;
    struct vrrp_instance *inst[VRRP_MAX_INSTANCES];
    int ninst;
    struct vrrp_script_run *scripts[VRRP_MAX_SCRIPTS];
    int nscripts;
    int ngroups;
    bool syncing;                       /* a sync group is being moved: no recursion */
    uint64_t drops[VRRP_DROP_REASONS];
};

#endif
