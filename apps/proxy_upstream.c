/* The L7 proxy's upstream side: choosing a peer, its connections (kept alive in a cache as nginx's keepalive), errors. */
#include "apps/proxy_int.h"

#include <stdio.h>
#include <stdlib.h>

#include "engine/xalloc.h"
#include "net/tcp.h"

static const struct tcp_callbacks up_cb;

static void up_fail(struct px_up *u, bool timeout, bool socket_gone);

static void timed_out(void *arg) { up_fail(arg, true, false); }

static sim_time_t now_of(const struct proxy *p) { return rt_now(p->h->rt); }

static void up_free(struct px_up *u)
{
    struct proxy *p = u->p;
    rt_timer_cancel(p->h->rt, &u->timer);
    if (u->idle) {
        LIST_REMOVE(u, idle_link);
        p->nidle--;
    }
    LIST_REMOVE(u, link);
    free(u);
}

/* Let go of a connection and its socket (no callbacks follow). */
static void up_drop(struct px_up *u, bool abort)
{
    struct tcp_sock *s = u->s;
    up_free(u);
    if (abort)
        tcp_abort(s);
    else
        tcp_close(s);
}

/* The answer is all in: keep the connection for the next request to this
 * peer (the least recently used one goes beyond keepalive), or close it. */
static void release(struct px_up *u)
{
    struct proxy *p = u->p;
    rt_timer_cancel(p->h->rt, &u->timer);
    u->k = NULL;
    if (p->cfg.keepalive <= 0 || u->rx.msg.close) {
        up_drop(u, false);
        return;
    }
    u->idle = true;
    LIST_INSERT_HEAD(&p->idle, u, idle_link);
    if (++p->nidle > p->cfg.keepalive) {
        struct px_up *last = u;
        while (LIST_NEXT(last, idle_link))
            last = LIST_NEXT(last, idle_link);
        up_drop(last, false);
    }
}

static void send_request(struct px_up *u)
{
    struct px_conn *k = u->k;
    struct proxy *p = u->p;
    char xff[16];
    snprintf(xff, sizeof xff, "%u.%u.%u.%u", k->client >> 24, (k->client >> 16) & 255, (k->client >> 8) & 255,
             k->client & 255);
    struct http_msg m = { .seq = k->req.seq, .resp_len = k->req.resp_len, .close = p->cfg.keepalive <= 0 };
    http_tx_init_forward(&u->tx, &m, k->req_body, xff);
    http_rx_init(&u->rx, HTTP_RESPONSE);
    u->sent = true;
    u->hdr_seen = false;
    k->t_sent = now_of(p);
    rt_timer_arm_in(p->h->rt, &u->timer, p->cfg.timeout);
    http_tx_pump(&u->tx, u->s);
}

/* The attempt failed: count it against the peer; before the request went
 * out, try the next peer; after, answer 502 (504 on a timeout), or reset
 * the client if part of the answer already went to it. */
static void up_fail(struct px_up *u, bool timeout, bool socket_gone)
{
    struct proxy *p = u->p;
    struct px_conn *k = u->k;
    bool sent = u->sent, u_hdr_seen = u->hdr_seen;
    proxy_peers_free(&p->group, u->peer, true, now_of(p));
    p->stats.upstream_errors++;
    if (socket_gone)
        up_free(u);
    else
        up_drop(u, true);
    k->up = NULL;
    k->last_timeout = timeout;
    if (u_hdr_seen && !k->answering)
        app_cpu_cancel(p->cfg.cpu, k);   /* the answer's CPU work: no answer to relay now */
    if (!sent)
        px_dispatch(k);
    else if (k->answering)
        px_conn_abort(k);
    else
        px_answer_error(k, timeout ? 504 : 502);
}

