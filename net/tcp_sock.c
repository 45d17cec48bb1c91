/*
 * TCP sockets: the per-host stack (connection hash by 4-tuple, listeners by
 * port, settings), ephemeral ports (RFC 6056's double-hash selection, as
 * Linux picks them: consecutive per destination from a secret offset), ISNs
 * as RFC 6528 and Linux make them (a secret hash of the 4-tuple plus a
 * clock ticking every 64 ns), and the application calls: listen, connect, send,
 * shutdown, close, abort, pause.
 *
 * TIME_WAIT lasts 2 MSL with MSL a per-stack setting; the default MSL is
 * 30 s so that TIME_WAIT is Linux's fixed 60 s (TCP_TIMEWAIT_LEN).
 */
#include "net/tcp_int.h"

#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "net/ipv4.h"

#define EPHEMERAL_LO 32768u        /* Linux ip_local_port_range */
#define EPHEMERAL_HI 60999u

const char *tcp_close_reason_name(enum tcp_close_reason r)
{
    switch (r) {
    case TCP_CLOSE_NORMAL: return "normal";
    case TCP_CLOSE_RESET: return "reset";
    case TCP_CLOSE_TIMEOUT: return "timeout";
    case TCP_CLOSE_REFUSED: return "refused";
    }
    return "?";
}

/* ---- the stack ---- */

static void config_defaults(struct tcp_config *c)
{
    *c = (struct tcp_config){
        .rmem = { 4096, 131072, 6291456 }, .wmem = { 4096, 16384, 4194304 },
        .moderate_rcvbuf = true, .slow_start_after_idle = true,
        .nodelay = false, .mss_clamp = 0,
        .window_scaling = true, .sack = true, .timestamps = true, .dsack = true,
        .syn_retries = 6, .synack_retries = 5, .retries2 = 15,
        .init_cwnd_segs = 10,
        .msl = 30 * SIM_S,
        .ato_min = 40 * SIM_MS, .delack_max = 200 * SIM_MS,
        .rto_init = TCP_RTO_INIT, .rto_min = TCP_RTO_MIN, .rto_max = TCP_RTO_MAX,
        .fin_timeout = 60 * SIM_S,
        .limit_output_bytes = 4u << 20,
    };
    strcpy(c->cc, "cubic");
}

void tcp_stack_init(struct host *h)
{
    if (h->tcp)
        return;
    struct tcp_stack *st = xcalloc(1, sizeof *st);
    st->h = h;
    config_defaults(&st->cfg);
    st->conn_mask = 255;
    st->conns = xcalloc(st->conn_mask + 1, sizeof *st->conns);
    st->port_secret = rng_next(&h->rng);
    st->isn_secret = rng_next(&h->rng);
    h->tcp = st;
    host_set_proto(h, TCP_PROTO, tcp_input, tcp_icmp_error, st);
}

static struct tcp_stack *tcp_stack_of(struct host *h)
{
    if (!h->tcp)
        tcp_stack_init(h);
    return h->tcp;
}

static void sock_free_now(struct tcp_sock *s)
{
    tcp_timers_cancel(s);
    tcp_txlog_free(&s->txlog);
    tcp_rack_rexmit_free(s);
    tcp_sndq_free(&s->sbuf);
    tcp_ring_free(&s->rbuf);
    s->dead = true;
    s->cb = NULL;
    if (!tcp_tsq_holds(s))
        free(s);
}

void tcp_stack_free(struct host *h)
{
    struct tcp_stack *st = h->tcp;
    if (!st)
        return;
    for (uint32_t i = 0; i <= st->conn_mask; i++) {
        struct tcp_sock *s = st->conns[i], *n;
        for (; s; s = n) {
            n = s->hnext;
            sock_free_now(s);
        }
    }
    for (int i = 0; i < TCP_LISTEN_BUCKETS; i++) {
        struct tcp_sock *s = st->listeners[i], *n;
        for (; s; s = n) {
            n = s->hnext;
            sock_free_now(s);
        }
    }
    free(st->conns);
    free(st);
    h->tcp = NULL;
}

struct tcp_config *tcp_stack_config(struct host *h) { return &tcp_stack_of(h)->cfg; }
const struct tcp_stack_stats *tcp_stack_stats(struct host *h) { return &tcp_stack_of(h)->stats; }

