/*
 * keepalived's VRRP from its configuration: each vrrp_script,
 * vrrp_instance (with its track_script) and vrrp_sync_group of a parsed
 * keepalived.conf (lvs/keepalived/conf.h) becomes part of the VRRP engine
 * (lvs/keepalived/vrrp.h) on the director's host, which starts.
 */
#ifndef LVS_KEEPALIVED_VRRP_START_H
#define LVS_KEEPALIVED_VRRP_START_H

#include "lvs/keepalived/conf.h"
#include "lvs/keepalived/vrrp.h"

/* Where the daemon reports its transitions, and who answers its
 * vrrp_scripts (NULL: a file with a vrrp_script is refused). */
struct ka_vrrp_hooks {
    vrrp_event_fn event;
    void *event_ctx;
    vrrp_script_fn script;
    void *script_ctx;
};

/* 0 with *out the running daemon (NULL when the file has no vrrp_instance),
 * or -1 with "file:line: vrrp_instance NAME: message" in err. */
int ka_vrrp_start(const struct ka_conf *conf, struct host *h, const struct ka_vrrp_hooks *hooks,
                  struct vrrp_daemon **out, char *err, size_t errlen);

#endif
