/*
 * keepalived's checkers end to end in the simulator lab (a client, a DR
 * director and three real servers): a server that stops answering is
 * taken out on keepalived's schedule (bounds computed from delay_loop,
 * connect_timeout, retry and delay_before_retry) and put back when it
 * answers again, new connections meanwhile go to the others; inhibit sets
 * weight 0 and restores it; HTTP_GET fails on a wrong status or digest and
 * needs a full round of passes to come back; quorum loss brings in the
 * sorry server; alpha starts servers out; MISC_CHECK times out; omega
 * reports on shutdown. No packet buffer outlives a test.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "apps/http_server.h"
#include "lvs/ipvsadm.h"
#include "lvs/keepalived/check.h"
/* the lab's helpers this file does not call are not errors */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "tests/support/lvs_lab.h"
#pragma GCC diagnostic pop

#define MAX_EVENTS 64
#define HTTP_PORT 8080
#define SLOP (20 * SIM_MS)   /* handshakes and exchanges on the lab's 20 us links */

struct rec {
    sim_time_t time;
    enum ka_event_kind kind;
    uint32_t rs;
    char text[160];
};

/* A minimal HTTP server for HTTP_GET: answers each request with a status
 * and a body, then closes. Fixed slots: nothing to leak when a host fails. */
struct web_conn {
    struct web *web;
    bool used;
    char req[512];
    size_t got;
};

struct web {
    int status;
    const char *body;
    char last_request[512];
    struct web_conn conns[8];
};

struct klab {
    struct lab l;
    struct ka_conf conf;
    struct ka_checks *kc;
    struct rec ev[MAX_EVENTS];
    int nev;
    struct web web[LAB_SERVERS];
    struct ka_checker *late_checker;   /* MISC_CHECK: the request answered late */
    uint64_t late_token;
    uint64_t cancelled;                /* the last request misc_cancel was told of */
};

static void on_event(void *ctx, const struct ka_event *e)
{
    struct klab *k = ctx;
    cr_assert_lt(k->nev, MAX_EVENTS);
    struct rec *r = &k->ev[k->nev++];
    r->time = e->time;
    r->kind = e->kind;
    r->rs = e->rs_addr;
    snprintf(r->text, sizeof r->text, "%s", e->text);
}

static size_t web_received(void *ctx, struct tcp_sock *s, const uint8_t *data, size_t len)
{
    struct web_conn *c = ctx;
    size_t n = len < sizeof c->req - 1 - c->got ? len : sizeof c->req - 1 - c->got;
    memcpy(c->req + c->got, data, n);
    c->got += n;
    c->req[c->got] = '\0';
    if (strstr(c->req, "\r\n\r\n")) {
        struct web *w = c->web;
        snprintf(w->last_request, sizeof w->last_request, "%s", c->req);
        char resp[256];
        int r = snprintf(resp, sizeof resp, "HTTP/1.0 %d X\r\nContent-Length: %zu\r\n\r\n%s", w->status,
                         strlen(w->body), w->body);
        tcp_send(s, resp, (size_t)r);
        tcp_shutdown(s);
        c->got = 0;
    }
    return len;
}

static void web_closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    (void)s, (void)why;
    struct web_conn *c = ctx;
    c->used = false;
}

static void web_eof(void *ctx, struct tcp_sock *s)
{
    (void)ctx;
    tcp_shutdown(s);
}

static const struct tcp_callbacks web_conn_cb = { .received = web_received, .eof = web_eof, .closed = web_closed };

static void *web_accepted(void *listen_ctx, struct tcp_sock *listener, struct tcp_sock *s)
{
    (void)listener;
    struct web *w = listen_ctx;
    for (int i = 0; i < 8; i++)
        if (!w->conns[i].used) {
            w->conns[i] = (struct web_conn){ .web = w, .used = true };
            tcp_set_callbacks(s, &web_conn_cb, &w->conns[i]);
            return &w->conns[i];
        }
    cr_assert_fail("web: out of connection slots");
    return NULL;
}

static const struct tcp_callbacks web_listen_cb = { .accepted = web_accepted };

static enum ka_misc_verdict misc_by_server(void *ctx, const struct ka_misc_req *req);

static void record_cancel(void *ctx, uint64_t token)
{
    struct klab *k = ctx;
    k->cancelled = token;
}

