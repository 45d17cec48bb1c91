/*
 * RACK on retransmissions (RFC 8985 6.2, Linux's tcp_rack_detect_loss): in
 * recovery, a retransmission is lost when something sent after it has been
 * delivered and it has been out for the minimum RTT plus the reordering
 * window; it is then sent again at once, as the window allows, instead of
 * waiting for the RTO (Linux counts these in TCPLostRetransmit).
 *
 * The log holds the recovery's retransmissions in sequence order, each with
 * snd_nxt when it left: the new data sent after it starts there, so a SACK
 * beyond it shows the retransmission should have arrived. Contiguous
 * retransmissions sent before the same new data share an entry (the time
 * of the last). It is checked on each ACK; one shown lost by a later
 * delivery but out for less than that time arms the reordering timer for
 * the rest, in place of the RTO, as Linux's tcp_rack_reo_timeout. A full
 * log leaves further retransmissions to the RTO.
 */
#include "net/tcp_int.h"

#include <stdlib.h>

#include "engine/xalloc.h"

/* The first run of [from, end) that the scoreboard lacks; its length, 0 if all SACKed. */
static uint32_t unsacked_run(const struct tcp_sock *s, uint32_t from, uint32_t end, uint32_t *at)
{
    uint32_t a = tcp_seq_max(from, s->snd_una);
    for (uint32_t i = 0; i < s->sacked.n && tcp_seq_lt(a, end); i++) {
        const struct tcp_range *r = &s->sacked.r[i];
        if (tcp_seq_leq(r->end, a))
            continue;
        if (tcp_seq_gt(r->start, a)) {
            *at = a;
            return (tcp_seq_lt(r->start, end) ? r->start : end) - a;
        }
        a = r->end;
    }
    *at = a;
    return tcp_seq_lt(a, end) ? end - a : 0;
}

static uint32_t unsacked_bytes(const struct tcp_sock *s, const struct tcp_rexmit *e)
{
    uint32_t a = tcp_seq_max(e->start, s->snd_una);
    if (!tcp_seq_lt(a, e->end))
        return 0;
    return (e->end - a) - (tcp_sacked_bytes(s, e->end) - tcp_sacked_bytes(s, a));
}

void tcp_rack_rexmit_clear(struct tcp_sock *s)
{
    s->rexmits.n = 0;
    s->rexmits.wait = 0;
}

void tcp_rack_rexmit_free(struct tcp_sock *s)
{
    free(s->rexmits.e);
    s->rexmits = (struct tcp_rexmit_log){ 0 };
}

void tcp_rack_rexmit_note(struct tcp_sock *s, uint32_t seq, uint32_t len)
{
    struct tcp_rexmit_log *l = &s->rexmits;
    if (!l->e)
        l->e = xmalloc(TCP_REXMIT_LOG_MAX * sizeof *l->e);   /* most connections never need it */
    sim_time_t now = tcp_now(s);
    if (l->n && l->e[l->n - 1].end == seq && l->e[l->n - 1].nxt == s->snd_nxt && !l->e[l->n - 1].lost) {
        l->e[l->n - 1].end = seq + len;
        l->e[l->n - 1].t = now;
        return;
    }
    if (l->n == TCP_REXMIT_LOG_MAX)
        return;
    l->e[l->n++] = (struct tcp_rexmit){ .start = seq, .end = seq + len, .nxt = s->snd_nxt, .t = now };
}

void tcp_rack_rexmit_detect(struct tcp_sock *s)
{
    struct tcp_rexmit_log *l = &s->rexmits;
    l->wait = 0;
    uint32_t k = 0;
    for (uint32_t i = 0; i < l->n; i++)
        if (unsacked_bytes(s, &l->e[i]))
            l->e[k++] = l->e[i];   /* what is all delivered leaves the log */
    l->n = k;
    if (!l->n || tcp_reasm_empty(&s->sacked))
        return;
    uint32_t fack = s->sacked.r[s->sacked.n - 1].end;
    sim_time_t now = tcp_now(s), wait = s->min_rtt + tcp_rack_reo_wnd(s);
    for (uint32_t i = 0; i < l->n; i++) {
        struct tcp_rexmit *e = &l->e[i];
        if (e->lost || !tcp_seq_gt(fack, e->nxt))
            continue;
        if (now - e->t >= wait) {
            e->lost = true;
            s->stats.lost_retransmits++;
            s->st->stats.lost_retransmits++;
        } else if (!l->wait || e->t + wait - now < l->wait) {
            l->wait = e->t + wait - now;
        }
    }
}

void tcp_rack_rexmit_arm(struct tcp_sock *s)
{
    if (s->in_recovery && s->rexmits.wait)
        tcp_arm_mode(s, TCP_TM_REO, s->rexmits.wait);
}

uint32_t tcp_rack_rexmit_lost_bytes(const struct tcp_sock *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->rexmits.n; i++)
        if (s->rexmits.e[i].lost)
            n += unsacked_bytes(s, &s->rexmits.e[i]);
    return n;
}

bool tcp_rack_rexmit_resend(struct tcp_sock *s)
{
    struct tcp_rexmit_log *l = &s->rexmits;
    for (uint32_t i = 0; i < l->n; i++) {
        struct tcp_rexmit *e = &l->e[i];
        if (!e->lost)
            continue;
        uint32_t at, len = unsacked_run(s, e->start, e->end, &at);
        if (!len) {
            e->lost = false;
            continue;
        }
        uint32_t room = tcp_seg_room(s);
        if (len > room)
            len = room;
        tcp_retransmit_range(s, at, len);
        struct tcp_rexmit out = { .start = at, .end = at + len, .nxt = s->snd_nxt, .t = tcp_now(s) };
        if (at + len == e->end)
            *e = out;              /* all of it is out again */
        else {
            e->start = at + len;   /* the rest stays lost; the part resent is logged apart */
            if (l->n < TCP_REXMIT_LOG_MAX)
                l->e[l->n++] = out;
        }
        return true;
    }
    return false;
}
