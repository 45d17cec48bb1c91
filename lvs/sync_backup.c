/*
 * The backup sync daemon: a UDP socket on the sync group and port of its
 * interface, and each received entry applied to the connection table as
 * ip_vs_proc_conn does: an existing entry gets the master's state, flags
 * and timeout (a conflicting one is expired, or the stale message
 * ignored); a new one is bound to the backup's own dest for the same
 * service and real server, with the forwarding method the master used,
 * and is never scheduled.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>

#include "engine/xalloc.h"
#include "lvs/conn.h"
#include "lvs/director.h"
#include "lvs/proto_tcp.h"
#include "lvs/sync_int.h"
#include "lvs/xmit.h"
#include "net/host.h"

#define TEMPLATE_DEFAULT_TIMEOUT_MS (3 * 60 * 1000)   /* a template sent without one */
#define MAX_TIMEOUT_S (UINT32_MAX / 1000)

/* ip_vs_find_dest: the service by fwmark or virtual address and port,
 * then the real server by address and port (port 0 for a fwmark service
 * not under NAT). */
static struct ipvs_dest *find_dest(struct ipvs *ipvs, const struct ipvs_sync_entry *e)
{
    struct ipvs_service *svc = ipvs_service_lookup(ipvs, e->fwmark, e->protocol, e->vaddr, e->vport);
    if (!svc)
        return NULL;
    uint16_t port = e->dport;
    if (e->fwmark && (e->flags & IPVS_SYNC_F_FWD_MASK) != IPVS_SYNC_F_MASQ)
        port = 0;
    struct ipvs_dest *d = ipvs_dest_find(svc, e->daddr, port);
    return d ? d : ipvs_dest_find(svc, e->daddr, port ^ e->dport);
}

static uint16_t local_flags(uint32_t wire)
{
    uint16_t f = IPVS_CONN_F_SYNC;
    if (wire & IPVS_SYNC_F_NOOUTPUT)
        f |= IPVS_CONN_F_NOOUTPUT;
    if (wire & IPVS_SYNC_F_INACTIVE)
        f |= IPVS_CONN_F_INACTIVE;
    if (wire & IPVS_SYNC_F_TEMPLATE)
        f |= IPVS_CONN_F_TEMPLATE;
    return f;
}

static uint32_t timeout_ms(const struct ipvs *ipvs, const struct ipvs_sync_entry *e)
{
    if (e->timeout_s)
        return (e->timeout_s > MAX_TIMEOUT_S ? MAX_TIMEOUT_S : e->timeout_s) * 1000u;
    if (e->flags & IPVS_SYNC_F_TEMPLATE)
        return TEMPLATE_DEFAULT_TIMEOUT_MS;
    return e->protocol == IPPROTO_TCP ? ipvs_tcp_timeout_ms(ipvs, e->state) : ipvs->timeouts.udp * 1000u;
}

/* An existing entry takes the master's INACTIVE bit, moving the dest's counters. */
static void update(struct ipvs *ipvs, struct ipvs_conn *cp, const struct ipvs_sync_entry *e, uint16_t flags)
{
    struct ipvs_dest *d = cp->dest;
    bool template = flags & IPVS_CONN_F_TEMPLATE;
    if (((cp->flags ^ flags) & IPVS_CONN_F_INACTIVE) && !template && d) {
        if (flags & IPVS_CONN_F_INACTIVE) {
            d->activeconns--;
            d->inactconns++;
        } else {
            d->activeconns++;
            d->inactconns--;
        }
    }
    cp->flags = (uint16_t)((flags & IPVS_CONN_F_INACTIVE) | (cp->flags & ~IPVS_CONN_F_INACTIVE));
    if (!d && (d = find_dest(ipvs, e)))
        ipvs_conn_bind_dest(cp, d);
}

