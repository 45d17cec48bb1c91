/*
 * keepalived on the emulated director: its keepalived.conf's virtual and
 * real servers put in the IPVS table, their TCP_CHECK and HTTP_GET checkers
 * run on the director's host stack (so they connect over the TAPs to the
 * real servers' kernels), MISC_CHECK scripts run as child processes
 * (emu/director_misc.h), its vrrp_instance blocks started, and
 * lvs_sync_daemon's IPVS sync following its instance. What they report
 * goes to a log, one line per event, as keepalived's syslog would, each
 * line starting with the loop's time (seconds since the Epoch); a
 * master-down takeover names the last advert heard and its time.
 */
#ifndef EMU_DIRECTOR_KEEPALIVED_H
#define EMU_DIRECTOR_KEEPALIVED_H

#include <ev.h>
#include <stdbool.h>
#include <stdio.h>

#include "emu/director_misc.h"
#include "lvs/ipvs.h"
#include "lvs/keepalived/sync_daemon.h"

struct emu_keepalived {
    struct ka_checks *checks;
    struct vrrp_daemon *vrrp;
    struct ka_sync_daemon sync;
    struct ipvs *ipvs;
    struct emu_misc misc;
    FILE *log;                /* the event log, each line stamped with loop's time */
    struct ev_loop *loop;
};

/* Read path and start it on ipvs's host, on loop (the default loop: MISC
 * scripts are reaped there); *vrrp is true when VRRP holds the VIP. 0, or
 * -1 with "file:line: ..." in err. */
int emu_keepalived_start(struct emu_keepalived *k, const char *path, struct ipvs *ipvs, struct ev_loop *loop,
                         FILE *log, bool *vrrp, char *err, size_t errlen);
/* keepalived on SIGTERM: masters send priority 0 and drop their addresses,
 * the checkers stop and the virtual servers leave the table. */
void emu_keepalived_shutdown(struct emu_keepalived *k);
/* Free it all (after a shutdown, or silently as a crash would). */
void emu_keepalived_stop(struct emu_keepalived *k);

#endif
