/*
 * Taking back a window reduction that was not needed, as Linux's
 * tcp_input.c does for fast recovery: the episode is undone when every
 * retransmission in it proves spurious. Proof comes two ways: D-SACKs
 * (RFC 2883, RFC 3708) saying each retransmitted segment arrived twice
 * (tcp_try_undo_dsack, also after recovery has ended), or, as recovery
 * ends, an ACK whose timestamp echo is older than the episode's first
 * retransmission: the originals got there (Eifel, RFC 3522;
 * tcp_packet_delayed). Undo restores the window and ssthresh from before
 * the reduction (tcp_undo_cwnd_reduction); a timeout ends the chance.
 */
#include "net/tcp_int.h"

void tcp_undo_start(struct tcp_sock *s)
{
    uint32_t cwnd = s->cc.cwnd, three_quarters = cwnd / 2 + cwnd / 4;
    s->undo = (struct tcp_undo){
        .armed = true,
        .marker = s->snd_una,
        .high = s->snd_una,
        .retrans = -1,
        .prior_cwnd = cwnd,
        .prior_ssthresh = s->cc.ssthresh > three_quarters ? s->cc.ssthresh : three_quarters,
    };
}

void tcp_undo_retransmitted(struct tcp_sock *s, uint32_t seq, uint32_t len)
{
    struct tcp_undo *u = &s->undo;
    if (!u->armed || !len)
        return;
    if (u->retrans < 0)
        u->retrans = 0;
    u->retrans += (int32_t)((len + s->cc.mss - 1) / s->cc.mss);
    if (!u->stamp)
        u->stamp = tcp_ts_clock(s) ? tcp_ts_clock(s) : 1;
    if (tcp_seq_gt(seq + len, u->high))
        u->high = seq + len;
}

bool tcp_undo_dsack(struct tcp_sock *s, const struct tcp_opts *o, uint32_t ack, uint32_t prior_una)
{
    if (!s->sack_ok || !o->nsack)
        return false;
    /* below the cumulative ACK, or inside the second block (RFC 2883 4) */
    struct tcp_range d = o->sack[0];
    bool dup = tcp_seq_lt(d.start, ack) ||
               (o->nsack > 1 && !tcp_seq_lt(d.start, o->sack[1].start) && !tcp_seq_gt(d.end, o->sack[1].end));
    if (!dup || !tcp_seq_lt(d.start, d.end))
        return false;
    s->stats.dsacks_received++;
    s->st->stats.dsack_recv++;
    struct tcp_undo *u = &s->undo;
    if (!u->armed || u->retrans <= 0 || !tcp_seq_gt(d.end, u->marker))
        return true;
    if (!tcp_seq_gt(d.end, prior_una)) {
        u->retrans--;                  /* below snd_una: one a block, as tcp_check_dsack */
    } else if (tcp_seq_lt(d.start, u->high)) {
        uint32_t end = tcp_seq_lt(d.end, u->high) ? d.end : u->high;
        int32_t segs = (int32_t)((end - d.start + s->cc.mss - 1) / s->cc.mss);
        u->retrans = u->retrans > segs ? u->retrans - segs : 0;
    }
    return true;
}

/* tcp_undo_cwnd_reduction: the window and ssthresh from before */
static void undo(struct tcp_sock *s)
{
    struct tcp_undo *u = &s->undo;
    if (s->cc.cwnd < u->prior_cwnd)
        s->cc.cwnd = u->prior_cwnd;
    if (s->cc.ssthresh < u->prior_ssthresh)
        s->cc.ssthresh = u->prior_ssthresh;
    u->armed = false;
    s->stats.undos++;
}

bool tcp_undo_by_dsack(struct tcp_sock *s)
{
    if (!s->undo.armed || s->undo.retrans != 0)
        return false;
    undo(s);
    s->st->stats.dsack_undos++;
    return true;
}

bool tcp_undo_at_recovery_end(struct tcp_sock *s, uint32_t tsecr)
{
    const struct tcp_undo *u = &s->undo;
    bool delayed = u->stamp && tsecr && tcp_seq_lt(tsecr, u->stamp);
    if (!u->armed || (u->retrans != 0 && !delayed))
        return false;
    undo(s);
    s->st->stats.full_undos++;
    return true;
}

void tcp_undo_forget(struct tcp_sock *s) { s->undo.armed = false; }
