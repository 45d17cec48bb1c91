/* The HTTP-like client: requests, connections (kept alive or not), retries. */
#include "apps/http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/queue.h>

#include "apps/http_wire.h"
#include "engine/xalloc.h"
#include "net/tcp.h"

struct hc_conn;

struct hc_req {
    struct http_client *c;
    LIST_ENTRY(hc_req) link;
    int user;
    uint32_t seq, req_len, resp_len;
    sim_time_t issued;
    int attempts;
    struct hc_conn *conn;
    struct rt_timer timer;
};

struct hc_conn {
    struct http_client *c;
    LIST_ENTRY(hc_conn) link;      /* every connection */
    LIST_ENTRY(hc_conn) idle_link; /* idle ones, kept alive */
    bool idle, connected;
    struct tcp_sock *s;
    struct hc_req *req;            /* the request in flight, if any */
    struct http_tx tx;
    struct http_rx rx;
};

struct http_client {
    struct host *h;
    struct http_client_cfg cfg;
    struct rng load_rng, size_rng;
    struct app_load load;
    struct app_stats stats;
    uint32_t seq;
    LIST_HEAD(, hc_req) reqs;
    LIST_HEAD(, hc_conn) conns;
    LIST_HEAD(, hc_conn) idle;
};

static const struct tcp_callbacks client_cb;

static void conn_free(struct hc_conn *k)
{
    if (k->idle)
        LIST_REMOVE(k, idle_link);
    LIST_REMOVE(k, link);
    free(k);
}

/* Let go of a connection and its socket (no callbacks follow). */
static void conn_drop(struct hc_conn *k, bool abort)
{
    if (abort)
        tcp_abort(k->s);
    else
        tcp_close(k->s);
    conn_free(k);
}

static void req_finish(struct hc_req *r)
{
    struct http_client *c = r->c;
    rt_timer_cancel(c->h->rt, &r->timer);
    LIST_REMOVE(r, link);
    int user = r->user;
    free(r);
    app_load_done(&c->load, user);
}

static void attempt(struct hc_req *r);

/* An attempt failed; its connection is already let go of. */
static void req_fail(struct hc_req *r, enum app_fail why)
{
    struct http_client *c = r->c;
    r->conn = NULL;
    c->stats.fails[why]++;
    if (r->attempts <= c->cfg.retries) {
        c->stats.retries++;
        attempt(r);
        return;
    }
    c->stats.failed++;
    req_finish(r);
}

static void send_more(struct hc_conn *k)
{
    uint64_t before = k->tx.sent;
    http_tx_pump(&k->tx, k->s);
    k->c->stats.bytes_sent += k->tx.sent - before;
}

static void start_send(struct hc_conn *k)
{
    struct hc_req *r = k->req;
    struct http_msg req = { .seq = r->seq, .resp_len = r->resp_len, .close = !k->c->cfg.keepalive };
    http_tx_init(&k->tx, HTTP_REQUEST, &req, r->req_len);
    http_rx_init(&k->rx, HTTP_RESPONSE);
    send_more(k);
}

static void attempt(struct hc_req *r)
{
    struct http_client *c = r->c;
    r->attempts++;
    rt_timer_arm_in(c->h->rt, &r->timer, c->cfg.timeout);
    struct hc_conn *k = LIST_FIRST(&c->idle);
    if (k) {
        LIST_REMOVE(k, idle_link);
        k->idle = false;
        k->req = r;
        r->conn = k;
        start_send(k);
        return;
    }
    k = xcalloc(1, sizeof *k);
    k->c = c;
    k->s = tcp_connect(c->h, c->cfg.src, c->cfg.dst, c->cfg.dport, &client_cb, k);
    if (!k->s) {
        free(k);
        req_fail(r, APP_FAIL_LOCAL);
        return;
    }
    tcp_set_nodelay(k->s, true);
    LIST_INSERT_HEAD(&c->conns, k, link);
    c->stats.conns_opened++;
    k->req = r;
    r->conn = k;
}

static void timed_out(void *arg)
{
    struct hc_req *r = arg;
    if (r->conn)
        conn_drop(r->conn, true);
    req_fail(r, APP_FAIL_TIMEOUT);
}

static void issue(void *ctx, int user)
{
    struct http_client *c = ctx;
    struct hc_req *r = xcalloc(1, sizeof *r);
    r->c = c;
    r->user = user;
    r->seq = ++c->seq;
    r->req_len = http_len_clamp(dist_sample(&c->cfg.req_size, &c->size_rng));
    r->resp_len = http_len_clamp(dist_sample(&c->cfg.resp_size, &c->size_rng));
    r->issued = rt_now(c->h->rt);
    rt_timer_init(&r->timer, timed_out, r);
    LIST_INSERT_HEAD(&c->reqs, r, link);
    c->stats.issued++;
    attempt(r);
}