/* The DR lab with its table replaced by keepalived's: a virtual_server
 * with vs_head's lines and nrs real servers (10.0.0.11 on) each holding
 * rs_body; every real server also answers HTTP on 8080. */
static void klab_init(struct klab *k, const char *vs_head, const char *rs_body, int nrs)
{
    memset(k, 0, sizeof *k);
    lab_init(&k->l, IPVS_FWD_DROUTE, "rr", "");
    ipvs_flush(&k->l.ipvs);
    for (int i = 0; i < LAB_SERVERS; i++) {
        k->web[i] = (struct web){ .status = 200, .body = "hello" };
        cr_assert_not_null(tcp_listen(k->l.rs[i]->host, 0, HTTP_PORT, 16, &web_listen_cb, &k->web[i]));
    }
    char text[4096];
    int n = snprintf(text, sizeof text, "virtual_server 10.0.0.100 80 {\n%s\n", vs_head);
    for (int i = 0; i < nrs; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "  real_server 10.0.0.%d 80 {\n%s\n  }\n", 11 + i, rs_body);
    snprintf(text + n, sizeof text - (size_t)n, "}\n");
    char err[256];
    cr_assert_eq(ka_conf_parse_string(text, "lab.conf", &k->conf, err, sizeof err), 0, "%s\n%s", err, text);
    struct ka_checks_opts o = { .event = on_event, .event_ctx = k, .misc = misc_by_server,
                              .misc_cancel = record_cancel, .misc_ctx = k };
    k->kc = ka_conf_apply(&k->conf, &k->l.ipvs, &o, err, sizeof err);
    cr_assert_not_null(k->kc, "%s", err);
}

static void klab_free(struct klab *k)
{
    ka_checks_free(k->kc);
    ka_conf_free(&k->conf);
    cr_assert_eq(lab_free(&k->l), 0, "packets leaked");
}

static void run_until(struct klab *k, sim_time_t t) { sched_run_until(&k->l.w->sched, t); }

static void fail_at(void *arg) { sim_node_fail(arg, true); }
static void recover_at(void *arg) { sim_node_fail(arg, false); }

/* The first event of a kind for a server (0: any), or NULL. */
static const struct rec *find(const struct klab *k, enum ka_event_kind kind, uint32_t rs)
{
    for (int i = 0; i < k->nev; i++)
        if (k->ev[i].kind == kind && (!rs || k->ev[i].rs == rs))
            return &k->ev[i];
    return NULL;
}

static int count(const struct klab *k, enum ka_event_kind kind)
{
    int n = 0;
    for (int i = 0; i < k->nev; i++)
        n += k->ev[i].kind == kind;
    return n;
}

static struct ipvs_dest *dest(struct klab *k, int i)
{
    struct ipvs_service *s = ipvs_service_find(&k->l.ipvs, IPPROTO_TCP, k->l.vip, 80, 0);
    cr_assert_not_null(s);
    return ipvs_dest_find(s, k->l.rip[i], 80);
}

/* Fetches from `at` and which servers answered them (bit per server). */
static unsigned fetch_servers(struct klab *k, int n, sim_time_t at, int *done)
{
    int first = k->l.nfetch;
    lab_fetches(&k->l, n, at, 10 * SIM_MS);
    run_until(k, at + 2 * SIM_S);
    unsigned seen = 0;
    *done = 0;
    for (int i = first; i < k->l.nfetch; i++) {
        struct lab_fetch *f = &k->l.fetch[i];
        if (f->done && f->got == k->l.response && !f->bad_byte) {
            (*done)++;
            seen |= 1u << f->server;
        }
    }
    return seen;
}

#define TCP_HEAD "  delay_loop 5\n  lb_algo rr\n  lb_kind DR\n"
#define TCP_BODY "    TCP_CHECK {\n      connect_timeout 2\n      retry 1\n      delay_before_retry 1\n      warmup 0\n    }"

/* keepalived's TCP_CHECK schedule: checks delay_loop after the last one
 * ended; a failure while up is retried `retry` times delay_before_retry
 * after it ended; a silent server fails each try at connect_timeout. A
 * server failing at t_f is declared down at the end of the (retry+1)th
 * failed try, which starts in (t_f, t_f + delay_loop]: down is within
 * [t_f + 2 ct + dbr, t_f + dl + 2 ct + dbr]. Here checks start at 1 s and
 * then every 5 s, so the try starting at 16 s fails at 18 s, the retry at
 * 19 s fails at 21 s. */
