/*
 * TCP output: segments built by copying from the send ring into pool
 * packets (headroom for IP and Ethernet), options, checksum, ipv4_send.
 * tcp_output() sends what the congestion and receive windows allow, with
 * Nagle and sender-side silly window avoidance (RFC 1122), and the FIN.
 */
#include "net/tcp_int.h"

#include <string.h>

#include "net/csum.h"
#include "net/ipv4.h"

static unsigned sack_blocks_to_send(const struct tcp_sock *s)
{
    if (!s->sack_ok)
        return 0;
    unsigned max = s->ts_ok ? 3 : 4;
    unsigned n = s->ooo.n + (s->dsack_pending ? 1 : 0);
    return n < max ? n : max;
}

/* The SACK blocks of the next segment: a pending D-SACK first, once, then
 * the out-of-order ranges, the most recent first (Linux's duplicate_sack
 * ahead of selective_acks, tcp_options_write). */
static uint8_t sack_blocks(struct tcp_sock *s, struct tcp_range *out)
{
    unsigned max = sack_blocks_to_send(s), n = 0;
    if (!max)
        return 0;
    if (s->dsack_pending) {
        out[n++] = s->dsack;
        s->dsack_pending = false;
    }
    return (uint8_t)(n + tcp_reasm_sack(&s->ooo, out + n, max - n));
}

uint32_t tcp_seg_room(const struct tcp_sock *s)
{
    uint32_t opt = s->ts_ok ? TCP_TS_OPT_LEN : 0;
    unsigned k = sack_blocks_to_send(s);
    if (k)
        opt += 4 + 8 * k;
    return s->mss > opt ? s->mss - opt : 1;
}

uint32_t tcp_rcv_window(struct tcp_sock *s)
{
    uint32_t used = s->rbuf.len;
    uint32_t full = tcp_rcvbuf_window_space(s);
    uint32_t free_ = full > used ? full - used : 0;
    /* receiver silly window avoidance (RFC 1122 4.2.3.3) */
    if (free_ < full / 4 && free_ < s->mss)
        free_ = 0;
    uint32_t max = 65535u << s->rcv_wscale;
    if (free_ > max)
        free_ = max;
    uint32_t gran = 1u << s->rcv_wscale;
    uint32_t wnd = free_ & ~(gran - 1);
    /* never shrink the window already announced */
    uint32_t cur = tcp_seq_gt(s->rcv_adv, s->rcv_nxt) ? s->rcv_adv - s->rcv_nxt : 0;
    if (wnd < cur)
        wnd = (cur + gran - 1) & ~(gran - 1);
    s->rcv_adv = s->rcv_nxt + wnd;
    return wnd;
}

void tcp_xmit(struct tcp_sock *s, uint32_t seq, uint32_t len, uint8_t flags)
{
    struct host *h = s->st->h;
    struct tcp_opts o = { .wscale = -1 };
    if (flags & TCP_SYN) {
        o.mss = s->adv_mss;
        if (s->ws_ok)
            o.wscale = (int8_t)s->rcv_wscale;
        o.sack_ok = s->sack_ok;
    }
    if (s->ts_ok && !(flags & TCP_RST)) {
        o.ts = true;
        o.tsval = tcp_ts_clock(s);
        o.tsecr = (flags & TCP_ACK) ? s->ts_recent : 0;
    }
    if (!(flags & (TCP_SYN | TCP_RST)))
        o.nsack = sack_blocks(s, o.sack);
    uint8_t optbuf[TCP_MAX_OPT_LEN];
    unsigned olen = tcp_opts_build(optbuf, &o);
    unsigned hlen = TCP_HLEN + olen;

    struct pkt *p = pkt_alloc(h->pool, hlen + len);
    if (!p)
        return;
    struct tcp_hdr *th = (struct tcp_hdr *)p->data;
    th->sport = htons(s->lport);
    th->dport = htons(s->rport);
    th->seq = htonl(seq);
    th->ack = (flags & TCP_ACK) ? htonl(s->rcv_nxt) : 0;
    th->doff = (uint8_t)((hlen / 4) << 4);
    th->flags = flags;
    uint32_t wnd;
    if (flags & TCP_SYN) {
        wnd = s->syn_wnd;
        if (flags & TCP_ACK)
            s->rcv_adv = s->rcv_nxt + wnd;
    } else if (flags & TCP_RST) {
        wnd = 0;
    } else {
        wnd = tcp_rcv_window(s) >> s->rcv_wscale;
    }
    th->window = htons((uint16_t)wnd);
    th->check = 0;
    th->urg = 0;
    memcpy(p->data + TCP_HLEN, optbuf, olen);
    if (len)
        tcp_sndq_read(&s->sbuf, seq - s->snd_una, p->data + hlen, len);
    uint32_t sum = csum_pseudo(htonl(s->laddr), htonl(s->raddr), TCP_PROTO, (uint16_t)(hlen + len));
    th->check = csum_fold(csum_partial(p->data, hlen + len, sum));
    pkt_set_l4(p);

    if (len)
        tcp_idle_data_sent(s);
    if (len && tcp_seq_lt(seq, s->snd_max))
        tcp_undo_retransmitted(s, seq, len);
    if (len || (flags & (TCP_SYN | TCP_FIN)))
        tcp_tsq_charge(s, p, len);
    s->stats.segs_out++;
    s->st->stats.segs_out++;
    if (s->in_recovery)
        s->prr_out += len;
    if (flags & TCP_ACK) {
        if (s->delack_segs || s->ack_now)
            tcp_event_ack_sent(s);
        s->ack_now = false;
        s->delack_segs = 0;
        if (rt_timer_armed(&s->delack_timer))
            rt_timer_cancel(tcp_rt(s), &s->delack_timer);
    }
    ipv4_send(h, p, s->laddr, s->raddr, TCP_PROTO, 0, true);
}

