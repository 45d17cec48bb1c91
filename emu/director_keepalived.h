/*
 * keepalived on the emulated director: its keepalived.conf's virtual and
 * real servers put in the IPVS table, their TCP_CHECK and HTTP_GET checkers
 * run on the director's host stack (so they connect over the TAPs to the
 * real servers' kernels), and its vrrp_instance blocks started. What they
 * report goes to a log, one line per event, as keepalived's syslog would.
 * MISC_CHECK and lvs_sync_daemon are refused with an error naming the line.
 */
#ifndef EMU_DIRECTOR_KEEPALIVED_H
#define EMU_DIRECTOR_KEEPALIVED_H

#include <stdbool.h>
#include <stdio.h>

#include "lvs/ipvs.h"

struct emu_keepalived {
    struct ka_checks *checks;
    struct vrrp_daemon *vrrp;
    FILE *log;
};

/* Read path and start it on ipvs's host; *vrrp is true when VRRP holds the
 * VIP. 0, or -1 with "file:line: ..." in err. */
int emu_keepalived_start(struct emu_keepalived *k, const char *path, struct ipvs *ipvs, FILE *log, bool *vrrp,
                         char *err, size_t errlen);
void emu_keepalived_stop(struct emu_keepalived *k);

#endif
