/* The L7 proxy between a client and two HTTP servers over wires: requests
 * relayed and spread round robin, X-Forwarded-For passed on, upstream
 * connections kept alive and reused (or one per request), 502 when no
 * upstream answers, passive health steering away from a stopped server,
 * and an application stopped and started again (refused, then served). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "apps/http_client.h"
#include "apps/http_server.h"
#include "apps/proxy.h"
#include "net/tcp.h"
#include "support/leak_check.h"
#include "support/wire.h"

WIRE_SUITE(apps_proxy);

#define CLIENT 0x0a010002u
#define PROXY 0x0a010001u
#define S1 0x0a020002u
#define S2 0x0a030002u

struct rig {
    struct host *c, *p, *s[2];
    struct wire w[3];
    struct http_server *srv[2];
    struct proxy *px;
    struct http_client *cli;
};

static void rig_setup(struct rig *r, bool servers)
{
    memset(r, 0, sizeof *r);
    r->c = wire_host("c", &s, pool, 1, CLIENT, 24);
    r->s[0] = wire_host("s1", &s, pool, 2, S1, 24);
    r->s[1] = wire_host("s2", &s, pool, 3, S2, 24);
    r->p = host_new("p", sched_rt(&s), pool, 1);
    const uint8_t m[3][6] = { { 2, 0, 0, 0, 9, 1 }, { 2, 0, 0, 0, 9, 2 }, { 2, 0, 0, 0, 9, 3 } };
    const char *names[3] = { "eth0", "eth1", "eth2" };
    const uint32_t addrs[3] = { PROXY, 0x0a020001u, 0x0a030001u };
    struct host *ends[3] = { r->c, r->s[0], r->s[1] };
    for (int i = 0; i < 3; i++) {
        struct netif *nif = host_add_netif(r->p, names[i], m[i], NULL, NULL);
        netif_add_addr(nif, addrs[i], 24);
        wire_join(&r->w[i], &s, host_netif(ends[i], "eth0"), nif, 20 * SIM_US, (uint64_t)i + 1);
    }
    route_add(r->s[0], 0, 0, 0x0a020001u, NULL);
    route_add(r->s[1], 0, 0, 0x0a030001u, NULL);
    for (int i = 0; servers && i < 2; i++) {
        struct http_server_cfg sc = { .name = "web", .seed = 1, .port = 8080, .id = i ? S2 : S1 };
        dist_fixed(&sc.service, 0);
        r->srv[i] = http_server_new(r->s[i], &sc);
        cr_assert_not_null(r->srv[i]);
    }
}

static struct proxy_cfg proxy_cfg(enum proxy_balance b, int keepalive)
{
    return (struct proxy_cfg){ .port = 80, .balance = b, .upstream_addr = { S1, S2 },
                               .upstream_port = { 8080, 8080 }, .nupstream = 2, .keepalive = keepalive,
                               .max_fails = 1, .fail_timeout = 10 * SIM_S };
}

static struct http_client_cfg client_cfg(bool keepalive, sim_time_t stop)
{
    struct http_client_cfg c = {
        .name = "web", .seed = 1, .dst = PROXY, .dport = 80,
        .load = { .loop = APP_CLOSED, .users = 1, .start = 0, .stop = stop },
        .keepalive = keepalive, .timeout = 1 * SIM_S, .retries = 0, .win_start = 0, .win_stop = stop,
    };
    dist_fixed(&c.load.think, 1 * SIM_MS);
    dist_fixed(&c.req_size, 300);
    dist_fixed(&c.resp_size, 5000);
    return c;
}

static void rig_go(struct rig *r, const struct proxy_cfg *pc, const struct http_client_cfg *cc, sim_time_t until)
{
    r->px = proxy_new(r->p, pc);
    cr_assert_not_null(r->px);
    r->cli = http_client_new(r->c, cc);
    http_client_start(r->cli);
    sched_run_until(&s, until);
}

static void rig_free(struct rig *r)
{
    http_client_free(r->cli);
    proxy_free(r->px);
    for (int i = 0; i < 2; i++)
        http_server_free(r->srv[i]);
    sched_run(&s);
    host_free(r->c);
    host_free(r->p);
    host_free(r->s[0]);
    host_free(r->s[1]);
    sched_destroy(&s);
    sched_init(&s);
}

Test(apps_proxy, relays_round_robin_over_kept_alive_upstreams)
{
    struct rig r;
    rig_setup(&r, true);
    struct proxy_cfg pc = proxy_cfg(PROXY_ROUND_ROBIN, 4);
    struct http_client_cfg cc = client_cfg(true, 1 * SIM_S);
    rig_go(&r, &pc, &cc, 1100 * SIM_MS);
    const struct app_stats *st = http_client_stats(r.cli);
    const struct proxy_stats *ps = proxy_stats(r.px);
    cr_assert_gt(st->completed, 500, "only %llu completed", (unsigned long long)st->completed);
    cr_assert_eq(st->failed, 0);
    cr_assert_eq(st->bad_bytes, 0);
    uint64_t a = app_stats_server_count(st, S1), b = app_stats_server_count(st, S2);
    cr_assert_eq(a + b, st->completed);
    cr_assert_leq(a > b ? a - b : b - a, 1, "round robin: %llu and %llu", (unsigned long long)a,
                  (unsigned long long)b);
    cr_assert_eq(ps->requests, st->completed);
    cr_assert_eq(ps->responses, st->completed);
    cr_assert_eq(ps->upstream_errors, 0);
    cr_assert_eq(ps->upstream_conns, 2, "one kept-alive connection per peer, not %llu",
                 (unsigned long long)ps->upstream_conns);
    cr_assert_eq(ps->upstream_reused, ps->requests - 2);
    cr_assert_eq(http_server_stats(r.srv[0])->accepted, 1);
    cr_assert_eq(http_server_stats(r.srv[0])->bad, 0);
    cr_assert_eq(ps->added.count, ps->responses);
    rig_free(&r);
}

Test(apps_proxy, without_keepalive_one_upstream_connection_per_request)
{
    struct rig r;
    rig_setup(&r, true);
    struct proxy_cfg pc = proxy_cfg(PROXY_ROUND_ROBIN, 0);
    struct http_client_cfg cc = client_cfg(true, 200 * SIM_MS);
    rig_go(&r, &pc, &cc, 300 * SIM_MS);
    const struct app_stats *st = http_client_stats(r.cli);
    const struct proxy_stats *ps = proxy_stats(r.px);
    cr_assert_gt(st->completed, 50);
    cr_assert_eq(st->failed, 0);
    cr_assert_eq(ps->upstream_conns, ps->requests);
    cr_assert_eq(ps->upstream_reused, 0);
    cr_assert_eq(http_server_stats(r.srv[0])->accepted + http_server_stats(r.srv[1])->accepted, ps->requests);
    rig_free(&r);
}

/* What an upstream receives, kept; it never answers. */
struct capture {
    char got[2048];
    size_t n;
};