Test(keepalived_check, tcp_check_takes_a_silent_server_out_and_back)
{
    struct klab k;
    klab_init(&k, TCP_HEAD, TCP_BODY, 3);
    sim_time_t t_fail = 12300 * SIM_MS, t_back = 30 * SIM_S;
    const sim_time_t dl = 5 * SIM_S, ct = 2 * SIM_S, dbr = SIM_S;
    sched_call_at(&k.l.w->sched, t_fail, fail_at, k.l.rs[1]);
    run_until(&k, t_fail + dl + 2 * ct + dbr + SLOP);
    const struct rec *down = find(&k, KA_EV_RS_DOWN, k.l.rip[1]);
    cr_assert_not_null(down);
    cr_assert_geq(down->time, t_fail + 2 * ct + dbr, "down at %lld, too early", (long long)down->time);
    cr_assert_leq(down->time, t_fail + dl + 2 * ct + dbr + SLOP);
    cr_assert(down->time >= 21 * SIM_S && down->time < 21 * SIM_S + SLOP, "down at %lld", (long long)down->time);
    cr_assert_null(dest(&k, 1), "rs2 still in the table");
    cr_assert_eq(count(&k, KA_EV_RS_DOWN), 1);
    cr_assert_null(find(&k, KA_EV_QUORUM_LOST, 0));

    int done;
    unsigned seen = fetch_servers(&k, 6, 23 * SIM_S, &done);
    cr_assert_eq(done, 6);
    cr_assert_eq(seen, 1u << 1 | 1u << 3, "servers answering: %#x", seen);

    /* while down a check comes every delay_loop (26 s fails at 28 s, 33 s
     * passes): up within [t_back, t_back + dl + ct] */
    sched_call_at(&k.l.w->sched, t_back, recover_at, k.l.rs[1]);
    run_until(&k, 40 * SIM_S);
    const struct rec *up = find(&k, KA_EV_RS_UP, k.l.rip[1]);
    cr_assert_not_null(up);
    cr_assert(up->time >= t_back && up->time <= t_back + dl + ct + SLOP, "up at %lld", (long long)up->time);
    cr_assert(up->time >= 33 * SIM_S && up->time < 33 * SIM_S + SLOP, "up at %lld", (long long)up->time);
    cr_assert_not_null(dest(&k, 1));
    cr_assert_eq(dest(&k, 1)->weight, 1);
    seen = fetch_servers(&k, 6, 41 * SIM_S, &done);
    cr_assert_eq(done, 6);
    cr_assert_eq(seen, 1u << 1 | 1u << 2 | 1u << 3, "servers answering: %#x", seen);
    klab_free(&k);
}

/* A closed port answers the SYN with a reset: the try fails at once, so
 * down comes delay_before_retry after the first failed try. */
Test(keepalived_check, tcp_check_refused_port_retries_then_removes)
{
    struct klab k;
    klab_init(&k, TCP_HEAD,
              "    TCP_CHECK {\n      connect_port 81\n      connect_timeout 2\n      retry 2\n"
              "      delay_before_retry 1.5\n      warmup 0\n    }",
              1);
    run_until(&k, 10 * SIM_S);
    /* the first check (1 s) fails while no verdict yet: one failure is enough */
    const struct rec *down = find(&k, KA_EV_RS_DOWN, k.l.rip[0]);
    cr_assert_not_null(down);
    cr_assert(down->time >= SIM_S && down->time < SIM_S + SLOP, "down at %lld", (long long)down->time);
    cr_assert_str_eq(down->text, "Removing service from VS TCP 10.0.0.100:80");
    cr_assert_null(dest(&k, 0));
    klab_free(&k);
}

