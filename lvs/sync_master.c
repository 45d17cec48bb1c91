/*
 * The master sync daemon: which connections to send and when
 * (ip_vs_sync_conn_needed with sync_threshold and sync_period; templates
 * after the connections they control), entries batched into a message up
 * to sync_maxlen, full messages queued for the master thread, which sends
 * them 20 ms after the first was queued or at once when 8 wait, and sends
 * a message still being filled once it is 2 s old, waking every second.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "lvs/conn.h"
#include "lvs/proto_tcp.h"
#include "lvs/sync_int.h"
#include "net/host.h"

/* ip_vs_sync_conn_needed, with sync_refresh_period at its default 0. */
static bool needed(const struct ipvs *ipvs, struct ipvs_conn *cp, uint32_t pkts)
{
    bool force = false;
    if (!(cp->flags & IPVS_CONN_F_TEMPLATE) && cp->protocol == IPPROTO_TCP) {
        const unsigned synced = 1u << IPVS_TCP_ESTABLISHED | 1u << IPVS_TCP_FIN_WAIT | 1u << IPVS_TCP_CLOSE |
                                1u << IPVS_TCP_CLOSE_WAIT | 1u << IPVS_TCP_TIME_WAIT;
        if (!(synced & 1u << cp->state))
            return false;
        force = cp->state != ipvs_conn_cold(cp)->old_state;
    }
    if (!(force && cp->state != IPVS_TCP_ESTABLISHED)) {
        uint32_t threshold = ipvs->sysctl.sync_threshold, period = ipvs->sysctl.sync_period;
        if (period > 0) {
            if (!(cp->flags & IPVS_CONN_F_TEMPLATE) && pkts % period != threshold)
                return false;
        } else if (pkts != threshold) {
            return false;
        }
    }
    ipvs_conn_cold(cp)->old_state = cp->state;
    return true;
}

static uint32_t wire_flags(const struct ipvs_conn *cp)
{
    uint32_t f = cp->fwd == IPVS_FWD_TUNNEL ? IPVS_SYNC_F_TUNNEL
                 : cp->fwd == IPVS_FWD_DROUTE ? IPVS_SYNC_F_DROUTE : IPVS_SYNC_F_MASQ;
    if (cp->flags & IPVS_CONN_F_NOOUTPUT)
        f |= IPVS_SYNC_F_NOOUTPUT;
    if (cp->flags & IPVS_CONN_F_INACTIVE)
        f |= IPVS_SYNC_F_INACTIVE;
    if (cp->flags & IPVS_CONN_F_TEMPLATE)
        f |= IPVS_SYNC_F_TEMPLATE;
    if (cp->flags & IPVS_CONN_F_SYNC)
        f |= IPVS_SYNC_F_SYNC;
    return f;
}

static struct ipvs_sync_msgbuf *msgbuf_new(struct ipvs_sync_master *m, sim_time_t now)
{
    struct ipvs_sync_msgbuf *b = xmalloc(sizeof *b + m->maxlen);
    b->next = NULL;
    b->firstuse = now;
    b->len = ipvs_sync_msg_init(b->data, m->conf.syncid);
    return b;
}

static void wake_thread(struct ipvs_sync *s)
{
    rt_timer_arm_in(s->ipvs->rt, &s->master->thread, 0);
}

/* sb_queue_tail: the message being filled goes to the thread's queue. */
static void queue_current(struct ipvs_sync *s)
{
    struct ipvs_sync_master *m = s->master;
    struct ipvs_sync_msgbuf *b = m->cur;
    m->cur = NULL;
    if (m->qlen >= IPVS_SYNC_QUEUE_MAX) {
        s->stats.queue_overflow++;
        free(b);
        return;
    }
    if (!m->qlen)
        rt_timer_arm_in(s->ipvs->rt, &m->wakeup, IPVS_SYNC_SEND_DELAY);
    m->qlen++;
    if (m->qtail)
        m->qtail->next = b;
    else
        m->qhead = b;
    m->qtail = b;
    if (++m->qdelay == IPVS_SYNC_WAKEUP_RATE)
        wake_thread(s);
}

static void append(struct ipvs_sync *s, const struct ipvs_conn *cp)
{
    struct ipvs_sync_master *m = s->master;
    const struct ipvs_dest *d = cp->dest;
    struct ipvs_sync_entry e = {
        .protocol = cp->protocol, .flags = wire_flags(cp), .state = cp->state,
        .cport = cp->cport, .vport = cp->vport, .dport = cp->dport,
        .fwmark = d && d->svc ? d->svc->fwmark : 0, .timeout_s = cp->timeout_ms / 1000,
        .caddr = cp->caddr, .vaddr = cp->vaddr, .daddr = cp->daddr,
    };
    sim_time_t now = rt_now(s->ipvs->rt);
    size_t len = m->cur ? ipvs_sync_msg_add(m->cur->data, m->cur->len, m->maxlen, &e) : 0;
    if (!len) {
        if (m->cur)
            queue_current(s);
        m->cur = msgbuf_new(m, now);
        len = ipvs_sync_msg_add(m->cur->data, m->cur->len, m->maxlen, &e);
    }
    m->cur->len = len;
    s->stats.conns_sent++;
    host_work_add(s->ipvs->host, WORK_SYNC_CONN, 1);
}