static size_t cap_received(void *ctx, struct tcp_sock *sk, const uint8_t *data, size_t len)
{
    (void)sk;
    struct capture *c = ctx;
    size_t room = sizeof c->got - 1 - c->n, n = len < room ? len : room;
    memcpy(c->got + c->n, data, n);
    c->n += n;
    c->got[c->n] = '\0';
    return len;
}

static void *cap_accepted(void *ctx, struct tcp_sock *l, struct tcp_sock *sk)
{
    (void)l, (void)sk;
    return ctx;
}

static void cap_closed(void *ctx, struct tcp_sock *sk, enum tcp_close_reason why) { (void)ctx, (void)sk, (void)why; }

static const struct tcp_callbacks cap_cb = { .accepted = cap_accepted, .received = cap_received,
                                             .closed = cap_closed };

Test(apps_proxy, passes_the_client_in_x_forwarded_for_and_times_out_with_504)
{
    struct rig r;
    rig_setup(&r, false);
    static struct capture cap;
    memset(&cap, 0, sizeof cap);
    struct tcp_sock *l = tcp_listen(r.s[0], 0, 8080, 16, &cap_cb, &cap);
    struct proxy_cfg pc = proxy_cfg(PROXY_ROUND_ROBIN, 0);
    pc.nupstream = 1;
    pc.timeout = 100 * SIM_MS;
    struct http_client_cfg cc = client_cfg(false, 10 * SIM_MS);
    cc.timeout = 500 * SIM_MS;
    rig_go(&r, &pc, &cc, 400 * SIM_MS);
    cr_assert(strstr(cap.got, "POST /lvslab HTTP/1.1\r\n"), "got: %s", cap.got);
    cr_assert(strstr(cap.got, "\r\nX-Forwarded-For: 10.1.0.2\r\n"), "no X-Forwarded-For in: %s", cap.got);
    cr_assert(strstr(cap.got, "\r\nConnection: close\r\n"), "keepalive 0 asks the upstream to close");
    const struct proxy_stats *ps = proxy_stats(r.px);
    cr_assert_eq(ps->gateway_timeout, 1);
    cr_assert_eq(ps->upstream_errors, 1);
    cr_assert_eq(http_client_stats(r.cli)->fails[APP_FAIL_BAD], 1, "the client reads a 504, not a 200");
    tcp_close(l);
    rig_free(&r);
}

