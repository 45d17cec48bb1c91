/* TCP behaviours modelled on Linux, end to end on a wire: receive-buffer
 * autotuning and send-buffer growth fill a long fat path, HyStart leaves
 * slow start before any loss, and tail losses and recovery. */
#include <criterion/criterion.h>
#include <string.h>

#include "net/tcp.h"
#include "net/tcp_int.h"
#include "support/leak_check.h"
#include "support/wire.h"

WIRE_SUITE(tcp_linux);

/* A download: the listener's side sends `total` bytes and shuts down. */
struct dl {
    struct tcp_sock *srv;
    uint64_t total, sent, rx;
    sim_time_t done_at;
    struct tcp_sock_stats srv_end, cli_end;
    bool shut, keep_open;
};

static void dl_pump(struct dl *d, struct tcp_sock *sk)
{
    static uint8_t buf[65536];
    while (d->sent < d->total) {
        uint64_t n = d->total - d->sent < sizeof buf ? d->total - d->sent : sizeof buf;
        size_t k = tcp_send(sk, buf, n);
        d->sent += k;
        if (k < n)
            return;
    }
    if (!d->shut && !d->keep_open) {
        d->shut = true;
        tcp_shutdown(sk);
    }
}

static void *dl_accepted(void *ctx, struct tcp_sock *l, struct tcp_sock *sk)
{
    (void)l;
    struct dl *d = ctx;
    d->srv = sk;
    dl_pump(d, sk);
    return d;
}
static void dl_writable(void *ctx, struct tcp_sock *sk) { dl_pump(ctx, sk); }
static size_t dl_received(void *ctx, struct tcp_sock *sk, const uint8_t *data, size_t len)
{
    (void)data;
    (void)sk;
    struct dl *d = ctx;
    d->rx += len;
    if (d->rx == d->total)
        d->done_at = sched_now(&s);
    return len;
}
static void dl_eof(void *ctx, struct tcp_sock *sk)
{
    (void)ctx;
    tcp_shutdown(sk);
}
static void dl_srv_closed(void *ctx, struct tcp_sock *sk, enum tcp_close_reason why)
{
    (void)why;
    tcp_sock_stats(sk, &((struct dl *)ctx)->srv_end);
}
static void dl_cli_closed(void *ctx, struct tcp_sock *sk, enum tcp_close_reason why)
{
    (void)why;
    tcp_sock_stats(sk, &((struct dl *)ctx)->cli_end);
}
static const struct tcp_callbacks srv_cb = { .accepted = dl_accepted, .writable = dl_writable,
                                             .eof = dl_eof, .closed = dl_srv_closed };
static const struct tcp_callbacks cli_cb = { .received = dl_received, .eof = dl_eof,
                                             .closed = dl_cli_closed };

/* `total` bytes from b to a over rate x delay each way; the wire queues
 * without limit (no loss unless `loss`). */
static void download(struct dl *d, struct wire_pair *P, uint64_t rate, sim_time_t delay, uint64_t total)
{
    wire_pair_seeded(P, &s, pool, delay, 5, 5);
    P->w.rate_bps = rate;
    d->total = total;
    cr_assert_not_null(tcp_listen(P->b, 0, 5201, 4, &srv_cb, d));
    cr_assert_not_null(tcp_connect(P->a, 0, WIRE_PAIR_B, 5201, &cli_cb, d));
}

Test(tcp_linux, autotuning_fills_a_long_fat_path)
{
    struct dl d = { 0 };
    struct wire_pair P;
    download(&d, &P, 1000000000ull, 10 * SIM_MS, 200u << 20);
    sched_run_until(&s, SIM_S);
    uint64_t rx_1s = d.rx;
    sched_run(&s);
    cr_assert_eq(d.rx, d.total);
    /* 1 Gbit/s x 20 ms is 2.5 MB in flight: both buffers grew past it */
    cr_assert_gt(d.cli_end.rcvbuf, 2 * 2500000, "receive buffer %u", d.cli_end.rcvbuf);
    cr_assert_gt(d.srv_end.sndbuf, 2500000, "send buffer %u", d.srv_end.sndbuf);
    /* goodput after the first second: at least 90% of 1448/1514 of 1 Gbit/s */
    double secs = sim_time_to_s(d.done_at - SIM_S);
    double gbps = (d.total - rx_1s) * 8 / secs / 1e9;
    cr_assert_gt(gbps, 0.9 * 0.956, "%.3f Gbit/s over %.3f s", gbps, secs);
    cr_assert_gt(rx_1s * 8 / 1e9, 0.7, "%.3f Gbit in the first second", rx_1s * 8 / 1e9);
    wire_pair_free(&P);
}

