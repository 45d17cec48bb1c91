/*
 * keepalived's lvs_sync_daemon at run time: IPVS's backup sync daemon from
 * the start, then, as keepalived's ipvs_syncd_master/_backup, the master
 * daemon wherever the named vrrp_instance is MASTER and the backup daemon
 * everywhere else. Shared by the simulated and the emulated director.
 */
#ifndef LVS_KEEPALIVED_SYNC_DAEMON_H
#define LVS_KEEPALIVED_SYNC_DAEMON_H

#include <stddef.h>

#include "lvs/keepalived/conf.h"
#include "lvs/keepalived/vrrp.h"
#include "lvs/sync.h"

struct ka_sync_daemon {
    char instance[KA_NAME_MAX];   /* the vrrp_instance followed; "" when off */
    struct ipvs_sync_conf conf;
};

/* From conf's global_defs: nothing when lvs_sync_daemon is absent, else the
 * backup daemon started on ipvs. 0, or -1 with "file:line: ..." in err
 * (director names the host in it). */
int ka_sync_daemon_start(struct ka_sync_daemon *s, const struct ka_conf *conf, struct ipvs *ipvs,
                         const char *director, char *err, size_t errlen);
/* A VRRP transition: master or backup daemon as the followed instance is
 * MASTER or not; other instances are ignored. */
void ka_sync_daemon_follow(const struct ka_sync_daemon *s, struct ipvs *ipvs, const struct vrrp_event *ev);

#endif
