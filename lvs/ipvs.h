/*
 * The director's data model, as kernel IPVS has it: virtual services
 * (protocol and VIP:port, or a firewall mark), their real servers ("dests")
 * with weight, thresholds and forwarding method, the per-object statistics,
 * and the tunables of `ipvsadm --set` and the ipvs sysctls. One struct ipvs
 * per director host; nothing is global.
 *
 * Addresses and ports are in host byte order everywhere in lvs/.
 */
#ifndef LVS_IPVS_H
#define LVS_IPVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/runtime.h"
#include "engine/simtime.h"
#include "lvs/synproxy_cookie.h"
#include "net/dst_cache.h"

struct host;
struct ipvs_sched_ops;
struct ipvs_conn_table;
struct ipvs_sync;

/* Forwarding methods, as ipvsadm names them: -m, -i, -g, and FULLNAT. */
enum ipvs_fwd { IPVS_FWD_MASQ, IPVS_FWD_TUNNEL, IPVS_FWD_DROUTE, IPVS_FWD_FULLNAT, IPVS_FWD_METHODS };

const char *ipvs_fwd_name(enum ipvs_fwd fwd);   /* "Masq", "Tunnel", "Route", "FullNat" */

/* Cumulative counters, as `ipvsadm -L --stats`. */
struct ipvs_stats {
    uint64_t conns, inpkts, outpkts, inbytes, outbytes;
};

/* The kernel's rate estimator (ip_vs_est.c): every 2 s the last interval's
 * rates enter exponentially weighted averages, as `ipvsadm -L --rate`. */
struct ipvs_est {
    struct ipvs_stats last;                  /* counters at the previous tick */
    uint64_t cps, inpps, outpps, inbps, outbps;   /* averages, scaled as the kernel's */
};

/* Scheduler flags (ipvsadm -b): sh-fallback, sh-port, mh-fallback, mh-port. */
#define IPVS_SCHED_FLAG_1 0x0008u   /* sh-fallback, mh-fallback */
#define IPVS_SCHED_FLAG_2 0x0010u   /* sh-port, mh-port */
#define IPVS_SCHED_FLAG_3 0x0020u   /* flag-3 */

/* Service flags. */
#define IPVS_SVC_PERSISTENT 0x0001u
#define IPVS_SVC_SYNPROXY   0x8000u   /* ipvsadm -j enable (the Alibaba patch's IP_VS_CONN_F_SYNPROXY) */

#define IPVS_SCHED_NAME_MAX 16
#define IPVS_MAX_LADDRS 8
#define IPVS_LPORT_MIN 5000            /* FULLNAT local ports, as the Alibaba patch (its first is 5001) */
#define IPVS_LPORT_MAX 65535

struct ipvs_service;

struct ipvs_dest {
    struct ipvs_dest *next;          /* in svc->dests, newest first as the kernel */
    struct ipvs_service *svc;
    uint32_t addr;
    uint16_t port;
    enum ipvs_fwd fwd;
    int weight;
    int last_weight;                 /* the latest non-zero weight (mh's table keeps it) */
    uint32_t u_threshold, l_threshold;   /* -x, -y; 0 = none */
    uint32_t activeconns, inactconns, persistconns;
    bool available;                  /* false once deleted: it waits in the trash */
    sim_time_t idle_start;           /* in the trash: when it was first seen unheld (0: not yet) */
    bool overloaded;                 /* IP_VS_DEST_F_OVERLOAD */
    uint32_t refcnt;                 /* connections bound to it */
    struct ipvs_stats stats;
    struct ipvs_est est;
    struct dst_cache dst;            /* the route and neighbour towards addr (dest_dst) */
};