/* ---- tables ---- */

static inline uint32_t tuple_hash(uint32_t la, uint16_t lp, uint32_t ra, uint16_t rp)
{
    uint64_t x = ((uint64_t)la << 32 | ra) ^ (((uint64_t)lp << 16 | rp) * 0x9e3779b97f4a7c15ull);
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 32;
    return (uint32_t)x;
}

static void conns_grow(struct tcp_stack *st)
{
    uint32_t nmask = st->conn_mask * 2 + 1;
    struct tcp_sock **nt = xcalloc(nmask + 1, sizeof *nt);
    for (uint32_t i = 0; i <= st->conn_mask; i++) {
        struct tcp_sock *s = st->conns[i], *n;
        for (; s; s = n) {
            n = s->hnext;
            uint32_t b = tuple_hash(s->laddr, s->lport, s->raddr, s->rport) & nmask;
            s->hnext = nt[b];
            nt[b] = s;
        }
    }
    free(st->conns);
    st->conns = nt;
    st->conn_mask = nmask;
}

void tcp_sock_hash(struct tcp_sock *s)
{
    struct tcp_stack *st = s->st;
    if (s->state == TCP_LISTEN) {
        struct tcp_sock **b = &st->listeners[s->lport % TCP_LISTEN_BUCKETS];
        s->hnext = *b;
        *b = s;
        return;
    }
    if (st->nconns >= st->conn_mask + 1)
        conns_grow(st);
    uint32_t b = tuple_hash(s->laddr, s->lport, s->raddr, s->rport) & st->conn_mask;
    s->hnext = st->conns[b];
    st->conns[b] = s;
    st->nconns++;
}

static void sock_unhash(struct tcp_sock *s)
{
    struct tcp_stack *st = s->st;
    struct tcp_sock **pp;
    if (s->state == TCP_LISTEN)
        pp = &st->listeners[s->lport % TCP_LISTEN_BUCKETS];
    else
        pp = &st->conns[tuple_hash(s->laddr, s->lport, s->raddr, s->rport) & st->conn_mask];
    for (; *pp; pp = &(*pp)->hnext) {
        if (*pp == s) {
            *pp = s->hnext;
            s->hnext = NULL;
            if (s->state != TCP_LISTEN)
                st->nconns--;
            return;
        }
    }
}

struct tcp_sock *tcp_lookup(struct tcp_stack *st, uint32_t laddr, uint16_t lport,
                            uint32_t raddr, uint16_t rport)
{
    struct tcp_sock *s = st->conns[tuple_hash(laddr, lport, raddr, rport) & st->conn_mask];
    for (; s; s = s->hnext)
        if (s->lport == lport && s->rport == rport && s->laddr == laddr && s->raddr == raddr)
            return s;
    return NULL;
}

struct tcp_sock *tcp_lookup_listener(struct tcp_stack *st, uint32_t laddr, uint16_t lport)
{
    struct tcp_sock *any = NULL;
    for (struct tcp_sock *s = st->listeners[lport % TCP_LISTEN_BUCKETS]; s; s = s->hnext) {
        if (s->lport != lport)
            continue;
        if (s->laddr == laddr)
            return s;
        if (s->laddr == 0)
            any = s;
    }
    return any;
}

/* ---- socket life ---- */

struct tcp_sock *tcp_sock_alloc(struct tcp_stack *st, const struct tcp_sock_opts *o)
{
    const struct tcp_config *c = &st->cfg;
    struct tcp_sock *s = xcalloc(1, sizeof *s);
    s->st = st;
    tcp_sndbuf_init(s, o ? o->sndbuf : 0);
    tcp_rcvbuf_init(s, o ? o->rcvbuf : 0);
    s->mss_clamp = o && o->mss_clamp ? o->mss_clamp : c->mss_clamp;
    s->nodelay = o && o->nodelay ? o->nodelay > 0 : c->nodelay;
    const char *ccn = o && o->cc ? o->cc : c->cc;
    s->cc_ops = tcp_cc_find(ccn);
    if (!s->cc_ops)
        s->cc_ops = &tcp_cc_cubic;
    tcp_reasm_init(&s->ooo);
    tcp_rtt_init(&s->rtt, c->rto_init, c->rto_min, c->rto_max);
    tcp_timers_init(s);
    tcp_tsq_init(s);
    s->st->stats.conns++;
    return s;
}