Test(keepalived_check, inhibit_on_failure_sets_weight_zero_then_restores)
{
    struct klab k;
    klab_init(&k, TCP_HEAD,
              "    weight 3\n    inhibit_on_failure\n" TCP_BODY, 3);
    sched_call_at(&k.l.w->sched, 12300 * SIM_MS, fail_at, k.l.rs[2]);
    run_until(&k, 22 * SIM_S);
    const struct rec *zero = find(&k, KA_EV_RS_WEIGHT_ZERO, k.l.rip[2]);
    cr_assert_not_null(zero);
    cr_assert(zero->time >= 21 * SIM_S && zero->time < 21 * SIM_S + SLOP);
    cr_assert_null(find(&k, KA_EV_RS_DOWN, 0));
    cr_assert_not_null(dest(&k, 2), "an inhibited server stays in the table");
    cr_assert_eq(dest(&k, 2)->weight, 0);
    int done;
    unsigned seen = fetch_servers(&k, 6, 23 * SIM_S, &done);
    cr_assert_eq(done, 6);
    cr_assert_eq(seen, 1u << 1 | 1u << 2);
    sched_call_at(&k.l.w->sched, 30 * SIM_S, recover_at, k.l.rs[2]);
    run_until(&k, 40 * SIM_S);
    const struct rec *back = find(&k, KA_EV_RS_WEIGHT_RESTORED, k.l.rip[2]);
    cr_assert_not_null(back);
    cr_assert(back->time >= 33 * SIM_S && back->time < 33 * SIM_S + SLOP);
    cr_assert_eq(dest(&k, 2)->weight, 3);
    klab_free(&k);
}

#define HTTP_HEAD "  delay_loop 3\n  lb_algo rr\n  lb_kind DR\n"
#define HTTP_BODY(extra) \
    "    HTTP_GET {\n      url {\n        path /health\n" extra "      }\n      connect_port 8080\n" \
    "      connect_timeout 1\n      retry 1\n      delay_before_retry 1\n      warmup 0\n    }"

Test(keepalived_check, http_get_wrong_status_fails_and_sends_keepalived_request)
{
    struct klab k;
    klab_init(&k, HTTP_HEAD, HTTP_BODY(""), 3);
    k.web[0].status = 500;
    k.web[2].status = 204;   /* any 2xx passes when status_code is not given */
    run_until(&k, 5 * SIM_S);
    const struct rec *down = find(&k, KA_EV_RS_DOWN, k.l.rip[0]);
    cr_assert_not_null(down);
    cr_assert(down->time >= SIM_S && down->time < SIM_S + SLOP, "down at %lld", (long long)down->time);
    cr_assert_eq(count(&k, KA_EV_RS_DOWN), 1);
    cr_assert_str_eq(k.web[1].last_request,
                     "GET /health HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 10.0.0.12:8080\r\n\r\n");
    klab_free(&k);
}

Test(keepalived_check, http_get_status_code_list)
{
    struct klab k;
    klab_init(&k, HTTP_HEAD, HTTP_BODY("        status_code 200 301-302\n"), 3);
    k.web[0].status = 302;
    k.web[1].status = 204;
    run_until(&k, 5 * SIM_S);
    cr_assert_eq(count(&k, KA_EV_RS_DOWN), 1);
    cr_assert_not_null(find(&k, KA_EV_RS_DOWN, k.l.rip[1]));
    klab_free(&k);
}

/* md5("hello") = 5d41402abc4b2a76b9719d911017c592 */
Test(keepalived_check, http_get_digest_mismatch_fails)
{
    struct klab k;
    klab_init(&k, HTTP_HEAD, HTTP_BODY("        digest 5d41402abc4b2a76b9719d911017c592\n"), 3);
    k.web[1].body = "hellO";
    run_until(&k, 5 * SIM_S);
    cr_assert_eq(count(&k, KA_EV_RS_DOWN), 1);
    cr_assert_not_null(find(&k, KA_EV_RS_DOWN, k.l.rip[1]));
    klab_free(&k);
}

/* HTTP_GET against lvslab's own web server (apps/http_server.c, what
 * `serve` starts in a scenario) on 8081: its health page passes, digest
 * included (the MD5 of its body "OK\n", as genhash prints it); a server
 * whose page answers 503, or whose body differs from the digest, fails;
 * the checker's GETs are not counted as the workload's requests. */
#define SRV_BODY(path) \
    "    HTTP_GET {\n      url {\n        path " path "\n        digest d36f8f9425c4a8000ad9c4a97185aca5\n" \
    "      }\n      connect_port 8081\n      connect_timeout 1\n      retry 1\n      delay_before_retry 1\n" \
    "      warmup 0\n    }"

static void lvslab_servers(struct klab *k, struct http_server *srv[LAB_SERVERS], const int status[LAB_SERVERS],
                           const char *const body[LAB_SERVERS])
{
    for (int i = 0; i < LAB_SERVERS; i++) {
        struct http_server_cfg c = { .name = "web", .seed = 1, .port = 8081, .health_path = "/health",
                                     .health_status = status[i], .health_body = body[i] };
        srv[i] = http_server_new(k->l.rs[i]->host, &c);
        cr_assert_not_null(srv[i]);
    }
}

