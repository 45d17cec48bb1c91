/*
 * RACK-TLP (RFC 8985) as Linux runs it, on this stack's scoreboard:
 *
 * - Tail loss probe: while data is outstanding outside recovery, a probe
 *   timer of 2 SRTT (plus 200 ms when a single segment is out, else 2 ms,
 *   and never past the RTO) replaces the RTO; when it fires, one new
 *   segment goes out if the window has one, else the last segment again.
 *   If the ACKs then show that the probe repaired a loss, the window is
 *   reduced once (Linux's tcp_process_tlp_ack); a duplicate ACK for the
 *   probe shows there was none.
 * - RACK's reordering window: a hole below SACKed data is lost, and
 *   recovery starts, once a quarter of the minimum RTT has passed since the
 *   SACK showed it (at once when three segments' worth are SACKed). The
 *   segments' send order is taken as their sequence order; a retransmission
 *   lost again is found by its own log (tcp_rack_rexmit.c).
 */
#include "net/tcp_int.h"

#define TLP_ONE_SEG_EXTRA (200 * SIM_MS)   /* TCP_RTO_MIN: a delayed ACK may hold it */
#define TLP_MIN_EXTRA (2 * SIM_MS)         /* TCP_TIMEOUT_MIN */

static bool tlp_allowed(const struct tcp_sock *s)
{
    return s->sack_ok && s->snd_una != s->snd_max && !s->in_recovery &&
           tcp_seq_geq(s->snd_una, s->recover) && s->state != TCP_SYN_SENT &&
           s->state != TCP_SYN_RECEIVED;
}

void tcp_set_xmit_timer(struct tcp_sock *s)
{
    if (!tlp_allowed(s) || !s->rtt.has_sample) {
        if (s->tmode != TCP_TM_RTO)
            tcp_arm_rto(s);
        return;
    }
    sim_time_t pto = 2 * s->rtt.srtt;
    pto += s->snd_max - s->snd_una <= s->cc.mss ? TLP_ONE_SEG_EXTRA : TLP_MIN_EXTRA;
    if (pto > s->rtt.rto)
        pto = s->rtt.rto;
    tcp_arm_mode(s, TCP_TM_TLP, pto);
}

void tcp_tlp_fire(struct tcp_sock *s)
{
    if (s->tlp_high_seq || !tlp_allowed(s)) {
        tcp_arm_rto(s);
        return;
    }
    uint32_t data_end = s->snd_una + s->sbuf.len;
    uint32_t room = tcp_seg_room(s);
    bool sent = false;
    if (tcp_seq_lt(s->snd_nxt, data_end) && s->snd_nxt - s->snd_una + room <= s->snd_wnd) {
        /* new data, whatever the congestion window */
        uint32_t cwnd = s->cc.cwnd;
        s->cc.cwnd = tcp_in_flight(s) + room;
        uint32_t before = s->snd_nxt;
        tcp_output_one(s);
        s->cc.cwnd = cwnd;
        sent = s->snd_nxt != before;
        s->tlp_retrans = false;
    }
    if (!sent) {
        /* the last segment again */
        uint32_t end = s->fin_queued && tcp_seq_gt(s->snd_max, s->fin_seq) ? s->fin_seq : s->snd_max;
        uint32_t len = end - s->snd_una < room ? end - s->snd_una : room;
        tcp_retransmit_range(s, end - len, len);
        s->tlp_retrans = true;
    }
    s->stats.tlp_probes++;
    s->st->stats.loss_probes++;
    s->tlp_high_seq = s->snd_max;
    tcp_arm_rto(s);
}

void tcp_tlp_ack(struct tcp_sock *s, uint32_t ack, bool una_advanced, bool dupack)
{
    if (!s->tlp_high_seq || tcp_seq_lt(ack, s->tlp_high_seq))
        return;
    if (!s->tlp_retrans) {
        s->tlp_high_seq = 0;       /* a probe of new data was acked */
    } else if (tcp_seq_gt(ack, s->tlp_high_seq)) {
        /* the probe repaired a loss: reduce the window once (CWR) */
        s->tlp_high_seq = 0;
        s->cc.ssthresh = s->cc_ops->ssthresh(&s->cc, s->snd_max - s->snd_una, tcp_now(s));
        s->cc.cwnd = s->cc.ssthresh;
        s->stats.tlp_recoveries++;
        s->st->stats.loss_probe_recoveries++;
    } else if (!una_advanced && dupack) {
        s->tlp_high_seq = 0;       /* original and probe both arrived: no loss */
    }
}

sim_time_t tcp_rack_reo_wnd(const struct tcp_sock *s)
{
    sim_time_t w = s->min_rtt / 4;
    return w < s->rtt.srtt ? w : s->rtt.srtt;
}

bool tcp_rack_detect(struct tcp_sock *s)
{
    if (s->in_recovery || tcp_reasm_empty(&s->sacked) || !tcp_seq_geq(s->snd_una, s->recover))
        return false;
    if (!tcp_seq_lt(s->snd_una, s->sacked.r[0].start))
        return false;              /* no hole below the SACKed data */
    if (tcp_sacked_bytes(s, s->snd_max) >= 3 * s->cc.mss || s->dupacks >= 3)
        return true;
    if (s->tmode != TCP_TM_REO)
        tcp_arm_mode(s, TCP_TM_REO, tcp_rack_reo_wnd(s));
    return false;
}

void tcp_rack_reo_fire(struct tcp_sock *s)
{
    if (s->in_recovery) {
        /* a retransmission's wait is over (tcp_rack_rexmit.c) */
        tcp_rack_rexmit_detect(s);
        tcp_output(s);
        if (s->rexmits.wait)
            tcp_rack_rexmit_arm(s);
        else
            tcp_arm_rto(s);
        return;
    }
    if (!s->in_recovery && !tcp_reasm_empty(&s->sacked) && tcp_seq_lt(s->snd_una, s->sacked.r[0].start) &&
        tcp_seq_geq(s->snd_una, s->recover)) {
        tcp_enter_recovery(s);
        tcp_prr_ack(s, 0, false);
        tcp_output(s);
        return;
    }
    tcp_set_xmit_timer(s);
}
