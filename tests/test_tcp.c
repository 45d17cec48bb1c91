/*
 * TCP over the real host stack, two hosts joined back to back by
 * tests/support/wire.h: the handshake and its options, ISNs and ports from
 * the seed, refusal, SYN and SYN-ACK retries, bad headers and segments
 * (truncated, bad offset, bad checksum, bad flags, outside the window, bad
 * ACK, RSTs with bad sequence numbers, PAWS), the backlog, simultaneous open
 * and close, TIME_WAIT and its reuse, zero-window probing, delayed ACKs,
 * Nagle, back-pressure, ICMP fragmentation-needed, MSS clamps, thousands of
 * connections, random segments, shorter transfers under loss (the 10 MB
 * transfer is in test_tcp_transfer.c). Every test ends with no packet live.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "engine/rng.h"
#include "engine/sched.h"
#include "net/csum.h"
#include "net/hdr.h"
#include "net/host.h"
#include "net/tcp.h"
#include "net/tcp_int.h"
#include "net/tcp_opts.h"
#include "net/tcp_seq.h"
#include "support/leak_check.h"
#include "support/wire.h"

#define PERIOD 65521u
static uint8_t pattern[PERIOD + 65536];

static void pattern_init(void)
{
    for (uint32_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (uint8_t)(((i % PERIOD) * 2654435761u) >> 24);
}

/* Each test has its clock `s` and pool `pool` (tests/support/wire.h). */
WIRE_SUITE_INIT(tcp, pattern_init);

/* ---- two hosts on a wire, and a segment handed in ---- */

/* Hand h's TCP a segment (data at its IPv4 header) as IPv4 input would. */
static void inject(struct host *h, struct pkt *p)
{
    pkt_set_l3(p);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    pkt_pull(p, ipv4_hdr_len(ip));
    pkt_set_l4(p);
    h->proto[ip->proto].input(h->proto[ip->proto].ctx, h, p);
}

/* Frees the hosts (the caller ran the clock to the end); no packet may be
 * live, checked here already (the suite's teardown checks again once the
 * pool is freed). */
static void finish(struct wire_pair *P)
{
    wire_pair_free(P);
    leak_check(pkt_pool_live(pool));
}

struct app {
    struct tcp_sock *s;
    size_t total, sent, rx;
    uint64_t bad;
    int connected, accepted, eofs, closed;
    enum tcp_close_reason why;
    sim_time_t closed_at;
    struct tcp_sock_stats last;    /* at the closed() callback */
    bool shutdown_on_eof, close_on_eof, paused;
};

static void app_pump(struct app *a, struct tcp_sock *s)
{
    while (a->sent < a->total) {
        size_t n = a->total - a->sent;
        if (n > 65536)
            n = 65536;
        size_t k = tcp_send(s, pattern + a->sent % PERIOD, n);
        a->sent += k;
        if (k < n)
            return;
    }
    if (a->total)
        tcp_shutdown(s);
}

static void app_connected(void *ctx, struct tcp_sock *s)
{
    struct app *a = ctx;
    a->connected++;
    a->s = s;
    app_pump(a, s);
}
static void app_writable(void *ctx, struct tcp_sock *s) { app_pump(ctx, s); }
static void *app_accepted(void *lctx, struct tcp_sock *l, struct tcp_sock *s)
{
    (void)l;
    struct app *a = lctx;
    a->accepted++;
    a->s = s;
    app_pump(a, s);
    return a;
}
static size_t app_received(void *ctx, struct tcp_sock *s, const uint8_t *d, size_t n)
{
    (void)s;
    struct app *a = ctx;
    if (a->paused)
        return 0;
    size_t left = n;
    while (left) {
        size_t k = left > 65536 ? 65536 : left;
        if (memcmp(d, pattern + a->rx % PERIOD, k) != 0)
            a->bad++;
        a->rx += k;
        d += k;
        left -= k;
    }
    return n;
}
static void app_eof(void *ctx, struct tcp_sock *s)
{
    struct app *a = ctx;
    a->eofs++;
    if (a->close_on_eof)
        tcp_close(s);
    else if (a->shutdown_on_eof)
        tcp_shutdown(s);
}
static void app_closed(void *ctx, struct tcp_sock *sock, enum tcp_close_reason why)
{
    struct app *a = ctx;
    a->closed++;
    a->why = why;
    a->s = NULL;
    tcp_sock_stats(sock, &a->last);
    a->closed_at = sched_now(&s);
}

static const struct tcp_callbacks app_cb = {
    .accepted = app_accepted, .connected = app_connected, .received = app_received,
    .eof = app_eof, .writable = app_writable, .closed = app_closed,
};

/* A TCP segment (with options) inside an IPv4 header, checksums right,
 * data at the IP header. */
static struct pkt *craft_opt(struct pkt_pool *pool, uint32_t src, uint32_t dst, uint16_t sport,
                             uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                             uint16_t win, const uint8_t *opt, uint32_t olen,
                             const void *payload, uint32_t len)
{
    uint32_t hl = TCP_HLEN + olen;
    struct pkt *p = pkt_alloc(pool, IPV4_HLEN + hl + len);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    memset(ip, 0, IPV4_HLEN);
    ip->ver_ihl = 0x45;
    ip->tot_len = htons((uint16_t)p->len);
    ip->ttl = 64;
    ip->proto = 6;
    ip->saddr = htonl(src);
    ip->daddr = htonl(dst);
    ip->check = csum_buf(ip, IPV4_HLEN);
    struct tcp_hdr *th = (struct tcp_hdr *)(p->data + IPV4_HLEN);
    memset(th, 0, TCP_HLEN);
    th->sport = htons(sport);
    th->dport = htons(dport);
    th->seq = htonl(seq);
    th->ack = htonl(ack);
    th->doff = (uint8_t)((hl / 4) << 4);
    th->flags = flags;
    th->window = htons(win);
    if (olen)
        memcpy(p->data + IPV4_HLEN + TCP_HLEN, opt, olen);
    if (len)
        memcpy(p->data + IPV4_HLEN + hl, payload, len);
    uint32_t sum = csum_pseudo(ip->saddr, ip->daddr, 6, (uint16_t)(hl + len));
    th->check = csum_fold(csum_partial(th, hl + len, sum));
    return p;
}

static struct pkt *craft(struct pkt_pool *pool, uint32_t src, uint32_t dst, uint16_t sport,
                         uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
                         const void *payload, uint32_t len)
{
    return craft_opt(pool, src, dst, sport, dport, seq, ack, flags, win, NULL, 0, payload, len);
}

static void tcp_fix_csum(struct pkt *p)
{
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    struct tcp_hdr *th = (struct tcp_hdr *)(p->data + IPV4_HLEN);
    uint32_t l = p->len - IPV4_HLEN;
    th->check = 0;
    th->check = csum_fold(csum_partial(th, l, csum_pseudo(ip->saddr, ip->daddr, 6, (uint16_t)l)));
}

/* Run until the connection is up: client a -> server b:80. */
static struct tcp_sock *establish(struct wire_pair *P, struct app *ca, struct app *sa)
{
    cr_assert_not_null(tcp_listen(P->b, 0, 80, 16, &app_cb, sa));
    struct tcp_sock *c = tcp_connect(P->a, 0, WIRE_PAIR_B, 80, &app_cb, ca);
    cr_assert_not_null(c);
    sched_run_until(&s, sched_now(&s) + 10 * SIM_MS);
    cr_assert_eq(ca->connected, 1);
    cr_assert_eq(sa->accepted, 1);
    return c;
}