void tcp_send_ack(struct tcp_sock *s) { tcp_xmit(s, s->snd_nxt, 0, TCP_ACK); }

#define TCP_OOW_RATELIMIT (500 * SIM_MS)

void tcp_send_oow_ack(struct tcp_sock *s, bool seg_has_data)
{
    if (!seg_has_data) {
        sim_time_t now = tcp_now(s);
        if (s->last_oow_ack && now - s->last_oow_ack < TCP_OOW_RATELIMIT)
            return;
        s->last_oow_ack = now ? now : 1;
    }
    tcp_send_ack(s);
}

void tcp_send_rst(struct tcp_sock *s) { tcp_xmit(s, s->snd_nxt, 0, TCP_RST | TCP_ACK); }

void tcp_send_syn(struct tcp_sock *s)
{
    uint8_t flags = s->state == TCP_SYN_SENT ? TCP_SYN : TCP_SYN | TCP_ACK;
    if (s->retries == 0) {
        s->rtt_timing = true;
        s->rtt_seq = s->iss;
        s->rtt_start = tcp_now(s);
    } else {
        s->rtt_timing = false;
        s->stats.retransmits++;
        s->st->stats.retransmits++;
    }
    tcp_xmit(s, s->iss, 0, flags);
    s->snd_nxt = s->snd_max = s->iss + 1;
}

void tcp_retransmit_range(struct tcp_sock *s, uint32_t seq, uint32_t len)
{
    uint32_t data_end = s->snd_una + s->sbuf.len;
    uint8_t flags = TCP_ACK;
    if (s->fin_queued && seq + len == s->fin_seq && tcp_seq_gt(s->snd_max, s->fin_seq))
        flags |= TCP_FIN;
    if (!len && !(flags & TCP_FIN))
        return;
    if (len && seq + len == data_end)
        flags |= TCP_PSH;
    s->rtt_timing = false;         /* Karn */
    tcp_txlog_clear(&s->txlog);
    s->stats.retransmits++;
    s->st->stats.retransmits++;
    tcp_xmit(s, seq, len, flags);
}

void tcp_retransmit_head(struct tcp_sock *s)
{
    uint32_t data_end = s->snd_una + s->sbuf.len;
    uint32_t avail = tcp_seq_lt(s->snd_una, data_end) ? data_end - s->snd_una : 0;
    uint32_t room = tcp_seg_room(s);
    tcp_retransmit_range(s, s->snd_una, avail < room ? avail : room);
}