void px_dispatch(struct px_conn *k)
{
    struct proxy *p = k->p;
    for (;;) {
        int i = proxy_peers_get(&p->group, &k->pick, now_of(p));
        if (i < 0) {
            px_answer_error(k, k->last_timeout ? 504 : 502);
            return;
        }
        k->peer = i;
        struct px_up *u;
        LIST_FOREACH(u, &p->idle, idle_link)
            if (u->peer == i)
                break;
        if (u) {
            LIST_REMOVE(u, idle_link);
            u->idle = false;
            p->nidle--;
            p->stats.upstream_reused++;
            u->k = k;
            k->up = u;
            send_request(u);
            return;
        }
        u = xcalloc(1, sizeof *u);
        u->p = p;
        u->peer = i;
        u->k = k;
        rt_timer_init(&u->timer, timed_out, u);
        u->s = tcp_connect(p->h, 0, p->group.peer[i].addr, p->group.peer[i].port, &up_cb, u);
        if (!u->s) {            /* no route, no port: an error before sending */
            free(u);
            proxy_peers_free(&p->group, i, true, now_of(p));
            p->stats.upstream_errors++;
            continue;
        }
        LIST_INSERT_HEAD(&p->ups, u, link);
        tcp_set_nodelay(u->s, true);
        p->stats.upstream_conns++;
        k->up = u;
        rt_timer_arm_in(p->h->rt, &u->timer, p->cfg.timeout);
        return;
    }
}

void px_up_detach(struct px_conn *k)
{
    struct px_up *u = k->up;
    if (!u)
        return;
    proxy_peers_free(&k->p->group, u->peer, false, now_of(k->p));
    k->up = NULL;
    up_drop(u, false);
}

void px_up_close_all(struct proxy *p, bool abort)
{
    struct px_up *u;
    while ((u = LIST_FIRST(&p->ups))) {
        if (u->k)
            u->k->up = NULL;
        up_drop(u, abort);
    }
}

static void on_connected(void *ctx, struct tcp_sock *s)
{
    (void)s;
    struct px_up *u = ctx;
    u->connected = true;
    if (u->k)
        send_request(u);
}

static void on_writable(void *ctx, struct tcp_sock *s)
{
    struct px_up *u = ctx;
    if (u->k && u->tx.sent < u->tx.len)
        http_tx_pump(&u->tx, s);
}

static size_t on_received(void *ctx, struct tcp_sock *s, const uint8_t *data, size_t len)
{
    (void)s;
    struct px_up *u = ctx;
    struct px_conn *k = u->k;
    if (!k) {                  /* bytes on an idle connection: nobody asked */
        up_drop(u, true);
        return len;
    }
    struct proxy *p = u->p;
    rt_timer_arm_in(p->h->rt, &u->timer, p->cfg.timeout);
    size_t used;
    enum http_rx_status st = http_rx_feed(&u->rx, data, len, &used);
    if (st != HTTP_RX_BAD && u->rx.hdr_len && !u->hdr_seen) {
        if (u->rx.msg.seq != k->req.seq) {
            up_fail(u, false, false);
            return len;
        }
        u->hdr_seen = true;
        k->answer_id = u->rx.msg.id;
        if (!px_answer_begin(k))
            return len;        /* the CPU refused: the client is gone, and u with it */
    }
    if (u->rx.hdr_len)
        k->up_body = u->rx.got - u->rx.hdr_len;
    if (st == HTTP_RX_BAD || (st == HTTP_RX_DONE && (u->rx.bad || used != len))) {
        up_fail(u, false, false);
        return len;
    }
    if (st == HTTP_RX_DONE) {
        k->up_done = true;
        k->t_answered = now_of(p);
        k->up = NULL;
        proxy_peers_free(&p->group, u->peer, false, now_of(p));
        release(u);
    }
    px_answer_more(k);
    return len;
}

static void on_eof(void *ctx, struct tcp_sock *s)
{
    (void)s;
    struct px_up *u = ctx;
    if (u->k)
        up_fail(u, false, false);   /* closed before answering in full */
    else
        up_drop(u, false);          /* the peer closed an idle connection */
}

static void on_closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    (void)s;
    struct px_up *u = ctx;
    if (u->k)
        up_fail(u, why == TCP_CLOSE_TIMEOUT, true);
    else
        up_free(u);
}

static const struct tcp_callbacks up_cb = {
    .connected = on_connected, .received = on_received, .eof = on_eof,
    .writable = on_writable, .closed = on_closed,
};
