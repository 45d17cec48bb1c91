/* The L7 proxy's client side: accepting, reading requests, paying CPU, relaying answers, stop and start. */
#include "apps/proxy_int.h"

#include <stdlib.h>

#include "engine/xalloc.h"
#include "net/tcp.h"

#define OK_PAGE "OK\n"

static const struct tcp_callbacks client_cb;

static sim_time_t now_of(const struct proxy *p) { return rt_now(p->h->rt); }

static void conn_free(struct px_conn *k)
{
    app_cpu_cancel(k->p->cfg.cpu, k);
    px_up_detach(k);
    LIST_REMOVE(k, link);
    if (k->reading)
        k->gone = true;        /* on_received still holds it */
    else
        free(k);
}

void px_conn_abort(struct px_conn *k)
{
    struct tcp_sock *s = k->s;
    conn_free(k);
    tcp_abort(s);
}

/* Everything of the answer is queued: count it, then the next request. */
static void sent_all(struct px_conn *k)
{
    struct proxy *p = k->p;
    if (k->relayed) {
        p->stats.responses++;
        sim_time_t added = (k->t_sent - k->t_read) + (now_of(p) - k->t_answered);
        hist_record(&p->stats.added, (uint64_t)(added > 0 ? added : 0));
    }
    k->state = PX_READING;
    k->answering = k->relayed = k->up_done = false;
    k->up_body = 0;
    http_rx_reset(&k->rx);
    if (k->close_after || k->peer_eof) {
        struct tcp_sock *s = k->s;
        conn_free(k);
        tcp_close(s);
        return;
    }
    tcp_recv_resume(k->s);
}

/* Relay what may go: all of a page, of an upstream's answer what is in. */
static void send_more(struct px_conn *k)
{
    if (!k->answering)
        return;
    uint64_t before = k->tx.sent, upto = k->tx.len;
    if (!k->up_done)
        upto = k->tx.hdr_len + k->up_body;
    http_tx_pump_upto(&k->tx, k->s, upto);
    k->p->stats.bytes_out += k->tx.sent - before;
    if (k->up_done && k->tx.sent == k->tx.len)
        sent_all(k);
}

static void start_answer(struct px_conn *k)
{
    k->answering = true;
    k->state = PX_SENDING;
    send_more(k);
}

static void answer_paid(void *arg)
{
    struct px_conn *k = arg;
    struct http_msg m = { .seq = k->req.seq, .id = k->answer_id, .close = k->close_after };
    http_tx_init(&k->tx, HTTP_RESPONSE, &m, k->req.resp_len);
    k->relayed = true;
    start_answer(k);
}

bool px_answer_begin(struct px_conn *k)
{
    struct proxy *p = k->p;
    sim_time_t cost = (sim_time_t)(p->cfg.cpu_per_byte_ns * (double)k->req.resp_len + 0.5);
    if (!app_cpu_run(p->cfg.cpu, cost, answer_paid, k)) {
        p->stats.refused++;
        px_conn_abort(k);
        return false;
    }
    return true;
}

void px_answer_more(struct px_conn *k)
{
    if (k->state == PX_SENDING)
        send_more(k);
}

void px_answer_error(struct px_conn *k, int code)
{
    static const char bad_gateway[] = "502 Bad Gateway\n", timeout[] = "504 Gateway Timeout\n";
    struct proxy *p = k->p;
    if (code == 504)
        p->stats.gateway_timeout++;
    else
        p->stats.bad_gateway++;
    const char *body = code == 504 ? timeout : bad_gateway;
    http_tx_init_page(&k->tx, code, k->close_after, body, (uint32_t)(code == 504 ? sizeof timeout - 1
                                                                                 : sizeof bad_gateway - 1));
    k->up_done = true;
    start_answer(k);
}

static void page_paid(void *arg)
{
    struct px_conn *k = arg;
    http_tx_init_page(&k->tx, 200, k->close_after, OK_PAGE, sizeof OK_PAGE - 1);
    k->up_done = true;
    start_answer(k);
}

static void request_paid(void *arg)
{
    struct px_conn *k = arg;
    k->state = PX_UPSTREAM;
    proxy_pick_init(&k->pick, &k->p->group, k->client);
    k->last_timeout = false;
    px_dispatch(k);
}

static void request_broken(void *ctx)
{
    struct px_conn *k = ctx;
    k->p->stats.bad++;
    px_conn_abort(k);
}