/* ---- tests ---- */

Test(tcp, handshake_negotiates_options)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { 0 }, sa = { 0 };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    struct tcp_sock_stats st, ss;
    tcp_sock_stats(c, &st);
    tcp_sock_stats(sa.s, &ss);
    cr_assert_eq(st.state, TCP_ESTABLISHED);
    cr_assert_eq(ss.state, TCP_ESTABLISHED);
    cr_assert_eq(st.mss, 1460, "MSS from the path MTU 1500 - 40");
    cr_assert_eq(st.cwnd, 10 * (1460 - 12), "IW10 of 1448-byte segments (timestamps on)");
    cr_assert_eq(st.srtt, 400 * SIM_US,
                 "RTT sampled on the SYN, which waited one round trip for ARP (%lld ns)",
                 (long long)st.srtt);
    cr_assert_eq(ss.srtt, 200 * SIM_US, "RTT sampled on the SYN-ACK");
    cr_assert_eq(c->snd_wscale, 7, "shift 7 from tcp_rmem[2] = 6 MB, as Linux 6.x");
    cr_assert(c->sack_ok && c->ts_ok && c->ws_ok);
    uint16_t lport, rport;
    tcp_sock_addrs(c, NULL, &lport, NULL, &rport);
    cr_assert_eq(rport, 80);
    cr_assert(lport >= 32768 && lport <= 60999, "ephemeral port %u", lport);
    tcp_abort(c);
    sched_run(&s);
    cr_assert_eq(sa.closed, 1);
    cr_assert_eq(sa.why, TCP_CLOSE_RESET);
    finish(&P);
}

Test(tcp, isn_and_port_are_deterministic_per_seed)
{
    uint32_t isn[3];
    uint16_t port[3];
    uint64_t seeds[3] = { 5, 5, 6 };
    for (int i = 0; i < 3; i++) {
        struct sched clock;            /* each from time 0: the ISN follows the clock */
        sched_init(&clock);
        struct wire_pair P;
        wire_pair_seeded(&P, &clock, pool, 100 * SIM_US, seeds[i], seeds[i]);
        struct tcp_sock *c = tcp_connect(P.a, 0, WIRE_PAIR_B, 80, &app_cb, NULL);
        isn[i] = c->iss;
        tcp_sock_addrs(c, NULL, &port[i], NULL, NULL);
        tcp_abort(c);
        sched_run(&clock);
        finish(&P);
        sched_destroy(&clock);
    }
    cr_assert_eq(isn[0], isn[1]);
    cr_assert_eq(port[0], port[1]);
    cr_assert(isn[0] != isn[2] || port[0] != port[2]);
}

Test(tcp, closed_port_is_refused_with_rst)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { 0 };
    tcp_connect(P.a, 0, WIRE_PAIR_B, 81, &app_cb, &ca);
    sched_run(&s);
    cr_assert_eq(ca.closed, 1);
    cr_assert_eq(ca.why, TCP_CLOSE_REFUSED);
    cr_assert_eq(P.b->drops[DROP_TCP_NO_SOCKET], 1);
    cr_assert_eq(tcp_stack_stats(P.b)->resets_sent, 1);
    cr_assert_eq(tcp_stack_stats(P.a)->conns, 0);
    finish(&P);
}

Test(tcp, syn_retries_back_off_then_time_out)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    P.w.cut[0] = true;     /* every SYN is lost */
    struct app ca = { 0 };
    struct tcp_sock *c = tcp_connect(P.a, 0, WIRE_PAIR_B, 80, &app_cb, &ca);
    sched_run_until(&s, 2 * SIM_S);
    struct tcp_sock_stats st;
    tcp_sock_stats(c, &st);
    cr_assert_eq(st.timeouts, 1, "one retry after 1 s");
    cr_assert_eq(st.rto, 2 * SIM_S, "then 2 s");
    sched_run(&s);
    /* 6 retries (Linux tcp_syn_retries): 1+2+4+8+16+32 s, then 64 s more */
    cr_assert_eq(ca.closed, 1);
    cr_assert_eq(ca.why, TCP_CLOSE_TIMEOUT);
    cr_assert_eq(ca.closed_at, 127 * SIM_S);
    cr_assert_eq(ca.last.segs_out, 7, "the SYN and 6 retries");
    cr_assert_eq(ca.last.timeouts, 7);
    finish(&P);
}

Test(tcp, bad_headers_are_dropped_and_counted)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app sa = { 0 };
    tcp_listen(P.b, 0, 80, 16, &app_cb, &sa);
    uint32_t A = WIRE_PAIR_A, B = WIRE_PAIR_B;

    /* truncated: 12 bytes of TCP header */
    struct pkt *p = craft(pool, A, B, 1000, 80, 1, 0, TCP_SYN, 1000, NULL, 0);
    pkt_trim(p, IPV4_HLEN + 12);
    ((struct ipv4_hdr *)p->data)->tot_len = htons(IPV4_HLEN + 12);
    inject(P.b, p);
    cr_assert_eq(P.b->drops[DROP_TCP_SHORT], 1);

    /* data offset below 5 words, and beyond the segment */
    p = craft(pool, A, B, 1000, 80, 1, 0, TCP_SYN, 1000, NULL, 0);
    ((struct tcp_hdr *)(p->data + IPV4_HLEN))->doff = 4 << 4;
    tcp_fix_csum(p);
    inject(P.b, p);
    p = craft(pool, A, B, 1000, 80, 1, 0, TCP_SYN, 1000, "abcd", 4);
    ((struct tcp_hdr *)(p->data + IPV4_HLEN))->doff = 15 << 4;
    tcp_fix_csum(p);
    inject(P.b, p);
    cr_assert_eq(P.b->drops[DROP_TCP_BAD_OFF], 2);

    /* bad checksum */
    p = craft(pool, A, B, 1000, 80, 1, 0, TCP_SYN, 1000, "abcd", 4);
    p->data[p->len - 1] ^= 0x40;
    inject(P.b, p);
    cr_assert_eq(P.b->drops[DROP_TCP_CSUM], 1);

    /* SYN+FIN and SYN+RST are nonsense */
    p = craft(pool, A, B, 1000, 80, 1, 0, TCP_SYN | TCP_FIN, 1000, NULL, 0);
    inject(P.b, p);
    p = craft(pool, A, B, 1000, 80, 1, 0, TCP_SYN | TCP_RST, 1000, NULL, 0);
    inject(P.b, p);
    cr_assert_eq(P.b->drops[DROP_TCP_BAD_FLAGS], 2);

    /* malformed options do not crash: option length running past the header */
    p = craft(pool, A, B, 1000, 80, 1, 0, TCP_SYN, 1000, "\x02\x04\x05\xb4\x08\x40\x00\x00", 8);
    ((struct tcp_hdr *)(p->data + IPV4_HLEN))->doff = 7 << 4;
    tcp_fix_csum(p);
    inject(P.b, p);
    cr_assert_eq(tcp_stack_stats(P.b)->passive_opens, 1, "a SYN with a bad option tail still opens");
    cr_assert_eq(tcp_stack_stats(P.b)->segs_in, 3, "segments past the header checks are counted in");
    sched_run(&s);
    finish(&P);
}