void tcp_release(struct tcp_sock *s)
{
    if (--s->busy == 0 && s->dead && !tcp_tsq_holds(s))
        free(s);
}

/* Leaving SYN_RECEIVED (or dying in it): release the listener's slot. */
static void tcp_detach_listener(struct tcp_sock *s)
{
    if (s->listener) {
        s->listener->pending--;
        s->listener = NULL;
    }
}

void tcp_sock_destroy(struct tcp_sock *s)
{
    if (s->dead)
        return;
    sock_unhash(s);
    tcp_detach_listener(s);
    tcp_timers_cancel(s);
    tcp_txlog_free(&s->txlog);
    tcp_rack_rexmit_free(s);
    tcp_sndq_free(&s->sbuf);
    tcp_ring_free(&s->rbuf);
    s->st->stats.conns--;
    s->state = TCP_CLOSED;
    s->cb = NULL;
    s->dead = true;
    if (!s->busy && !tcp_tsq_holds(s))
        free(s);
}

void tcp_sock_done(struct tcp_sock *s, enum tcp_close_reason why)
{
    const struct tcp_callbacks *cb = s->cb;
    void *ctx = s->ctx;
    tcp_hold(s);
    tcp_sock_destroy(s);
    if (cb && cb->closed)
        cb->closed(ctx, s, why);
    tcp_release(s);
}

void tcp_enter_time_wait(struct tcp_sock *s)
{
    const struct tcp_callbacks *cb = s->cb;
    void *ctx = s->ctx;
    s->state = TCP_TIME_WAIT;
    s->cb = NULL;
    s->orphan = true;
    rt_timer_cancel(tcp_rt(s), &s->delack_timer);
    tcp_txlog_free(&s->txlog);
    tcp_rack_rexmit_free(s);
    tcp_sndq_free(&s->sbuf);
    tcp_ring_free(&s->rbuf);
    tcp_arm_mode(s, TCP_TM_TIME_WAIT, 2 * s->st->cfg.msl);
    if (cb && cb->closed) {
        tcp_hold(s);
        cb->closed(ctx, s, TCP_CLOSE_NORMAL);
        tcp_release(s);
    }
}

void tcp_setup_mss(struct tcp_sock *s)
{
    uint32_t mtu = ipv4_path_mtu(s->st->h, s->raddr);
    if (mtu < 576)
        mtu = 576;
    uint32_t mss = mtu - 40;
    if (mss > 65495)
        mss = 65495;
    if (s->mss_clamp && mss > s->mss_clamp)
        mss = s->mss_clamp;
    if (mss < 88)
        mss = 88;
    s->adv_mss = (uint16_t)mss;
    s->mss = (uint16_t)mss;
    s->syn_wnd = tcp_select_initial_window(s, s->st->cfg.window_scaling, &s->rcv_wscale);
    tcp_ring_init(&s->rbuf, tcp_rcvbuf_max_bytes(s) + (1u << s->rcv_wscale));
}

void tcp_cc_start(struct tcp_sock *s)
{
    uint32_t room = s->mss - (s->ts_ok ? TCP_TS_OPT_LEN : 0);
    s->cc.mss = room;
    s->cc.cwnd = s->st->cfg.init_cwnd_segs * room;
    s->cc.ssthresh = 0x7fffffff;
    s->cc_ops->init(&s->cc);
}

void tcp_become_established(struct tcp_sock *s)
{
    tcp_detach_listener(s);
    s->st->stats.established++;
    s->retries = 0;
    tcp_rcvbuf_established(s);
    tcp_sndbuf_expand(s);
    if (s->fin_queued) {
        s->fin_seq = s->snd_una + s->sbuf.len;
        s->state = TCP_FIN_WAIT_1;
    } else {
        s->state = TCP_ESTABLISHED;
    }
}

