/*
 * A scenario's run built as a simulated world: the main scenario's LAN in
 * each mode carries fetches from a client through the director to every
 * real server (also as a firewall-mark service); a FULLNAT run without local addresses and a bad ipvsadm rule
 * are refused with the script's line, a bad keepalived.conf with its own.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "lvs/director.h"
#include "net/hdr.h"
#include "net/tcp.h"
#include "sim/build.h"

static struct scenario sc;
static char err[512];

struct fetch {
    size_t got;
    bool done;
};

static void fetch_connected(void *ctx, struct tcp_sock *s)
{
    (void)ctx;
    tcp_send(s, "GET", 3);
}

static size_t fetch_received(void *ctx, struct tcp_sock *s, const uint8_t *d, size_t len)
{
    (void)s, (void)d;
    ((struct fetch *)ctx)->got += len;
    return len;
}

static void fetch_eof(void *ctx, struct tcp_sock *s)
{
    ((struct fetch *)ctx)->done = true;
    tcp_close(s);
}

static const struct tcp_callbacks fetch_cb = { .connected = fetch_connected, .received = fetch_received,
                                               .eof = fetch_eof };

static size_t serve_received(void *ctx, struct tcp_sock *s, const uint8_t *d, size_t len)
{
    (void)ctx, (void)d;
    static const uint8_t page[5000];
    tcp_send(s, page, sizeof page);
    tcp_shutdown(s);
    return len;
}

static void serve_eof(void *ctx, struct tcp_sock *s)
{
    (void)ctx;
    tcp_close(s);
}

static void *serve_accepted(void *ctx, struct tcp_sock *l, struct tcp_sock *s)
{
    (void)l, (void)s;
    return ctx;
}

static const struct tcp_callbacks serve_cb = { .accepted = serve_accepted, .received = serve_received,
                                               .eof = serve_eof };

static void build_run(enum scn_mode mode, const char *const *set, int nset, struct scn_topo *t)
{
    cr_assert_eq(scenario_load(&sc, "scenarios/compare-modes.lua", set, nset, err, sizeof err), 0, "%s", err);
    struct scn_run run = { .mode = mode, .sweep = { { .num = 3 } } };
    cr_assert_eq(scenario_build(&sc, &run, t, err, sizeof err), 0, "%s", err);
}

/* As a firewall-mark service: -f 5 on what the director marks (TCP to the VIP:80). */
static void use_fwmark(struct scn_topo *t)
{
    snprintf(t->directors[0].ipvsadm[0], SCN_LINE_MAX, "-A -f 5 -s wlc");
    for (int i = 1; i < t->directors[0].nipvsadm; i++)
        snprintf(t->directors[0].ipvsadm[i], SCN_LINE_MAX, "-a -f 5 -r 10.0.0.%d -g", 10 + i);
    struct scn_node *d = &t->nodes[t->directors[0].node];
    d->marks[d->nmarks++] = (struct scn_mark){ .protocol = IPPROTO_TCP, .daddr = t->directors[0].vip,
                                                .prefix_len = 32, .dport_lo = 80, .dport_hi = 80, .mark = 5 };
}

static void fetch_through(enum scn_mode mode, bool fwmark)
{
    const char *set[] = { "servers=3" };
    struct scn_topo t;
    build_run(mode, set, 1, &t);
    if (fwmark)
        use_fwmark(&t);
    struct sim_build b;
    cr_assert_eq(sim_build(&b, &t, 1, NULL, err, sizeof err), 0, "%s: %s", scn_mode_name(mode), err);
    for (int i = 1; i <= 3; i++) {
        char name[SCN_NAME_MAX];
        snprintf(name, sizeof name, "rs%d", i);
        tcp_listen(b.nodes[scn_topo_node(&t, name)]->host, 0, 80, 64, &serve_cb, NULL);
    }
    struct host *client = b.nodes[scn_topo_node(&t, "client1")]->host;
    struct fetch f[6] = { 0 };
    for (int i = 0; i < 6; i++)
        tcp_connect(client, 0, t.directors[0].vip, 80, &fetch_cb, &f[i]);
    sched_run_until(&b.w->sched, 2 * SIM_S);
    for (int i = 0; i < 6; i++)
        cr_assert(f[i].done && f[i].got == 5000, "%s: fetch %d got %zu", scn_mode_name(mode), i, f[i].got);
    cr_assert_eq(b.ipvs[0]->stats.conns, 6, "%s", scn_mode_name(mode));
    for (struct ipvs_dest *d = b.ipvs[0]->services->dests; d; d = d->next)
        cr_assert_eq(d->stats.conns, 2, "%s: wlc spreads evenly", scn_mode_name(mode));
    cr_assert_eq(sim_build_free(&b), 0);
    scn_topo_free(&t);
    scenario_free(&sc);
}

Test(sim_build, nat_carries_fetches) { fetch_through(SCN_NAT, false); }
Test(sim_build, dr_carries_fetches) { fetch_through(SCN_DR, false); }
Test(sim_build, tun_carries_fetches) { fetch_through(SCN_TUN, false); }
Test(sim_build, fullnat_carries_fetches) { fetch_through(SCN_FULLNAT, false); }
Test(sim_build, a_fwmark_service_carries_marked_fetches) { fetch_through(SCN_DR, true); }

static void refused(struct scn_topo *t, const char *expect)
{
    struct sim_build b;
    cr_assert_eq(sim_build(&b, t, 1, NULL, err, sizeof err), -1);
    cr_assert(strstr(err, expect), "error \"%s\" lacks \"%s\"", err, expect);
    cr_assert(strstr(err, "compare-modes.lua:"), "error \"%s\" names no script line", err);
    cr_assert_null(b.w);
    scn_topo_free(t);
    scenario_free(&sc);
}

Test(sim_build, fullnat_without_local_addresses_is_refused)
{
    struct scn_topo t;
    build_run(SCN_FULLNAT, NULL, 0, &t);
    t.directors[0].nladdrs = 0;
    refused(&t, "FULLNAT real servers need laddrs");
}

Test(sim_build, a_bad_rule_is_refused_with_ipvsadm_text)
{
    struct scn_topo t;
    build_run(SCN_DR, NULL, 0, &t);
    snprintf(t.directors[0].ipvsadm[1], SCN_LINE_MAX, "-a -t 10.0.0.100:80 -r 10.0.0.11 -w 99999");
    refused(&t, "rules[2]: illegal weight specified");
}

Test(sim_build, a_bad_keepalived_conf_is_refused_with_its_line)
{
    struct scn_topo t;
    build_run(SCN_DR, NULL, 0, &t);
    snprintf(t.directors[0].keepalived, sizeof t.directors[0].keepalived,
             "tests/fixtures/keepalived/bad_unknown_keyword.conf");
    struct sim_build b;
    cr_assert_eq(sim_build(&b, &t, 1, NULL, err, sizeof err), -1);
    cr_assert(strstr(err, "tests/fixtures/keepalived/bad_unknown_keyword.conf:") == err, "%s", err);
    cr_assert_null(b.w);
    scn_topo_free(&t);
    scenario_free(&sc);
}