Test(tcp, out_of_window_segment_dropped_with_ack)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { 0 }, sa = { 0 };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    struct tcp_sock *srv = sa.s;
    uint64_t out_before = srv->stats.segs_out;
    /* far beyond the window */
    struct pkt *p = craft(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, srv->rcv_nxt + 10000000u,
                          srv->snd_nxt, TCP_ACK, 1000, "junk", 4);
    inject(P.b, p);
    cr_assert_eq(P.b->drops[DROP_TCP_OUT_OF_WINDOW], 1);
    cr_assert_eq(srv->stats.segs_out, out_before + 1, "answered with an ACK");
    /* old data entirely before rcv_nxt */
    p = craft(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, srv->rcv_nxt - 100, srv->snd_nxt, TCP_ACK,
              1000, "old", 3);
    inject(P.b, p);
    cr_assert_eq(P.b->drops[DROP_TCP_OUT_OF_WINDOW], 2);
    /* an ACK for data never sent */
    p = craft(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, srv->rcv_nxt, srv->snd_nxt + 5000, TCP_ACK,
              1000, NULL, 0);
    inject(P.b, p);
    cr_assert_eq(P.b->drops[DROP_TCP_BAD_ACK], 1);
    cr_assert_eq(sa.rx, 0);
    sched_run_until(&s, sched_now(&s) + SIM_S);
    cr_assert_eq(tcp_sock_state(srv), TCP_ESTABLISHED);
    cr_assert_eq(tcp_sock_state(c), TCP_ESTABLISHED);
    tcp_abort(c);
    sched_run(&s);
    finish(&P);
}

/* The SACK blocks of the last segment the server sent. */
struct last_sack {
    struct tcp_opts o;
    unsigned segs;
};

static void last_sack(void *ctx, const struct pkt *frame, sim_time_t t)
{
    (void)t;
    struct last_sack *ls = ctx;
    const uint8_t *ip = frame->data + ETH_HLEN;
    const struct tcp_hdr *th = (const struct tcp_hdr *)(ip + IPV4_HLEN);
    if (frame->len < ETH_HLEN + IPV4_HLEN + TCP_HLEN || ip[9] != 6 || ntohs(th->sport) != 80)
        return;
    ls->o = (struct tcp_opts){ 0 };
    cr_assert(tcp_opts_parse((const uint8_t *)(th + 1), (unsigned)((th->doff >> 4) * 4 - TCP_HLEN), &ls->o));
    ls->segs++;

}

/* RFC 2883 as Linux: a duplicate is reported once, as the first SACK block
 * of the ACK it draws: old data (all of it before rcv_nxt, or its old part),
 * and out-of-order data already held, ahead of the ordinary SACK block. */
Test(tcp, duplicates_are_reported_as_dsack_blocks)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { 0 }, sa = { 0 };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    struct tcp_sock *srv = sa.s;
    struct last_sack ls = { 0 };
    P.w.cut[0] = true;             /* the client's own answers to what it never sent stay out */
    P.w.capture = last_sack;
    P.w.capture_ctx = &ls;
    uint32_t nxt = srv->rcv_nxt, ack = srv->snd_nxt;
    uint8_t opt[12] = { 1, 1, 8, 10 };          /* NOP NOP TS: tsval and tsecr as the client's */
    uint32_t tsval = htonl(c->ts_recent + 1000000), tsecr = htonl(srv->ts_recent);
    memcpy(opt + 4, &tsval, 4);
    memcpy(opt + 8, &tsecr, 4);
    uint8_t data[300] = { 0 };
    /* in order, then again: the whole segment is old */
    inject(P.b, craft_opt(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, nxt, ack, TCP_ACK, 1000, opt, 12,
                          data, 100));
    inject(P.b, craft_opt(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, nxt, ack, TCP_ACK, 1000, opt, 12,
                          data, 100));
    sched_run_until(&s, sched_now(&s) + 50 * SIM_US);
    cr_assert_eq(ls.o.nsack, 1, "one D-SACK block (%u)", ls.o.nsack);
    cr_assert(ls.o.sack[0].start == nxt && ls.o.sack[0].end == nxt + 100, "D-SACK %u-%u, want %u-%u",
              ls.o.sack[0].start, ls.o.sack[0].end, nxt, nxt + 100);
    /* a segment half old: only that half is the duplicate */
    inject(P.b, craft_opt(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, nxt + 50, ack, TCP_ACK, 1000, opt, 12,
                          data, 100));
    sched_run_until(&s, sched_now(&s) + 50 * SIM_US);
    cr_assert(ls.o.nsack == 1 && ls.o.sack[0].start == nxt + 50 && ls.o.sack[0].end == nxt + 100);
    /* out of order, twice: the second copy is reported, then the range it lies in */
    nxt = srv->rcv_nxt;
    inject(P.b, craft_opt(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, nxt + 1000, ack, TCP_ACK, 1000, opt,
                          12, data, 200));
    sched_run_until(&s, sched_now(&s) + 50 * SIM_US);
    cr_assert(ls.o.nsack == 1 && ls.o.sack[0].start == nxt + 1000 && ls.o.sack[0].end == nxt + 1200);
    inject(P.b, craft_opt(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, nxt + 1100, ack, TCP_ACK, 1000, opt,
                          12, data, 200));
    sched_run_until(&s, sched_now(&s) + 50 * SIM_US);
    cr_assert_eq(ls.o.nsack, 2);
    cr_assert(ls.o.sack[0].start == nxt + 1100 && ls.o.sack[0].end == nxt + 1200, "D-SACK %u-%u",
              ls.o.sack[0].start - nxt, ls.o.sack[0].end - nxt);
    cr_assert(ls.o.sack[1].start == nxt + 1000 && ls.o.sack[1].end == nxt + 1300);
    /* reported once: the next ACK has the SACK block alone */
    unsigned segs = ls.segs;
    inject(P.b, craft_opt(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, nxt + 2000, ack, TCP_ACK, 1000, opt,
                          12, data, 100));
    sched_run_until(&s, sched_now(&s) + 50 * SIM_US);
    cr_assert_gt(ls.segs, segs);
    cr_assert_eq(ls.o.nsack, 2, "two ordinary blocks");
    cr_assert(ls.o.sack[0].start == nxt + 2000 && ls.o.sack[1].start == nxt + 1000);
    struct tcp_sock_stats st;
    tcp_sock_stats(srv, &st);
    cr_assert_eq(st.dsacks_sent, 3);
    cr_assert_eq(tcp_stack_stats(P.b)->dsack_old_sent, 2, "the MIB: TCPDSACKOldSent");
    cr_assert_eq(tcp_stack_stats(P.b)->dsack_ofo_sent, 1, "TCPDSACKOfoSent");
    P.w.capture = NULL;
    tcp_abort(c);
    sched_run(&s);
    finish(&P);
}

/* The options of an ACK from the server: timestamps, then SACK blocks. */
static uint32_t ack_options(uint8_t *o, uint32_t tsval, uint32_t tsecr, const struct tcp_range *b, unsigned n)
{
    uint32_t len = 0;
    o[len++] = 1, o[len++] = 1, o[len++] = 8, o[len++] = 10;
    uint32_t v = htonl(tsval), e = htonl(tsecr);
    memcpy(o + len, &v, 4), memcpy(o + len + 4, &e, 4);
    len += 8;
    if (n) {
        o[len++] = 1, o[len++] = 1, o[len++] = 5, o[len++] = (uint8_t)(2 + 8 * n);
        for (unsigned i = 0; i < n; i++) {
            uint32_t a = htonl(b[i].start), z = htonl(b[i].end);
            memcpy(o + len, &a, 4), memcpy(o + len + 4, &z, 4);
            len += 8;
        }
    }
    return len;
}