bool tcp_retransmit_next(struct tcp_sock *s)
{
    uint32_t h = tcp_seq_max(s->rexmit_nxt, s->snd_una);
    uint32_t limit = s->snd_max;
    if (tcp_reasm_empty(&s->sacked)) {
        if (h != s->snd_una)
            return false;
    } else {
        bool found = false;
        for (uint32_t i = 0; i < s->sacked.n && !found; i++) {
            const struct tcp_range *r = &s->sacked.r[i];
            if (tcp_seq_lt(h, r->start)) {
                limit = r->start;
                found = true;
            } else if (tcp_seq_lt(h, r->end)) {
                h = r->end;
            }
        }
        if (!found)
            return false;          /* nothing above it is known to have arrived */
    }
    uint32_t data_end = s->snd_una + s->sbuf.len;
    uint32_t len = tcp_seq_lt(h, data_end) ? data_end - h : 0;
    uint32_t room = tcp_seg_room(s);
    if (len > room)
        len = room;
    if (len > limit - h)
        len = limit - h;
    bool fin = s->fin_queued && h + len == s->fin_seq && tcp_seq_gt(s->snd_max, s->fin_seq);
    if (!len && !fin)
        return false;
    tcp_retransmit_range(s, h, len);
    if (s->in_recovery && len)
        tcp_rack_rexmit_note(s, h, len);   /* data only: a FIN lost again waits for the RTO */
    s->rexmit_nxt = h + len + (fin ? 1 : 0);
    return true;
}

/* Going back after a timeout, data the peer SACKed is not sent again. */
static uint32_t skip_sacked(struct tcp_sock *s, uint32_t *len)
{
    for (uint32_t i = 0; i < s->sacked.n; i++) {
        const struct tcp_range *r = &s->sacked.r[i];
        if (tcp_seq_in(s->snd_nxt, r->start, r->end))
            s->snd_nxt = r->end;
        else if (tcp_seq_lt(s->snd_nxt, r->start)) {
            if (*len > r->start - s->snd_nxt)
                *len = r->start - s->snd_nxt;
            break;
        }
    }
    return *len;
}

