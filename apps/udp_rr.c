/* UDP request/response: the client's outstanding requests and the server's work. */
#include "apps/udp_rr.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/queue.h>

#include "apps/msg_frame.h"
#include "engine/xalloc.h"
#include "net/udp.h"

static uint32_t clamp_len(double v) { return msg_frame_len_clamp(v, UDPRR_MAX_LEN); }

/* ---- client ---- */

struct ur_req {
    struct udprr_client *c;
    LIST_ENTRY(ur_req) link;
    int user, attempts;
    uint32_t seq, req_len, resp_len;
    sim_time_t issued;
    struct rt_timer timer;
};

struct udprr_client {
    struct host *h;
    struct udprr_client_cfg cfg;
    struct udp_sock *sock;
    struct rng load_rng, size_rng;
    struct app_load load;
    struct app_stats stats;
    uint32_t seq;
    uint8_t *buf;              /* one datagram being built */
    LIST_HEAD(, ur_req) reqs;  /* outstanding */
};

static void req_end(struct ur_req *r)
{
    struct udprr_client *c = r->c;
    rt_timer_cancel(c->h->rt, &r->timer);
    LIST_REMOVE(r, link);
    int user = r->user;
    free(r);
    app_load_done(&c->load, user);
}

static void req_send(struct ur_req *r);

static void req_fail(struct ur_req *r, enum app_fail why)
{
    struct udprr_client *c = r->c;
    c->stats.fails[why]++;
    if (r->attempts <= c->cfg.retries) {
        c->stats.retries++;
        req_send(r);
        return;
    }
    c->stats.failed++;
    req_end(r);
}

static void req_send(struct ur_req *r)
{
    struct udprr_client *c = r->c;
    r->attempts++;
    msg_frame_build(c->buf, &(struct msg_frame){ MSG_FRAME_MAGIC_REQ, r->req_len, r->resp_len, r->seq });
    if (udp_sendto(c->sock, c->cfg.dst, c->cfg.dport, c->buf, r->req_len) < 0) {
        req_fail(r, APP_FAIL_LOCAL);
        return;
    }
    c->stats.bytes_sent += r->req_len;
    rt_timer_arm_in(c->h->rt, &r->timer, c->cfg.timeout);
}

static void timed_out(void *arg) { req_fail(arg, APP_FAIL_TIMEOUT); }

static void issue(void *ctx, int user)
{
    struct udprr_client *c = ctx;
    struct ur_req *r = xcalloc(1, sizeof *r);
    r->c = c;
    r->user = user;
    r->seq = ++c->seq;
    r->req_len = clamp_len(dist_sample(&c->cfg.req_size, &c->size_rng));
    r->resp_len = clamp_len(dist_sample(&c->cfg.resp_size, &c->size_rng));
    r->issued = rt_now(c->h->rt);
    rt_timer_init(&r->timer, timed_out, r);
    LIST_INSERT_HEAD(&c->reqs, r, link);
    c->stats.issued++;
    req_send(r);
}

static void client_recv(void *ctx, struct udp_sock *s, uint32_t src, uint16_t sport, uint32_t dst,
                        const uint8_t *d, size_t n)
{
    (void)s, (void)src, (void)sport, (void)dst;
    struct udprr_client *c = ctx;
    sim_time_t now = rt_now(c->h->rt);
    app_stats_bytes_in(&c->stats, now, n);
    struct msg_frame h;
    uint64_t bad;
    if (!msg_frame_parse(d, n, MSG_FRAME_MAGIC_RESP, &h, &bad)) {
        c->stats.bad_bytes += n;
        return;
    }
    c->stats.bad_bytes += bad;
    struct ur_req *r;
    LIST_FOREACH(r, &c->reqs, link)
        if (r->seq == h.seq)
            break;
    if (!r) {
        c->stats.late++;
        return;
    }
    if (bad || h.len != r->resp_len)
        return;                /* not this answer: its timer may still bring a retry */
    app_stats_complete(&c->stats, r->issued, now, h.arg);
    req_end(r);
}