enum proof { BY_DSACK, BY_LATE_DSACK, BY_TIMESTAMP, NONE };

/* A fast recovery that was not needed is taken back (Linux's
 * tcp_try_undo_dsack, tcp_try_undo_recovery): ten segments leave, ACKs say
 * the first is missing and three beyond it arrived, the first is resent;
 * then everything is acknowledged, with a D-SACK for the first (it came
 * twice) or a timestamp echo older than the resend (the original got
 * there), and the window and ssthresh are as before; a D-SACK that comes
 * after recovery ended undoes it too. Without either proof the window
 * stays cut. */
static void spurious_recovery(enum proof proof)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { 0 }, sa = { 0 };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    struct tcp_sock *srv = sa.s;
    P.w.cut[0] = P.w.cut[1] = true;   /* the ACKs below are the server's only word */
    uint32_t mss = c->cc.mss, una = c->snd_una, cwnd = c->cc.cwnd, ssthresh = c->cc.ssthresh;
    uint32_t sent_ts = (uint32_t)(sched_now(&s) / SIM_MS);
    static uint8_t data[10 * 1448];
    cr_assert_eq(tcp_send(c, data, 10 * mss), 10 * mss);
    cr_assert_eq(c->snd_nxt - una, 10 * mss, "IW10 out");
    sched_run_until(&s, sched_now(&s) + 1500 * SIM_US);   /* a timestamp tick later, before a probe */
    uint8_t o[40];
    struct tcp_range sack = { una + mss, una + 4 * mss };
    uint32_t olen = ack_options(o, tcp_ts_clock(srv), sent_ts, &sack, 1);
    inject(P.a, craft_opt(pool, WIRE_PAIR_B, WIRE_PAIR_A, 80, c->lport, srv->snd_nxt, una, TCP_ACK, 1000, o,
                          olen, NULL, 0));
    cr_assert(c->in_recovery, "three segments SACKed above a hole");
    cr_assert_eq(c->stats.retransmits, 1, "the first segment resent");
    cr_assert_lt(c->cc.cwnd, cwnd);
    struct tcp_range dsack = { una, una + mss };
    uint32_t echo = proof == BY_TIMESTAMP ? sent_ts : tcp_ts_clock(c);
    olen = ack_options(o, tcp_ts_clock(srv), echo, &dsack, proof == BY_DSACK ? 1 : 0);
    inject(P.a, craft_opt(pool, WIRE_PAIR_B, WIRE_PAIR_A, 80, c->lport, srv->snd_nxt, una + 10 * mss, TCP_ACK,
                          1000, o, olen, NULL, 0));
    cr_assert(!c->in_recovery);
    if (proof == BY_LATE_DSACK) {
        cr_assert_eq(c->stats.undos, 0, "recovery ended with the window cut");
        cr_assert_eq(c->cc.cwnd, c->cc.ssthresh);
        olen = ack_options(o, tcp_ts_clock(srv), echo, &dsack, 1);
        inject(P.a, craft_opt(pool, WIRE_PAIR_B, WIRE_PAIR_A, 80, c->lport, srv->snd_nxt, una + 10 * mss,
                              TCP_ACK, 1000, o, olen, NULL, 0));
    }
    struct tcp_sock_stats st;
    tcp_sock_stats(c, &st);
    cr_assert_eq(st.dsacks_received, proof == BY_DSACK || proof == BY_LATE_DSACK ? 1 : 0);
    const struct tcp_stack_stats *mib = tcp_stack_stats(P.a);
    cr_assert_eq(mib->dsack_recv, st.dsacks_received, "TCPDSACKRecv");
    cr_assert_eq(mib->dsack_undos, proof == BY_LATE_DSACK ? 1 : 0, "TCPDSACKUndo");
    cr_assert_eq(mib->full_undos, proof == BY_DSACK || proof == BY_TIMESTAMP ? 1 : 0, "TCPFullUndo");
    if (proof == NONE) {
        cr_assert_eq(st.undos, 0);
        cr_assert_lt(c->cc.cwnd, cwnd, "the window stays cut (%u of %u)", c->cc.cwnd, cwnd);
        cr_assert_eq(c->cc.cwnd, c->cc.ssthresh);
    } else {
        cr_assert_eq(st.undos, 1);
        cr_assert_geq(c->cc.cwnd, cwnd, "the window back (%u of %u)", c->cc.cwnd, cwnd);
        cr_assert_eq(c->cc.ssthresh, ssthresh, "ssthresh back");
    }
    P.w.cut[0] = P.w.cut[1] = false;
    tcp_abort(c);
    sched_run(&s);
    finish(&P);
}

Test(tcp, a_recovery_dsacked_in_full_is_undone) { spurious_recovery(BY_DSACK); }
Test(tcp, a_recovery_dsacked_after_it_ended_is_undone) { spurious_recovery(BY_LATE_DSACK); }
Test(tcp, a_recovery_ended_by_the_originals_is_undone) { spurious_recovery(BY_TIMESTAMP); }
Test(tcp, a_recovery_without_proof_stays) { spurious_recovery(NONE); }

Test(tcp, rst_sequence_checks_rfc5961)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { 0 }, sa = { 0 };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    struct tcp_sock *srv = sa.s;
    /* in the window but not exact: challenge ACK, ignored */
    struct pkt *p = craft(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, srv->rcv_nxt + 100, 0, TCP_RST,
                          0, NULL, 0);
    inject(P.b, p);
    cr_assert_eq(P.b->drops[DROP_TCP_BAD_RST], 1);
    cr_assert_eq(tcp_stack_stats(P.b)->challenge_acks, 1);
    /* outside the window: ignored */
    p = craft(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, srv->rcv_nxt - 5000, 0, TCP_RST, 0, NULL, 0);
    inject(P.b, p);
    cr_assert_eq(P.b->drops[DROP_TCP_BAD_RST], 2);
    cr_assert_eq(tcp_stack_stats(P.b)->challenge_acks, 1);
    /* a SYN on the connection: challenge ACK too */
    p = craft(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, srv->rcv_nxt + 7, 0, TCP_SYN, 1000, NULL, 0);
    inject(P.b, p);
    cr_assert_eq(tcp_stack_stats(P.b)->challenge_acks, 2);
    sched_run_until(&s, sched_now(&s) + SIM_S);
    cr_assert_eq(tcp_sock_state(srv), TCP_ESTABLISHED);
    cr_assert_eq(sa.closed, 0);
    /* exactly rcv_nxt: reset */
    p = craft(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, srv->rcv_nxt, 0, TCP_RST, 0, NULL, 0);
    inject(P.b, p);
    cr_assert_eq(sa.closed, 1);
    cr_assert_eq(sa.why, TCP_CLOSE_RESET);
    tcp_abort(c);
    sched_run(&s);
    finish(&P);
}

