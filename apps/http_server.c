/* The HTTP-like server: a request, its CPU time, the answer; one at a time per connection. */
#include "apps/http_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "apps/http_wire.h"
#include "engine/xalloc.h"
#include "net/tcp.h"

enum hs_state { HS_READING, HS_SERVING, HS_SENDING };

struct hs_conn {
    struct http_server *srv;
    LIST_ENTRY(hs_conn) link;
    struct tcp_sock *s;        /* NULL once the socket is gone while serving */
    enum hs_state state;
    bool close_after, peer_eof, counted;   /* counted: its client seen */
    bool reading, gone;        /* in on_received; let go of meanwhile (freed on the way out) */
    uint32_t id;
    struct http_rx rx;
    struct http_tx tx;
};

struct http_server {
    struct host *h;
    struct http_server_cfg cfg;
    struct rng rng;
    struct tcp_sock *listener;
    char *health_path, *health_body;   /* copies of the configuration's */
    uint32_t health_len;
    LIST_HEAD(, hs_conn) conns;
    struct http_server_stats stats;
};

static void conn_free(struct hs_conn *k)
{
    LIST_REMOVE(k, link);
    if (k->reading)
        k->gone = true;        /* on_received still holds it */
    else
        free(k);
}

static void conn_reset(struct hs_conn *k)
{
    tcp_abort(k->s);
    conn_free(k);
}

/* The whole answer is queued: close if asked to or the client is done,
 * else read the next request (resume may deliver it at once). */
static void sent_all(struct hs_conn *k)
{
    if (k->tx.page)
        k->srv->stats.gets++;
    else
        k->srv->stats.responses++;
    k->state = HS_READING;
    http_rx_reset(&k->rx);
    if (k->close_after || k->peer_eof) {
        tcp_close(k->s);
        conn_free(k);
        return;
    }
    tcp_recv_resume(k->s);
}

static void send_more(struct hs_conn *k)
{
    uint64_t before = k->tx.sent;
    bool all = http_tx_pump(&k->tx, k->s);
    if (!k->tx.page)
        k->srv->stats.bytes_out += k->tx.sent - before;
    if (all)
        sent_all(k);
}

static void served(void *arg)
{
    struct hs_conn *k = arg;
    if (!k->s) {
        conn_free(k);
        return;
    }
    k->state = HS_SENDING;
    send_more(k);
}

/* Returns false when the connection was let go of. */
static void seen(struct http_seen *t, uint32_t addr)
{
    for (int i = 0; i < t->n; i++)
        if (t->addr[i] == addr)
            return;
    if (t->n == HTTP_SERVER_MAX_SEEN)
        t->beyond++;
    else
        t->addr[t->n++] = addr;
}

/* Who the client is, as the server can tell at its first request: the
 * connection's source, and the address TOA carried (by then it came with
 * the first ACK or data). */
static void count_client(struct hs_conn *k)
{
    uint32_t laddr, raddr, toa;
    uint16_t lport, rport, toa_port;
    k->counted = true;
    tcp_sock_addrs(k->s, &laddr, &lport, &raddr, &rport);
    seen(&k->srv->stats.peers, raddr);
    if (tcp_sock_toa(k->s, &toa, &toa_port))
        seen(&k->srv->stats.toa, toa);
}

/* The answer to a GET: the health page, or 404 on another path. */
static void page(struct hs_conn *k)
{
    static const char not_found[] = "Not Found\n";
    const struct http_server *srv = k->srv;
    const char *target = k->rx.target;
    size_t len = strcspn(target, "?");
    bool found = !srv->health_path || (strlen(srv->health_path) == len && !memcmp(srv->health_path, target, len));
    if (found)
        http_tx_init_page(&k->tx, srv->cfg.health_status ? srv->cfg.health_status : 200, k->close_after,
                          srv->health_body, srv->health_len);
    else
        http_tx_init_page(&k->tx, 404, k->close_after, not_found, (uint32_t)strlen(not_found));
}

static void request_broken(void *ctx)
{
    struct hs_conn *k = ctx;
    k->srv->stats.bad++;
    conn_reset(k);
}

static enum http_serve request_done(void *ctx)
{
    struct hs_conn *k = ctx;
    struct http_server *srv = k->srv;
    if (!k->counted && !k->rx.get)
        count_client(k);
    if (k->rx.bad) {
        request_broken(k);
        return HTTP_SERVE_GONE;
    }
    k->close_after = k->rx.msg.close;
    if (k->rx.get) {
        page(k);
    } else {
        srv->stats.requests++;
        struct http_msg resp = { .seq = k->rx.msg.seq, .id = k->id, .close = k->close_after };
        http_tx_init(&k->tx, HTTP_RESPONSE, &resp, k->rx.msg.resp_len);
    }
    k->state = HS_SERVING;
    sim_time_t cost = (sim_time_t)(dist_sample(&srv->cfg.service, &srv->rng) + 0.5);
    if (!app_cpu_run(srv->cfg.cpu, cost, served, k)) {
        srv->stats.refused++;
        conn_reset(k);
        return HTTP_SERVE_GONE;
    }
    if (k->gone)
        return HTTP_SERVE_GONE;    /* answered at once (no CPU model) and closed */
    return k->state == HS_READING ? HTTP_SERVE_NEXT : HTTP_SERVE_WAIT;
}