void ipvs_sync_conn(struct ipvs *ipvs, struct ipvs_conn *cp, uint32_t pkts)
{
    struct ipvs_sync *s = ipvs->sync;
    if (!s || !s->master)
        return;
    for (;;) {
        if (needed(ipvs, cp, pkts)) {
            if (cp->fwd == IPVS_FWD_FULLNAT)
                s->stats.fullnat_not_sent++;   /* version 1 has no local address to carry */
            else
                append(s, cp);
        }
        cp = ipvs_conn_cold(cp)->control;
        if (!cp)
            return;
        pkts = cp->flags & IPVS_CONN_F_TEMPLATE ? ++cp->in_pkts : ipvs->sysctl.sync_threshold;
    }
}

static void send_msg(struct ipvs_sync *s, struct ipvs_sync_msgbuf *b)
{
    struct ipvs_sync_master *m = s->master;
    if (udp_sendto(m->sock, m->conf.mcast_group, m->conf.mcast_port, b->data, b->len) == 0)
        s->stats.msgs_sent++;
    free(b);
}

/* sync_thread_master: everything queued, then the message being filled
 * if it is old enough; then sleep a second. */
static void master_thread(void *arg)
{
    struct ipvs_sync *s = arg;
    struct ipvs_sync_master *m = s->master;
    sim_time_t now = rt_now(s->ipvs->rt);
    while (m->qhead) {
        struct ipvs_sync_msgbuf *b = m->qhead;
        m->qhead = b->next;
        if (!m->qhead)
            m->qtail = NULL;
        if (!--m->qlen)
            m->qdelay = 0;
        send_msg(s, b);
    }
    if (m->cur && now - m->cur->firstuse >= IPVS_SYNC_FLUSH_TIME) {
        struct ipvs_sync_msgbuf *b = m->cur;
        m->cur = NULL;
        send_msg(s, b);
    }
    rt_timer_arm_in(s->ipvs->rt, &m->thread, IPVS_SYNC_CHECK_PERIOD);
}

/* master_wakeup_work_handler */
static void master_wakeup(void *arg)
{
    struct ipvs_sync *s = arg;
    struct ipvs_sync_master *m = s->master;
    if (m->qlen && m->qdelay < IPVS_SYNC_WAKEUP_RATE) {
        m->qdelay = IPVS_SYNC_WAKEUP_RATE;
        wake_thread(s);
    }
}

static void ignore_datagram(void *ctx, struct udp_sock *sock, uint32_t src, uint16_t sport, uint32_t dst,
                            const uint8_t *data, size_t len)
{
    (void)ctx, (void)sock, (void)src, (void)sport, (void)dst, (void)data, (void)len;
}

int ipvs_sync_master_start(struct ipvs_sync *s, const struct ipvs_sync_conf *conf, struct netif *dev)
{
    struct host *h = s->ipvs->host;
    /* bound to the interface's address, multicast out of it with the TTL asked */
    struct udp_sock *sock = udp_bind(h, dev->addrs[0].addr, 0, ignore_datagram, NULL);
    if (!sock)
        return -EADDRINUSE;
    udp_set_multicast(sock, dev, conf->mcast_ttl);
    struct ipvs_sync_master *m = xcalloc(1, sizeof *m);
    m->conf = *conf;
    m->sock = sock;
    m->maxlen = conf->sync_maxlen;
    rt_timer_init(&m->thread, master_thread, s);
    rt_timer_init(&m->wakeup, master_wakeup, s);
    s->master = m;
    rt_timer_arm_in(s->ipvs->rt, &m->thread, IPVS_SYNC_CHECK_PERIOD);
    return 0;
}

void ipvs_sync_master_stop(struct ipvs_sync *s)
{
    struct ipvs_sync_master *m = s->master;
    rt_timer_cancel(s->ipvs->rt, &m->thread);
    rt_timer_cancel(s->ipvs->rt, &m->wakeup);
    while (m->qhead) {
        struct ipvs_sync_msgbuf *b = m->qhead;
        m->qhead = b->next;
        free(b);
    }
    free(m->cur);
    udp_close(m->sock);
    free(m);
    s->master = NULL;
}