Test(tcp, backlog_bounds_handshakes)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app sa = { 0 };
    tcp_listen(P.b, 0, 80, 2, &app_cb, &sa);
    for (int i = 0; i < 5; i++) {
        struct pkt *p = craft(pool, WIRE_PAIR_A, WIRE_PAIR_B, (uint16_t)(2000 + i), 80, 77, 0, TCP_SYN,
                              1000, NULL, 0);
        inject(P.b, p);
    }
    cr_assert_eq(P.b->drops[DROP_TCP_BACKLOG], 3);
    cr_assert_eq(tcp_stack_stats(P.b)->backlog_drops, 3);
    /* a's stack has no such connections: it resets the SYN-ACKs, the
     * handshakes die, and the backlog has room again */
    sched_run(&s);
    cr_assert_eq(P.a->drops[DROP_TCP_NO_SOCKET], 2);
    struct pkt *p = craft(pool, WIRE_PAIR_A, WIRE_PAIR_B, 3000, 80, 77, 0, TCP_SYN, 1000, NULL, 0);
    inject(P.b, p);
    cr_assert_eq(P.b->drops[DROP_TCP_BACKLOG], 3);
    sched_run(&s);
    finish(&P);
}

Test(tcp, simultaneous_close_goes_through_closing)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { 0 }, sa = { 0 };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    struct tcp_sock *srv = sa.s;
    tcp_shutdown(c);
    tcp_shutdown(srv);
    cr_assert_eq(tcp_sock_state(c), TCP_FIN_WAIT_1);
    cr_assert_eq(tcp_sock_state(srv), TCP_FIN_WAIT_1);
    sched_run_until(&s, sched_now(&s) + 150 * SIM_US);
    cr_assert_eq(tcp_sock_state(c), TCP_CLOSING);
    cr_assert_eq(tcp_sock_state(srv), TCP_CLOSING);
    sched_run_until(&s, sched_now(&s) + SIM_MS);
    cr_assert_eq(ca.closed, 1);
    cr_assert_eq(sa.closed, 1);
    cr_assert_eq(ca.why, TCP_CLOSE_NORMAL);
    cr_assert_eq(ca.eofs, 1);
    cr_assert_eq(tcp_sock_state(c), TCP_TIME_WAIT);
    /* both linger 2 MSL = 60 s (Linux's TIME_WAIT) */
    sim_time_t t = sched_now(&s);
    sched_run_until(&s, t + 59 * SIM_S);
    cr_assert_eq(tcp_stack_stats(P.a)->conns, 1);
    sched_run_until(&s, t + 61 * SIM_S);
    cr_assert_eq(tcp_stack_stats(P.a)->conns, 0);
    cr_assert_eq(tcp_stack_stats(P.b)->conns, 1, "only the listener is left");
    finish(&P);
}

Test(tcp, zero_window_probing_and_resume)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { .total = 1 << 20 }, sa = { .paused = true, .shutdown_on_eof = true };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    sched_run_until(&s, sched_now(&s) + 5 * SIM_S);
    struct tcp_sock_stats st;
    tcp_sock_stats(c, &st);
    cr_assert_eq(st.snd_wnd, 0, "the window closed");
    /* the window of tcp_rmem[1] (half of it), and no autotuning while the app
     * reads nothing; a window that would shrink is rounded up to the scale's
     * 128-byte unit, as Linux's tcp_select_window, which lets a little more in */
    cr_assert(st.bytes_acked >= 131072 / 2 && st.bytes_acked < 131072 / 2 + 2 * 1448,
              "%llu bytes taken", (unsigned long long)st.bytes_acked);
    cr_assert_gt(st.zero_window_probes, 2);
    cr_assert_eq(st.timeouts, 0, "probes are not timeouts");
    sa.paused = false;
    tcp_recv_resume(sa.s);
    sched_run(&s);
    cr_assert_eq(sa.rx, 1 << 20);
    cr_assert_eq(sa.bad, 0);
    cr_assert_eq(ca.closed, 1);
    cr_assert_eq(sa.closed, 1);
    finish(&P);
}

/* Linux's delayed ACKs: the connection's first data starts quickack mode
 * (16 ACKs at once here: the window over twice the initial rcv_mss of 536
 * is more), then a lone segment waits ato, 40 ms. */
Test(tcp, quickacks_at_start_then_delayed_ack_waits_40ms_for_a_lone_segment)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { 0 }, sa = { 0 };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    struct tcp_sock_stats ss;
    tcp_sock_stats(sa.s, &ss);
    uint64_t acks = ss.segs_out;
    for (int i = 0; i < 16; i++) {
        cr_assert_eq(tcp_send(c, pattern, 100), 100);
        sched_run_until(&s, sched_now(&s) + SIM_MS);
        tcp_sock_stats(sa.s, &ss);
        cr_assert_eq(ss.segs_out, acks + i + 1, "quickack %d sent at once", i + 1);
    }
    acks = ss.segs_out;
    sim_time_t t = sched_now(&s);
    cr_assert_eq(tcp_send(c, pattern, 100), 100);
    sched_run_until(&s, t + 39 * SIM_MS);
    tcp_sock_stats(sa.s, &ss);
    cr_assert_eq(ss.segs_out, acks, "no ACK yet");
    sched_run_until(&s, t + 41 * SIM_MS);
    tcp_sock_stats(sa.s, &ss);
    cr_assert_eq(ss.segs_out, acks + 1);
    /* two full segments: acked at once */
    cr_assert_eq(tcp_send(c, pattern, 2 * 1448), 2 * 1448);
    sched_run_until(&s, sched_now(&s) + SIM_MS);
    tcp_sock_stats(sa.s, &ss);
    cr_assert_eq(ss.segs_out, acks + 2);
    cr_assert_eq(sa.rx, 17 * 100 + 2 * 1448);
    tcp_abort(c);
    sched_run(&s);
    finish(&P);
}

Test(tcp, icmp_frag_needed_lowers_mss)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { 0 }, sa = { 0 };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    uint8_t q[40];   /* the quoted IP header and the first 20 bytes of TCP */
    struct ipv4_hdr *ip = (struct ipv4_hdr *)q;
    memset(q, 0, sizeof q);
    ip->ver_ihl = 0x45;
    ip->proto = 6;
    ip->saddr = htonl(WIRE_PAIR_A);
    ip->daddr = htonl(WIRE_PAIR_B);
    struct tcp_hdr *th = (struct tcp_hdr *)(q + 20);
    th->sport = htons(c->lport);
    th->dport = htons(80);
    th->seq = htonl(c->snd_una);
    struct host_proto *hp = &P.a->proto[6];
    hp->error(hp->ctx, P.a, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1400, q, 28);
    struct tcp_sock_stats st;
    tcp_sock_stats(c, &st);
    cr_assert_eq(st.mss, 1360);
    /* a quoted sequence number that is not in flight is ignored */
    th->seq = htonl(c->snd_una + 100000);
    hp->error(hp->ctx, P.a, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1000, q, 28);
    tcp_sock_stats(c, &st);
    cr_assert_eq(st.mss, 1360);
    ca.total = 100000;
    sa.shutdown_on_eof = true;
    app_pump(&ca, c);
    sched_run(&s);
    cr_assert_eq(sa.rx, 100000);
    finish(&P);
}