static void output(struct tcp_sock *s, unsigned max_segs)
{
    if (!tcp_synchronized(s) || s->state == TCP_TIME_WAIT || s->dead)
        return;
    bool sent = false;
    s->tsq.in_output = true;
    tcp_cwnd_restart_check(s);
    /* in recovery the lost holes go first (lost retransmissions before
     * them), as the window and TCP Small
     * Queues (twice the limit for retransmissions) allow */
    while (s->in_recovery && max_segs && tcp_in_flight(s) < s->cc.cwnd && !tcp_tsq_throttle(s, 1) &&
           (tcp_rack_rexmit_resend(s) || tcp_retransmit_next(s))) {
        sent = true;
        max_segs--;
    }
    for (; max_segs; max_segs--) {
        uint32_t data_end = s->snd_una + s->sbuf.len;
        if (!tcp_reasm_empty(&s->sacked) && tcp_seq_lt(s->snd_nxt, s->snd_max)) {
            uint32_t dummy = UINT32_MAX;
            skip_sacked(s, &dummy);
        }
        bool fin_pending = s->fin_queued && !tcp_seq_gt(s->snd_nxt, s->fin_seq);
        uint32_t avail = tcp_seq_lt(s->snd_nxt, data_end) ? data_end - s->snd_nxt : 0;
        if (!avail && !fin_pending)
            break;
        /* the congestion window against what is in the network (SACKed
         * bytes and, without SACK, duplicate ACKs are not: limited
         * transmit, RFC 3042, follows), the peer's window against all that
         * is outstanding */
        uint32_t pipe = tcp_in_flight(s);
        uint32_t flight = s->snd_nxt - s->snd_una;
        uint32_t usable = s->cc.cwnd > pipe ? s->cc.cwnd - pipe : 0;
        uint32_t rwnd_room = s->snd_wnd > flight ? s->snd_wnd - flight : 0;
        if (usable > rwnd_room)
            usable = rwnd_room;
        uint32_t room = tcp_seg_room(s);
        uint32_t len = avail < room ? avail : room;
        if (len > usable)
            len = usable;
        if (len && !tcp_reasm_empty(&s->sacked) && tcp_seq_lt(s->snd_nxt, s->snd_max))
            skip_sacked(s, &len);
        if (avail && !len) {
            /* window-limited; a zero window with nothing in flight is probed */
            if (flight == 0 && s->snd_wnd == 0 && s->tmode != TCP_TM_PERSIST)
                tcp_arm_mode(s, TCP_TM_PERSIST, s->rtt.rto);
            break;
        }
        /* sender silly window avoidance: a piece cut by the window waits
         * unless it is half the largest window seen or nothing is in flight */
        if (len < avail && len < room && flight > 0 && len < s->max_snd_wnd / 2 &&
            !tcp_seq_lt(s->snd_nxt, s->snd_max))
            break;
        /* Nagle: a small last piece waits for the ACK of what is in flight */
        if (len && len == avail && len < room && !s->nodelay && flight > 0 && !fin_pending)
            break;
        /* what the socket has in the queues below it (tcp_tsq.c) */
        if (tcp_tsq_throttle(s, 0))
            break;
        bool with_fin = fin_pending && len == avail;
        uint8_t flags = TCP_ACK;
        if (len && len == avail)
            flags |= TCP_PSH;
        if (with_fin)
            flags |= TCP_FIN;
        uint32_t end = s->snd_nxt + len;
        if (tcp_seq_gt(end, s->snd_max)) {
            uint32_t fresh = end - (tcp_seq_gt(s->snd_nxt, s->snd_max) ? s->snd_nxt : s->snd_max);
            s->stats.bytes_sent += fresh;
            if (fresh < len) {
                tcp_txlog_clear(&s->txlog);
                s->stats.retransmits++;
                s->st->stats.retransmits++;
            }
            tcp_txlog_push(&s->txlog, end, tcp_now(s));
            tcp_event_data_sent(s);
            if (!s->rtt_timing && !tcp_seq_lt(s->snd_nxt, s->snd_max) && len) {
                s->rtt_timing = true;
                s->rtt_seq = s->snd_nxt;
                s->rtt_start = tcp_now(s);
            }
        } else if (len || (with_fin && tcp_seq_lt(s->snd_nxt, s->snd_max))) {
            tcp_txlog_clear(&s->txlog);
            s->stats.retransmits++;
            s->st->stats.retransmits++;
        }
        tcp_xmit(s, s->snd_nxt, len, flags);
        s->snd_nxt = end + (with_fin ? 1 : 0);
        s->snd_max = tcp_seq_max(s->snd_max, s->snd_nxt);
        sent = true;
        if (with_fin)
            break;
    }
    s->tsq.in_output = false;
    if (sent && s->tmode != TCP_TM_REO) {
        if (s->in_recovery || s->tmode == TCP_TM_PERSIST) {
            if (s->tmode != TCP_TM_RTO)
                tcp_arm_rto(s);
        } else {
            tcp_set_xmit_timer(s);
        }
    }
}

void tcp_output(struct tcp_sock *s) { output(s, UINT32_MAX); }
void tcp_output_one(struct tcp_sock *s) { output(s, 1); }

void tcp_send_reset_reply(struct tcp_stack *st, const struct pkt *in, uint32_t tcp_len)
{
    struct host *h = st->h;
    const struct tcp_hdr *ith = (const struct tcp_hdr *)in->data;
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)pkt_l3(in);
    if (ith->flags & TCP_RST)
        return;
    struct pkt *p = pkt_alloc(h->pool, TCP_HLEN);
    if (!p)
        return;
    struct tcp_hdr *th = (struct tcp_hdr *)p->data;
    memset(th, 0, TCP_HLEN);
    th->sport = ith->dport;
    th->dport = ith->sport;
    if (ith->flags & TCP_ACK) {
        th->seq = ith->ack;
        th->flags = TCP_RST;
    } else {
        uint32_t seg_len = tcp_len - tcp_hdr_len(ith);
        if (ith->flags & TCP_SYN)
            seg_len++;
        if (ith->flags & TCP_FIN)
            seg_len++;
        th->ack = htonl(ntohl(ith->seq) + seg_len);
        th->flags = TCP_RST | TCP_ACK;
    }
    th->doff = (TCP_HLEN / 4) << 4;
    uint32_t sum = csum_pseudo(ip->daddr, ip->saddr, TCP_PROTO, TCP_HLEN);
    th->check = csum_fold(csum_partial(th, TCP_HLEN, sum));
    pkt_set_l4(p);
    st->stats.resets_sent++;
    st->stats.segs_out++;
    ipv4_send(h, p, ntohl(ip->daddr), ntohl(ip->saddr), TCP_PROTO, 0, true);
}
