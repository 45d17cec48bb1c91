/*
 * Delayed ACKs as Linux (tcp_event_data_recv, tcp_send_delayed_ack,
 * tcp_delack_timer_handler): the first data of a connection starts
 * quickack mode, in which up to 16 ACKs go out at once (also after a gap
 * longer than the RTO); the delayed-ACK timeout (ato) starts at 40 ms and
 * follows the time between arriving segments, is at most the RTT (not
 * below 40 ms) and 200 ms, and doubles each time the timer fires with an
 * ACK pending. A host that answers within ato of receiving is interactive
 * (pingpong): no quickacks, and a timer that fires ends it.
 */
#include "net/tcp_int.h"

#define TCP_MAX_QUICKACKS 16

static void incr_quickack(struct tcp_sock *s)
{
    uint32_t wnd = tcp_seq_gt(s->rcv_adv, s->rcv_nxt) ? s->rcv_adv - s->rcv_nxt : 0;
    uint32_t q = s->rcv_mss ? wnd / (2u * s->rcv_mss) : 0;
    if (q == 0)
        q = 2;
    if (q > TCP_MAX_QUICKACKS)
        q = TCP_MAX_QUICKACKS;
    if (q > s->quick)
        s->quick = q;
}

void tcp_event_data_recv(struct tcp_sock *s)
{
    const struct tcp_config *c = &s->st->cfg;
    sim_time_t now = tcp_now(s);
    if (!s->ato) {
        incr_quickack(s);
        s->ato = c->ato_min;
    } else {
        sim_time_t m = now - s->lrcvtime;
        if (m <= c->ato_min / 2) {
            s->ato = s->ato / 2 + c->ato_min / 2;
        } else if (m < s->ato) {
            s->ato = s->ato / 2 + m;
            if (s->ato > s->rtt.rto)
                s->ato = s->rtt.rto;
        } else if (m > s->rtt.rto) {
            incr_quickack(s);      /* the sender seems to have stalled */
        }
    }
    s->lrcvtime = now;
    if (s->quick && !s->pingpong)
        s->ack_now = true;
}

void tcp_event_ack_sent(struct tcp_sock *s)
{
    if (s->quick)
        s->quick--;
}

void tcp_event_data_sent(struct tcp_sock *s)
{
    if (s->ato && tcp_now(s) - s->lrcvtime < s->ato)
        s->pingpong = true;
}

sim_time_t tcp_delack_timeout(const struct tcp_sock *s)
{
    const struct tcp_config *c = &s->st->cfg;
    sim_time_t ato = s->ato ? s->ato : c->ato_min;
    if (ato > c->ato_min) {
        sim_time_t max = c->delack_max;
        if (s->rtt.has_sample) {
            sim_time_t rtt = s->rtt.srtt > c->ato_min ? s->rtt.srtt : c->ato_min;
            if (rtt < max)
                max = rtt;
        }
        if (ato > max)
            ato = max;
    }
    return ato;
}

void tcp_delack_fired(struct tcp_sock *s)
{
    if (!s->pingpong) {
        /* delayed ACK missed: inflate ato */
        s->ato = 2 * s->ato < s->rtt.rto ? 2 * s->ato : s->rtt.rto;
    } else {
        s->pingpong = false;
        s->ato = s->st->cfg.ato_min;
    }
}
