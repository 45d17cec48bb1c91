/*
 * Loss recovery's window: what is in flight as Linux counts it
 * (tcp_packets_in_flight: sent, less SACKed, less marked lost, plus
 * retransmitted) and Proportional Rate Reduction (RFC 6937, Linux's
 * tcp_cwnd_reduction): during recovery each ACK lets out data in
 * proportion to what it reports delivered, so the window comes down to
 * ssthresh smoothly, and by slow start back up to it if losses took the
 * flight below. Recovery begins with the algorithm's ssthresh and ends,
 * on the ACK of everything outstanding when it began, at ssthresh.
 *
 * Lost, as Linux with RACK in recovery: every hole below the highest
 * SACKed byte (the send order is the sequence order here); without SACK,
 * the segment at snd_una, and each duplicate ACK stands for one segment
 * delivered.
 */
#include "net/tcp_int.h"

uint32_t tcp_sacked_bytes(const struct tcp_sock *s, uint32_t below)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->sacked.n; i++) {
        const struct tcp_range *r = &s->sacked.r[i];
        uint32_t a = tcp_seq_max(r->start, s->snd_una), b = r->end;
        if (tcp_seq_gt(b, below))
            b = below;
        if (tcp_seq_lt(a, b))
            n += b - a;
    }
    return n;
}

uint32_t tcp_in_flight(const struct tcp_sock *s)
{
    uint32_t out = s->snd_nxt - s->snd_una;
    if (!s->sack_ok) {
        uint32_t sacked = s->dupacks * s->cc.mss;
        uint32_t pipe = out > sacked ? out - sacked : 0;
        if (s->in_recovery && !tcp_seq_gt(s->rexmit_nxt, s->snd_una)) {
            uint32_t lost = out < s->cc.mss ? out : s->cc.mss;   /* the head, not yet resent */
            pipe = pipe > lost ? pipe - lost : 0;
        }
        return pipe;
    }
    uint32_t sacked = tcp_sacked_bytes(s, s->snd_nxt);
    uint32_t pipe = out - sacked;
    if (s->in_recovery && !tcp_reasm_empty(&s->sacked)) {
        uint32_t fack = s->sacked.r[s->sacked.n - 1].end;
        if (tcp_seq_gt(fack, s->snd_nxt))
            fack = s->snd_nxt;
        uint32_t lost = (fack - s->snd_una) - tcp_sacked_bytes(s, fack);
        uint32_t rx_end = tcp_seq_lt(s->rexmit_nxt, fack) ? s->rexmit_nxt : fack;
        uint32_t retrans = tcp_seq_gt(rx_end, s->snd_una)
                               ? (rx_end - s->snd_una) - tcp_sacked_bytes(s, rx_end) : 0;
        pipe = pipe - lost + retrans - tcp_rack_rexmit_lost_bytes(s);
    }
    return pipe;
}

uint32_t tcp_delivered_mark(const struct tcp_sock *s)
{
    return s->snd_una + (s->sack_ok ? tcp_sacked_bytes(s, s->snd_max) : s->dupacks * s->cc.mss);
}

void tcp_enter_recovery(struct tcp_sock *s)
{
    tcp_undo_start(s);
    s->cc.ssthresh = s->cc_ops->ssthresh(&s->cc, s->snd_max - s->snd_una, tcp_now(s));
    s->prior_cwnd = s->cc.cwnd;
    s->prr_delivered = 0;
    s->prr_out = 0;
    s->recover = s->snd_max;
    s->in_recovery = true;
    s->rexmit_nxt = s->snd_una;
    tcp_rack_rexmit_clear(s);
    s->tlp_high_seq = 0;
    s->stats.fast_retransmits++;
    s->st->stats.recoveries++;
    tcp_stop_rtx(s);               /* the RTO, not a probe, guards recovery */
    tcp_arm_rto(s);
}

void tcp_leave_recovery(struct tcp_sock *s)
{
    s->in_recovery = false;
    s->dupacks = 0;
    tcp_rack_rexmit_clear(s);
}

void tcp_end_recovery(struct tcp_sock *s, uint32_t tsecr)
{
    tcp_leave_recovery(s);
    if (!tcp_undo_at_recovery_end(s, tsecr) && s->cc.ssthresh < 0x7fffffff)
        s->cc.cwnd = s->cc.ssthresh;
}

void tcp_prr_ack(struct tcp_sock *s, uint32_t delivered, bool una_advanced)
{
    if (!delivered && s->prr_out)
        return;
    uint32_t mss = s->cc.mss;
    s->prr_delivered += delivered;
    uint32_t pipe = tcp_in_flight(s);
    uint64_t sndcnt;
    if (pipe > s->cc.ssthresh) {
        /* proportional: ssthresh / prior_cwnd of what was delivered */
        uint64_t due = ((uint64_t)s->cc.ssthresh * s->prr_delivered + s->prior_cwnd - 1) / s->prior_cwnd;
        sndcnt = due > s->prr_out ? due - s->prr_out : 0;
    } else {
        /* slow start back up to ssthresh (PRR-SSRB) */
        uint64_t a = s->prr_delivered > s->prr_out ? s->prr_delivered - s->prr_out : 0;
        sndcnt = a > delivered ? a : delivered;
        if (una_advanced)
            sndcnt += mss;
        uint32_t room = s->cc.ssthresh - pipe;
        if (sndcnt > room)
            sndcnt = room;
    }
    if (!s->prr_out && sndcnt < mss)
        sndcnt = mss;              /* the fast retransmit goes out at once */
    s->cc.cwnd = pipe + (uint32_t)sndcnt;
    if (s->cc.cwnd < mss)
        s->cc.cwnd = mss;
}
