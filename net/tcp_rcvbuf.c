/*
 * The receive buffer as Linux sizes it: sk_rcvbuf starts at tcp_rmem[1]
 * and the window offered is half of it (tcp_win_from_space with the default
 * scaling ratio of 50%); the SYN's window and the window scale are chosen
 * as tcp_select_initial_window does (the scale from tcp_rmem[2]); the
 * receiver estimates the RTT from timestamp echoes or, without timestamps,
 * from the time a window takes to arrive (tcp_rcv_rtt_measure*), and once
 * per RTT dynamic right-sizing (tcp_rcv_space_adjust) grows sk_rcvbuf to
 * four times what the app took in the last RTT, up to tcp_rmem[2].
 */
#include "net/tcp_rcvbuf.h"

#include "net/tcp_int.h"

/* Linux's default scaling ratio: half the buffer is window. */
static uint32_t win_from_space(uint32_t space) { return space / 2; }
static uint64_t space_from_win(uint64_t win) { return win * 2; }

void tcp_rcvbuf_init(struct tcp_sock *s, uint32_t locked_bytes)
{
    const struct tcp_config *c = &s->st->cfg;
    if (locked_bytes) {
        /* SO_RCVBUF: Linux doubles the value, so the window is what was asked */
        s->rcv_locked = true;
        s->rcvbuf = space_from_win(locked_bytes) > UINT32_MAX / 2 ? UINT32_MAX / 2
                                                                  : (uint32_t)space_from_win(locked_bytes);
    } else {
        s->rcvbuf = c->rmem[1];
    }
    if (s->rcvbuf < 4096)
        s->rcvbuf = 4096;
}

uint32_t tcp_rcvbuf_window_space(const struct tcp_sock *s) { return win_from_space(s->rcvbuf); }

uint32_t tcp_rcvbuf_max_bytes(const struct tcp_sock *s)
{
    uint32_t max = s->rcv_locked ? s->rcvbuf : s->st->cfg.rmem[2];
    return win_from_space(max > s->rcvbuf ? max : s->rcvbuf);
}

uint16_t tcp_select_initial_window(struct tcp_sock *s, bool wscale_ok, uint8_t *wscale)
{
    uint32_t space = win_from_space(s->rcvbuf);
    uint32_t mss = s->adv_mss;
    if (space > mss)
        space -= space % mss;      /* a multiple of the MSS: 64240 for 1460 */
    *wscale = 0;
    if (wscale_ok) {
        /* the scale covers the largest buffer autotuning may reach (Linux
         * takes tcp_rmem[2] even for a locked buffer) */
        uint32_t max = space > s->st->cfg.rmem[2] ? space : s->st->cfg.rmem[2];
        int ws = (31 - __builtin_clz(max | 1)) - 15;
        *wscale = (uint8_t)(ws < 0 ? 0 : ws > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : ws);
    }
    return (uint16_t)(space < 65535 ? space : 65535);
}

void tcp_rcvbuf_established(struct tcp_sock *s)
{
    /* tcp_init_buffer_space: the first measure expects ten segments */
    uint32_t init = 10u * s->adv_mss;
    uint32_t wnd = tcp_rcvbuf_window_space(s);
    s->rcvq.space = init < wnd ? init : wnd;
    s->rcvq.copied = s->copied;
    s->rcvq.time = tcp_now(s);
    uint16_t rm = s->adv_mss < TCP_DEFAULT_MSS ? s->adv_mss : TCP_DEFAULT_MSS;
    s->rcv_mss = rm;
}

static void rcv_rtt_update(struct tcp_sock *s, sim_time_t sample, bool win_dep)
{
    sim_time_t r = s->rcv_rtt.rtt8;
    if (r == 0) {
        r = 8 * sample;
    } else if (!win_dep) {
        r += sample - (r >> 3);
    } else if (8 * sample < r) {
        r = 8 * sample;
    }
    s->rcv_rtt.rtt8 = r > 0 ? r : 1;
}

void tcp_rcv_rtt_measure(struct tcp_sock *s, uint32_t len, bool has_ts, uint32_t tsecr)
{
    if (len > s->rcv_mss)
        s->rcv_mss = (uint16_t)(len < s->adv_mss ? len : s->adv_mss);
    if (s->ts_ok && has_ts && tsecr) {
        if (tsecr == s->rcv_rtt.last_tsecr)
            return;
        s->rcv_rtt.last_tsecr = tsecr;
        if (len < s->rcv_mss)
            return;
        int32_t ms = (int32_t)((uint32_t)(tcp_now(s) / SIM_MS) - tsecr);
        if (ms < 0)
            return;
        rcv_rtt_update(s, (ms ? ms : 1) * SIM_MS, false);
        return;
    }
    /* without timestamps: the time to receive one window's worth */
    sim_time_t now = tcp_now(s);
    if (s->rcv_rtt.time && !tcp_seq_lt(s->rcv_nxt, s->rcv_rtt.seq))
        rcv_rtt_update(s, now - s->rcv_rtt.time, true);
    else if (s->rcv_rtt.time)
        return;
    s->rcv_rtt.seq = s->rcv_nxt + (s->rcv_adv - s->rcv_nxt);
    s->rcv_rtt.time = now ? now : 1;
}

void tcp_rcv_space_adjust(struct tcp_sock *s)
{
    sim_time_t now = tcp_now(s);
    if (s->rcv_rtt.rtt8 == 0 || now - s->rcvq.time < (s->rcv_rtt.rtt8 >> 3))
        return;
    uint32_t copied = s->copied - s->rcvq.copied;
    if (copied > s->rcvq.space) {
        const struct tcp_config *c = &s->st->cfg;
        if (c->moderate_rcvbuf && !s->rcv_locked) {
            /* twice the last RTT's bytes for losses, plus room for a
             * sender still in slow start */
            uint64_t rcvwin = 2ull * copied + 16ull * s->adv_mss;
            uint64_t grow = rcvwin * (copied - s->rcvq.space) / s->rcvq.space;
            rcvwin += grow << 1;
            uint64_t rcvbuf = space_from_win(rcvwin);
            if (rcvbuf > c->rmem[2])
                rcvbuf = c->rmem[2];
            if (rcvbuf > s->rcvbuf)
                s->rcvbuf = (uint32_t)rcvbuf;   /* the window follows */
        }
        s->rcvq.space = copied;
    }
    s->rcvq.copied = s->copied;
    s->rcvq.time = now;
}