void tcp_deliver(struct tcp_sock *s)
{
    while (!s->paused && s->rbuf.len) {
        if (!s->cb || !s->cb->received) {
            tcp_ring_consume(&s->rbuf, s->rbuf.len);
            break;
        }
        const uint8_t *p;
        uint32_t n = tcp_ring_contig(&s->rbuf, &p);
        size_t took = s->cb->received(s->ctx, s, p, n);
        if (s->dead)
            return;
        if (took > n)
            took = n;
        tcp_ring_consume(&s->rbuf, (uint32_t)took);
        s->copied += (uint32_t)took;
        if (took < n)
            s->paused = true;
    }
    if (tcp_reasm_empty(&s->ooo))
        tcp_ring_rewind(&s->rbuf);
    if (s->fin_rcvd && !s->eof_done && s->rbuf.len == 0 && s->rcv_nxt == s->rcv_fin_seq + 1) {
        s->eof_done = true;
        if (s->cb && s->cb->eof)
            s->cb->eof(s->ctx, s);
    }
}

void tcp_check_writable(struct tcp_sock *s)
{
    if (!s->want_writable || s->fin_queued)
        return;
    if (s->sndbuf - s->sbuf.len < s->sndbuf / 4)
        return;
    s->want_writable = false;
    if (s->cb && s->cb->writable)
        s->cb->writable(s->ctx, s);
}

/* ---- application calls ---- */

static bool port_in_use(struct tcp_stack *st, uint32_t laddr, uint16_t lport, uint32_t raddr,
                        uint16_t rport)
{
    return tcp_lookup_listener(st, laddr, lport) || tcp_lookup(st, laddr, lport, raddr, rport);
}

struct tcp_sock *tcp_listen(struct host *h, uint32_t addr, uint16_t port, int backlog,
                            const struct tcp_callbacks *cb, void *ctx)
{
    struct tcp_stack *st = tcp_stack_of(h);
    for (struct tcp_sock *l = st->listeners[port % TCP_LISTEN_BUCKETS]; l; l = l->hnext)
        if (l->lport == port && (l->laddr == addr || l->laddr == 0 || addr == 0))
            return NULL;
    struct tcp_sock *s = tcp_sock_alloc(st, NULL);
    s->state = TCP_LISTEN;
    s->laddr = addr;
    s->lport = port;
    s->backlog = backlog > 0 ? backlog : 1;
    s->cb = cb;
    s->ctx = ctx;
    tcp_sock_hash(s);
    return s;
}