static void transfer(const char *cc, double loss, size_t bytes)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 50 * SIM_US, 3, 3);
    P.w.loss = loss;
    if (cc)
        strcpy(tcp_stack_config(P.a)->cc, cc);
    struct app ca = { .total = bytes }, sa = { .shutdown_on_eof = true };
    tcp_listen(P.b, 0, 80, 16, &app_cb, &sa);
    struct tcp_sock *c = tcp_connect(P.a, 0, WIRE_PAIR_B, 80, &app_cb, &ca);
    (void)c;
    sched_run(&s);
    cr_assert_eq(sa.rx, bytes);
    cr_assert_eq(sa.bad, 0);
    cr_assert_eq(ca.closed, 1);
    cr_assert_eq(ca.why, TCP_CLOSE_NORMAL);
    cr_assert_eq(sa.closed, 1);
    cr_assert_eq(sa.why, TCP_CLOSE_NORMAL);
    cr_assert_eq(tcp_stack_stats(P.a)->conns, 0);
    finish(&P);
}

Test(tcp, cubic_transfer_with_loss) { transfer("cubic", 0.01, 2 << 20); }
Test(tcp, newreno_transfer_with_heavy_loss) { transfer("reno", 0.05, 1 << 20); }
Test(tcp, default_cubic_transfer_with_heavy_loss) { transfer(NULL, 0.05, 1 << 20); }

/* Many short connections at once: the tables grow, every one completes. */
struct many {
    int done_c, done_s;
    uint64_t rx, bad;
};
static void m_connected(void *ctx, struct tcp_sock *s)
{
    (void)ctx;
    cr_assert_eq(tcp_send(s, pattern, 3000), 3000);
    tcp_shutdown(s);
}
static void *m_accepted(void *lctx, struct tcp_sock *l, struct tcp_sock *s)
{
    (void)l;
    (void)s;
    return lctx;
}
static size_t m_received(void *ctx, struct tcp_sock *s, const uint8_t *d, size_t n)
{
    (void)s;
    struct many *m = ctx;
    m->rx += n;
    (void)d;
    return n;
}
static void m_eof(void *ctx, struct tcp_sock *s)
{
    (void)ctx;
    if (tcp_sock_state(s) == TCP_CLOSE_WAIT)   /* the server: answer the FIN and let go */
        tcp_close(s);
}
static void m_closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    (void)s;
    struct many *m = ctx;
    cr_assert_eq(why, TCP_CLOSE_NORMAL);
    m->done_c++;
}
static const struct tcp_callbacks m_cb = {
    .accepted = m_accepted, .connected = m_connected, .received = m_received,
    .eof = m_eof, .closed = m_closed,
};

Test(tcp, thousands_of_connections)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 9, 9);
    struct many m = { 0 };
    tcp_listen(P.b, 0, 80, 4096, &m_cb, &m);
    const int N = 3000;
    for (int i = 0; i < N; i++)
        cr_assert_not_null(tcp_connect(P.a, 0, WIRE_PAIR_B, 80, &m_cb, &m));
    cr_assert_eq(tcp_stack_stats(P.a)->conns, (uint64_t)N);
    sched_run_until(&s, 10 * SIM_S);
    cr_assert_eq(m.done_c, N, "every client saw a normal close: %d rx %lu", m.done_c, (unsigned long)m.rx);
    cr_assert_eq(m.rx, (uint64_t)N * 3000);
    cr_assert_eq(tcp_stack_stats(P.a)->conns, (uint64_t)N, "clients in TIME_WAIT");
    cr_assert_eq(tcp_stack_stats(P.b)->conns, 1, "servers closed first: only the listener");
    sched_run(&s);
    cr_assert_eq(tcp_stack_stats(P.a)->conns, 0);
    finish(&P);
}

Test(tcp, close_with_unread_data_resets)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { 0 }, sa = { .paused = true };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    cr_assert_eq(tcp_send(c, pattern, 1000), 1000);
    sched_run_until(&s, sched_now(&s) + SIM_MS);
    tcp_close(sa.s);                   /* 1000 bytes never read */
    sched_run(&s);
    cr_assert_eq(ca.closed, 1);
    cr_assert_eq(ca.why, TCP_CLOSE_RESET);
    cr_assert_eq(sa.closed, 0, "no callbacks after tcp_close");
    cr_assert_eq(tcp_stack_stats(P.a)->conns, 0);
    cr_assert_eq(tcp_stack_stats(P.b)->conns, 1);
    finish(&P);
}

Test(tcp, orphaned_fin_wait_2_times_out)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { 0 }, sa = { 0 };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    tcp_close(c);
    sched_run_until(&s, sched_now(&s) + SIM_S);
    cr_assert_eq(tcp_sock_state(c), TCP_FIN_WAIT_2);
    cr_assert_eq(sa.eofs, 1);
    cr_assert_eq(tcp_sock_state(sa.s), TCP_CLOSE_WAIT);
    sched_run_until(&s, sched_now(&s) + 60 * SIM_S);
    cr_assert_eq(tcp_stack_stats(P.a)->conns, 0, "tcp_fin_timeout (60 s) ended it");
    /* the server closes late: its FIN meets no socket and is reset */
    tcp_shutdown(sa.s);
    sched_run(&s);
    cr_assert_eq(sa.closed, 1);
    cr_assert_eq(sa.why, TCP_CLOSE_RESET);
    finish(&P);
}

Test(tcp, closing_a_listener_ends_its_handshakes)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    P.w.cut[0] = true;
    P.w.cut[1] = true;   /* nothing gets through */
    struct app sa = { 0 };
    struct tcp_sock *l = tcp_listen(P.b, 0, 80, 8, &app_cb, &sa);
    cr_assert_null(tcp_listen(P.b, 0, 80, 8, &app_cb, &sa), "the port is taken");
    for (int i = 0; i < 3; i++)
        inject(P.b, craft(pool, WIRE_PAIR_A, WIRE_PAIR_B, (uint16_t)(4000 + i), 80, 1, 0,
                                   TCP_SYN, 1000, NULL, 0));
    cr_assert_eq(tcp_stack_stats(P.b)->conns, 4);
    tcp_close(l);
    cr_assert_eq(tcp_stack_stats(P.b)->conns, 0);
    sched_run(&s);
    finish(&P);
}

Test(tcp, syn_ack_retries_then_the_handshake_is_dropped)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    P.w.cut[1] = true;     /* b's answers are lost */
    struct app sa = { 0 };
    tcp_listen(P.b, 0, 80, 8, &app_cb, &sa);
    inject(P.b, craft(pool, WIRE_PAIR_A, WIRE_PAIR_B, 4000, 80, 1, 0, TCP_SYN, 1000, NULL, 0));
    sched_run(&s);
    /* the SYN-ACK and 5 retries (Linux tcp_synack_retries) */
    cr_assert_eq(tcp_stack_stats(P.b)->segs_out, 6);
    cr_assert_eq(tcp_stack_stats(P.b)->conns, 1);
    cr_assert_eq(sa.accepted, 0);
    finish(&P);
}

/* The server closes first, then the client: the server side holds TIME_WAIT. */
static void server_time_wait(struct tcp_sock *c, struct app *ca, struct app *sa)
{
    tcp_shutdown(sa->s);
    sched_run_until(&s, sched_now(&s) + SIM_MS);
    tcp_shutdown(c);
    sched_run_until(&s, sched_now(&s) + SIM_MS);
    cr_assert_eq(ca->closed, 1);
}