static size_t on_received(void *ctx, struct tcp_sock *s, const uint8_t *data, size_t len)
{
    (void)s;
    struct hs_conn *k = ctx;
    if (k->state != HS_READING)
        return 0;
    k->reading = true;
    size_t took = http_rx_serve(&k->rx, data, len, &k->srv->stats.bytes_in, request_done, request_broken, k);
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
    struct hs_conn *k = ctx;
    if (k->state == HS_SENDING)
        send_more(k);
}

static void on_eof(void *ctx, struct tcp_sock *s)
{
    (void)s;
    struct hs_conn *k = ctx;
    k->peer_eof = true;
    if (k->state == HS_READING) {
        if (k->rx.got)
            k->srv->stats.bad++;       /* a request cut short */
        tcp_close(k->s);
        conn_free(k);
    }
}

static void on_closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    (void)s, (void)why;
    struct hs_conn *k = ctx;
    if (k->state == HS_SERVING)
        k->s = NULL;           /* served() frees it when the CPU is done */
    else
        conn_free(k);
}

static void *on_accepted(void *ctx, struct tcp_sock *l, struct tcp_sock *s)
{
    (void)l;
    struct http_server *srv = ctx;
    struct hs_conn *k = xcalloc(1, sizeof *k);
    k->srv = srv;
    k->s = s;
    http_rx_init(&k->rx, HTTP_REQUEST);
    k->id = srv->cfg.id;
    if (!k->id) {
        uint32_t laddr, raddr;
        uint16_t lport, rport;
        tcp_sock_addrs(s, &laddr, &lport, &raddr, &rport);
        k->id = laddr;
    }
    tcp_set_nodelay(s, true);
    LIST_INSERT_HEAD(&srv->conns, k, link);
    srv->stats.accepted++;
    return k;
}

static const struct tcp_callbacks server_cb = {
    .accepted = on_accepted, .received = on_received, .eof = on_eof,
    .writable = on_writable, .closed = on_closed,
};

struct http_server *http_server_new(struct host *h, const struct http_server_cfg *cfg)
{
    struct http_server *srv = xcalloc(1, sizeof *srv);
    srv->h = h;
    srv->cfg = *cfg;
    if (cfg->health_path && cfg->health_path[0])
        srv->health_path = xstrdup(cfg->health_path);
    srv->health_body = xstrdup(cfg->health_body ? cfg->health_body : HTTP_SERVER_HEALTH_BODY);
    srv->health_len = (uint32_t)strlen(srv->health_body);
    srv->cfg.health_path = srv->cfg.health_body = NULL;   /* the copies above stand for them */
    LIST_INIT(&srv->conns);
    char name[128];
    snprintf(name, sizeof name, "%s@%s", cfg->name, h->name);
    rng_init(&srv->rng, cfg->seed, name);
    if (!http_server_start(srv)) {
        free(srv->health_path);
        free(srv->health_body);
        free(srv);
        return NULL;
    }
    return srv;
}

const struct http_server_stats *http_server_stats(const struct http_server *s) { return &s->stats; }

bool http_server_start(struct http_server *srv)
{
    if (!srv->listener)
        srv->listener = tcp_listen(srv->h, srv->cfg.addr, srv->cfg.port, srv->cfg.backlog > 0 ? srv->cfg.backlog : 128,
                                   &server_cb, srv);
    return srv->listener != NULL;
}

bool http_server_running(const struct http_server *srv) { return srv->listener != NULL; }

/* Every socket closed (abort: reset) and every connection let go of. */
static void shut(struct http_server *srv, bool abort)
{
    if (srv->listener)
        tcp_close(srv->listener);
    srv->listener = NULL;
    struct hs_conn *k;
    while ((k = LIST_FIRST(&srv->conns))) {
        app_cpu_cancel(srv->cfg.cpu, k);
        struct tcp_sock *s = k->s;
        conn_free(k);
        if (s && abort)
            tcp_abort(s);
        else if (s)
            tcp_close(s);
    }
}

void http_server_stop(struct http_server *srv) { shut(srv, false); }

void http_server_free(struct http_server *srv)
{
    if (!srv)
        return;
    shut(srv, true);
    free(srv->health_path);
    free(srv->health_body);
    free(srv);
}