Test(tcp_linux, without_autotuning_the_buffer_limits)
{
    struct dl d = { 0 };
    struct wire_pair P;
    download(&d, &P, 1000000000ull, 10 * SIM_MS, 20u << 20);
    tcp_stack_config(P.a)->moderate_rcvbuf = false;
    sched_run(&s);
    cr_assert_eq(d.rx, d.total);
    cr_assert_eq(d.cli_end.rcvbuf, 131072, "tcp_rmem[1], not grown");
    /* a 64 KB window per 20 ms: about 26 Mbit/s */
    double mbps = d.total * 8 / sim_time_to_s(d.done_at) / 1e6;
    cr_assert_lt(mbps, 30, "%.1f Mbit/s", mbps);
    wire_pair_free(&P);
}

Test(tcp_linux, hystart_leaves_slow_start_before_a_loss)
{
    struct dl d = { 0 };
    struct wire_pair P;
    download(&d, &P, 100000000ull, 10 * SIM_MS, 20u << 20);
    sched_run(&s);
    cr_assert_eq(d.rx, d.total);
    cr_assert_lt(d.srv_end.ssthresh, 0x7fffffffu, "HyStart set ssthresh");
    cr_assert_eq(d.srv_end.retransmits, 0);
    /* 100 Mbit/s x 20 ms = 250 KB: HyStart exits near it, far below the
     * 3 MB the receive window would allow */
    cr_assert_lt(d.srv_end.ssthresh, 1000000, "ssthresh %u", d.srv_end.ssthresh);
    cr_assert_gt(d.srv_end.ssthresh, 100000, "ssthresh %u", d.srv_end.ssthresh);
    wire_pair_free(&P);
}

/* Drops data frames from b by their index (1 = the first data frame), and
 * notes when b sends a sequence number again. */
struct dropper {
    struct wire *w;
    uint32_t drop_from, drop_to;   /* data frames [from, to] from b are lost */
    uint32_t frames;
    uint32_t max_end;
    sim_time_t first_data, first_resend;
    uint32_t resent_seq;
};

/* A data segment from the server (b): its sequence number and payload
 * length; false for anything else. */
static bool server_data(const struct pkt *frame, uint32_t *seq, uint32_t *payload)
{
    const uint8_t *ip = frame->data + 14;
    const uint8_t *th = ip + (ip[0] & 15) * 4;
    uint32_t saddr = (uint32_t)ip[12] << 24 | ip[13] << 16 | ip[14] << 8 | ip[15];
    uint32_t tot = (uint32_t)ip[2] << 8 | ip[3];
    *payload = tot - (ip[0] & 15) * 4 - (th[12] >> 4) * 4;
    *seq = (uint32_t)th[4] << 24 | th[5] << 16 | th[6] << 8 | th[7];
    return saddr == WIRE_PAIR_B && ip[9] == 6 && *payload;
}

static void drop_capture(void *ctx, const struct pkt *frame, sim_time_t t)
{
    struct dropper *d = ctx;
    uint32_t seq, payload;
    d->w->cut[1] = false;
    if (!server_data(frame, &seq, &payload))
        return;
    if (d->max_end && !tcp_seq_gt(seq + payload, d->max_end) && !d->first_resend) {
        d->first_resend = t;
        d->resent_seq = seq;
    }
    if (!d->max_end || tcp_seq_gt(seq + payload, d->max_end))
        d->max_end = seq + payload;
    if (!d->first_data)
        d->first_data = t;
    d->frames++;
    if (d->frames >= d->drop_from && d->frames <= d->drop_to)
        d->w->cut[1] = true;
}