struct ipvs_service {
    struct ipvs_service *next;       /* in ipvs->services, in order of addition */
    struct ipvs *ipvs;
    uint8_t protocol;                /* IPPROTO_TCP/UDP; 0 for a fwmark service */
    uint32_t addr;                   /* VIP; 0 for a fwmark service */
    uint16_t port;                   /* 0 = every port */
    uint32_t fwmark;                 /* 0 unless a fwmark service */
    uint32_t flags;                  /* IPVS_SVC_* | IPVS_SCHED_FLAG_* */
    uint32_t timeout;                /* persistence, seconds (-p) */
    uint32_t netmask;                /* persistence granularity (-M), host order */
    const struct ipvs_sched_ops *sched;
    void *sched_data;
    struct ipvs_dest *dests;
    int num_dests;
    struct ipvs_stats stats;
    struct ipvs_est est;
    uint32_t refcnt;                 /* 1 while in the table, plus one per dest */
    /* FULLNAT: the local addresses connections leave from (ipvsadm -P -z) */
    uint32_t laddrs[IPVS_MAX_LADDRS];
    uint16_t lport_next[IPVS_MAX_LADDRS];
    int nladdrs, laddr_next;
};

/* Protocol timeouts (ipvsadm --set tcp tcpfin udp) live in the state table
 * of lvs/conn; these are the ipvs sysctls that change behaviour. */
struct ipvs_sysctl {
    bool expire_nodest_conn;         /* drop packets of a deleted dest's conns and expire them */
    bool expire_quiescent_template;  /* weight-0 dest: its persistence templates expire */
    int conn_reuse_mode;             /* 0, 1 (default), 2 */
    bool conntrack;                  /* with mode 1 the kernel then drops the reusing SYN */
    int sloppy_tcp;                  /* create conns on any TCP packet, not just SYN */
    /* not a kernel sysctl: count only ESTABLISHED TCP connections as active,
     * as kernels before 4.8 did (since, SYN_SENT, SYN_RECV and SYNACK too) */
    bool tcp_active_established_only;
    /* sync_threshold = "3 50": a connection is synced at its 3rd packet
     * from the client, then every 50 */
    uint32_t sync_threshold, sync_period;
};

/* What the SYN proxy did (lvs/synproxy.c), as the Alibaba patch's
 * SYNPROXY_* counters in /proc/net/ip_vs_ext_stats. */
struct ipvs_synproxy_stats {
    uint64_t syn_answered;           /* SYN_CNT: SYNs answered with a cookie SYN-ACK */
    uint64_t ack_ok;                 /* OK_ACK: ACKs whose cookie was good: a connection made */
    uint64_t ack_bad;                /* BAD_ACK: ACKs with no connection and a bad cookie, dropped */
    uint64_t held_over;              /* SYNSEND_QLEN: client packets over the store while the
                                      * real server's SYN-ACK was awaited, dropped */
    uint64_t rs_synack;              /* real servers' SYN-ACKs taken (the handshake completed) */
    uint64_t rs_rst;                 /* real servers' RSTs to the director's SYN, passed on */
    uint64_t rs_unexpected;          /* other real-server packets before its SYN-ACK, dropped */
};

/* ipvsadm --set: the timeouts of TCP ESTABLISHED, TCP FIN_WAIT and UDP, in
 * seconds (the kernel's 900, 120, 300). */
struct ipvs_timeouts {
    uint32_t tcp, tcpfin, udp;
};

struct ipvs {
    struct host *host;               /* the director's host stack */
    struct rt *rt;
    struct ipvs_service *services;
    int num_services;
    int ftp_services;                /* services on port 21 (ftpsvc_counter) */
    struct ipvs_sysctl sysctl;
    struct ipvs_timeouts timeouts;
    uint64_t seed;                   /* random schedulers' streams derive from it (the run's seed) */
    struct ipvs_conn_table *conns;
    struct ipvs_dest *trash;         /* deleted dests, kept IP_VS_DEST_TRASH_PERIOD once unheld */
    struct rt_timer trash_timer;     /* ip_vs_dest_trash_expire, every 60 s while the trash holds any */
    struct rt_timer nodest_timer;    /* expire_nodest_conn: the flush after a dest is deleted */
    bool trash_closing;              /* ipvs_destroy: dests let go are freed at once */
    int fullnat_laddrs;              /* local addresses of all services: replies may come to them */
    struct ipvs_stats stats;         /* the director's totals */
    struct rt_timer est_timer;       /* lvs/est.c: the 2 s rate estimator tick */
    struct ipvs_sync *sync;          /* lvs/sync: the sync daemons, NULL when none ever ran */
    struct ipvs_syncookie_key synproxy_key;   /* lvs/synproxy: the cookies' secret */
    struct ipvs_synproxy_stats synproxy;
};

