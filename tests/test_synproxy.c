/*
 * The SYN proxy (lvs/synproxy.c) in the simulator: cookies carry the SYN's
 * options and expire; fetches through a SYN-proxy service (FULLNAT and NAT)
 * get every byte and pass tshark; a SYN flood from spoofed sources makes no
 * connection entry and sends nothing to the real servers while fetches
 * during it complete (without the proxy the same flood reaches them and
 * fills their backlogs, so fetches fail); an ACK
 * with a bad cookie is dropped and counted; a real server's RST reaches the
 * client at the sequence number it expects; ipvsadm's -j enable|disable.
 */
#include <criterion/criterion.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <unistd.h>

#include "lvs/conn.h"
#include "lvs/ipvsadm.h"
#include "lvs/synproxy_cookie.h"
#include "net/csum.h"
#include "net/ipv4.h"
#include "tests/support/lvs_lab.h"

Test(synproxy, cookie_carries_the_options_and_expires)
{
    struct ipvs_syncookie_key key;
    ipvs_syncookie_key_init(&key, 42);
    struct ipvs_syncookie_opts o = { .mss = 1452, .wscale = 7, .wscale_ok = true, .sack_ok = true, .ts_ok = true };
    uint32_t c = ipvs_syncookie_make(&key, IP4(10, 1, 0, 2), IP4(10, 1, 0, 100), 40000, 80, 123456, 1000, &o);
    cr_assert_eq(o.mss, 1440, "1452 rounds down to the table's 1440, got %u", o.mss);
    struct ipvs_syncookie_opts got;
    for (uint32_t later = 0; later < IPVS_SYNCOOKIE_TRIES; later++) {
        cr_assert(ipvs_syncookie_check(&key, c, IP4(10, 1, 0, 2), IP4(10, 1, 0, 100), 40000, 80, 123456,
                                       1000 + later, &got), "good %u minutes later", later);
        cr_assert(got.mss == 1440 && got.wscale == 7 && got.wscale_ok && got.sack_ok && got.ts_ok);
    }
    cr_assert_not(ipvs_syncookie_check(&key, c, IP4(10, 1, 0, 2), IP4(10, 1, 0, 100), 40000, 80, 123456,
                                       1000 + IPVS_SYNCOOKIE_TRIES, &got), "a stale cookie passed");
    cr_assert_not(ipvs_syncookie_check(&key, c, IP4(10, 1, 0, 3), IP4(10, 1, 0, 100), 40000, 80, 123456, 1000, &got),
                  "another client's cookie passed");
    cr_assert_not(ipvs_syncookie_check(&key, c + 1, IP4(10, 1, 0, 2), IP4(10, 1, 0, 100), 40000, 80, 123456, 1000,
                                       &got), "a changed cookie passed");
    struct ipvs_syncookie_opts plain = { .mss = 500 };
    c = ipvs_syncookie_make(&key, 1, 2, 3, 4, 5, 6, &plain);
    cr_assert(ipvs_syncookie_check(&key, c, 1, 2, 3, 4, 5, 6, &got));
    cr_assert(got.mss == 536 && !got.wscale_ok && !got.sack_ok && !got.ts_ok, "mss %u", got.mss);
}

static void synproxy_on(struct lab *l)
{
    struct ipvs_service_conf conf = l->svc;
    conf.flags |= IPVS_SVC_SYNPROXY;
    cr_assert_eq(ipvs_service_edit(&l->ipvs, &conf), 0);
}