Test(keepalived_check, http_get_on_the_lvslab_web_server)
{
    struct klab k;
    klab_init(&k, HTTP_HEAD, SRV_BODY("/health"), 3);
    struct http_server *srv[LAB_SERVERS];
    lvslab_servers(&k, srv, (const int[]){ 0, 503, 200 }, (const char *const[]){ NULL, NULL, "OK" });
    run_until(&k, 8 * SIM_S);
    cr_assert_eq(count(&k, KA_EV_RS_DOWN), 2);
    cr_assert_null(find(&k, KA_EV_RS_DOWN, k.l.rip[0]));
    cr_assert_not_null(find(&k, KA_EV_RS_DOWN, k.l.rip[1]));
    cr_assert_not_null(find(&k, KA_EV_RS_DOWN, k.l.rip[2]));
    const struct http_server_stats *st = http_server_stats(srv[0]);
    cr_assert_eq(st->gets, 3, "checks at 1, 4 and 7 s: %llu", (unsigned long long)st->gets);
    cr_assert(st->requests == 0 && st->responses == 0 && st->bytes_out == 0 && st->bad == 0 && st->peers.n == 0);
    for (int i = 0; i < LAB_SERVERS; i++)
        http_server_free(srv[i]);
    klab_free(&k);
}

/* A path the server has no page for is 404 Not Found: the check fails. */
Test(keepalived_check, http_get_on_a_missing_page_fails)
{
    struct klab k;
    klab_init(&k, HTTP_HEAD, SRV_BODY("/index.html"), 1);
    struct http_server *srv[LAB_SERVERS];
    lvslab_servers(&k, srv, (const int[]){ 0, 0, 0 }, (const char *const[]){ NULL, NULL, NULL });
    run_until(&k, 3 * SIM_S);
    cr_assert_not_null(find(&k, KA_EV_RS_DOWN, k.l.rip[0]));
    for (int i = 0; i < LAB_SERVERS; i++)
        http_server_free(srv[i]);
    klab_free(&k);
}

static void fix_status(void *arg) { ((struct web *)arg)->status = 200; }

/* Down, the failed url is checked every max(delay_loop, dbr) = 3 s (1, 4,
 * 7, 10 s); it passes at 10 s, then every url must pass again, delay_loop
 * later: up at 13 s, not 10 s. */
Test(keepalived_check, http_get_needs_a_full_round_to_come_back)
{
    struct klab k;
    klab_init(&k, HTTP_HEAD, HTTP_BODY(""), 1);
    k.web[0].status = 503;
    sched_call_at(&k.l.w->sched, 9500 * SIM_MS, fix_status, &k.web[0]);
    run_until(&k, 20 * SIM_S);
    const struct rec *up = find(&k, KA_EV_RS_UP, k.l.rip[0]);
    cr_assert_not_null(up);
    cr_assert(up->time >= 13 * SIM_S && up->time < 13 * SIM_S + SLOP, "up at %lld", (long long)up->time);
    klab_free(&k);
}

static char *listing(struct klab *k)
{
    char *buf;
    size_t len;
    FILE *out = open_memstream(&buf, &len);
    ipvsadm_list_all(&k->l.ipvs, IPVSADM_FMT_NUMERIC, out);
    fclose(out);
    return buf;
}

/* Two servers of weight 1 with quorum 2: one failing loses quorum, the
 * sorry server (rs3) replaces the pool; back, the pool returns. */