Test(apps_proxy, no_upstream_answers_502)
{
    struct rig r;
    rig_setup(&r, false);
    struct proxy_cfg pc = proxy_cfg(PROXY_ROUND_ROBIN, 2);
    struct http_client_cfg cc = client_cfg(true, 100 * SIM_MS);
    rig_go(&r, &pc, &cc, 200 * SIM_MS);
    const struct app_stats *st = http_client_stats(r.cli);
    const struct proxy_stats *ps = proxy_stats(r.px);
    cr_assert_eq(st->completed, 0);
    cr_assert_gt(st->failed, 10);
    cr_assert_eq(ps->bad_gateway, ps->requests, "every request answered 502");
    /* the first request meets both refusals; with max_fails 1 both are out
     * for fail_timeout and the rest find no live upstream at once */
    cr_assert_eq(ps->upstream_errors, 2);
    cr_assert(proxy_peers_down(proxy_group(r.px), 0, 0) && proxy_peers_down(proxy_group(r.px), 1, 0));
    rig_free(&r);
}

/* s1's server dies at 200 ms: its connection closes, the next attempt is
 * refused and counted, and within fail_timeout everything goes to s2. */
static void stop_s1(void *arg) { http_server_stop(arg); }

Test(apps_proxy, passive_health_steers_away_from_a_stopped_server)
{
    struct rig r;
    rig_setup(&r, true);
    struct proxy_cfg pc = proxy_cfg(PROXY_ROUND_ROBIN, 0);
    struct http_client_cfg cc = client_cfg(true, 1 * SIM_S);
    sched_call_at(&s, 200 * SIM_MS, stop_s1, r.srv[0]);
    rig_go(&r, &pc, &cc, 1100 * SIM_MS);
    const struct app_stats *st = http_client_stats(r.cli);
    const struct proxy_stats *ps = proxy_stats(r.px);
    cr_assert_eq(st->failed, 0, "refusals before the request is sent go to the next peer");
    cr_assert_eq(ps->upstream_errors, 1, "one refusal, then s1 is out for fail_timeout");
    uint64_t s1_after = http_server_stats(r.srv[0])->requests;
    cr_assert_lt(s1_after * 3, st->completed, "s1 served %llu of %llu", (unsigned long long)s1_after,
                 (unsigned long long)st->completed);
    cr_assert_eq(proxy_group(r.px)->peer[0].failures, 1);
    rig_free(&r);
}

static void stop_app(void *arg) { http_server_stop(arg); }
static void start_app(void *arg) { cr_assert(http_server_start(arg)); }

/* A server stopped: new connections are refused (RST to the SYN); started
 * again, it serves. */
Test(apps_proxy, a_stopped_server_refuses_and_serves_again_when_started)
{
    struct rig r;
    rig_setup(&r, true);
    struct http_client_cfg cc = client_cfg(false, 600 * SIM_MS);
    cc.dst = S1;
    cc.dport = 8080;
    route_add(r.c, 0, 0, PROXY, NULL);
    r.p->ip_forward = true;
    sched_call_at(&s, 200 * SIM_MS, stop_app, r.srv[0]);
    sched_call_at(&s, 400 * SIM_MS, start_app, r.srv[0]);
    r.cli = http_client_new(r.c, &cc);
    http_client_start(r.cli);
    sched_run_until(&s, 200 * SIM_MS);
    uint64_t before = http_client_stats(r.cli)->completed;
    cr_assert_gt(before, 20);
    sched_run_until(&s, 399 * SIM_MS);
    const struct app_stats *st = http_client_stats(r.cli);
    cr_assert_gt(st->fails[APP_FAIL_REFUSED], 20, "stopped: refused");
    cr_assert_leq(st->completed, before + 1);
    cr_assert_not(http_server_running(r.srv[0]));
    sched_run_until(&s, 700 * SIM_MS);
    cr_assert_gt(http_client_stats(r.cli)->completed, before + 20, "started again: served");
    rig_free(&r);
}
