/* Bulk transfers: the client's streams and the server's, both directions. */
#include "apps/bulk.h"

#include <stdlib.h>
#include <sys/queue.h>

#include "apps/http_proto.h"
#include "engine/xalloc.h"
#include "net/tcp.h"

#define BULK_MAGIC_REQ   0x4c564231u   /* "LVB1" */
#define BULK_MAGIC_HELLO 0x4c564253u   /* "LVBS" */
#define BULK_MAGIC_DONE  0x4c564245u   /* "LVBE" */
#define REQ_LEN 24
#define HELLO_LEN 8
#define RECEIPT_LEN 16
#define CHUNK 16384

static void put64(uint8_t *p, uint64_t v)
{
    http_put32(p, (uint32_t)(v >> 32));
    http_put32(p + 4, (uint32_t)v);
}

static uint64_t get64(const uint8_t *p) { return (uint64_t)http_get32(p) << 32 | http_get32(p + 4); }

/* Send pattern bytes from *off until `limit` (0: none) or the deadline;
 * true once there is nothing more to send. */
static bool send_data(struct tcp_sock *s, struct rt *rt, uint64_t *off, uint64_t limit,
                      sim_time_t deadline, uint64_t *count)
{
    uint8_t buf[CHUNK];
    for (;;) {
        if (limit ? *off >= limit : rt_now(rt) >= deadline)
            return true;
        size_t n = CHUNK;
        if (limit && limit - *off < n)
            n = (size_t)(limit - *off);
        size_t room = tcp_send_space(s);
        if (room && n > room)
            n = room;
        for (size_t i = 0; i < n; i++)
            buf[i] = http_pattern(0, *off + i);
        size_t took = tcp_send(s, buf, n);
        *off += took;
        *count += took;
        if (took < n)
            return false;      /* writable() calls back */
    }
}

/* Check arriving pattern bytes; returns how many differ. */
static uint64_t check_data(const uint8_t *d, size_t n, uint64_t off)
{
    uint64_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += d[i] != http_pattern(0, off + i);
    return bad;
}

/* Gather a fixed-length header from the stream; bytes used. */
static size_t gather(uint8_t *hdr, uint32_t *got, uint32_t want, const uint8_t *d, size_t n)
{
    size_t take = want - *got < n ? want - *got : n;
    for (size_t i = 0; i < take; i++)
        hdr[*got + i] = d[i];
    *got += (uint32_t)take;
    return take;
}

/* ---- client ---- */

struct bk_stream {
    struct bulk_client *c;
    struct tcp_sock *s;        /* NULL once over */
    sim_time_t t0, deadline;
    uint64_t off;              /* data bytes sent (up) or received (down) */
    uint8_t hdr[RECEIPT_LEN];
    uint32_t hgot;
    bool sent_all;
};

struct bulk_client {
    struct host *h;
    struct bulk_client_cfg cfg;
    struct app_stats stats;
    struct bk_stream *streams;
    struct rt_timer start, timeout;
};

static const struct tcp_callbacks client_cb;

static void stream_end(struct bk_stream *k, bool ok, enum app_fail why, uint32_t id)
{
    struct bulk_client *c = k->c;
    if (ok) {
        app_stats_complete(&c->stats, k->t0, rt_now(c->h->rt), id);
        tcp_close(k->s);
    } else {
        c->stats.fails[why]++;
        c->stats.failed++;
        if (k->s)
            tcp_abort(k->s);
    }
    k->s = NULL;
}

static void client_pump(struct bk_stream *k)
{
    struct bulk_client *c = k->c;
    if (k->sent_all)
        return;
    if (send_data(k->s, c->h->rt, &k->off, c->cfg.bytes, k->deadline, &c->stats.bytes_sent)) {
        k->sent_all = true;
        tcp_shutdown(k->s);
    }
}

static void on_connected(void *ctx, struct tcp_sock *s)
{
    struct bk_stream *k = ctx;
    struct bulk_client *c = k->c;
    uint8_t req[REQ_LEN];
    http_put32(req, BULK_MAGIC_REQ);
    http_put32(req + 4, c->cfg.dir);
    put64(req + 8, c->cfg.bytes);
    put64(req + 16, (uint64_t)c->cfg.duration);
    tcp_send(s, req, sizeof req);      /* an empty send buffer takes it whole */
    k->deadline = rt_now(c->h->rt) + c->cfg.duration;
    if (c->cfg.dir == BULK_UP)
        client_pump(k);
}

static void on_writable(void *ctx, struct tcp_sock *s)
{
    (void)s;
    client_pump(ctx);
}