Test(tcp, new_syn_reuses_a_time_wait_port)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { 0 }, sa = { .shutdown_on_eof = true };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    uint16_t port;
    tcp_sock_addrs(c, NULL, &port, NULL, NULL);
    uint32_t next_seq = c->snd_nxt;
    server_time_wait(c, &ca, &sa);
    cr_assert_eq(tcp_stack_stats(P.b)->conns, 2, "listener and TIME_WAIT");
    /* a new SYN from the same port with a higher sequence number */
    inject(P.b, craft(pool, WIRE_PAIR_A, WIRE_PAIR_B, port, 80, next_seq + 100000, 0,
                               TCP_SYN, 1000, NULL, 0));
    cr_assert_eq(tcp_stack_stats(P.b)->time_wait_reuse, 1);
    cr_assert_eq(tcp_stack_stats(P.b)->passive_opens, 2);
    sched_run(&s);
    finish(&P);
}

/* Linux's tcp_timewait_state_process: a bare ACK at rcv_nxt is in window
 * and is dropped without an answer (it only restarts the 60 s); answering
 * it would draw a RST from the peer, whose socket is gone, and the RST
 * would end TIME_WAIT early. */
Test(tcp, time_wait_drops_a_bare_in_window_ack)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { 0 }, sa = { .shutdown_on_eof = true };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    uint16_t port;
    tcp_sock_addrs(c, NULL, &port, NULL, NULL);
    uint32_t cseq = c->snd_nxt + 1, sseq = sa.s->snd_nxt + 1;   /* past each FIN */
    server_time_wait(c, &ca, &sa);
    cr_assert_eq(tcp_stack_stats(P.b)->conns, 2, "listener and TIME_WAIT");
    sim_time_t tw_start = sched_now(&s);
    sched_run_until(&s, tw_start + 30 * SIM_S);
    uint64_t out = tcp_stack_stats(P.b)->segs_out;
    inject(P.b, craft(pool, WIRE_PAIR_A, WIRE_PAIR_B, port, 80, cseq, sseq, TCP_ACK, 1000, NULL, 0));
    sched_run_until(&s, sched_now(&s) + SIM_MS);
    cr_assert_eq(tcp_stack_stats(P.b)->segs_out, out, "no answer to a bare in-window ACK");
    cr_assert_eq(tcp_stack_stats(P.a)->resets_sent, 0);
    cr_assert_eq(tcp_stack_stats(P.b)->conns, 2, "still in TIME_WAIT");
    /* the ACK restarted the 60 s */
    sched_run_until(&s, tw_start + 61 * SIM_S);
    cr_assert_eq(tcp_stack_stats(P.b)->conns, 2);
    sched_run_until(&s, tw_start + 91 * SIM_S);
    cr_assert_eq(tcp_stack_stats(P.b)->conns, 1, "only the listener is left");
    sched_run(&s);
    finish(&P);
}

/* Linux's rule (RFC 6191): a SYN below rcv_nxt still ends TIME_WAIT when
 * its timestamp is newer than the last one seen; an older one gets the
 * old connection's ACK. */
Test(tcp, a_newer_timestamp_reuses_a_time_wait_port)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    sched_run_until(&s, 5 * SIM_S);          /* timestamps well above 0 */
    struct app ca = { 0 }, sa = { .shutdown_on_eof = true };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    uint16_t port;
    tcp_sock_addrs(c, NULL, &port, NULL, NULL);
    uint32_t below = c->snd_nxt - 100000, ts = sa.s->ts_recent;
    server_time_wait(c, &ca, &sa);
    struct tcp_opts o = { .wscale = -1, .ts = true, .tsval = ts - 10 };
    uint8_t opt[TCP_MAX_OPT_LEN];
    unsigned olen = tcp_opts_build(opt, &o);
    inject(P.b, craft_opt(pool, WIRE_PAIR_A, WIRE_PAIR_B, port, 80, below, 0, TCP_SYN, 1000, opt, olen,
                                   NULL, 0));
    cr_assert_eq(tcp_stack_stats(P.b)->time_wait_reuse, 0, "an older timestamp and a lower seq");
    o.tsval = ts + 2000;
    olen = tcp_opts_build(opt, &o);
    inject(P.b, craft_opt(pool, WIRE_PAIR_A, WIRE_PAIR_B, port, 80, below, 0, TCP_SYN, 1000, opt, olen,
                                   NULL, 0));
    cr_assert_eq(tcp_stack_stats(P.b)->time_wait_reuse, 1, "a newer timestamp");
    cr_assert_eq(tcp_stack_stats(P.b)->passive_opens, 2);
    sched_run(&s);
    finish(&P);
}

/* RFC 6528: one 4-tuple's ISN moves with a 64 ns clock, so a later
 * incarnation starts above an earlier one. */
Test(tcp, isn_of_a_tuple_grows_with_the_clock)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct tcp_sock *c = tcp_connect_opts(P.a, 0, 40000, WIRE_PAIR_B, 80, &app_cb, NULL, NULL);
    uint32_t first = c->iss;
    tcp_abort(c);
    sched_run_until(&s, sched_now(&s) + SIM_S);
    c = tcp_connect_opts(P.a, 0, 40000, WIRE_PAIR_B, 80, &app_cb, NULL, NULL);
    cr_assert_eq(c->iss - first, (uint32_t)(SIM_S / 64), "%u", c->iss - first);
    tcp_abort(c);
    sched_run(&s);
    finish(&P);
}

Test(tcp, paws_drops_an_old_timestamp)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { 0 }, sa = { 0 };
    sched_run_until(&s, 5 * SIM_S);          /* timestamps well above 0 */
    struct tcp_sock *c = establish(&P, &ca, &sa);
    struct tcp_sock *srv = sa.s;
    cr_assert_geq(srv->ts_recent, 5000);
    struct tcp_opts o = { .wscale = -1, .ts = true, .tsval = srv->ts_recent - 1000, .tsecr = 0 };
    uint8_t opt[TCP_MAX_OPT_LEN];
    unsigned olen = tcp_opts_build(opt, &o);
    inject(P.b, craft_opt(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, srv->rcv_nxt, srv->snd_nxt,
                                   TCP_ACK, 1000, opt, olen, "old!", 4));
    cr_assert_eq(tcp_stack_stats(P.b)->paws_rejects, 1);
    cr_assert_eq(P.b->drops[DROP_TCP_OUT_OF_WINDOW], 1);
    cr_assert_eq(sa.rx, 0);
    o.tsval = srv->ts_recent + 1;
    olen = tcp_opts_build(opt, &o);
    inject(P.b, craft_opt(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, srv->rcv_nxt, srv->snd_nxt,
                                   TCP_ACK, 1000, opt, olen, pattern, 4));
    cr_assert_eq(sa.rx, 4, "a current timestamp is taken");
    cr_assert_eq(sa.bad, 0);
    tcp_abort(c);
    sched_run(&s);
    finish(&P);
}

/* Random segments thrown at a live connection: nothing crashes or leaks,
 * and every segment is either used or dropped with a reason. */
