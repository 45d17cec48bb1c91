/* keepalived's lvs_sync_daemon: IPVS sync following a VRRP instance. */
#include "lvs/keepalived/sync_daemon.h"

#include <stdio.h>
#include <string.h>

int ka_sync_daemon_start(struct ka_sync_daemon *s, const struct ka_conf *conf, struct ipvs *ipvs,
                         const char *director, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    const struct ka_lvs_sync *ls = &conf->global.lvs_sync;
    if (!ls->on)
        return 0;
    snprintf(s->instance, sizeof s->instance, "%s", ls->instance);
    s->conf = (struct ipvs_sync_conf){ .syncid = (uint8_t)ls->syncid, .mcast_group = ls->group,
                                       .mcast_port = (uint16_t)ls->port, .mcast_ttl = (uint8_t)ls->ttl,
                                       .sync_maxlen = (uint16_t)ls->maxlen };
    snprintf(s->conf.mcast_ifn, sizeof s->conf.mcast_ifn, "%s", ls->interface);
    if (ipvs_sync_start(ipvs, IPVS_SYNC_BACKUP, &s->conf) < 0) {
        snprintf(err, errlen, "%s:%d: lvs_sync_daemon: no interface %s on %s", conf->file, ls->line, ls->interface,
                 director);
        return -1;
    }
    return 0;
}

void ka_sync_daemon_follow(const struct ka_sync_daemon *s, struct ipvs *ipvs, const struct vrrp_event *ev)
{
    if (!s->instance[0] || strcmp(ev->instance, s->instance))
        return;
    bool master = ev->to == VRRP_STATE_MASTER;
    ipvs_sync_stop(ipvs, master ? IPVS_SYNC_BACKUP : IPVS_SYNC_MASTER);
    ipvs_sync_start(ipvs, master ? IPVS_SYNC_MASTER : IPVS_SYNC_BACKUP, &s->conf);
}
