/*
 * TCP input (RFC 9293 section 3.10.7): header checks, demultiplexing,
 * listeners and the backlog, the handshake, RFC 5961 checks on RST, SYN and
 * ACK, the acceptability test, ACK processing with NewReno (RFC 6582) and
 * the congestion control ops, data into the receive ring and the
 * out-of-order ranges, FIN and the closing states, and ICMP errors.
 * Every segment that is not used is dropped with a reason (host_drop).
 */
#include "net/tcp_int.h"

#include "net/csum.h"

struct tcp_seg {
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t wnd;
    const uint8_t *data;
    uint32_t len;          /* payload bytes */
    uint32_t tcp_len;      /* header + payload */
    uint32_t saddr, daddr;
    uint16_t sport, dport;
    struct tcp_opts opt;
};

static void challenge_ack(struct tcp_sock *s)
{
    s->st->stats.challenge_acks++;
    tcp_send_oow_ack(s, false);
}

static bool seg_has_data(const struct tcp_seg *g)
{
    return (g->len || (g->flags & TCP_FIN)) && !(g->flags & TCP_SYN);
}

/* A duplicate came in, old data or out-of-order data already held: report
 * it at the head of the next SACK option (RFC 2883; Linux's tcp_dsack_set:
 * the latest one wins). */
static void dsack_set(struct tcp_sock *s, uint32_t start, uint32_t end, bool old)
{
    if (!s->sack_ok || !s->st->cfg.dsack)
        return;
    s->dsack = (struct tcp_range){ start, end };
    s->dsack_pending = true;
    s->stats.dsacks_sent++;
    if (old)
        s->st->stats.dsack_old_sent++;
    else
        s->st->stats.dsack_ofo_sent++;
}

/* Data or a FIN from before rcv_nxt: its old part is a duplicate (Linux's
 * tcp_send_dupack and tcp_data_queue). */
static void dsack_old(struct tcp_sock *s, const struct tcp_seg *g)
{
    if (!seg_has_data(g) || !tcp_seq_lt(g->seq, s->rcv_nxt))
        return;
    uint32_t end = g->seq + g->len + ((g->flags & TCP_FIN) ? 1 : 0);
    dsack_set(s, g->seq, tcp_seq_leq(end, s->rcv_nxt) ? end : s->rcv_nxt, true);
}

static void rtt_ack(struct tcp_sock *s, uint32_t ack)
{
    if (s->rtt_timing && tcp_seq_gt(ack, s->rtt_seq)) {
        tcp_rtt_sample(&s->rtt, tcp_now(s) - s->rtt_start, ack, s->snd_nxt);
        s->rtt_timing = false;
    }
}

static void apply_syn_opts(struct tcp_sock *s, const struct tcp_seg *g)
{
    const struct tcp_opts *o = &g->opt;
    uint16_t peer = o->mss ? o->mss : TCP_DEFAULT_MSS;
    s->mss = s->adv_mss < peer ? s->adv_mss : peer;
    if (s->ws_ok && o->wscale >= 0) {
        s->snd_wscale = (uint8_t)o->wscale;
    } else {
        s->ws_ok = false;
        s->snd_wscale = 0;
        s->rcv_wscale = 0;
    }
    s->sack_ok = s->sack_ok && o->sack_ok;
    s->ts_ok = s->ts_ok && o->ts;
    if (s->ts_ok)
        s->ts_recent = o->tsval;
    s->snd_wnd = g->wnd;           /* never scaled in a SYN */
    s->max_snd_wnd = s->snd_wnd;
    s->snd_wl1 = g->seq;
    s->snd_wl2 = g->ack;
    tcp_cc_start(s);
}

/* ---- no connection, listeners ---- */

static void no_socket(struct tcp_stack *st, struct pkt *p, const struct tcp_seg *g)
{
    tcp_send_reset_reply(st, p, g->tcp_len);
    host_drop(st->h, p, DROP_TCP_NO_SOCKET);
}