/* A whole request is in: pay its CPU, then answer or go upstream. */
static enum http_serve request_done(void *ctx)
{
    struct px_conn *k = ctx;
    struct proxy *p = k->p;
    if (k->rx.bad) {
        request_broken(k);
        return HTTP_SERVE_GONE;
    }
    k->close_after = k->rx.msg.close;
    k->state = PX_WORKING;
    sim_time_t cost = p->cfg.cpu_per_request;
    app_cpu_done_fn done = page_paid;
    if (k->rx.get) {
        p->stats.gets++;
    } else {
        p->stats.requests++;
        k->req = k->rx.msg;
        k->req_body = k->rx.body_len;
        k->t_read = now_of(p);
        cost += (sim_time_t)(p->cfg.cpu_per_byte_ns * (double)k->rx.got + 0.5);
        done = request_paid;
    }
    if (!app_cpu_run(p->cfg.cpu, cost, done, k)) {
        p->stats.refused++;
        px_conn_abort(k);
        return HTTP_SERVE_GONE;
    }
    if (k->gone)
        return HTTP_SERVE_GONE;    /* answered at once (no CPU model) and closed */
    return k->state == PX_READING ? HTTP_SERVE_NEXT : HTTP_SERVE_WAIT;
}

/* One request at a time, as the HTTP server reads them. */
static size_t on_received(void *ctx, struct tcp_sock *s, const uint8_t *data, size_t len)
{
    (void)s;
    struct px_conn *k = ctx;
    if (k->state != PX_READING)
        return 0;
    k->reading = true;
    size_t took = http_rx_serve(&k->rx, data, len, &k->p->stats.bytes_in, request_done, request_broken, k);
    k->reading = false;
    if (k->gone) {
        free(k);
        return len;
    }
    return took;
}

static void on_writable(void *ctx, struct tcp_sock *s)
{
    (void)s;
    struct px_conn *k = ctx;
    if (k->state == PX_SENDING)
        send_more(k);
}

static void on_eof(void *ctx, struct tcp_sock *s)
{
    struct px_conn *k = ctx;
    k->peer_eof = true;
    if (k->state == PX_READING) {
        if (k->rx.got)
            k->p->stats.bad++;
        conn_free(k);
        tcp_close(s);
    }
}

static void on_closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    (void)s, (void)why;
    conn_free(ctx);
}

static void *on_accepted(void *ctx, struct tcp_sock *l, struct tcp_sock *s)
{
    (void)l;
    struct proxy *p = ctx;
    struct px_conn *k = xcalloc(1, sizeof *k);
    k->p = p;
    k->s = s;
    k->peer = -1;
    uint32_t laddr;
    uint16_t lport, rport;
    tcp_sock_addrs(s, &laddr, &lport, &k->client, &rport);
    http_rx_init(&k->rx, HTTP_REQUEST);
    tcp_set_nodelay(s, true);
    LIST_INSERT_HEAD(&p->conns, k, link);
    p->stats.accepted++;
    return k;
}

static const struct tcp_callbacks client_cb = {
    .accepted = on_accepted, .received = on_received, .eof = on_eof,
    .writable = on_writable, .closed = on_closed,
};

/* The upstream group as a newly started nginx has it; counts carried over. */
static void group_init(struct proxy *p)
{
    struct proxy_peers old = p->group;
    proxy_peers_init(&p->group, p->cfg.balance, p->cfg.max_fails, p->cfg.fail_timeout);
    for (int i = 0; i < p->cfg.nupstream; i++) {
        proxy_peers_add(&p->group, p->cfg.upstream_addr[i], p->cfg.upstream_port[i]);
        if (i < old.n)
            p->group.peer[i].chosen = old.peer[i].chosen, p->group.peer[i].failures = old.peer[i].failures;
    }
}

bool proxy_start(struct proxy *p)
{
    if (p->listener)
        return true;
    group_init(p);
    p->listener = tcp_listen(p->h, p->cfg.addr, p->cfg.port, p->cfg.backlog > 0 ? p->cfg.backlog : 128,
                             &client_cb, p);
    return p->listener != NULL;
}

struct proxy *proxy_new(struct host *h, const struct proxy_cfg *cfg)
{
    if (cfg->nupstream < 1 || cfg->nupstream > PROXY_MAX_PEERS)
        return NULL;
    struct proxy *p = xcalloc(1, sizeof *p);
    p->h = h;
    p->cfg = *cfg;
    if (p->cfg.timeout <= 0)
        p->cfg.timeout = 60 * SIM_S;
    LIST_INIT(&p->conns);
    LIST_INIT(&p->ups);
    LIST_INIT(&p->idle);
    hist_init(&p->stats.added);
    if (!proxy_start(p)) {
        free(p);
        return NULL;
    }
    return p;
}

const struct proxy_stats *proxy_stats(const struct proxy *p) { return &p->stats; }

const struct proxy_peers *proxy_group(const struct proxy *p) { return &p->group; }

bool proxy_running(const struct proxy *p) { return p->listener != NULL; }

static void shut(struct proxy *p, bool abort)
{
    if (p->listener)
        tcp_close(p->listener);
    p->listener = NULL;
    struct px_conn *k;
    while ((k = LIST_FIRST(&p->conns))) {
        struct tcp_sock *s = k->s;
        conn_free(k);
        if (abort)
            tcp_abort(s);
        else
            tcp_close(s);
    }
    px_up_close_all(p, abort);
}

void proxy_stop(struct proxy *p) { shut(p, false); }

void proxy_free(struct proxy *p)
{
    if (!p)
        return;
    shut(p, true);
    free(p);
}
