/* The bulk server: it sends a download or takes an upload and answers with a receipt. */
#include "apps/bulk.h"

#include <stdlib.h>
#include <sys/queue.h>

#include "apps/bulk_wire.h"
#include "engine/xalloc.h"
#include "net/tcp.h"

struct bs_conn {
    struct bulk_server *srv;
    LIST_ENTRY(bs_conn) link;
    struct tcp_sock *s;
    uint8_t req[BULK_REQ_LEN];
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
    if (bulk_send_data(k->s, srv->h->rt, &k->off, k->bytes, k->deadline, &srv->stats.bytes_sent))
        bs_finish(k);
}

static size_t bs_received(void *ctx, struct tcp_sock *s, const uint8_t *d, size_t n)
{
    struct bs_conn *k = ctx;
    struct bulk_server *srv = k->srv;
    bool had = k->rgot == BULK_REQ_LEN;
    size_t used = bulk_gather(k->req, &k->rgot, BULK_REQ_LEN, d, n);
    if (k->rgot < BULK_REQ_LEN)
        return n;
    if (!had) {
        uint32_t dir = bulk_get32(k->req + 4);
        if (bulk_get32(k->req) != BULK_MAGIC_REQ || dir > BULK_UP) {
            tcp_abort(s);
            bs_free(k);
            return n;
        }
        k->dir = dir;
        k->bytes = bulk_get64(k->req + 8);
        k->deadline = rt_now(srv->h->rt) + (sim_time_t)bulk_get64(k->req + 16);
        if (k->dir == BULK_DOWN) {
            uint8_t hello[BULK_HELLO_LEN];
            bulk_put32(hello, BULK_MAGIC_HELLO);
            bulk_put32(hello + 4, k->id);
            tcp_send(s, hello, sizeof hello);
            bs_pump(k);
            return n;
        }
    }
    if (k->dir == BULK_UP) {
        srv->stats.bad_bytes += bulk_check_data(d + used, n - used, k->off);
        k->off += n - used;
        app_stats_bytes_in(&srv->stats, rt_now(srv->h->rt), n - used);
    }
    return n;
}

static void bs_eof(void *ctx, struct tcp_sock *s)
{
    struct bs_conn *k = ctx;
    if (k->rgot < BULK_REQ_LEN || k->dir != BULK_UP) {
        tcp_close(s);          /* gone before asking, or a download's client went */
        bs_free(k);
        return;
    }
    uint8_t receipt[BULK_RECEIPT_LEN];
    bulk_put32(receipt, BULK_MAGIC_DONE);
    bulk_put32(receipt + 4, k->id);
    bulk_put64(receipt + 8, k->off);
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
    app_stats_free(&srv->stats);
    free(srv);
}
