/*
 * keepalived's VRRP from its configuration: each vrrp_instance of a parsed
 * keepalived.conf (lvs/keepalived/conf.h) becomes an instance of the VRRP
 * engine (lvs/keepalived/vrrp.h) on the director's host, and starts.
 */
#ifndef LVS_KEEPALIVED_VRRP_START_H
#define LVS_KEEPALIVED_VRRP_START_H

#include "lvs/keepalived/conf.h"
#include "lvs/keepalived/vrrp.h"

/* 0 with *out the running daemon (NULL when the file has no vrrp_instance),
 * or -1 with "file:line: vrrp_instance NAME: message" in err. */
int ka_vrrp_start(const struct ka_conf *conf, struct host *h, vrrp_event_fn fn, void *ctx, struct vrrp_daemon **out,
                  char *err, size_t errlen);

#endif