Test(tcp_linux, a_tail_loss_is_probed_after_two_srtt_not_the_rto)
{
    struct dl d = { 0 };
    struct wire_pair P;
    download(&d, &P, 0, 10 * SIM_MS, 10 * 1448);
    /* the initial window's last three segments are lost */
    struct dropper dr = { .w = &P.w, .drop_from = 8, .drop_to = 10 };
    P.w.capture = drop_capture;
    P.w.capture_ctx = &dr;
    sched_run(&s);
    cr_assert_eq(d.rx, d.total);
    cr_assert_eq(d.srv_end.timeouts, 0, "no RTO");
    cr_assert_eq(d.srv_end.tlp_probes, 1);
    cr_assert_eq(dr.resent_seq, dr.max_end - 1448, "the probe resent the last segment");
    /* segment 7's ACK comes one RTT after the burst; the probe 2 SRTT + 2 ms later */
    sim_time_t probe = dr.first_resend - dr.first_data;
    cr_assert(probe >= 60 * SIM_MS && probe <= 64 * SIM_MS, "probe after %.1f ms",
              sim_time_to_s(probe) * 1e3);
    /* the probe's SACK shows the two holes: RACK starts recovery (no RTO of 200 ms) */
    cr_assert_lt(d.done_at - dr.first_data, 120 * SIM_MS, "done after %.1f ms",
                 sim_time_to_s(d.done_at - dr.first_data) * 1e3);
    cr_assert_eq(d.srv_end.fast_retransmits, 1);
    cr_assert_eq(d.srv_end.retransmits, 3);
    wire_pair_free(&P);
}

Test(tcp_linux, one_lost_segment_is_repaired_by_rack_without_three_dupacks)
{
    struct dl d = { 0 };
    struct wire_pair P;
    download(&d, &P, 0, 10 * SIM_MS, 10 * 1448);
    /* the 9th of 10: only one segment arrives after it */
    struct dropper dr = { .w = &P.w, .drop_from = 9, .drop_to = 9 };
    P.w.capture = drop_capture;
    P.w.capture_ctx = &dr;
    sched_run(&s);
    cr_assert_eq(d.rx, d.total);
    cr_assert_eq(d.srv_end.timeouts, 0);
    cr_assert_eq(d.srv_end.tlp_probes, 0);
    cr_assert_eq(d.srv_end.fast_retransmits, 1);
    /* the SACK of the 10th arrives one RTT after the burst; a quarter of
     * the minimum RTT later the 9th is resent */
    sim_time_t resend = dr.first_resend - dr.first_data;
    cr_assert(resend >= 24 * SIM_MS && resend <= 27 * SIM_MS, "resent after %.1f ms",
              sim_time_to_s(resend) * 1e3);
    wire_pair_free(&P);
}

/* PRR (RFC 6937) on a scoreboard: 20 segments out, the first lost, ssthresh
 * half the window. Each ACK SACKs one more segment; what may be sent each
 * time (cwnd less what is in flight) adds up to half of what was
 * delivered, the first send being the retransmission. */
Test(tcp_linux, prr_sends_in_proportion_to_what_is_delivered)
{
    const uint32_t mss = 1000;
    struct tcp_sock k = { .sack_ok = true, .snd_una = 0, .snd_nxt = 20 * mss, .snd_max = 20 * mss };
    k.cc = (struct tcp_cc){ .mss = mss, .cwnd = 20 * mss, .ssthresh = 10 * mss };
    tcp_reasm_init(&k.sacked);
    k.in_recovery = true;
    k.prior_cwnd = 20 * mss;
    uint32_t sent = 0, sends[19];
    for (int i = 0; i < 19; i++) {
        uint32_t before = tcp_delivered_mark(&k);
        tcp_reasm_add(&k.sacked, (uint32_t)(i + 1) * mss, (uint32_t)(i + 2) * mss);
        tcp_prr_ack(&k, tcp_delivered_mark(&k) - before, false);
        /* send what the window allows, as tcp_output: the hole first */
        sends[i] = 0;
        while (tcp_in_flight(&k) < k.cc.cwnd) {
            if (k.rexmit_nxt == 0) {
                k.rexmit_nxt = mss;
            } else {
                k.snd_nxt += mss;
                k.snd_max = k.snd_nxt;
            }
            k.prr_out += mss;
            sends[i]++;
        }
        sent += sends[i];
    }
    cr_assert_eq(sends[0], 1, "the fast retransmit at once");
    cr_assert_eq(sent, 10, "19 delivered x 10/20, rounded up: %u", sent);
    /* one segment for every second ACK while the flight is above ssthresh */
    for (int i = 1; i < 16; i++)
        cr_assert_eq(sends[i], (uint32_t)(i % 2 == 0), "ACK %d sent %u", i + 1, sends[i]);
    /* the flight came down to ssthresh */
    cr_assert_eq(tcp_in_flight(&k), 10 * mss, "in flight %u", tcp_in_flight(&k));
}