/* TCP frames from (or to) the real servers in a node's capture, and SYNs among them. */
static void count_tcp(const char *dir, const char *node, int *tcp, int *syn)
{
    char path[128], err[PCAP_ERRBUF_SIZE];
    snprintf(path, sizeof path, "%s/%s-eth0.pcap", dir, node);
    pcap_t *pc = pcap_open_offline(path, err);
    cr_assert_not_null(pc, "%s: %s", path, err);
    struct pcap_pkthdr *h;
    const u_char *frame;
    *tcp = *syn = 0;
    while (pcap_next_ex(pc, &h, &frame) == 1) {
        const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(frame + ETH_HLEN);
        if (h->caplen < ETH_HLEN + IPV4_HLEN + TCP_HLEN || frame[12] != 0x08 || frame[13] != 0 ||
            ip->proto != IPPROTO_TCP)
            continue;
        const struct tcp_hdr *th = (const struct tcp_hdr *)((const uint8_t *)ip + ipv4_hdr_len(ip));
        (*tcp)++;
        if ((th->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
            (*syn)++;
    }
    pcap_close(pc);
}

static void pcaps_pass(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "MIN_FRAMES=5 sh scripts/pcap-check.sh %s/*.pcap >/dev/null", dir);
    cr_assert_eq(system(cmd), 0, "pcaps in %s fail tshark's checks", dir);
}

static void rm_dir(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static void fetch_through_synproxy(enum ipvs_fwd fwd)
{
    char dir[] = "/tmp/lvslab-synproxy-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    struct lab l;
    lab_init(&l, fwd, "rr", dir);
    synproxy_on(&l);
    lab_fetches(&l, 6, 10 * SIM_MS, 2 * SIM_MS);
    sched_run_until(&l.w->sched, 3 * SIM_S);
    for (int i = 0; i < l.nfetch; i++) {
        struct lab_fetch *f = &l.fetch[i];
        cr_assert(f->done && f->got == l.response && !f->bad_byte, "%s: fetch %d: done %d, %zu bytes",
                  ipvs_fwd_name(fwd), i, f->done, f->got);
    }
    const struct ipvs_synproxy_stats *s = &l.ipvs.synproxy;
    cr_assert(s->syn_answered == 6 && s->ack_ok == 6 && s->rs_synack == 6 && s->ack_bad == 0 && s->held_over == 0,
              "answered %llu ok %llu synack %llu bad %llu", (unsigned long long)s->syn_answered,
              (unsigned long long)s->ack_ok, (unsigned long long)s->rs_synack, (unsigned long long)s->ack_bad);
    if (fwd == IPVS_FWD_FULLNAT)
        for (int k = 0; k < LAB_SERVERS; k++)
            cr_assert(l.srv[k].toa_ok == 2 && l.srv[k].toa_missing == 0, "rs%d: TOA %d ok, %d missing", k + 1,
                      l.srv[k].toa_ok, l.srv[k].toa_missing);
    cr_assert_eq(lab_free(&l), 0, "packets leaked");
    pcaps_pass(dir);
    rm_dir(dir);
}

Test(synproxy, fullnat_fetch_gets_every_byte) { fetch_through_synproxy(IPVS_FWD_FULLNAT); }
Test(synproxy, nat_fetch_gets_every_byte) { fetch_through_synproxy(IPVS_FWD_MASQ); }

/* A raw TCP segment with an MSS option from src (a spoofed flood source
 * or the client) to the VIP, sent by the client's host. */
struct raw_seg {
    struct lab *l;
    uint32_t src, seq, ack;
    uint16_t sport;
    uint8_t flags;
};

static void send_raw(void *arg)
{
    struct raw_seg *r = arg;
    struct host *h = r->l->client->host;
    struct pkt *p = pkt_alloc(h->pool, TCP_HLEN + 4);
    struct tcp_hdr *th = (struct tcp_hdr *)p->data;
    *th = (struct tcp_hdr){ .sport = htons(r->sport), .dport = htons(LAB_PORT), .seq = htonl(r->seq),
                            .ack = htonl(r->ack), .doff = 6 << 4, .flags = r->flags, .window = htons(64240) };
    uint8_t *mss = (uint8_t *)(th + 1);
    mss[0] = TCPOPT_MSS, mss[1] = 4, mss[2] = 1460 >> 8, mss[3] = 1460 & 0xff;
    th->check = csum_fold(csum_partial(th, p->len, csum_pseudo(htonl(r->src), htonl(r->l->vip), IPPROTO_TCP,
                                                               (uint16_t)p->len)));
    ipv4_send(h, p, r->src, r->l->vip, IPPROTO_TCP, 0, true);
}

#define FLOOD 2000

struct flood_result {
    size_t entries;            /* connection entries after it */
    int syns;                  /* SYNs the real servers saw */
    int fetched;               /* fetches during it that got every byte */
};

/* FLOOD SYNs from spoofed sources, 10 us apart from 5 ms, and four
 * fetches during them. */
static struct flood_result flood(bool synproxy)
{
    char dir[] = "/tmp/lvslab-synflood-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    struct lab l;
    lab_init(&l, IPVS_FWD_FULLNAT, "rr", dir);
    if (synproxy)
        synproxy_on(&l);
    /* answers to the spoofed sources go back towards the client's LAN */
    cr_assert_eq(route_add(l.director->host, 0, 0, l.client_addr, NULL), 0);
    static struct raw_seg segs[FLOOD];
    for (int i = 0; i < FLOOD; i++) {
        segs[i] = (struct raw_seg){ .l = &l, .src = IP4(10, 9, i >> 8, i & 255), .sport = (uint16_t)(1024 + i),
                                    .seq = (uint32_t)i * 7919u, .flags = TCP_SYN };
        sched_call_at(&l.w->sched, 5 * SIM_MS + i * 10 * SIM_US, send_raw, &segs[i]);
    }
    lab_fetches(&l, 4, 6 * SIM_MS, 4 * SIM_MS);
    sched_run_until(&l.w->sched, 3 * SIM_S);
    struct flood_result r = { .entries = ipvs_conn_count(&l.ipvs) };
    for (int i = 0; i < l.nfetch; i++) {
        struct lab_fetch *f = &l.fetch[i];
        cr_assert_not(f->bad_byte, "fetch %d: bytes wrong", i);
        r.fetched += f->done && f->got == l.response;
    }
    if (synproxy)
        cr_assert_eq(l.ipvs.synproxy.syn_answered, FLOOD + 4);
    cr_assert_eq(lab_free(&l), 0, "packets leaked");
    for (int k = 0; k < LAB_SERVERS; k++) {
        char node[16];
        int tcp, syn;
        snprintf(node, sizeof node, "rs%d", k + 1);
        count_tcp(dir, node, &tcp, &syn);
        r.syns += syn;
    }
    pcaps_pass(dir);
    rm_dir(dir);
    return r;
}

Test(synproxy, spoofed_syn_flood_makes_no_entry_and_reaches_no_server, .timeout = 60)
{
    struct flood_result on = flood(true), off = flood(false);
    cr_log_info("SYN flood of %d: with the proxy %zu entries, %d SYNs at the servers, %d/4 fetches; "
                "without %zu entries, %d SYNs, %d/4 fetches", FLOOD, on.entries, on.syns, on.fetched,
                off.entries, off.syns, off.fetched);
    cr_assert_eq(on.entries, 4, "entries with the proxy: %zu (the 4 fetches' only)", on.entries);
    cr_assert_eq(on.syns, 4, "SYNs at the real servers with the proxy: %d (the 4 fetches' only)", on.syns);
    cr_assert_eq(on.fetched, 4, "fetches done during the flood with the proxy: %d", on.fetched);
    cr_assert_geq(off.entries, FLOOD, "entries without the proxy: %zu", off.entries);
    cr_assert_geq(off.syns, FLOOD + 4, "SYNs at the real servers without the proxy: %d", off.syns);
    cr_assert_lt(off.fetched, 4, "without the proxy the flood should fill the servers' backlogs");
}

Test(synproxy, ack_with_a_bad_cookie_is_dropped_and_counted)
{
    char dir[] = "/tmp/lvslab-badack-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    struct lab l;
    lab_init(&l, IPVS_FWD_MASQ, "rr", dir);
    synproxy_on(&l);
    struct raw_seg ack = { .l = &l, .src = l.client_addr, .sport = 40000, .seq = 1001, .ack = 0x5eed5eed,
                           .flags = TCP_ACK };
    sched_call_at(&l.w->sched, 5 * SIM_MS, send_raw, &ack);
    lab_fetch_from(&l, 20 * SIM_MS, 40001);      /* a good one after it */
    sched_run_until(&l.w->sched, SIM_S);
    cr_assert_eq(l.ipvs.synproxy.ack_bad, 1);
    cr_assert_eq(l.ipvs.synproxy.ack_ok, 1, "the fetch's own ACK");
    cr_assert_eq(ipvs_conn_count(&l.ipvs), 1, "the bad ACK made an entry");
    cr_assert(l.fetch[0].done && l.fetch[0].got == l.response);
    cr_assert_eq(lab_free(&l), 0, "packets leaked");
    int tcp = 0, syn = 0, all = 0;
    for (int k = 0; k < LAB_SERVERS; k++) {
        char node[16];
        snprintf(node, sizeof node, "rs%d", k + 1);
        count_tcp(dir, node, &tcp, &syn);
        all += syn;
    }
    cr_assert_eq(all, 1, "SYNs to the real servers: %d (the fetch's only)", all);
    rm_dir(dir);
}

/* A connection to a port nothing listens on at the real server. */
struct refused {
    bool closed;
    enum tcp_close_reason why;
};

static void refused_closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    (void)s;
    struct refused *r = ctx;
    r->closed = true;
    r->why = why;
}

static const struct tcp_callbacks refused_cb = { .closed = refused_closed };

Test(synproxy, real_server_rst_reaches_the_client_in_its_sequence_space)
{
    struct lab l;
    lab_init(&l, IPVS_FWD_MASQ, "rr", "");
    struct ipvs_service_conf svc = { .protocol = IPPROTO_TCP, .addr = l.vip, .port = 81,
                                     .flags = IPVS_SVC_SYNPROXY, .sched_name = "rr" };
    cr_assert_eq(ipvs_service_add(&l.ipvs, &svc), 0);
    struct ipvs_dest_conf d = { .addr = l.rip[0], .port = 81, .fwd = IPVS_FWD_MASQ, .weight = 1 };
    cr_assert_eq(ipvs_dest_add(&l.ipvs, &svc, &d), 0);
    struct refused r = { 0 };
    sched_run_until(&l.w->sched, 5 * SIM_MS);
    cr_assert_not_null(tcp_connect_opts(l.client->host, 0, 0, l.vip, 81, &refused_cb, &r, NULL));
    sched_run_until(&l.w->sched, 200 * SIM_MS);
    cr_assert_eq(l.ipvs.synproxy.rs_rst, 1);
    cr_assert(r.closed, "the client never took the RST");
    cr_assert_eq(r.why, TCP_CLOSE_RESET, "closed: %s", tcp_close_reason_name(r.why));
    cr_assert_eq(l.client->host->drops[DROP_TCP_BAD_RST], 0, "the RST's sequence number was wrong");
    cr_assert_eq(lab_free(&l), 0, "packets leaked");
}

Test(synproxy, ipvsadm_j_enables_and_refuses_what_cannot_work)
{
    struct ipvsadm_cmd c;
    char err[256];
    cr_assert_eq(ipvsadm_parse("-A -t 10.0.0.100:80 -s rr -j enable", &c, err, sizeof err), 0, "%s", err);
    cr_assert(c.svc.flags & IPVS_SVC_SYNPROXY);
    cr_assert_eq(ipvsadm_parse("-E -t 10.0.0.100:80 --synproxy disable", &c, err, sizeof err), 0, "%s", err);
    cr_assert_not(c.svc.flags & IPVS_SVC_SYNPROXY);
    cr_assert_eq(ipvsadm_parse("-A -t 10.0.0.100:80 -j on", &c, err, sizeof err), -1);
    cr_assert(strstr(err, "synproxy switch must be enable or disable"), "%s", err);
    cr_assert_eq(ipvsadm_parse("-a -t 10.0.0.100:80 -r 10.0.0.11 -m -j enable", &c, err, sizeof err), -1);
    cr_assert(strstr(err, "Illegal 'synproxy' option"), "%s", err);

    struct lab l;
    lab_init(&l, IPVS_FWD_MASQ, "rr", "");
    struct ipvsadm_io io = { .out = stdout };
    cr_assert_eq(ipvsadm_run(&l.ipvs, "-A -t 10.1.0.100:81 -j enable", "t:1", &io, err, sizeof err), 0, "%s", err);
    cr_assert_eq(ipvsadm_run(&l.ipvs, "-a -t 10.1.0.100:81 -r 10.2.0.11 -g", "t:2", &io, err, sizeof err), -1);
    cr_assert(strstr(err, "SYN proxy needs NAT or FULLNAT"), "%s", err);
    cr_assert_eq(ipvsadm_run(&l.ipvs, "-a -t 10.1.0.100:81 -r 10.2.0.11 -m", "t:3", &io, err, sizeof err), 0, "%s", err);
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    ipvsadm_list_all(&l.ipvs, IPVSADM_FMT_NUMERIC, f);
    fclose(f);
    cr_assert(strstr(text, "TCP  10.1.0.100:81 wlc synproxy\n"), "%s", text);
    free(text);
    cr_assert_eq(lab_free(&l), 0);
}