static void listen_input(struct tcp_sock *l, struct pkt *p, const struct tcp_seg *g)
{
    struct tcp_stack *st = l->st;
    struct host *h = st->h;
    if (g->flags & TCP_RST) {
        host_drop(h, p, DROP_TCP_NO_SOCKET);
        return;
    }
    if (g->flags & TCP_ACK) {
        no_socket(st, p, g);
        return;
    }
    if (!(g->flags & TCP_SYN)) {
        host_drop(h, p, DROP_TCP_BAD_FLAGS);
        return;
    }
    if (l->pending >= l->backlog) {
        st->stats.backlog_drops++;
        host_drop(h, p, DROP_TCP_BACKLOG);
        return;
    }
    struct tcp_sock *c = tcp_sock_alloc(st, NULL);
    c->mss_clamp = l->mss_clamp;
    c->nodelay = l->nodelay;
    c->cc_ops = l->cc_ops;
    c->state = TCP_SYN_RECEIVED;
    c->passive = true;
    c->listener = l;
    l->pending++;
    c->laddr = g->daddr;
    c->lport = g->dport;
    c->raddr = g->saddr;
    c->rport = g->sport;
    c->irs = g->seq;
    c->rcv_nxt = g->seq + 1;
    c->iss = tcp_isn(c);
    c->snd_una = c->snd_nxt = c->snd_max = c->iss;
    c->recover = c->iss;
    c->ws_ok = st->cfg.window_scaling;
    c->sack_ok = st->cfg.sack;
    c->ts_ok = st->cfg.timestamps;
    tcp_setup_mss(c);
    apply_syn_opts(c, g);
    tcp_sock_hash(c);
    st->stats.passive_opens++;
    pkt_free(p);                   /* data on a SYN is not taken: it comes again */
    tcp_hold(c);
    tcp_send_syn(c);
    tcp_arm_rto(c);
    tcp_release(c);
}

/* ---- SYN_SENT ---- */

static void syn_sent_input(struct tcp_sock *s, struct pkt *p, const struct tcp_seg *g)
{
    struct host *h = s->st->h;
    if ((g->flags & TCP_ACK) && g->ack != s->iss + 1) {
        if (!(g->flags & TCP_RST))
            tcp_send_reset_reply(s->st, p, g->tcp_len);
        host_drop(h, p, DROP_TCP_BAD_ACK);
        return;
    }
    if (g->flags & TCP_RST) {
        if (g->flags & TCP_ACK) {
            s->st->stats.resets_received++;
            pkt_free(p);
            tcp_sock_done(s, TCP_CLOSE_REFUSED);
        } else {
            host_drop(h, p, DROP_TCP_BAD_RST);
        }
        return;
    }
    if (!(g->flags & TCP_SYN)) {
        host_drop(h, p, DROP_TCP_BAD_FLAGS);
        return;
    }
    s->irs = g->seq;
    s->rcv_nxt = g->seq + 1;
    s->rcv_adv = s->rcv_nxt;   /* nothing announced yet: the first window is not measured from 0 */
    apply_syn_opts(s, g);
    pkt_free(p);
    if (g->flags & TCP_ACK) {
        rtt_ack(s, g->ack);
        s->snd_una = g->ack;
        tcp_stop_rtx(s);
        tcp_become_established(s);
        tcp_send_ack(s);
        if (s->cb && s->cb->connected)
            s->cb->connected(s->ctx, s);
        if (!s->dead)
            tcp_output(s);
    } else {
        /* simultaneous open */
        s->state = TCP_SYN_RECEIVED;
        s->retries = 0;
        tcp_send_syn(s);
        tcp_arm_rto(s);
    }
}

/* ---- TIME_WAIT ---- */