Test(keepalived_check, quorum_loss_brings_in_the_sorry_server)
{
    struct klab k;
    klab_init(&k, TCP_HEAD "  quorum 2\n  sorry_server 10.0.0.13 80\n", TCP_BODY, 2);
    cr_assert_not_null(find(&k, KA_EV_QUORUM_GAINED, 0));   /* at start */
    sched_call_at(&k.l.w->sched, 12300 * SIM_MS, fail_at, k.l.rs[0]);
    run_until(&k, 22 * SIM_S);
    const struct rec *down = find(&k, KA_EV_RS_DOWN, k.l.rip[0]), *lost = find(&k, KA_EV_QUORUM_LOST, 0),
                     *in = find(&k, KA_EV_SORRY_IN, k.l.rip[2]);
    cr_assert(down && lost && in);
    cr_assert(down < lost && lost < in, "events out of order");
    cr_assert_eq(in->time, down->time);
    char *got = listing(&k);
    cr_assert_str_eq(got, "IP Virtual Server version 1.2.1 (size=4096)\n"
                          "Prot LocalAddress:Port Scheduler Flags\n"
                          "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
                          "TCP  10.0.0.100:80 rr\n"
                          "  -> 10.0.0.13:80                 Route   1      0          0         \n");
    free(got);
    int done;
    unsigned seen = fetch_servers(&k, 4, 23 * SIM_S, &done);
    cr_assert_eq(done, 4);
    cr_assert_eq(seen, 1u << 3);
    sched_call_at(&k.l.w->sched, 30 * SIM_S, recover_at, k.l.rs[0]);
    run_until(&k, 40 * SIM_S);
    cr_assert_not_null(find(&k, KA_EV_SORRY_OUT, k.l.rip[2]));
    cr_assert_eq(count(&k, KA_EV_QUORUM_GAINED), 2);
    got = listing(&k);
    cr_assert_str_eq(got, "IP Virtual Server version 1.2.1 (size=4096)\n"
                          "Prot LocalAddress:Port Scheduler Flags\n"
                          "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
                          "TCP  10.0.0.100:80 rr\n"
                          "  -> 10.0.0.11:80                 Route   1      0          0         \n"
                          "  -> 10.0.0.12:80                 Route   1      0          0         \n");
    free(got);
    klab_free(&k);
}

/* alpha: nothing in the pool until a first check passes. */
Test(keepalived_check, alpha_starts_servers_down)
{
    struct klab k;
    klab_init(&k, TCP_HEAD "  alpha\n", TCP_BODY, 3);
    struct ipvs_service *s = ipvs_service_find(&k.l.ipvs, IPPROTO_TCP, k.l.vip, 80, 0);
    cr_assert_eq(s->num_dests, 0);
    cr_assert_eq(k.nev, 0);
    cr_assert(!ka_checks_rs_alive(k.kc, 0, 0) && !ka_checks_quorum_up(k.kc, 0));
    run_until(&k, 1500 * SIM_MS);
    cr_assert_eq(count(&k, KA_EV_RS_UP), 3);
    cr_assert(ka_checks_rs_alive(k.kc, 0, 2) && ka_checks_quorum_up(k.kc, 0));
    cr_assert_eq(s->num_dests, 3);
    cr_assert(find(&k, KA_EV_RS_UP, 0)->time >= SIM_S);
    cr_assert_not_null(find(&k, KA_EV_QUORUM_GAINED, 0));
    klab_free(&k);
}

/* ---- MISC_CHECK ---- */

static void answer_late(void *arg)
{
    struct klab *k = arg;
    ka_misc_answer(k->late_checker, k->late_token, true);
}

static void answer_weight_5(void *arg)
{
    struct klab *k = arg;
    ka_misc_answer_weight(k->late_checker, k->late_token, 5);
}

static enum ka_misc_verdict misc_by_server(void *ctx, const struct ka_misc_req *req)
{
    struct klab *k = ctx;
    if (!strcmp(req->path, "/bin/dynamic")) {   /* rs2's script exits 7 after 100 ms */
        cr_assert(req->dynamic);
        if (req->rs_addr != k->l.rip[1])
            return KA_MISC_PASS;
        k->late_checker = req->checker;
        k->late_token = req->token;
        sched_call_at(&k->l.w->sched, sched_now(&k->l.w->sched) + 100 * SIM_MS, answer_weight_5, k);
        return KA_MISC_LATER;
    }
    if (strcmp(req->path, "/bin/check"))
        return KA_MISC_FAIL;
    if (req->rs_addr == k->l.rip[0])
        return KA_MISC_LATER;           /* never answers: times out */
    if (req->rs_addr == k->l.rip[2]) {   /* answers after 500 ms */
        k->late_checker = req->checker;
        k->late_token = req->token;
        sched_call_at(&k->l.w->sched, sched_now(&k->l.w->sched) + 500 * SIM_MS, answer_late, k);
        return KA_MISC_LATER;
    }
    return KA_MISC_PASS;
}