struct udprr_client *udprr_client_new(struct host *h, const struct udprr_client_cfg *cfg)
{
    struct udprr_client *c = xcalloc(1, sizeof *c);
    c->h = h;
    c->cfg = *cfg;
    c->sock = udp_bind(h, cfg->src, 0, client_recv, c);
    if (!c->sock) {
        free(c);
        return NULL;
    }
    if (c->cfg.timeout <= 0)
        c->cfg.timeout = 1 * SIM_S;
    if (c->cfg.retries < 0)
        c->cfg.retries = 0;
    c->buf = xmalloc(UDPRR_MAX_LEN);
    char name[128];
    snprintf(name, sizeof name, "%s@%s/load", cfg->name, h->name);
    rng_init(&c->load_rng, cfg->seed, name);
    snprintf(name, sizeof name, "%s@%s/sizes", cfg->name, h->name);
    rng_init(&c->size_rng, cfg->seed, name);
    app_stats_init(&c->stats, cfg->win_start, cfg->win_stop ? cfg->win_stop : SIM_NEVER);
    LIST_INIT(&c->reqs);
    app_load_init(&c->load, h->rt, &c->load_rng, &cfg->load, issue, c, &c->stats.dropped);
    return c;
}

void udprr_client_start(struct udprr_client *c) { app_load_start(&c->load); }

const struct app_stats *udprr_client_stats(const struct udprr_client *c) { return &c->stats; }

void udprr_client_free(struct udprr_client *c)
{
    if (!c)
        return;
    app_load_free(&c->load);
    struct ur_req *r;
    while ((r = LIST_FIRST(&c->reqs))) {
        rt_timer_cancel(c->h->rt, &r->timer);
        LIST_REMOVE(r, link);
        free(r);
    }
    udp_close(c->sock);
    free(c->buf);
    app_stats_free(&c->stats);
    free(c);
}

/* ---- server ---- */

struct ur_job {
    struct udprr_server *srv;
    LIST_ENTRY(ur_job) link;
    uint32_t client;
    uint16_t cport;
    struct msg_frame resp;
};

struct udprr_server {
    struct host *h;
    struct udprr_server_cfg cfg;
    struct udp_sock *sock;
    struct rng rng;
    struct udprr_server_stats stats;
    uint8_t *buf;
    LIST_HEAD(, ur_job) jobs;  /* waiting for the CPU */
};

static void answer(void *arg)
{
    struct ur_job *j = arg;
    struct udprr_server *srv = j->srv;
    LIST_REMOVE(j, link);
    msg_frame_build(srv->buf, &j->resp);
    if (udp_sendto(srv->sock, j->client, j->cport, srv->buf, j->resp.len) == 0)
        srv->stats.responses++;
    free(j);
}

static void server_recv(void *ctx, struct udp_sock *s, uint32_t src, uint16_t sport, uint32_t dst,
                        const uint8_t *d, size_t n)
{
    (void)s;
    struct udprr_server *srv = ctx;
    struct msg_frame h;
    uint64_t bad;
    if (!msg_frame_parse(d, n, MSG_FRAME_MAGIC_REQ, &h, &bad) || bad) {
        srv->stats.bad++;
        return;
    }
    srv->stats.requests++;
    struct ur_job *j = xcalloc(1, sizeof *j);
    j->srv = srv;
    j->client = src;
    j->cport = sport;
    uint32_t len = clamp_len(h.arg);
    j->resp = (struct msg_frame){ MSG_FRAME_MAGIC_RESP, len, srv->cfg.id ? srv->cfg.id : dst, h.seq };
    LIST_INSERT_HEAD(&srv->jobs, j, link);
    sim_time_t cost = (sim_time_t)(dist_sample(&srv->cfg.service, &srv->rng) + 0.5);
    if (!app_cpu_run(srv->cfg.cpu, cost, answer, j)) {
        srv->stats.refused++;
        LIST_REMOVE(j, link);
        free(j);
    }
}

struct udprr_server *udprr_server_new(struct host *h, const struct udprr_server_cfg *cfg)
{
    struct udprr_server *srv = xcalloc(1, sizeof *srv);
    srv->h = h;
    srv->cfg = *cfg;
    srv->sock = udp_bind(h, cfg->addr, cfg->port, server_recv, srv);
    if (!srv->sock) {
        free(srv);
        return NULL;
    }
    char name[128];
    snprintf(name, sizeof name, "%s@%s", cfg->name, h->name);
    rng_init(&srv->rng, cfg->seed, name);
    srv->buf = xmalloc(UDPRR_MAX_LEN);
    LIST_INIT(&srv->jobs);
    return srv;
}

const struct udprr_server_stats *udprr_server_stats(const struct udprr_server *s)
{
    return &s->stats;
}

void udprr_server_free(struct udprr_server *srv)
{
    if (!srv)
        return;
    struct ur_job *j;
    while ((j = LIST_FIRST(&srv->jobs))) {
        app_cpu_cancel(srv->cfg.cpu, j);
        LIST_REMOVE(j, link);
        free(j);
    }
    udp_close(srv->sock);
    free(srv->buf);
    free(srv);
}