static void time_wait_input(struct tcp_sock *s, struct pkt *p, const struct tcp_seg *g)
{
    struct tcp_stack *st = s->st;
    struct host *h = st->h;
    if (g->flags & TCP_RST) {
        if (g->seq == s->rcv_nxt) {
            pkt_free(p);
            tcp_sock_destroy(s);
        } else {
            host_drop(h, p, DROP_TCP_BAD_RST);
        }
        return;
    }
    bool paws_reject = s->ts_ok && g->opt.ts && tcp_seq_lt(g->opt.tsval, s->ts_recent);
    if (paws_reject)
        st->stats.paws_rejects++;
    if (!paws_reject && g->seq == s->rcv_nxt && !g->len && !(g->flags & (TCP_SYN | TCP_FIN))) {
        /* in window, so a bare ACK: Linux's tcp_timewait_state_process takes
         * its timestamp, restarts the 2 MSL and sends nothing (an answer
         * would draw a RST from a peer that has closed) */
        if (s->ts_ok && g->opt.ts)
            s->ts_recent = g->opt.tsval;
        tcp_arm_mode(s, TCP_TM_TIME_WAIT, 2 * st->cfg.msl);
        pkt_free(p);
        return;
    }
    bool newer_ts = s->ts_ok && g->opt.ts && (int32_t)(s->ts_recent - g->opt.tsval) < 0;
    if ((g->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN && !paws_reject &&
        (tcp_seq_gt(g->seq, s->rcv_nxt) || newer_ts)) {
        /* a new incarnation (RFC 9293 3.6.1, and RFC 6191's timestamps as
         * Linux's tcp_timewait_state_process): end TIME_WAIT, hand to the listener */
        struct tcp_sock *l = tcp_lookup_listener(st, g->daddr, g->dport);
        tcp_sock_destroy(s);
        st->stats.time_wait_reuse++;
        if (l)
            listen_input(l, p, g);
        else
            no_socket(st, p, g);
        return;
    }
    /* out of window (a retransmitted FIN, data, an old SYN, a PAWS reject):
     * ACK it, rate-limited unless it carries data or a FIN, and restart the
     * 2 MSL if it has an ACK or failed PAWS, as Linux */
    tcp_send_oow_ack(s, seg_has_data(g));
    if ((g->flags & TCP_ACK) || paws_reject)
        tcp_arm_mode(s, TCP_TM_TIME_WAIT, 2 * st->cfg.msl);
    if (g->flags & TCP_FIN)
        pkt_free(p);
    else
        host_drop(h, p, DROP_TCP_OUT_OF_WINDOW);
}

/* ---- ACK processing ---- */

/* Returns false if the socket ended. */
static bool process_ack(struct tcp_sock *s, const struct tcp_seg *g)
{
    uint32_t ack = g->ack;
    uint32_t win = (uint32_t)g->wnd << s->snd_wscale;
    sim_time_t now = tcp_now(s);

    uint32_t prior_delivered = tcp_delivered_mark(s);
    bool dsack = tcp_undo_dsack(s, &g->opt, ack, s->snd_una);
    /* SACK blocks into the scoreboard (only what lies in flight) */
    if (s->sack_ok) {
        for (unsigned i = 0; i < g->opt.nsack; i++) {
            uint32_t a = g->opt.sack[i].start, b = g->opt.sack[i].end;
            if (!tcp_seq_lt(a, b) || !tcp_seq_leq(b, s->snd_max) || !tcp_seq_gt(b, ack))
                continue;
            tcp_reasm_add(&s->sacked, tcp_seq_max(a, ack), b);
        }
    }

    bool una_advanced = false, dupack = false;
    if (tcp_seq_gt(ack, s->snd_una)) {
        una_advanced = true;
        uint32_t acked = ack - s->snd_una;
        uint32_t prior_flight = s->snd_max - s->snd_una;
        bool fin_acked = s->fin_queued && tcp_seq_gt(ack, s->fin_seq);
        uint32_t data_acked = acked - (fin_acked ? 1 : 0);
        if (data_acked > s->sbuf.len)
            data_acked = s->sbuf.len;
        tcp_sndq_consume(&s->sbuf, data_acked);
        s->stats.bytes_acked += data_acked;
        s->snd_una = ack;
        tcp_reasm_drop_below(&s->sacked, ack);
        if (tcp_seq_lt(s->snd_nxt, ack))
            s->snd_nxt = ack;
        s->retries = 0;
        rtt_ack(s, ack);
        tcp_rtt_reset_backoff(&s->rtt);
        sim_time_t sent_at = tcp_txlog_ack(&s->txlog, ack);
        if (sent_at >= 0 && (s->min_rtt == 0 || now - sent_at < s->min_rtt))
            s->min_rtt = now - sent_at > 0 ? now - sent_at : 1;
        if (s->cc_ops->pkts_acked) {
            struct tcp_cc_ack a = { .now = now, .rtt = sent_at >= 0 ? now - sent_at : -1,
                                    .srtt = s->rtt.srtt, .snd_una = ack, .snd_nxt = s->snd_nxt };
            s->cc_ops->pkts_acked(&s->cc, &a);
        }
        if (s->in_recovery) {
            if (tcp_seq_geq(ack, s->recover)) {
                tcp_end_recovery(s, g->opt.ts ? g->opt.tsecr : 0);
            } else if (!s->sack_ok) {
                /* NewReno's partial ACK: the segments it covers leave the
                 * duplicate count, the next hole is resent (tcp_output) */
                uint32_t segs = acked / s->cc.mss;
                s->dupacks = s->dupacks > segs ? s->dupacks - segs : 0;
            }
        } else {
            s->dupacks = 0;
            /* grow only a window in use (Linux tcp_is_cwnd_limited): slow
             * start up to twice what is in flight, then only when full */
            bool limited = s->cc.cwnd < s->cc.ssthresh ? 2 * prior_flight >= s->cc.cwnd
                                                      : prior_flight + s->cc.mss >= s->cc.cwnd;
            if (limited)
                s->cc_ops->cong_avoid(&s->cc, acked, now, s->rtt.srtt);
        }
        tcp_sndbuf_new_space(s);
        tcp_tlp_ack(s, ack, true, false);
        if (fin_acked) {
            switch (s->state) {
            case TCP_FIN_WAIT_1:
                s->state = TCP_FIN_WAIT_2;
                if (s->orphan)
                    tcp_arm_mode(s, TCP_TM_FIN_WAIT_2, s->st->cfg.fin_timeout);
                break;
            case TCP_CLOSING:
                tcp_enter_time_wait(s);
                break;
            case TCP_LAST_ACK:
                tcp_sock_done(s, TCP_CLOSE_NORMAL);
                return false;
            default:
                break;
            }
        }
    } else if (ack == s->snd_una && g->len == 0 && !(g->flags & (TCP_SYN | TCP_FIN)) &&
               win == s->snd_wnd && s->snd_max != s->snd_una) {
        s->stats.dupacks_in++;
        s->dupacks++;
        dupack = true;
        tcp_tlp_ack(s, ack, false, true);
    }

    /* loss recovery: PRR sets the window from what this ACK delivered */
    if (s->state != TCP_TIME_WAIT && s->snd_una != s->snd_max) {
        uint32_t delivered = tcp_delivered_mark(s) - prior_delivered;
        if (s->in_recovery) {
            tcp_rack_rexmit_detect(s);
            tcp_prr_ack(s, delivered, una_advanced);
        } else if ((dupack || (delivered && !tcp_reasm_empty(&s->sacked))) && tcp_rack_detect(s)) {
            /* an ACK that SACKs more is looked at whatever else changed, a
             * window update included (Linux's FLAG_DATA_SACKED is dubious) */
            tcp_enter_recovery(s);
            tcp_prr_ack(s, delivered, una_advanced);
        }
    }
    /* every retransmission came back D-SACKed: the reduction is taken
     * back, and recovery ends (tcp_try_undo_dsack, tcp_try_to_open) */
    if (dsack && tcp_undo_by_dsack(s) && s->in_recovery)
        tcp_leave_recovery(s);
    if (una_advanced && s->tmode != TCP_TM_TIME_WAIT && s->tmode != TCP_TM_FIN_WAIT_2) {
        if (s->snd_una == s->snd_max)
            tcp_stop_rtx(s);
        else if (s->in_recovery)
            tcp_arm_rto(s);
        else if (s->tmode != TCP_TM_REO)
            tcp_set_xmit_timer(s);
    }
    tcp_rack_rexmit_arm(s);

    /* send window update (RFC 9293 3.10.7.4) */
    if (tcp_seq_lt(s->snd_wl1, g->seq) || (s->snd_wl1 == g->seq && tcp_seq_leq(s->snd_wl2, ack))) {
        s->snd_wnd = win;
        s->snd_wl1 = g->seq;
        s->snd_wl2 = ack;
        if (win > s->max_snd_wnd)
            s->max_snd_wnd = win;
        if (win && s->tmode == TCP_TM_PERSIST) {
            tcp_stop_rtx(s);
            s->retries = 0;
        }
    }
    if (s->state != TCP_TIME_WAIT)
        tcp_check_writable(s);
    return !s->dead;
}

/* ---- data and FIN ---- */

static void process_data(struct tcp_sock *s, const struct tcp_seg *g)
{
    uint32_t seq = g->seq;
    const uint8_t *d = g->data;
    uint32_t len = g->len;
    bool fin = g->flags & TCP_FIN;

    if (tcp_seq_lt(seq, s->rcv_nxt)) {
        uint32_t cut = s->rcv_nxt - seq;
        dsack_old(s, g);
        if (cut >= len) {
            if (cut > len)
                fin = false;       /* an old FIN */
            d += len;
            len = 0;
        } else {
            d += cut;
            len -= cut;
        }
        seq = s->rcv_nxt;
        s->ack_now = true;         /* a duplicate: tell the sender at once */
    }
    uint32_t off = seq - s->rcv_nxt;
    uint32_t limit = tcp_seq_gt(s->rcv_adv, s->rcv_nxt) ? s->rcv_adv - s->rcv_nxt : 0;
    if (off + len > limit) {
        len = limit > off ? limit - off : 0;
        fin = false;
    }
    uint32_t end = seq + len;
    uint32_t in_order = off == 0 ? len : 0;
    if (len)
        tcp_event_data_recv(s);
    if (len && off == 0 && s->rbuf.len == 0 && tcp_reasm_empty(&s->ooo) && !s->paused &&
        s->cb && s->cb->received) {
        /* in order into an empty buffer: straight from the packet to the
         * app, and only what it leaves goes into the ring */
        s->rcv_nxt = end;
        s->stats.bytes_received += len;
        if (++s->delack_segs >= 2)
            s->ack_now = true;
        size_t took = s->cb->received(s->ctx, s, d, len);
        if (s->dead)
            return;
        s->copied += (uint32_t)(took < len ? took : len);
        if (took < len && tcp_ring_reserve(&s->rbuf, len - (uint32_t)took)) {
            tcp_ring_write_at(&s->rbuf, 0, d + took, len - (uint32_t)took);
            s->rbuf.len = len - (uint32_t)took;
            s->paused = true;
        }
        len = 0;
    }
    if (len) {
        uint32_t at = s->rbuf.len + off;
        if (!tcp_ring_reserve(&s->rbuf, at + len)) {
            s->ack_now = true;
            return;
        }
        if (off == 0) {
            tcp_ring_write_at(&s->rbuf, at, d, len);
            bool filled = !tcp_reasm_empty(&s->ooo);
            uint32_t nxt = tcp_reasm_advance(&s->ooo, seq + len);
            uint32_t got = nxt - s->rcv_nxt;
            s->rbuf.len += got;
            s->rcv_nxt = nxt;
            s->stats.bytes_received += got;
            if (filled) {
                s->ack_now = true;
            } else if (++s->delack_segs >= 2) {
                s->ack_now = true;
            }
        } else {
            s->stats.ooo_segs_in++;
            s->ack_now = true;
            struct tcp_range dup;
            if (tcp_reasm_overlap(&s->ooo, seq, seq + len, &dup))
                dsack_set(s, dup.start, dup.end, false);
            if (tcp_reasm_add(&s->ooo, seq, seq + len))
                tcp_ring_write_at(&s->rbuf, at, d, len);
            else
                fin = false;
        }
    }
    if (in_order)
        tcp_rcv_rtt_measure(s, in_order, g->opt.ts, g->opt.tsecr);
    if (fin) {
        s->fin_rcvd = true;
        s->rcv_fin_seq = end;
    }
    bool fin_now = s->fin_rcvd && s->rcv_nxt == s->rcv_fin_seq;
    if (fin_now) {
        s->rcv_nxt++;
        s->ack_now = true;
        if (s->state == TCP_ESTABLISHED)
            s->state = TCP_CLOSE_WAIT;
        else if (s->state == TCP_FIN_WAIT_1)
            s->state = TCP_CLOSING;
    }
    tcp_deliver(s);
    if (s->dead)
        return;
    tcp_rcv_space_adjust(s);
    if (fin_now && s->state == TCP_FIN_WAIT_2) {
        tcp_send_ack(s);
        tcp_enter_time_wait(s);
    }
}

/* ---- synchronized states and SYN_RECEIVED ---- */

static bool acceptable(const struct tcp_sock *s, const struct tcp_seg *g, uint32_t wnd)
{
    uint32_t seg_len = g->len + !!(g->flags & TCP_SYN) + !!(g->flags & TCP_FIN);
    uint32_t lo = s->rcv_nxt, hi = s->rcv_nxt + wnd;
    if (seg_len == 0)
        return wnd == 0 ? g->seq == lo : tcp_seq_in(g->seq, lo, hi);
    if (wnd == 0)
        return false;
    return tcp_seq_in(g->seq, lo, hi) || tcp_seq_in(g->seq + seg_len - 1, lo, hi);
}

static void conn_input(struct tcp_sock *s, struct pkt *p, const struct tcp_seg *g)
{
    struct tcp_stack *st = s->st;
    struct host *h = st->h;
    uint32_t wnd = tcp_seq_gt(s->rcv_adv, s->rcv_nxt) ? s->rcv_adv - s->rcv_nxt : 0;

    /* RST (RFC 5961 3.2): exact match resets, in-window gets a challenge */
    if (g->flags & TCP_RST) {
        if (g->seq == s->rcv_nxt) {
            st->stats.resets_received++;
            pkt_free(p);
            if (s->state == TCP_SYN_RECEIVED && s->passive)
                tcp_sock_destroy(s);
            else
                tcp_sock_done(s, TCP_CLOSE_RESET);
            return;
        }
        if (wnd && tcp_seq_in(g->seq, s->rcv_nxt, s->rcv_nxt + wnd))
            challenge_ack(s);
        host_drop(h, p, DROP_TCP_BAD_RST);
        return;
    }
    /* the peer's SYN again while we are in SYN_RECEIVED: SYN-ACK again */
    if (s->state == TCP_SYN_RECEIVED && (g->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN &&
        g->seq == s->irs) {
        tcp_send_syn(s);
        pkt_free(p);
        return;
    }
    /* PAWS (RFC 7323 5): a timestamp older than the last one in order is
     * an old duplicate */
    if (s->ts_ok && g->opt.ts && tcp_seq_lt(g->opt.tsval, s->ts_recent)) {
        st->stats.paws_rejects++;
        dsack_old(s, g);
        tcp_send_oow_ack(s, seg_has_data(g));
        host_drop(h, p, DROP_TCP_OUT_OF_WINDOW);
        return;
    }
    if (!acceptable(s, g, wnd)) {
        dsack_old(s, g);
        tcp_send_oow_ack(s, seg_has_data(g));
        host_drop(h, p, DROP_TCP_OUT_OF_WINDOW);
        return;
    }
    /* SYN in a synchronized state (RFC 5961 4.2) */
    if (g->flags & TCP_SYN) {
        challenge_ack(s);
        host_drop(h, p, DROP_TCP_BAD_FLAGS);
        return;
    }
    if (!(g->flags & TCP_ACK)) {
        host_drop(h, p, DROP_TCP_BAD_FLAGS);
        return;
    }
    /* timestamps: remember the peer's clock for echoing */
    if (s->ts_ok && g->opt.ts && tcp_seq_leq(g->seq, s->rcv_nxt))
        s->ts_recent = g->opt.tsval;

    if (s->state == TCP_SYN_RECEIVED) {
        if (!tcp_seq_gt(g->ack, s->snd_una) || tcp_seq_gt(g->ack, s->snd_max)) {
            tcp_send_reset_reply(st, p, g->tcp_len);
            host_drop(h, p, DROP_TCP_BAD_ACK);
            return;
        }
        rtt_ack(s, g->ack);
        s->snd_una = g->ack;
        s->snd_wnd = (uint32_t)g->wnd << s->snd_wscale;
        s->max_snd_wnd = s->snd_wnd;
        s->snd_wl1 = g->seq;
        s->snd_wl2 = g->ack;
        tcp_stop_rtx(s);
        struct tcp_sock *l = s->listener;
        tcp_become_established(s);
        if (s->passive && l) {
            s->cb = l->cb;
            s->ctx = NULL;
            if (l->cb && l->cb->accepted)
                s->ctx = l->cb->accepted(l->ctx, l, s);
        } else if (s->passive) {
            /* the listener went away meanwhile */
            tcp_send_rst(s);
            pkt_free(p);
            tcp_sock_destroy(s);
            return;
        } else if (s->cb && s->cb->connected) {
            s->cb->connected(s->ctx, s);
        }
        if (s->dead) {
            pkt_free(p);
            return;
        }
    }
    if (tcp_seq_gt(g->ack, s->snd_max)) {
        tcp_send_oow_ack(s, seg_has_data(g));
        host_drop(h, p, DROP_TCP_BAD_ACK);
        return;
    }
    if (tcp_seq_lt(g->ack, s->snd_una - s->max_snd_wnd) && s->max_snd_wnd) {
        challenge_ack(s);
        host_drop(h, p, DROP_TCP_BAD_ACK);
        return;
    }
    if (!process_ack(s, g)) {
        pkt_free(p);
        return;
    }
    if (s->state == TCP_TIME_WAIT) {
        pkt_free(p);
        return;
    }
    if (g->len || (g->flags & TCP_FIN)) {
        if (s->state == TCP_ESTABLISHED || s->state == TCP_FIN_WAIT_1 ||
            s->state == TCP_FIN_WAIT_2) {
            if (s->orphan && g->len) {
                /* the app closed: data that still comes is refused (Linux) */
                tcp_send_rst(s);
                st->stats.resets_sent++;
                pkt_free(p);
                tcp_sock_destroy(s);
                return;
            }
            process_data(s, g);
        } else if (g->flags & TCP_FIN) {
            s->ack_now = true;     /* a retransmitted FIN after ours */
        }
    }
    pkt_free(p);
    if (s->dead || s->state == TCP_TIME_WAIT)
        return;
    tcp_output(s);
    tcp_schedule_ack(s);
}

/* ---- entry ---- */

void tcp_input(void *ctx, struct host *h, struct pkt *p)
{
    struct tcp_stack *st = ctx;
    if (p->len < TCP_HLEN) {
        host_drop(h, p, DROP_TCP_SHORT);
        return;
    }
    const struct tcp_hdr *th = (const struct tcp_hdr *)p->data;
    unsigned hlen = tcp_hdr_len(th);
    if (hlen < TCP_HLEN || hlen > p->len) {
        host_drop(h, p, DROP_TCP_BAD_OFF);
        return;
    }
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)pkt_l3(p);
    uint32_t sum = csum_pseudo(ip->saddr, ip->daddr, TCP_PROTO, (uint16_t)p->len);
    if (csum_fold(csum_partial(p->data, p->len, sum)) != 0) {
        host_drop(h, p, DROP_TCP_CSUM);
        return;
    }
    st->stats.segs_in++;
    struct tcp_seg g = {
        .seq = ntohl(th->seq), .ack = ntohl(th->ack), .flags = th->flags,
        .wnd = ntohs(th->window), .data = p->data + hlen, .len = p->len - hlen,
        .tcp_len = p->len, .saddr = ntohl(ip->saddr), .daddr = ntohl(ip->daddr),
        .sport = ntohs(th->sport), .dport = ntohs(th->dport),
    };
    /* a malformed option ends the parse; what came before it is used */
    tcp_opts_parse(p->data + TCP_HLEN, hlen - TCP_HLEN, &g.opt);
    if ((g.flags & (TCP_SYN | TCP_FIN)) == (TCP_SYN | TCP_FIN) ||
        (g.flags & (TCP_SYN | TCP_RST)) == (TCP_SYN | TCP_RST)) {
        host_drop(h, p, DROP_TCP_BAD_FLAGS);
        return;
    }

    struct tcp_sock *s = tcp_lookup(st, g.daddr, g.dport, g.saddr, g.sport);
    if (!s) {
        struct tcp_sock *l = tcp_lookup_listener(st, g.daddr, g.dport);
        if (l)
            listen_input(l, p, &g);
        else if (g.flags & TCP_RST)
            host_drop(h, p, DROP_TCP_NO_SOCKET);
        else
            no_socket(st, p, &g);
        return;
    }
    tcp_hold(s);
    s->stats.segs_in++;
    if (g.opt.toa && !s->toa_seen) {
        s->toa_seen = true;
        s->toa_addr = g.opt.toa_addr;
        s->toa_port = g.opt.toa_port;
    }
    switch (s->state) {
    case TCP_SYN_SENT:
        syn_sent_input(s, p, &g);
        break;
    case TCP_TIME_WAIT:
        time_wait_input(s, p, &g);
        break;
    default:
        conn_input(s, p, &g);
        break;
    }
    tcp_release(s);
}

/* ---- ICMP errors ---- */

void tcp_icmp_error(void *ctx, struct host *h, uint8_t type, uint8_t code, uint32_t info,
                    const uint8_t *quoted, uint32_t quoted_len)
{
    (void)h;
    struct tcp_stack *st = ctx;
    if (quoted_len < IPV4_HLEN)
        return;
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)quoted;
    unsigned ihl = ipv4_hdr_len(ip);
    if (ihl < IPV4_HLEN || quoted_len < ihl + 8)
        return;
    const struct tcp_hdr *th = (const struct tcp_hdr *)(quoted + ihl);
    struct tcp_sock *s = tcp_lookup(st, ntohl(ip->saddr), ntohs(th->sport), ntohl(ip->daddr),
                                    ntohs(th->dport));
    if (!s || s->state == TCP_TIME_WAIT)
        return;
    uint32_t seq = ntohl(th->seq);
    if (!tcp_seq_in(seq, s->snd_una, s->snd_max + 1))
        return;                    /* not one of ours in flight (RFC 5927) */
    if (type != ICMP_DEST_UNREACH)
        return;
    tcp_hold(s);
    if (code == ICMP_FRAG_NEEDED) {
        uint32_t mtu = info;
        if (mtu >= 68 + 40 && mtu - 40 < s->mss) {
            uint32_t mss = mtu - 40;
            if (mss < 88)
                mss = 88;
            s->mss = (uint16_t)mss;
            s->cc.mss = tcp_seg_room(s);
            /* resend what is in flight in smaller segments (Linux's
             * tcp_simple_retransmit), without a congestion response */
            if (tcp_synchronized(s) && s->snd_una != s->snd_max) {
                s->snd_nxt = s->snd_una;
                s->rtt_timing = false;
                tcp_output(s);
            }
        }
    } else if (s->state == TCP_SYN_SENT && (code == ICMP_PROT_UNREACH || code == ICMP_PORT_UNREACH)) {
        tcp_sock_done(s, TCP_CLOSE_REFUSED);
    }
    tcp_release(s);
}
