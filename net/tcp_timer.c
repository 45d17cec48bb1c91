/*
 * TCP timers, two per socket (rt_timer embedded): the retransmission timer,
 * which by mode is the RTO (SYN retries included), the zero-window persist
 * probe, TIME_WAIT's 2 MSL, an orphan's FIN_WAIT_2 timeout, the tail loss
 * probe or RACK's reordering window; and the delayed ACK (tcp_delack.c).
 */
#include "net/tcp_int.h"

static void rto_expired(struct tcp_sock *s)
{
    const struct tcp_config *c = &s->st->cfg;
    s->stats.timeouts++;
    s->st->stats.timeouts++;
    s->retries++;
    tcp_rtt_backoff(&s->rtt);
    if (s->state == TCP_SYN_SENT || s->state == TCP_SYN_RECEIVED) {
        int limit = s->state == TCP_SYN_SENT ? c->syn_retries : c->synack_retries;
        if ((int)s->retries > limit) {
            if (s->passive)
                tcp_sock_destroy(s);
            else
                tcp_sock_done(s, TCP_CLOSE_TIMEOUT);
            return;
        }
        tcp_send_syn(s);
        tcp_arm_rto(s);
        return;
    }
    if ((int)s->retries > c->retries2) {
        tcp_sock_done(s, TCP_CLOSE_TIMEOUT);
        return;
    }
    /* RFC 5681 3.1 and RFC 6582: loss window, go back to snd_una */
    if (s->retries == 1 || s->in_recovery)
        s->cc.ssthresh = s->cc_ops->ssthresh(&s->cc, s->snd_max - s->snd_una, tcp_now(s));
    s->cc.cwnd = s->cc.mss;
    if (s->cc_ops->loss)
        s->cc_ops->loss(&s->cc);
    tcp_undo_forget(s);
    tcp_txlog_clear(&s->txlog);
    s->tlp_high_seq = 0;
    s->in_recovery = false;
    s->dupacks = 0;
    s->recover = s->snd_max;
    s->rtt_timing = false;
    s->rexmit_nxt = s->snd_una;
    tcp_rack_rexmit_clear(s);
    /* a second timeout in a row: the peer may have reneged on its SACKs */
    if (s->retries > 1)
        tcp_reasm_init(&s->sacked);
    s->snd_nxt = s->snd_una;
    tcp_output(s);
    if (s->snd_nxt == s->snd_una)
        tcp_retransmit_head(s);    /* window closed meanwhile: still retransmit */
    tcp_arm_rto(s);
}

static void rtx_fire(void *arg)
{
    struct tcp_sock *s = arg;
    tcp_hold(s);
    enum tcp_timer_mode m = s->tmode;
    s->tmode = TCP_TM_NONE;
    switch (m) {
    case TCP_TM_TIME_WAIT:
    case TCP_TM_FIN_WAIT_2:
        tcp_sock_destroy(s);
        break;
    case TCP_TM_PERSIST: {
        /* a window probe: an old byte's sequence number, as Linux */
        s->stats.zero_window_probes++;
        tcp_xmit(s, s->snd_una - 1, 0, TCP_ACK);
        s->retries++;
        sim_time_t d = s->rtt.rto << (s->retries < 10 ? s->retries : 10);
        if (d > s->rtt.rto_max)
            d = s->rtt.rto_max;
        tcp_arm_mode(s, TCP_TM_PERSIST, d);
        break;
    }
    case TCP_TM_RTO:
        rto_expired(s);
        break;
    case TCP_TM_TLP:
        tcp_tlp_fire(s);
        break;
    case TCP_TM_REO:
        tcp_rack_reo_fire(s);
        break;
    case TCP_TM_NONE:
        break;
    }
    tcp_release(s);
}

static void delack_fire(void *arg)
{
    struct tcp_sock *s = arg;
    tcp_hold(s);
    if (tcp_synchronized(s) && s->state != TCP_TIME_WAIT) {
        tcp_delack_fired(s);
        tcp_send_ack(s);
    }
    tcp_release(s);
}

void tcp_timers_init(struct tcp_sock *s)
{
    rt_timer_init(&s->rtx_timer, rtx_fire, s);
    rt_timer_init(&s->delack_timer, delack_fire, s);
    s->tmode = TCP_TM_NONE;
}

void tcp_timers_cancel(struct tcp_sock *s)
{
    struct rt *rt = tcp_rt(s);
    rt_timer_cancel(rt, &s->rtx_timer);
    rt_timer_cancel(rt, &s->delack_timer);
    s->tmode = TCP_TM_NONE;
}

void tcp_arm_mode(struct tcp_sock *s, enum tcp_timer_mode m, sim_time_t delay)
{
    s->tmode = m;
    rt_timer_arm_in(tcp_rt(s), &s->rtx_timer, delay);
}

void tcp_arm_rto(struct tcp_sock *s) { tcp_arm_mode(s, TCP_TM_RTO, s->rtt.rto); }

void tcp_stop_rtx(struct tcp_sock *s)
{
    s->tmode = TCP_TM_NONE;
    rt_timer_cancel(tcp_rt(s), &s->rtx_timer);
}

void tcp_schedule_ack(struct tcp_sock *s)
{
    if (s->ack_now) {
        tcp_send_ack(s);
        return;
    }
    if (s->delack_segs && !rt_timer_armed(&s->delack_timer))
        rt_timer_arm_in(tcp_rt(s), &s->delack_timer, tcp_delack_timeout(s));
}