static size_t on_received(void *ctx, struct tcp_sock *s, const uint8_t *d, size_t n)
{
    (void)s;
    struct bk_stream *k = ctx;
    struct bulk_client *c = k->c;
    uint32_t want = c->cfg.dir == BULK_DOWN ? HELLO_LEN : RECEIPT_LEN;
    size_t used = gather(k->hdr, &k->hgot, want, d, n);
    if (k->hgot == want && http_get32(k->hdr) != (c->cfg.dir == BULK_DOWN ? BULK_MAGIC_HELLO
                                                                            : BULK_MAGIC_DONE)) {
        stream_end(k, false, APP_FAIL_BAD, 0);
        return n;
    }
    if (c->cfg.dir == BULK_UP) {
        if (used < n)          /* nothing may follow the receipt */
            stream_end(k, false, APP_FAIL_BAD, 0);
        else if (k->hgot == want)
            stream_end(k, get64(k->hdr + 8) == k->off, APP_FAIL_BAD, http_get32(k->hdr + 4));
        return n;
    }
    c->stats.bad_bytes += check_data(d + used, n - used, k->off);
    k->off += n - used;
    app_stats_bytes_in(&c->stats, rt_now(c->h->rt), n - used);
    return n;
}

/* A download is over when the server's FIN comes after all its bytes. */
static void on_eof(void *ctx, struct tcp_sock *s)
{
    (void)s;
    struct bk_stream *k = ctx;
    struct bulk_client *c = k->c;
    bool ok = c->cfg.dir == BULK_DOWN && k->hgot == HELLO_LEN &&
              (!c->cfg.bytes || k->off == c->cfg.bytes);
    stream_end(k, ok, APP_FAIL_BAD, http_get32(k->hdr + 4));
}

static void on_closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    (void)s;
    struct bk_stream *k = ctx;
    k->s = NULL;
    stream_end(k, false, why == TCP_CLOSE_REFUSED ? APP_FAIL_REFUSED
                         : why == TCP_CLOSE_TIMEOUT ? APP_FAIL_TIMEOUT : APP_FAIL_RESET, 0);
}

static const struct tcp_callbacks client_cb = {
    .connected = on_connected, .received = on_received, .eof = on_eof,
    .writable = on_writable, .closed = on_closed,
};

static void client_go(void *arg)
{
    struct bulk_client *c = arg;
    for (int i = 0; i < c->cfg.streams; i++) {
        struct bk_stream *k = &c->streams[i];
        k->t0 = rt_now(c->h->rt);
        c->stats.issued++;
        k->s = tcp_connect(c->h, c->cfg.src, c->cfg.dst, c->cfg.dport, &client_cb, k);
        if (!k->s) {
            stream_end(k, false, APP_FAIL_LOCAL, 0);
            continue;
        }
        c->stats.conns_opened++;
    }
    if (c->cfg.timeout > 0)
        rt_timer_arm_in(c->h->rt, &c->timeout, c->cfg.timeout);
}

static void client_timeout(void *arg)
{
    struct bulk_client *c = arg;
    for (int i = 0; i < c->cfg.streams; i++)
        if (c->streams[i].s)
            stream_end(&c->streams[i], false, APP_FAIL_TIMEOUT, 0);
}

struct bulk_client *bulk_client_new(struct host *h, const struct bulk_client_cfg *cfg)
{
    struct bulk_client *c = xcalloc(1, sizeof *c);
    c->h = h;
    c->cfg = *cfg;
    if (c->cfg.streams <= 0)
        c->cfg.streams = 1;
    c->streams = xcalloc((size_t)c->cfg.streams, sizeof *c->streams);
    for (int i = 0; i < c->cfg.streams; i++)
        c->streams[i].c = c;
    app_stats_init(&c->stats, cfg->win_start, cfg->win_stop ? cfg->win_stop : SIM_NEVER);
    rt_timer_init(&c->start, client_go, c);
    rt_timer_init(&c->timeout, client_timeout, c);
    return c;
}

void bulk_client_start(struct bulk_client *c)
{
    sim_time_t now = rt_now(c->h->rt);
    rt_timer_arm(c->h->rt, &c->start, c->cfg.start > now ? c->cfg.start : now);
}

const struct app_stats *bulk_client_stats(const struct bulk_client *c) { return &c->stats; }

void bulk_client_free(struct bulk_client *c)
{
    if (!c)
        return;
    rt_timer_cancel(c->h->rt, &c->start);
    rt_timer_cancel(c->h->rt, &c->timeout);
    for (int i = 0; i < c->cfg.streams; i++)
        if (c->streams[i].s)
            tcp_abort(c->streams[i].s);
    free(c->streams);
    free(c);
}

/* ---- server ---- */

struct bs_conn {
    struct bulk_server *srv;
    LIST_ENTRY(bs_conn) link;
    struct tcp_sock *s;
    uint8_t req[REQ_LEN];
    uint32_t rgot, id;
    enum bulk_dir dir;
    uint64_t bytes, off;
    sim_time_t deadline;
};