static void on_connected(void *ctx, struct tcp_sock *s)
{
    (void)s;
    struct hc_conn *k = ctx;
    k->connected = true;
    if (k->req)
        start_send(k);
}

static void on_writable(void *ctx, struct tcp_sock *s)
{
    (void)s;
    struct hc_conn *k = ctx;
    if (k->req)
        send_more(k);
}

/* The answer is complete and checked: count it, then keep the connection
 * for the next request, or wait for the server to close (it closes first,
 * as an HTTP/1.0 server does, so TIME_WAIT stays on its side). */
static void answered(struct hc_conn *k)
{
    struct http_client *c = k->c;
    struct hc_req *r = k->req;
    k->req = NULL;
    r->conn = NULL;
    app_stats_complete(&c->stats, r->issued, rt_now(c->h->rt), k->rx.msg.id);
    if (c->cfg.keepalive) {
        k->idle = true;
        LIST_INSERT_HEAD(&c->idle, k, idle_link);
    }
    req_finish(r);
}

static size_t on_received(void *ctx, struct tcp_sock *s, const uint8_t *data, size_t len)
{
    (void)s;
    struct hc_conn *k = ctx;
    struct http_client *c = k->c;
    app_stats_bytes_in(&c->stats, rt_now(c->h->rt), len);
    struct hc_req *r = k->req;
    size_t used = 0;
    enum http_rx_status st = r ? http_rx_feed(&k->rx, data, len, &used) : HTTP_RX_BAD;
    if (st == HTTP_RX_DONE) {
        c->stats.bad_bytes += k->rx.bad;
        const struct http_msg *m = &k->rx.msg;
        if (used == len && !k->rx.bad && m->seq == r->seq &&
            k->rx.got == http_wire_len(HTTP_RESPONSE, m, r->resp_len)) {
            answered(k);
            return len;
        }
    }
    if (st == HTTP_RX_MORE)
        return len;
    /* a wrong answer, or bytes nobody asked for */
    conn_drop(k, true);
    if (r)
        req_fail(r, APP_FAIL_BAD);
    return len;
}

static void on_eof(void *ctx, struct tcp_sock *s)
{
    (void)s;
    struct hc_conn *k = ctx;
    struct hc_req *r = k->req;
    conn_drop(k, false);
    if (r)
        req_fail(r, APP_FAIL_RESET);   /* closed before answering */
}

static void on_closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    (void)s;
    struct hc_conn *k = ctx;
    struct hc_req *r = k->req;
    conn_free(k);
    if (r)
        req_fail(r, why == TCP_CLOSE_REFUSED ? APP_FAIL_REFUSED
                    : why == TCP_CLOSE_TIMEOUT ? APP_FAIL_TIMEOUT : APP_FAIL_RESET);
}

static const struct tcp_callbacks client_cb = {
    .connected = on_connected, .received = on_received, .eof = on_eof,
    .writable = on_writable, .closed = on_closed,
};

struct http_client *http_client_new(struct host *h, const struct http_client_cfg *cfg)
{
    struct http_client *c = xcalloc(1, sizeof *c);
    c->h = h;
    c->cfg = *cfg;
    if (c->cfg.timeout <= 0)
        c->cfg.timeout = 10 * SIM_S;
    if (c->cfg.retries < 0)
        c->cfg.retries = 0;
    char name[128];
    snprintf(name, sizeof name, "%s@%s/load", cfg->name, h->name);
    rng_init(&c->load_rng, cfg->seed, name);
    snprintf(name, sizeof name, "%s@%s/sizes", cfg->name, h->name);
    rng_init(&c->size_rng, cfg->seed, name);
    app_stats_init(&c->stats, cfg->win_start, cfg->win_stop ? cfg->win_stop : SIM_NEVER);
    LIST_INIT(&c->reqs);
    LIST_INIT(&c->conns);
    LIST_INIT(&c->idle);
    app_load_init(&c->load, h->rt, &c->load_rng, &cfg->load, issue, c, &c->stats.dropped);
    return c;
}

void http_client_start(struct http_client *c) { app_load_start(&c->load); }

const struct app_stats *http_client_stats(const struct http_client *c) { return &c->stats; }

void http_client_free(struct http_client *c)
{
    if (!c)
        return;
    app_load_free(&c->load);
    struct hc_conn *k;
    while ((k = LIST_FIRST(&c->conns)))
        conn_drop(k, true);
    struct hc_req *r;
    while ((r = LIST_FIRST(&c->reqs))) {
        rt_timer_cancel(c->h->rt, &r->timer);
        LIST_REMOVE(r, link);
        free(r);
    }
    app_stats_free(&c->stats);
    free(c);
}