static void proc_conn(void *ctx, const struct ipvs_sync_entry *e)
{
    struct ipvs_sync *s = ctx;
    struct ipvs *ipvs = s->ipvs;
    uint32_t fwd_bits = e->flags & IPVS_SYNC_F_FWD_MASK;
    enum ipvs_fwd fwd = fwd_bits == IPVS_SYNC_F_TUNNEL ? IPVS_FWD_TUNNEL
                        : fwd_bits == IPVS_SYNC_F_DROUTE ? IPVS_FWD_DROUTE : IPVS_FWD_MASQ;
    if (fwd_bits != IPVS_SYNC_F_MASQ && fwd_bits != IPVS_SYNC_F_TUNNEL && fwd_bits != IPVS_SYNC_F_DROUTE) {
        s->stats.drops[IPVS_SYNC_DROP_FWD]++;     /* local node and bypass are not modelled */
        return;
    }
    s->stats.conns_rcvd++;
    uint16_t flags = local_flags(e->flags);
    bool template = flags & IPVS_CONN_F_TEMPLATE;
    struct ipvs_conn *cp;
    if (!template) {
        cp = ipvs_conn_in_get(ipvs, 0, e->protocol, e->caddr, e->cport, e->vaddr, e->vport);
        if (cp && (cp->dport != e->dport || cp->daddr != e->daddr)) {
            if (flags & IPVS_CONN_F_INACTIVE)
                return;                /* the end of a connection already replaced here */
            ipvs_conn_expire_now(ipvs, cp);
            cp = NULL;
        }
    } else {
        cp = ipvs_conn_template_get(ipvs, e->protocol, e->caddr, e->vaddr, e->vport);
    }
    if (cp) {
        update(ipvs, cp, e, flags);
        s->stats.conns_updated++;
    } else {
        struct ipvs_dest *d = find_dest(ipvs, e);
        struct ipvs_conn_param p = {
            .protocol = e->protocol, .caddr = e->caddr, .vaddr = e->vaddr, .daddr = e->daddr,
            .cport = e->cport, .vport = e->vport, .dport = e->dport, .flags = flags, .fwd = (uint8_t)fwd,
        };
        cp = ipvs_conn_new(ipvs, &p, d, timeout_ms(ipvs, e));
        s->stats.conns_created++;
        if (!d)
            s->stats.conns_without_dest++;
    }
    cp->in_pkts = ipvs->sysctl.sync_threshold;
    cp->state = (uint8_t)e->state;
    ipvs_conn_cold(cp)->old_state = cp->state;
    cp->timeout_ms = timeout_ms(ipvs, e);
    ipvs_conn_touch(ipvs, cp, rt_now(ipvs->rt));
}

static void backup_recv(void *ctx, struct udp_sock *sock, uint32_t src, uint16_t sport, uint32_t dst,
                        const uint8_t *data, size_t len)
{
    (void)sock, (void)src, (void)sport, (void)dst;
    struct ipvs_sync *s = ctx;
    s->stats.msgs_rcvd++;
    ipvs_sync_msg_parse(data, len, s->backup->conf.syncid, s->stats.drops, proc_conn, s);
}

int ipvs_sync_backup_start(struct ipvs_sync *s, const struct ipvs_sync_conf *conf, struct netif *dev)
{
    (void)dev;                       /* one group per host: joined for every interface */
    struct host *h = s->ipvs->host;
    struct udp_sock *sock = udp_bind(h, conf->mcast_group, conf->mcast_port, backup_recv, s);
    if (!sock)
        return -EADDRINUSE;
    if (!host_join_group(h, conf->mcast_group)) {
        udp_close(sock);
        return -ENOBUFS;
    }
    struct ipvs_sync_backup *b = xcalloc(1, sizeof *b);
    b->conf = *conf;
    b->sock = sock;
    s->backup = b;
    return 0;
}

void ipvs_sync_backup_stop(struct ipvs_sync *s)
{
    host_leave_group(s->ipvs->host, s->backup->conf.mcast_group);
    udp_close(s->backup->sock);
    free(s->backup);
    s->backup = NULL;
}