struct bulk_server {
    struct host *h;
    struct bulk_server_cfg cfg;
    struct tcp_sock *listener;
    struct app_stats stats;
    LIST_HEAD(, bs_conn) conns;
};

static void bs_free(struct bs_conn *k)
{
    LIST_REMOVE(k, link);
    free(k);
}

/* Done with a transfer: queued bytes and FIN still go out. */
static void bs_finish(struct bs_conn *k)
{
    struct bulk_server *srv = k->srv;
    app_stats_complete(&srv->stats, 0, rt_now(srv->h->rt), k->id);
    tcp_close(k->s);
    bs_free(k);
}

static void bs_pump(struct bs_conn *k)
{
    struct bulk_server *srv = k->srv;
    if (send_data(k->s, srv->h->rt, &k->off, k->bytes, k->deadline, &srv->stats.bytes_sent))
        bs_finish(k);
}

static size_t bs_received(void *ctx, struct tcp_sock *s, const uint8_t *d, size_t n)
{
    struct bs_conn *k = ctx;
    struct bulk_server *srv = k->srv;
    bool had = k->rgot == REQ_LEN;
    size_t used = gather(k->req, &k->rgot, REQ_LEN, d, n);
    if (k->rgot < REQ_LEN)
        return n;
    if (!had) {
        uint32_t dir = http_get32(k->req + 4);
        if (http_get32(k->req) != BULK_MAGIC_REQ || dir > BULK_UP) {
            tcp_abort(s);
            bs_free(k);
            return n;
        }
        k->dir = dir;
        k->bytes = get64(k->req + 8);
        k->deadline = rt_now(srv->h->rt) + (sim_time_t)get64(k->req + 16);
        if (k->dir == BULK_DOWN) {
            uint8_t hello[HELLO_LEN];
            http_put32(hello, BULK_MAGIC_HELLO);
            http_put32(hello + 4, k->id);
            tcp_send(s, hello, sizeof hello);
            bs_pump(k);
            return n;
        }
    }
    if (k->dir == BULK_UP) {
        srv->stats.bad_bytes += check_data(d + used, n - used, k->off);
        k->off += n - used;
        app_stats_bytes_in(&srv->stats, rt_now(srv->h->rt), n - used);
    }
    return n;
}

static void bs_eof(void *ctx, struct tcp_sock *s)
{
    struct bs_conn *k = ctx;
    if (k->rgot < REQ_LEN || k->dir != BULK_UP) {
        tcp_close(s);          /* gone before asking, or a download's client went */
        bs_free(k);
        return;
    }
    uint8_t receipt[RECEIPT_LEN];
    http_put32(receipt, BULK_MAGIC_DONE);
    http_put32(receipt + 4, k->id);
    put64(receipt + 8, k->off);
    tcp_send(s, receipt, sizeof receipt);
    bs_finish(k);
}

static void bs_writable(void *ctx, struct tcp_sock *s)
{
    (void)s;
    struct bs_conn *k = ctx;
    if (k->dir == BULK_DOWN)
        bs_pump(k);
}

static void bs_closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    (void)s, (void)why;
    bs_free(ctx);
}

static void *bs_accepted(void *ctx, struct tcp_sock *l, struct tcp_sock *s)
{
    (void)l;
    struct bulk_server *srv = ctx;
    struct bs_conn *k = xcalloc(1, sizeof *k);
    k->srv = srv;
    k->s = s;
    k->id = srv->cfg.id;
    if (!k->id) {
        uint32_t raddr;
        uint16_t lport, rport;
        tcp_sock_addrs(s, &k->id, &lport, &raddr, &rport);
    }
    LIST_INSERT_HEAD(&srv->conns, k, link);
    srv->stats.conns_opened++;
    return k;
}

static const struct tcp_callbacks server_cb = {
    .accepted = bs_accepted, .received = bs_received, .eof = bs_eof,
    .writable = bs_writable, .closed = bs_closed,
};

struct bulk_server *bulk_server_new(struct host *h, const struct bulk_server_cfg *cfg)
{
    struct bulk_server *srv = xcalloc(1, sizeof *srv);
    srv->h = h;
    srv->cfg = *cfg;
    LIST_INIT(&srv->conns);
    app_stats_init(&srv->stats, cfg->win_start, cfg->win_stop ? cfg->win_stop : SIM_NEVER);
    srv->listener = tcp_listen(h, cfg->addr, cfg->port, 128, &server_cb, srv);
    if (!srv->listener) {
        free(srv);
        return NULL;
    }
    return srv;
}

const struct app_stats *bulk_server_stats(const struct bulk_server *s) { return &s->stats; }

void bulk_server_free(struct bulk_server *srv)
{
    if (!srv)
        return;
    tcp_close(srv->listener);
    struct bs_conn *k;
    while ((k = LIST_FIRST(&srv->conns))) {
        tcp_abort(k->s);
        bs_free(k);
    }
    free(srv);
}