Test(keepalived_check, misc_check_predicate_and_timeout)
{
    struct klab k;
    klab_init(&k, "  delay_loop 10\n  lb_algo rr\n  lb_kind DR\n",
              "    MISC_CHECK {\n      misc_path /bin/check\n      misc_timeout 2\n      warmup 0\n    }", 3);
    run_until(&k, 5 * SIM_S);
    const struct rec *down = find(&k, KA_EV_RS_DOWN, k.l.rip[0]);
    cr_assert_not_null(down);
    cr_assert_eq(down->time, 3 * SIM_S);   /* started at 1 s, misc_timeout 2 s */
    cr_assert_eq(count(&k, KA_EV_RS_DOWN), 1);
    cr_assert_neq(k.cancelled, 0, "the embedder was not told to kill the script");
    /* a stale answer is ignored */
    ka_misc_answer(k.late_checker, k.late_token, false);
    run_until(&k, 6 * SIM_S);
    cr_assert_eq(count(&k, KA_EV_RS_DOWN), 1);
    klab_free(&k);
}

/* misc_dynamic: a pass with a weight changes the dest's weight in IPVS
 * (keepalived's update_svr_wgt), reported once. */
Test(keepalived_check, misc_dynamic_sets_the_weight)
{
    struct klab k;
    klab_init(&k, "  delay_loop 1\n  lb_algo wrr\n  lb_kind DR\n",
              "    MISC_CHECK {\n      misc_path /bin/dynamic\n      misc_dynamic\n      warmup 0\n    }", 3);
    run_until(&k, 4 * SIM_S);
    const struct rec *w = find(&k, KA_EV_RS_WEIGHT_CHANGED, k.l.rip[1]);
    cr_assert_not_null(w);
    cr_assert_eq(w->time, 1100 * SIM_MS);
    cr_assert_str_eq(w->text, "Changing weight from 1 to 5 for active service of VS TCP 10.0.0.100:80");
    cr_assert_eq(count(&k, KA_EV_RS_WEIGHT_CHANGED), 1);
    cr_assert_eq(count(&k, KA_EV_RS_DOWN), 0);
    char *got = listing(&k);
    cr_assert(strstr(got, "  -> 10.0.0.12:80                 Route   5      0          0"), "%s", got);
    free(got);
    klab_free(&k);
}

/* The first check comes 1 s + a random part of warmup (default delay_loop)
 * after start, from the director's stream: spread, and the same each run. */
static void refused_times(sim_time_t out[3])
{
    struct klab k;
    klab_init(&k, "  delay_loop 20\n  lb_algo rr\n  lb_kind DR\n",
              "    TCP_CHECK {\n      connect_port 81\n    }", 3);
    run_until(&k, 22 * SIM_S);
    for (int i = 0; i < 3; i++) {
        const struct rec *d = find(&k, KA_EV_RS_DOWN, k.l.rip[i]);
        cr_assert_not_null(d);
        cr_assert(d->time >= SIM_S && d->time <= 21 * SIM_S + SLOP, "down at %lld", (long long)d->time);
        out[i] = d->time;
    }
    klab_free(&k);
}

Test(keepalived_check, warmup_spreads_first_checks_deterministically)
{
    sim_time_t a[3], b[3];
    refused_times(a);
    refused_times(b);
    cr_assert(a[0] != a[1] || a[1] != a[2], "no spread");
    for (int i = 0; i < 3; i++)
        cr_assert_eq(a[i], b[i]);
}

Test(keepalived_check, omega_reports_on_shutdown)
{
    struct klab k;
    klab_init(&k, TCP_HEAD "  omega\n", TCP_BODY, 2);
    run_until(&k, 2 * SIM_S);
    int before = k.nev;
    ka_checks_shutdown(k.kc);
    cr_assert_eq(k.l.ipvs.num_services, 0);
    cr_assert_eq(k.nev - before, 3);
    cr_assert_eq(count(&k, KA_EV_RS_DOWN), 2);
    cr_assert_eq(count(&k, KA_EV_QUORUM_LOST), 1);
    klab_free(&k);
}

Test(keepalived_check, shutdown_without_omega_is_silent)
{
    struct klab k;
    klab_init(&k, TCP_HEAD, TCP_BODY, 2);
    run_until(&k, 2 * SIM_S);
    int before = k.nev;
    ka_checks_shutdown(k.kc);
    cr_assert_eq(k.l.ipvs.num_services, 0);
    cr_assert_eq(k.nev, before);
    klab_free(&k);
}