static uint64_t secret_hash(uint64_t secret, uint32_t src, uint32_t dst, uint32_t ports)
{
    uint64_t x = secret ^ ((uint64_t)src << 32 | dst) ^ ((uint64_t)ports * 0x9e3779b97f4a7c15ull);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

/* RFC 6056 algorithm 4: an offset secret per (src, dst, dport) plus a
 * counter per hash bucket, so ports to one destination follow each other
 * and come back only after the whole range, long after TIME_WAIT. 0 when
 * every port is in use. */
static uint16_t ephemeral_port(struct tcp_stack *st, uint32_t src, uint32_t dst, uint16_t dport)
{
    uint32_t range = EPHEMERAL_HI - EPHEMERAL_LO + 1;
    uint64_t h = secret_hash(st->port_secret, src, dst, dport);
    uint32_t offset = (uint32_t)h, *next = &st->port_next[(h >> 32) % TCP_PORT_TABLE];
    for (uint32_t i = 0; i < range; i++) {
        uint16_t p = (uint16_t)(EPHEMERAL_LO + (offset + (*next)++) % range);
        if (!port_in_use(st, src, p, dst, dport))
            return p;
    }
    return 0;
}

uint32_t tcp_isn(const struct tcp_sock *s)
{
    uint64_t h = secret_hash(s->st->isn_secret, s->laddr, s->raddr, (uint32_t)s->lport << 16 | s->rport);
    return (uint32_t)h + (uint32_t)((uint64_t)tcp_now(s) >> 6);
}

struct tcp_sock *tcp_connect_opts(struct host *h, uint32_t src, uint16_t sport, uint32_t dst,
                                  uint16_t dport, const struct tcp_callbacks *cb, void *ctx,
                                  const struct tcp_sock_opts *o)
{
    struct tcp_stack *st = tcp_stack_of(h);
    if (!src)
        src = ipv4_select_src(h, dst);
    if (!src || !dport)
        return NULL;
    if (sport) {
        if (port_in_use(st, src, sport, dst, dport))
            return NULL;
    } else if (!(sport = ephemeral_port(st, src, dst, dport))) {
        return NULL;
    }
    struct tcp_sock *s = tcp_sock_alloc(st, o);
    s->state = TCP_SYN_SENT;
    s->laddr = src;
    s->lport = sport;
    s->raddr = dst;
    s->rport = dport;
    s->cb = cb;
    s->ctx = ctx;
    s->iss = tcp_isn(s);
    s->snd_una = s->snd_nxt = s->snd_max = s->iss;
    s->recover = s->iss;
    tcp_setup_mss(s);
    s->ws_ok = st->cfg.window_scaling;
    s->sack_ok = st->cfg.sack;
    s->ts_ok = st->cfg.timestamps;
    tcp_sock_hash(s);
    st->stats.active_opens++;
    tcp_hold(s);
    tcp_send_syn(s);
    tcp_arm_mode(s, TCP_TM_RTO, s->rtt.rto);
    tcp_release(s);
    return s;
}

struct tcp_sock *tcp_connect(struct host *h, uint32_t src, uint32_t dst, uint16_t dport,
                             const struct tcp_callbacks *cb, void *ctx)
{
    return tcp_connect_opts(h, src, 0, dst, dport, cb, ctx, NULL);
}

size_t tcp_send_space(const struct tcp_sock *s)
{
    if (s->fin_queued || s->orphan || s->state == TCP_LISTEN || s->state == TCP_CLOSED ||
        s->state == TCP_TIME_WAIT)
        return 0;
    return s->sndbuf - s->sbuf.len;
}

/* Whether the socket takes data now; if not, writable() will say when. */
static bool send_open(struct tcp_sock *s, size_t len)
{
    if (tcp_send_space(s) && s->state <= TCP_CLOSE_WAIT)
        return true;
    if (len)
        s->want_writable = true;
    return false;
}

static uint32_t clamp_len(size_t len) { return len > UINT32_MAX ? UINT32_MAX : (uint32_t)len; }

/* n of len bytes were queued: send what the windows allow. */
static size_t queued(struct tcp_sock *s, uint32_t n, size_t len)
{
    if (n < len)
        s->want_writable = true;
    if (tcp_synchronized(s) && n) {
        tcp_hold(s);
        tcp_output(s);
        tcp_release(s);
    }
    return n;
}

size_t tcp_send(struct tcp_sock *s, const void *data, size_t len)
{
    if (!send_open(s, len))
        return 0;
    return queued(s, tcp_sndq_copy(&s->sbuf, data, clamp_len(len), s->sndbuf), len);
}

size_t tcp_send_more(struct tcp_sock *s, const void *data, size_t len)
{
    if (!send_open(s, len))
        return 0;
    uint32_t n = tcp_sndq_copy(&s->sbuf, data, clamp_len(len), s->sndbuf);
    if (n < len)
        s->want_writable = true;
    return n;
}

size_t tcp_send_ref(struct tcp_sock *s, const void *data, size_t len)
{
    if (!send_open(s, len))
        return 0;
    return queued(s, tcp_sndq_lend(&s->sbuf, data, clamp_len(len), s->sndbuf), len);
}

size_t tcp_send_gen(struct tcp_sock *s, const struct tcp_gen *gen, uint64_t off, size_t len)
{
    if (!send_open(s, len))
        return 0;
    return queued(s, tcp_sndq_make(&s->sbuf, gen, off, clamp_len(len), s->sndbuf), len);
}

void tcp_shutdown(struct tcp_sock *s)
{
    if (s->fin_queued)
        return;
    switch (s->state) {
    case TCP_SYN_SENT:
    case TCP_SYN_RECEIVED:
        s->fin_queued = true;          /* sent once established */
        return;
    case TCP_ESTABLISHED:
        s->state = TCP_FIN_WAIT_1;
        break;
    case TCP_CLOSE_WAIT:
        s->state = TCP_LAST_ACK;
        break;
    default:
        return;
    }
    s->fin_queued = true;
    s->fin_seq = s->snd_una + s->sbuf.len;
    tcp_hold(s);
    tcp_output(s);
    tcp_release(s);
}

void tcp_abort(struct tcp_sock *s)
{
    if (s->dead)
        return;
    if (s->state == TCP_LISTEN) {
        tcp_close(s);
        return;
    }
    if (s->state >= TCP_SYN_RECEIVED && s->state != TCP_TIME_WAIT) {
        tcp_send_rst(s);
        s->st->stats.resets_sent++;
    }
    s->cb = NULL;
    tcp_sock_destroy(s);
}

void tcp_close(struct tcp_sock *s)
{
    if (s->dead)
        return;
    struct tcp_stack *st = s->st;
    if (s->state == TCP_LISTEN) {
        /* handshakes in progress die with their listener */
        for (uint32_t i = 0; i <= st->conn_mask; i++) {
            struct tcp_sock *c = st->conns[i], *n;
            for (; c; c = n) {
                n = c->hnext;
                if (c->listener == s)
                    tcp_abort(c);
            }
        }
        s->cb = NULL;
        tcp_sock_destroy(s);
        return;
    }
    if (s->state == TCP_SYN_SENT || s->state == TCP_CLOSED) {
        s->cb = NULL;
        tcp_sock_destroy(s);
        return;
    }
    if (s->rbuf.len || !tcp_reasm_empty(&s->ooo)) {
        tcp_abort(s);                  /* unread data: RST, as Linux */
        return;
    }
    s->cb = NULL;
    s->orphan = true;
    tcp_hold(s);
    tcp_shutdown(s);
    if (s->state == TCP_FIN_WAIT_2)
        tcp_arm_mode(s, TCP_TM_FIN_WAIT_2, st->cfg.fin_timeout);
    tcp_release(s);
}

void tcp_recv_resume(struct tcp_sock *s)
{
    if (!s->paused || s->dead)
        return;
    s->paused = false;
    if (s->state == TCP_LISTEN || s->state == TCP_TIME_WAIT)
        return;
    uint32_t before = s->rcv_adv - s->rcv_nxt;
    tcp_hold(s);
    tcp_deliver(s);
    if (!s->dead)
        tcp_rcv_space_adjust(s);
    /* a window that opens by two segments or from below one is announced */
    if (!s->dead && tcp_synchronized(s)) {
        uint32_t now = tcp_rcv_window(s);
        if (now >= before + 2u * s->mss || (before < s->mss && now >= s->mss))
            tcp_send_ack(s);
    }
    tcp_release(s);
}

void tcp_set_callbacks(struct tcp_sock *s, const struct tcp_callbacks *cb, void *ctx)
{
    s->cb = cb;
    s->ctx = ctx;
}

void tcp_set_nodelay(struct tcp_sock *s, bool on) { s->nodelay = on; }

void tcp_sock_stats(const struct tcp_sock *s, struct tcp_sock_stats *out)
{
    *out = s->stats;
    out->state = s->state;
    out->srtt = s->rtt.srtt;
    out->rttvar = s->rtt.rttvar;
    out->rto = s->rtt.rto;
    out->cwnd = s->cc.cwnd;
    out->ssthresh = s->cc.ssthresh;
    out->mss = s->mss;
    out->snd_wnd = s->snd_wnd;
    out->rcv_wnd = s->rcv_adv - s->rcv_nxt;
    out->sndbuf = s->sndbuf;
    out->rcvbuf = s->rcvbuf;
}

enum tcp_state tcp_sock_state(const struct tcp_sock *s) { return s->state; }

void tcp_sock_addrs(const struct tcp_sock *s, uint32_t *laddr, uint16_t *lport,
                    uint32_t *raddr, uint16_t *rport)
{
    if (laddr)
        *laddr = s->laddr;
    if (lport)
        *lport = s->lport;
    if (raddr)
        *raddr = s->raddr;
    if (rport)
        *rport = s->rport;
}

bool tcp_sock_toa(const struct tcp_sock *s, uint32_t *addr, uint16_t *port)
{
    if (!s->toa_seen)
        return false;
    *addr = s->toa_addr;
    *port = s->toa_port;
    return true;
}
