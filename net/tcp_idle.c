/*
 * Slow start after idle (RFC 2861, RFC 5681 4.1) as Linux's
 * tcp_slow_start_after_idle_check and tcp_cwnd_restart: when a sender
 * with nothing in flight has sent no new data for longer than the RTO,
 * ssthresh keeps at least 3/4 of the window, and the window halves for
 * every RTO of idleness, down to the initial window. And as
 * tcp_event_data_sent, new data leaving with nothing in flight tells the
 * congestion control how long the sender was idle (CA_EVENT_TX_START).
 */
#include "net/tcp_int.h"

void tcp_cwnd_restart_check(struct tcp_sock *s)
{
    if (!s->st->cfg.slow_start_after_idle || s->snd_una != s->snd_max || !s->lsndtime)
        return;
    uint32_t data_end = s->snd_una + s->sbuf.len;
    if (!tcp_seq_lt(s->snd_nxt, data_end))
        return;                    /* nothing to send */
    sim_time_t delta = tcp_now(s) - s->lsndtime;
    sim_time_t rto = s->rtt.rto;
    if (delta <= rto)
        return;
    uint32_t cwnd = s->cc.cwnd;
    uint32_t restart = s->st->cfg.init_cwnd_segs * s->cc.mss;
    if (restart > cwnd)
        restart = cwnd;
    uint32_t three_q = cwnd / 2 + cwnd / 4;
    if (s->cc.ssthresh < three_q)
        s->cc.ssthresh = three_q;
    while ((delta -= rto) > 0 && cwnd > restart)
        cwnd >>= 1;
    s->cc.cwnd = cwnd > restart ? cwnd : restart;
}

void tcp_idle_data_sent(struct tcp_sock *s)
{
    sim_time_t now = tcp_now(s);
    if (s->cc_ops->tx_start && s->snd_una == s->snd_max && s->lsndtime)
        s->cc_ops->tx_start(&s->cc, now - s->lsndtime, now);
    s->lsndtime = now;
}