/* A sender idle longer than the RTO restarts from the initial window. */
Test(tcp_linux, slow_start_after_idle)
{
    for (int on = 0; on < 2; on++) {
        struct dl d = { .keep_open = true };
        struct wire_pair P;
        download(&d, &P, 100000000ull, 5 * SIM_MS, 4u << 20);
        tcp_stack_config(P.b)->slow_start_after_idle = on;
        sched_run_until(&s, sched_now(&s) + 2 * SIM_S);
        struct tcp_sock_stats st;
        tcp_sock_stats(d.srv, &st);
        cr_assert_eq(d.rx, d.total, "%llu of %llu; sent %llu acked %llu rto %u snd_wnd %u cwnd %u",
                     (unsigned long long)d.rx, (unsigned long long)d.total,
                     (unsigned long long)st.bytes_sent, (unsigned long long)st.bytes_acked,
                     (unsigned)st.timeouts, st.snd_wnd, st.cwnd);
        cr_assert_gt(st.cwnd, 40 * 1448, "the window grew (%u)", st.cwnd);
        uint32_t grown = st.cwnd;
        /* a second of silence, then one more byte */
        d.total++;
        dl_pump(&d, d.srv);
        tcp_sock_stats(d.srv, &st);
        if (on)
            cr_assert_eq(st.cwnd, 10 * 1448, "back to the initial window (%u)", st.cwnd);
        else
            cr_assert_eq(st.cwnd, grown, "kept (%u)", st.cwnd);
        tcp_abort(d.srv);
        sched_run(&s);
        wire_pair_free(&P);
    }
}

/* Drops the first `copies` frames from b that carry the sequence number
 * `seq` (relative to b's first data byte), and notes when b sent it the
 * last time. */
struct seq_dropper {
    struct wire *w;
    uint32_t seq, copies, seen, isn;
    bool have_isn;
    sim_time_t first_sent, last_sent;
};

static void seq_drop_capture(void *ctx, const struct pkt *frame, sim_time_t t)
{
    struct seq_dropper *d = ctx;
    uint32_t seq, payload;
    d->w->cut[1] = false;
    if (!server_data(frame, &seq, &payload))
        return;
    if (!d->have_isn) {
        d->isn = seq;
        d->have_isn = true;
    }
    if (seq - d->isn != d->seq)
        return;
    if (!d->seen)
        d->first_sent = t;
    d->last_sent = t;
    if (d->seen++ < d->copies)
        d->w->cut[1] = true;
}

/* RACK on a retransmission (Linux's tcp_rack_detect_loss): the 3rd segment
 * and its fast retransmission are both lost. The new data sent after the
 * retransmission is SACKed one RTT later, which shows it lost: it goes out
 * a third time then, not after an RTO of 200 ms and a slow start. */
Test(tcp_linux, a_lost_retransmission_is_found_by_rack_not_the_rto)
{
    struct dl d = { 0 };
    struct wire_pair P;
    download(&d, &P, 100000000ull, 10 * SIM_MS, 200 * 1448);
    struct seq_dropper dr = { .w = &P.w, .seq = 2 * 1448, .copies = 2 };
    P.w.capture = seq_drop_capture;
    P.w.capture_ctx = &dr;
    sched_run(&s);
    cr_assert_eq(d.rx, d.total);
    cr_assert_eq(dr.seen, 3, "sent %u times", dr.seen);
    cr_assert_eq(d.srv_end.timeouts, 0, "no RTO");
    cr_assert_eq(d.srv_end.lost_retransmits, 1);
    /* the stack's MIB counts it too (TCPLostRetransmit), in one recovery */
    cr_assert_eq(tcp_stack_stats(P.b)->lost_retransmits, 1);
    cr_assert_eq(tcp_stack_stats(P.b)->recoveries, 1);
    cr_assert_eq(tcp_stack_stats(P.b)->timeouts, 0);
    /* first loss found one RTT and a quarter after the burst; the lost
     * retransmission one RTT and a quarter after it: about 50 ms, well
     * below the RTO's 200 ms */
    sim_time_t third = dr.last_sent - dr.first_sent;
    cr_assert(third >= 45 * SIM_MS && third <= 60 * SIM_MS, "sent the third time after %.1f ms",
              sim_time_to_s(third) * 1e3);
    wire_pair_free(&P);
}