/* A packet's tuple as the schedulers and lookups see it. */
struct ipvs_tuple {
    uint8_t protocol;
    uint32_t saddr, daddr;
    uint16_t sport, dport;
};

/* An empty director on a host, with the kernel's defaults; ipvs_destroy
 * frees its services (ipvs_flush). The connection table and the packet
 * hooks are attached by lvs/director. */
void ipvs_init(struct ipvs *ipvs, struct host *host, struct rt *rt);
void ipvs_destroy(struct ipvs *ipvs);

/* What the user asked for in -A/-E (a service) or -a/-e (a dest). */
struct ipvs_service_conf {
    uint8_t protocol;
    uint32_t addr;
    uint16_t port;
    uint32_t fwmark;
    char sched_name[IPVS_SCHED_NAME_MAX];
    uint32_t flags;
    uint32_t timeout;
    uint32_t netmask;
};

struct ipvs_dest_conf {
    uint32_t addr;
    uint16_t port;
    enum ipvs_fwd fwd;
    int weight;
    uint32_t u_threshold, l_threshold;
};

/* Table management, with the kernel's checks. Each returns 0, or a negative
 * errno (-EEXIST, -ESRCH, -ENOENT, -ERANGE...) and leaves the tables as they
 * were; ipvs_strerror() gives ipvsadm's text for it. */
enum ipvs_op { IPVS_OP_ADD_SERVICE, IPVS_OP_EDIT_SERVICE, IPVS_OP_DEL_SERVICE, IPVS_OP_ZERO,
               IPVS_OP_ADD_DEST, IPVS_OP_EDIT_DEST, IPVS_OP_DEL_DEST, IPVS_OP_SET_TIMEOUT, IPVS_OP_OTHER };

int ipvs_service_add(struct ipvs *ipvs, const struct ipvs_service_conf *conf);
int ipvs_service_edit(struct ipvs *ipvs, const struct ipvs_service_conf *conf);
int ipvs_service_del(struct ipvs *ipvs, const struct ipvs_service_conf *conf);
int ipvs_dest_add(struct ipvs *ipvs, const struct ipvs_service_conf *svc, const struct ipvs_dest_conf *conf);
int ipvs_dest_edit(struct ipvs *ipvs, const struct ipvs_service_conf *svc, const struct ipvs_dest_conf *conf);
int ipvs_dest_del(struct ipvs *ipvs, const struct ipvs_service_conf *svc, const struct ipvs_dest_conf *conf);
void ipvs_flush(struct ipvs *ipvs);                       /* -C */
void ipvs_zero(struct ipvs *ipvs, const struct ipvs_service_conf *svc);   /* -Z; svc NULL: all */

struct ipvs_service *ipvs_service_find(struct ipvs *ipvs, uint8_t protocol, uint32_t addr,
                                       uint16_t port, uint32_t fwmark);

/* FTP: the control port, and the active data connection's source port. */
#define IPVS_FTPPORT 21
#define IPVS_FTPDATA 20
struct ipvs_dest *ipvs_dest_find(struct ipvs_service *svc, uint32_t addr, uint16_t port);

/* ipvsadm's text (libipvs's ipvs_strerror) for an errno from one of the calls above. */
const char *ipvs_strerror(enum ipvs_op op, int err);

/* A deleted dest waits in ipvs->trash, as the kernel's dest_trash: while
 * connections (or lblc/lblcr) hold it, then IP_VS_DEST_TRASH_PERIOD (120 s)
 * more, checked every 60 s; a dest added again to a service of the same
 * protocol, address and port (or fwmark) comes back from there with its
 * counters (its statistics zeroed if the service was made anew). Without a
 * clock (ipvs->rt NULL) a dest is freed once unheld. These take and drop
 * a connection's reference. */
#define IPVS_DEST_TRASH_PERIOD_S 120
void ipvs_dest_hold(struct ipvs_dest *d);
void ipvs_dest_put(struct ipvs *ipvs, struct ipvs_dest *d);

/* The kernel's "overhead" of a dest for the least-connection schedulers:
 * (active << 8) + inactive. */
static inline uint32_t ipvs_dest_conn_overhead(const struct ipvs_dest *d)
{
    return (d->activeconns << 8) + d->inactconns;
}

#endif