Test(tcp, random_segments_never_crash)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 11, 11);
    struct app ca = { 0 }, sa = { .shutdown_on_eof = true };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    /* the send buffer grew at the handshake to 2 x 10 segments of 4352 */
    cr_assert_eq(tcp_send(c, pattern, 80000), 80000);
    struct rng r;
    rng_init(&r, 99, "fuzz");
    uint8_t payload[1500], opt[40];
    int i;
    for (i = 0; i < 20000; i++) {
        if (sa.s == NULL || sa.closed)
            break;
        struct tcp_sock *srv = sa.s;
        uint32_t seq = srv->rcv_nxt + (uint32_t)rng_below(&r, 1u << 20) - (1u << 19);
        if (rng_below(&r, 4) == 0)
            seq = (uint32_t)rng_next(&r);
        uint32_t ack = srv->snd_una + (uint32_t)rng_below(&r, 1u << 18) - (1u << 17);
        uint8_t flags = (uint8_t)rng_next(&r);
        if (rng_below(&r, 2))
            flags &= (uint8_t)~(TCP_RST | TCP_SYN);
        uint32_t len = (uint32_t)rng_below(&r, 1200);
        for (uint32_t k = 0; k < len; k++)
            payload[k] = (uint8_t)rng_next(&r);
        uint32_t olen = 4 * (uint32_t)rng_below(&r, 11);
        for (uint32_t k = 0; k < olen; k++)
            opt[k] = (uint8_t)rng_below(&r, 12);
        inject(P.b, craft_opt(pool, WIRE_PAIR_A, WIRE_PAIR_B, c->lport, 80, seq, ack, flags,
                                       (uint16_t)rng_next(&r), opt, olen, payload, len));
        if (i % 100 == 0)
            sched_run_until(&s, sched_now(&s) + SIM_MS);
    }
    sched_run(&s);
    uint64_t drops = 0;
    for (int k = 0; k < DROP_REASONS; k++)
        drops += P.b->drops[k];
    cr_assert_gt(drops, 1000, "after %d segments: %lu drops, server closed %d (%s)", i,
                 (unsigned long)drops, sa.closed, tcp_close_reason_name(sa.why));
    if (ca.s)
        tcp_abort(ca.s);
    sched_run(&s);
    finish(&P);
}

Test(tcp, nagle_holds_small_writes_unless_nodelay)
{
    for (int nodelay = 0; nodelay < 2; nodelay++) {
        struct wire_pair P;
        wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
        struct app ca = { 0 }, sa = { 0 };
        struct tcp_sock *c = establish(&P, &ca, &sa);
        tcp_set_nodelay(c, nodelay);
        struct tcp_sock_stats st;
        tcp_sock_stats(c, &st);
        uint64_t sent = st.segs_out;
#define SENT() (tcp_sock_stats(c, &st), st.segs_out)
        for (int i = 0; i < 3; i++)
            cr_assert_eq(tcp_send(c, pattern + 100 * i, 100), 100);
        if (nodelay) {
            cr_assert_eq(SENT(), sent + 3, "three segments at once");
        } else {
            cr_assert_eq(SENT(), sent + 1, "one small segment in flight at a time");
            /* the peer, in quickack mode at the start, ACKs at once (200 us
             * round trip); then the rest goes as one segment */
            sched_run_until(&s, sched_now(&s) + 150 * SIM_US);
            cr_assert_eq(SENT(), sent + 1);
            sched_run_until(&s, sched_now(&s) + SIM_MS);
            cr_assert_eq(SENT(), sent + 2);
#undef SENT
        }
        sched_run_until(&s, sched_now(&s) + 100 * SIM_MS);
        cr_assert_eq(sa.rx, 300);
        cr_assert_eq(sa.bad, 0);
        tcp_abort(c);
        sched_run(&s);
        finish(&P);
    }
}

Test(tcp, send_buffer_back_pressure)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct tcp_sock_opts o = { .sndbuf = 16384 };
    struct app ca = { 0 }, sa = { .paused = true };
    tcp_listen(P.b, 0, 80, 4, &app_cb, &sa);
    struct tcp_sock *c = tcp_connect_opts(P.a, 0, 0, WIRE_PAIR_B, 80, &app_cb, &ca, &o);
    sched_run_until(&s, 10 * SIM_MS);
    cr_assert_eq(tcp_send_space(c), 16384);
    cr_assert_eq(tcp_send(c, pattern, 20000), 16384, "takes what fits");
    cr_assert_eq(tcp_send_space(c), 0);
    cr_assert_eq(tcp_send(c, pattern, 10), 0);
    /* the data is acked (the receiver buffers it though paused): room again */
    ca.total = 100000;
    ca.sent = 16384;
    sched_run_until(&s, sched_now(&s) + 100 * SIM_MS);
    cr_assert_gt(ca.sent, 16384, "writable() came and the app wrote more");
    sa.paused = false;
    tcp_recv_resume(sa.s);
    sched_run(&s);
    cr_assert_eq(sa.rx, 100000);
    cr_assert_eq(sa.bad, 0);
    finish(&P);
}

Test(tcp, simultaneous_open)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    struct app ca = { 0 }, cb = { 0 };
    struct tcp_sock *x = tcp_connect_opts(P.a, 0, 5000, WIRE_PAIR_B, 6000, &app_cb, &ca, NULL);
    struct tcp_sock *y = tcp_connect_opts(P.b, 0, 6000, WIRE_PAIR_A, 5000, &app_cb, &cb, NULL);
    cr_assert_not_null(x);
    cr_assert_not_null(y);
    sched_run_until(&s, 10 * SIM_MS);
    cr_assert_eq(tcp_sock_state(x), TCP_ESTABLISHED);
    cr_assert_eq(tcp_sock_state(y), TCP_ESTABLISHED);
    cr_assert_eq(ca.connected, 1);
    cr_assert_eq(cb.connected, 1);
    cr_assert_eq(tcp_send(x, pattern, 5000), 5000);
    sched_run_until(&s, sched_now(&s) + 100 * SIM_MS);
    cr_assert_eq(cb.rx, 5000);
    cr_assert_eq(cb.bad, 0);
    tcp_shutdown(x);
    tcp_shutdown(y);
    sched_run(&s);
    cr_assert_eq(ca.why, TCP_CLOSE_NORMAL);
    cr_assert_eq(cb.why, TCP_CLOSE_NORMAL);
    finish(&P);
}

Test(tcp, mss_clamp_per_stack_and_per_socket)
{
    struct wire_pair P;
    wire_pair_seeded(&P, &s, pool, 100 * SIM_US, 1, 1);
    tcp_stack_config(P.a)->mss_clamp = 1400;      /* the TUN lesson's lower MSS */
    struct app ca = { 0 }, sa = { 0 };
    struct tcp_sock *c = establish(&P, &ca, &sa);
    struct tcp_sock_stats st, ss;
    tcp_sock_stats(c, &st);
    tcp_sock_stats(sa.s, &ss);
    cr_assert_eq(st.mss, 1400);
    cr_assert_eq(ss.mss, 1400, "the server obeys the MSS the client announced");
    tcp_abort(c);
    /* per socket, below the stack's setting */
    struct tcp_sock_opts o = { .mss_clamp = 1000 };
    struct app cb = { 0 };
    struct tcp_sock *d = tcp_connect_opts(P.a, 0, 0, WIRE_PAIR_B, 80, &app_cb, &cb, &o);
    sched_run_until(&s, sched_now(&s) + 10 * SIM_MS);
    tcp_sock_stats(d, &st);
    cr_assert_eq(st.mss, 1000);
    cr_assert_eq(cb.connected, 1);
    tcp_abort(d);
    sched_run(&s);
    finish(&P);
}
