/*
 * The sync daemons of a director (start_sync_thread, stop_sync_thread):
 * at most one master and one backup, each on a named interface with the
 * kernel's defaults filled in, and their counters.
 */
#include "lvs/sync.h"

#include <errno.h>
#include <stdlib.h>

#include "engine/xalloc.h"
#include "lvs/sync_int.h"
#include "net/host.h"

int ipvs_sync_start(struct ipvs *ipvs, enum ipvs_sync_state state, const struct ipvs_sync_conf *conf)
{
    if (state != IPVS_SYNC_MASTER && state != IPVS_SYNC_BACKUP)
        return -EINVAL;
    struct netif *dev = host_netif(ipvs->host, conf->mcast_ifn);
    if (!dev || !dev->naddrs || (dev->flags & NETIF_LOOPBACK))
        return -ENODEV;
    if (!ipvs->sync) {
        ipvs->sync = xcalloc(1, sizeof *ipvs->sync);
        ipvs->sync->ipvs = ipvs;
    }
    struct ipvs_sync *s = ipvs->sync;
    if ((state == IPVS_SYNC_MASTER && s->master) || (state == IPVS_SYNC_BACKUP && s->backup))
        return -EEXIST;
    struct ipvs_sync_conf c = *conf;
    if (!c.mcast_group)
        c.mcast_group = IPVS_SYNC_GROUP;
    if (!c.mcast_port)
        c.mcast_port = IPVS_SYNC_PORT;
    if (!c.mcast_ttl)
        c.mcast_ttl = 1;
    const uint16_t hlen = 20 + 8;            /* IPv4 and UDP headers */
    uint32_t mtu = state == IPVS_SYNC_BACKUP ? (dev->mtu < 1500 ? 1500 : dev->mtu > 65535 ? 65535 : dev->mtu)
                                             : 1500;
    uint32_t min = state == IPVS_SYNC_BACKUP ? 1024 : IPVS_SYNC_MESG_HLEN + IPVS_SYNC_CONN_V4_LEN;
    if (c.sync_maxlen)
        c.sync_maxlen = (uint16_t)(c.sync_maxlen < min ? min : c.sync_maxlen > 65535u - hlen ? 65535u - hlen
                                                                                             : c.sync_maxlen);
    else
        c.sync_maxlen = (uint16_t)(mtu - hlen);
    return state == IPVS_SYNC_MASTER ? ipvs_sync_master_start(s, &c, dev)
                                     : ipvs_sync_backup_start(s, &c, dev);
}

int ipvs_sync_stop(struct ipvs *ipvs, enum ipvs_sync_state state)
{
    struct ipvs_sync *s = ipvs->sync;
    if (state == IPVS_SYNC_MASTER && s && s->master) {
        ipvs_sync_master_stop(s);
        return 0;
    }
    if (state == IPVS_SYNC_BACKUP && s && s->backup) {
        ipvs_sync_backup_stop(s);
        return 0;
    }
    return state == IPVS_SYNC_MASTER || state == IPVS_SYNC_BACKUP ? -ESRCH : -EINVAL;
}

void ipvs_sync_free(struct ipvs *ipvs)
{
    if (!ipvs->sync)
        return;
    ipvs_sync_stop(ipvs, IPVS_SYNC_MASTER);
    ipvs_sync_stop(ipvs, IPVS_SYNC_BACKUP);
    free(ipvs->sync);
    ipvs->sync = NULL;
}

struct ipvs_sync_stats ipvs_sync_stats(const struct ipvs *ipvs)
{
    return ipvs->sync ? ipvs->sync->stats : (struct ipvs_sync_stats){ 0 };
}
