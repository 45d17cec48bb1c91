/*
 * IPVS connection synchronisation (ip_vs_sync.c, message format version
 * 1): a master director multicasts its connections' creations and state
 * changes, batched into messages up to the MTU, to 224.0.0.81:8848 with
 * TTL 1; a backup director creates or updates the same entries in its own
 * table, bound to its own dests, so that when it takes the VIP the
 * clients' connections go on. As `ipvsadm --start-daemon master|backup
 * --mcast-interface IF --syncid N`, per director; both may run at once.
 */
#ifndef LVS_SYNC_H
#define LVS_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "lvs/ipvs.h"
#include "net/netif.h"

#define IPVS_SYNC_GROUP 0xe0000051u     /* 224.0.0.81 */
#define IPVS_SYNC_PORT 8848
#define IPVS_SYNC_VERSION 1
#define IPVS_SYNC_MESG_HLEN 8           /* struct ip_vs_sync_mesg */
#define IPVS_SYNC_CONN_V4_LEN 36        /* struct ip_vs_sync_v4 */

/* The kernel's connection flags as they travel (IP_VS_CONN_F_*). */
#define IPVS_SYNC_F_FWD_MASK 0x0007u
#define IPVS_SYNC_F_MASQ     0x0000u
#define IPVS_SYNC_F_TUNNEL   0x0002u
#define IPVS_SYNC_F_DROUTE   0x0003u
#define IPVS_SYNC_F_SYNC     0x0020u
#define IPVS_SYNC_F_NOOUTPUT 0x0080u
#define IPVS_SYNC_F_INACTIVE 0x0100u
#define IPVS_SYNC_F_SEQ_MASK 0x0600u
#define IPVS_SYNC_F_NO_CPORT 0x0800u
#define IPVS_SYNC_F_TEMPLATE 0x1000u
#define IPVS_SYNC_F_BACKUP_MASK (IPVS_SYNC_F_FWD_MASK | IPVS_SYNC_F_NOOUTPUT | IPVS_SYNC_F_INACTIVE | \
                                 IPVS_SYNC_F_SEQ_MASK | IPVS_SYNC_F_NO_CPORT | IPVS_SYNC_F_TEMPLATE)
#define IPVS_SYNC_F_BACKUP_UPD_MASK (IPVS_SYNC_F_INACTIVE | IPVS_SYNC_F_SEQ_MASK)

enum ipvs_sync_state { IPVS_SYNC_MASTER = 1, IPVS_SYNC_BACKUP = 2 };

/* --start-daemon's options; zeros take the kernel's defaults (group
 * 224.0.0.81, port 8848, TTL 1, message length MTU less 28: 1472 on a
 * master, the interface's MTU (at least 1500) less 28 on a backup). */
struct ipvs_sync_conf {
    char mcast_ifn[NETIF_NAME_MAX];
    uint8_t syncid;                     /* 0 on a backup: any */
    uint32_t mcast_group;
    uint16_t mcast_port;
    uint8_t mcast_ttl;
    uint16_t sync_maxlen;
};

/* One connection entry as it travels (host order; flags are the kernel's). */
struct ipvs_sync_entry {
    uint8_t protocol;
    uint32_t flags;
    uint16_t state;
    uint16_t cport, vport, dport;
    uint32_t fwmark, timeout_s;
    uint32_t caddr, vaddr, daddr;
};

/* Why a received message, or one entry of it, was refused (counted). */
enum ipvs_sync_drop {
    IPVS_SYNC_DROP_SHORT, IPVS_SYNC_DROP_SIZE, IPVS_SYNC_DROP_SYNCID, IPVS_SYNC_DROP_VERSION,
    IPVS_SYNC_DROP_BOGUS_CONN, IPVS_SYNC_DROP_IPV6, IPVS_SYNC_DROP_OPTION, IPVS_SYNC_DROP_PROTOCOL,
    IPVS_SYNC_DROP_STATE, IPVS_SYNC_DROP_FWD, IPVS_SYNC_DROP_REASONS
};

struct ipvs_sync_stats {
    uint64_t msgs_sent, conns_sent, fullnat_not_sent, queue_overflow;
    uint64_t msgs_rcvd, conns_rcvd, conns_created, conns_updated, conns_without_dest;
    uint64_t drops[IPVS_SYNC_DROP_REASONS];
};

/* Start a daemon: 0, -EEXIST (one of that kind runs), -ENODEV (no such
 * interface, or no address on it), -EINVAL (bad state). */
int ipvs_sync_start(struct ipvs *ipvs, enum ipvs_sync_state state, const struct ipvs_sync_conf *conf);
/* Stop one: 0 or -ESRCH. A master's unsent entries are dropped, as the kernel's. */
int ipvs_sync_stop(struct ipvs *ipvs, enum ipvs_sync_state state);
/* Both daemons stopped, the state freed (ipvs_director_destroy calls it). */
void ipvs_sync_free(struct ipvs *ipvs);
/* Zeros when no daemon ever ran. */
struct ipvs_sync_stats ipvs_sync_stats(const struct ipvs *ipvs);

/* The director, after each packet from a client (ip_vs_in): pkts is the
 * connection's count of them. Queues the entry (and its template's) when
 * the kernel would. */
struct ipvs_conn;
void ipvs_sync_conn(struct ipvs *ipvs, struct ipvs_conn *cp, uint32_t pkts);

/* ---- the wire (lvs/sync_msg.c) ---- */

/* An empty version 1 message in buf; returns its header length. */
size_t ipvs_sync_msg_init(uint8_t *buf, uint8_t syncid);
/* Append an entry if it fits within maxlen (with its alignment padding):
 * the message's new length, or 0 when it does not fit. */
size_t ipvs_sync_msg_add(uint8_t *buf, size_t len, size_t maxlen, const struct ipvs_sync_entry *e);

/* Walk a received message as ip_vs_process_message does: each good entry
 * goes to fn; a bad entry is skipped or ends the walk, as in the kernel,
 * and is counted in drops. syncid 0 takes any. */
void ipvs_sync_msg_parse(const uint8_t *buf, size_t len, uint8_t syncid, uint64_t drops[IPVS_SYNC_DROP_REASONS],
                         void (*fn)(void *ctx, const struct ipvs_sync_entry *e), void *ctx);

#endif
