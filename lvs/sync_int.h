/* Internal to the connection sync files: the daemons' state. */
#ifndef LVS_SYNC_INT_H
#define LVS_SYNC_INT_H

#include "lvs/sync.h"
#include "net/udp.h"

#define IPVS_SYNC_SEND_DELAY (20 * SIM_MS)   /* HZ / 50: a queued message waits this long at most */
#define IPVS_SYNC_WAKEUP_RATE 8              /* or until this many are queued */
#define IPVS_SYNC_CHECK_PERIOD SIM_S         /* the master thread's sleep */
#define IPVS_SYNC_FLUSH_TIME (2 * SIM_S)     /* a message being filled waits at most this long */
#define IPVS_SYNC_QUEUE_MAX 1024             /* messages waiting; more are dropped and counted */

struct ipvs_sync_msgbuf {
    struct ipvs_sync_msgbuf *next;
    sim_time_t firstuse;
    size_t len;
    uint8_t data[];
};

struct ipvs_sync_master {
    struct ipvs_sync_conf conf;
    struct udp_sock *sock;
    size_t maxlen;
    struct ipvs_sync_msgbuf *cur;                 /* being filled */
    struct ipvs_sync_msgbuf *qhead, *qtail;       /* full, waiting for the thread */
    unsigned qlen, qdelay;
    struct rt_timer thread;                  /* the master thread's next run */
    struct rt_timer wakeup;                  /* master_wakeup_work */
};

struct ipvs_sync_backup {
    struct ipvs_sync_conf conf;
    struct udp_sock *sock;
};

struct ipvs_sync {
    struct ipvs *ipvs;
    struct ipvs_sync_master *master;              /* NULL: not running */
    struct ipvs_sync_backup *backup;
    struct ipvs_sync_stats stats;
};

int ipvs_sync_master_start(struct ipvs_sync *s, const struct ipvs_sync_conf *conf, struct netif *dev);
void ipvs_sync_master_stop(struct ipvs_sync *s);
int ipvs_sync_backup_start(struct ipvs_sync *s, const struct ipvs_sync_conf *conf, struct netif *dev);
void ipvs_sync_backup_stop(struct ipvs_sync *s);

#endif
