/* The bulk client: its streams, connect to done, both directions. */
#include "apps/bulk.h"

#include <stdlib.h>

#include "apps/bulk_wire.h"
#include "engine/xalloc.h"
#include "net/tcp.h"

struct bk_stream {
    struct bulk_client *c;
    struct tcp_sock *s;        /* NULL once over */
    sim_time_t t0, deadline;
    uint64_t off;              /* data bytes sent (up) or received (down) */
    uint8_t hdr[BULK_RECEIPT_LEN];
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
    if (bulk_send_data(k->s, c->h->rt, &k->off, c->cfg.bytes, k->deadline, &c->stats.bytes_sent)) {
        k->sent_all = true;
        tcp_shutdown(k->s);
    }
}

static void on_connected(void *ctx, struct tcp_sock *s)
{
    struct bk_stream *k = ctx;
    struct bulk_client *c = k->c;
    uint8_t req[BULK_REQ_LEN];
    bulk_put32(req, BULK_MAGIC_REQ);
    bulk_put32(req + 4, c->cfg.dir);
    bulk_put64(req + 8, c->cfg.bytes);
    bulk_put64(req + 16, (uint64_t)c->cfg.duration);
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
    bool down = c->cfg.dir == BULK_DOWN;
    uint32_t want = down ? BULK_HELLO_LEN : BULK_RECEIPT_LEN;
    size_t used = bulk_gather(k->hdr, &k->hgot, want, d, n);
    if (k->hgot == want && bulk_get32(k->hdr) != (down ? BULK_MAGIC_HELLO : BULK_MAGIC_DONE)) {
        stream_end(k, false, APP_FAIL_BAD, 0);
        return n;
    }
    if (!down) {
        if (used < n)          /* nothing may follow the receipt */
            stream_end(k, false, APP_FAIL_BAD, 0);
        else if (k->hgot == want)
            stream_end(k, bulk_get64(k->hdr + 8) == k->off, APP_FAIL_BAD, bulk_get32(k->hdr + 4));
        return n;
    }
    c->stats.bad_bytes += bulk_check_data(d + used, n - used, k->off);
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
    bool ok = c->cfg.dir == BULK_DOWN && k->hgot == BULK_HELLO_LEN &&
              (!c->cfg.bytes || k->off == c->cfg.bytes);
    stream_end(k, ok, APP_FAIL_BAD, bulk_get32(k->hdr + 4));
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
    app_stats_free(&c->stats);
    free(c);
}
