/* Unit tests: congestion control arithmetic (Reno, CUBIC with HyStart) and
 * the RTO estimator. */
#include <criterion/criterion.h>

#include "net/tcp_cc.h"
#include "net/tcp_rtt.h"

static struct tcp_cc fresh(const struct tcp_cc_ops *ops)
{
    struct tcp_cc c = { .mss = 1000, .cwnd = 10000, .ssthresh = 0x7fffffff };
    ops->init(&c);
    return c;
}

Test(tcp_cc, registry_by_name)
{
    cr_assert_eq(tcp_cc_find("reno"), &tcp_cc_newreno);
    cr_assert_eq(tcp_cc_find("cubic"), &tcp_cc_cubic);
    cr_assert_null(tcp_cc_find("bbr"));
    cr_assert_null(tcp_cc_find(NULL));
}

Test(tcp_cc, newreno_slow_start_then_linear)
{
    struct tcp_cc c = fresh(&tcp_cc_newreno);
    /* slow start: +acked, as Linux's tcp_slow_start (no L = 2 limit) */
    tcp_cc_newreno.cong_avoid(&c, 1000, 0, 0);
    cr_assert_eq(c.cwnd, 11000);
    tcp_cc_newreno.cong_avoid(&c, 2000, 0, 0);
    cr_assert_eq(c.cwnd, 13000);
    /* up to ssthresh only; the rest goes to congestion avoidance */
    c.ssthresh = 14000;
    tcp_cc_newreno.cong_avoid(&c, 5000, 0, 0);
    cr_assert_eq(c.cwnd, 14000);
    c.cwnd = 13000;
    c.ssthresh = 0x7fffffff;
    /* loss: ssthresh = max(cwnd / 2, 2 SMSS), as Linux's tcp_reno_ssthresh */
    cr_assert_eq(tcp_cc_newreno.ssthresh(&c, 5000, 0), 6500);
    c.cwnd = 3000;
    cr_assert_eq(tcp_cc_newreno.ssthresh(&c, 3000, 0), 2000);
    c.cwnd = 13000;
    c.ssthresh = 6500;
    c.cwnd = 6500;
    /* congestion avoidance: one SMSS per cwnd of acked bytes */
    for (int i = 0; i < 6; i++)
        tcp_cc_newreno.cong_avoid(&c, 1000, 0, 0);
    cr_assert_eq(c.cwnd, 6500);
    tcp_cc_newreno.cong_avoid(&c, 1000, 0, 0);
    cr_assert_eq(c.cwnd, 7500);
}

Test(tcp_cc, cubic_backs_off_by_beta_and_regains_wmax_near_k)
{
    struct tcp_cc c = fresh(&tcp_cc_cubic);
    c.cwnd = 100000;                     /* 100 segments */
    uint32_t th = tcp_cc_cubic.ssthresh(&c, 100000, 0);
    cr_assert_eq(th, 70000, "beta = 0.7");
    c.ssthresh = th;
    c.cwnd = th;
    /* K = cbrt(W_max (1 - beta) / C) = cbrt(30 / 0.4) = 4.217 s: ack a full
     * window every 100 ms RTT (CUBIC, not Reno-friendly, region) and look at the window around K */
    sim_time_t rtt = 100 * SIM_MS;
    sim_time_t t = SIM_S;
    uint32_t at_2s = 0;
    for (; t < SIM_S + 4217 * SIM_MS; t += rtt) {
        uint32_t w = c.cwnd;
        for (uint32_t acked = 0; acked < w; acked += c.mss)
            tcp_cc_cubic.cong_avoid(&c, c.mss, t, rtt);
        if (!at_2s && t >= 3 * SIM_S)
            at_2s = c.cwnd;
    }
    cr_assert_gt(at_2s, 80000, "concave growth: well on the way after 2 s (%u)", at_2s);
    cr_assert_lt(at_2s, 100000);
    cr_assert_geq(c.cwnd, 97000, "about W_max at K (%u)", c.cwnd);
    cr_assert_leq(c.cwnd, 103000, "about W_max at K (%u)", c.cwnd);
    /* a second loss below W_max: fast convergence lowers W_max */
    c.cwnd = 90000;
    cr_assert_eq(tcp_cc_cubic.ssthresh(&c, 90000, t), 63000);
    c.cwnd = c.ssthresh = 63000;
    /* W_max is now 90 (1 + 0.7) / 2 = 76.5 segments, K = cbrt(13.5 / 0.4) = 3.23 s:
     * at K the window is near 76.5, not 90 */
    for (sim_time_t u = t + rtt; u < t + 3230 * SIM_MS; u += rtt) {
        uint32_t w = c.cwnd;
        for (uint32_t acked = 0; acked < w; acked += c.mss)
            tcp_cc_cubic.cong_avoid(&c, c.mss, u, rtt);
    }
    cr_assert_geq(c.cwnd, 74000, "%u", c.cwnd);
    cr_assert_leq(c.cwnd, 80000, "%u", c.cwnd);
}

/* Idle time does not move CUBIC's curve (Linux's CA_EVENT_TX_START): two
 * senders back off alike; one then pauses 10 s. Without the shift its
 * next ACKs would find t far past K and jump to the window the curve gives
 * at 10 s (its growth capped only by 1.5x per RTT); with it, both grow alike. */
Test(tcp_cc, cubic_idle_time_shifts_the_epoch)
{
    struct tcp_cc busy = fresh(&tcp_cc_cubic), idle;
    busy.cwnd = 100000;
    busy.ssthresh = busy.cwnd = tcp_cc_cubic.ssthresh(&busy, 100000, 0);
    sim_time_t rtt = 100 * SIM_MS;
    tcp_cc_cubic.cong_avoid(&busy, busy.mss, SIM_S, rtt);    /* the epoch starts */
    idle = busy;
    tcp_cc_cubic.tx_start(&idle, 10 * SIM_S, 11 * SIM_S);
    for (sim_time_t t = SIM_S + rtt; t < 2 * SIM_S; t += rtt) {
        for (uint32_t w = busy.cwnd, acked = 0; acked < w; acked += busy.mss)
            tcp_cc_cubic.cong_avoid(&busy, busy.mss, t, rtt);
        for (uint32_t w = idle.cwnd, acked = 0; acked < w; acked += idle.mss)
            tcp_cc_cubic.cong_avoid(&idle, idle.mss, t + 10 * SIM_S, rtt);
    }
    cr_assert_lt(busy.cwnd, 90000, "a second after the loss, still below W_max (%u)", busy.cwnd);
    cr_assert_eq(idle.cwnd, busy.cwnd, "idle %u, busy %u", idle.cwnd, busy.cwnd);
    /* without a shift the same 10 s gap lets the window run ahead */
    struct tcp_cc jump = fresh(&tcp_cc_cubic);
    jump.cwnd = 100000;
    jump.ssthresh = jump.cwnd = tcp_cc_cubic.ssthresh(&jump, 100000, 0);
    tcp_cc_cubic.cong_avoid(&jump, jump.mss, SIM_S, rtt);
    for (sim_time_t t = SIM_S + rtt; t < 2 * SIM_S; t += rtt)
        for (uint32_t w = jump.cwnd, acked = 0; acked < w; acked += jump.mss)
            tcp_cc_cubic.cong_avoid(&jump, jump.mss, t + 10 * SIM_S, rtt);
    cr_assert_gt(jump.cwnd, busy.cwnd + 20000, "unshifted %u, busy %u", jump.cwnd, busy.cwnd);
}

/* Linux's bictcp_update computes the growth rate again only when the window
 * has changed or more than HZ/32 jiffies (7 at HZ 250: 28 to 32 ms) have
 * passed. Right after a loss the curve asks for almost nothing, and the
 * TCP-friendly estimate that would grow the window is not looked at again
 * for those 32 ms: at 1 ms of RTT the window stays put for about 30 RTTs. */
Test(tcp_cc, cubic_computes_its_rate_again_at_most_every_hz_over_32)
{
    struct tcp_cc c = fresh(&tcp_cc_cubic);
    c.cwnd = 20000;
    c.ssthresh = c.cwnd = tcp_cc_cubic.ssthresh(&c, 20000, 0);
    cr_assert_eq(c.cwnd, 14000);
    sim_time_t rtt = SIM_MS, t = 10 * SIM_S;   /* a window acked every 1 ms */
    for (; t < 10 * SIM_S + 27 * SIM_MS; t += rtt) {
        uint32_t w = c.cwnd;
        for (uint32_t acked = 0; acked < w; acked += c.mss)
            tcp_cc_cubic.cong_avoid(&c, c.mss, t, rtt);
    }
    cr_assert_eq(c.cwnd, 14000, "no growth within HZ/32 (%u)", c.cwnd);
    for (; t < 10 * SIM_S + 60 * SIM_MS; t += rtt) {
        uint32_t w = c.cwnd;
        for (uint32_t acked = 0; acked < w; acked += c.mss)
            tcp_cc_cubic.cong_avoid(&c, c.mss, t, rtt);
    }
    /* then Reno-friendly growth: the estimate gained a segment per 15/8
     * windows acked, and the window catches up with it */
    cr_assert_gt(c.cwnd, 20000, "grown after HZ/32 (%u)", c.cwnd);
}

/* The numbers by hand from Linux's tcp_rtt_estimator and tcp_set_rto, with
 * rto_min 200 ms; each sample after the first ends a round trip unless
 * snd_una has not passed rtt_seq (the snd_nxt of the last round trip's end). */
/* HyStart feeds: one ACK every `gap` with an RTT sample `rtt`, a round
 * being each `per_round` ACKs (snd_una passes end_seq). */
static void acks(struct tcp_cc *c, sim_time_t *now, uint32_t *una, int n, sim_time_t gap, sim_time_t rtt)
{
    for (int i = 0; i < n; i++) {
        *now += gap;
        *una += c->mss;
        struct tcp_cc_ack a = { .now = *now, .rtt = rtt, .srtt = rtt, .snd_una = *una,
                                .snd_nxt = *una + c->cwnd };
        tcp_cc_cubic.pkts_acked(c, &a);
        if (c->cwnd >= c->ssthresh)
            return;
    }
}

Test(tcp_cc, hystart_delay_increase_ends_slow_start)
{
    struct tcp_cc c = fresh(&tcp_cc_cubic);
    c.cwnd = 20000;                     /* 20 segments: above hystart_low_window */
    sim_time_t now = SIM_S;
    uint32_t una = 0;
    /* a round of 20 ms samples, ACKs 5 ms apart (no ACK train) */
    acks(&c, &now, &una, 30, 5 * SIM_MS, 20 * SIM_MS);
    cr_assert_eq(c.ssthresh, 0x7fffffff, "no exit while the RTT stays at its minimum");
    /* the queue builds: 23 ms is within delay_min / 8 (clamped to 4 ms) */
    acks(&c, &now, &una, 30, 5 * SIM_MS, 23 * SIM_MS);
    cr_assert_eq(c.ssthresh, 0x7fffffff, "3 ms over the minimum is below the 4 ms threshold");
    /* 25 ms: more than 4 ms over, after 8 samples of a new round */
    acks(&c, &now, &una, 40, 5 * SIM_MS, 25 * SIM_MS);
    cr_assert_eq(c.ssthresh, c.cwnd, "HyStart set ssthresh to cwnd (%u)", c.ssthresh);
}

Test(tcp_cc, hystart_ack_train_ends_slow_start)
{
    struct tcp_cc c = fresh(&tcp_cc_cubic);
    c.cwnd = 200000;                    /* 200 segments: a round is 200 ACKs */
    sim_time_t now = SIM_S;
    uint32_t una = 0;
    /* ACKs 100 us apart at a steady 20 ms RTT: the train spans half the
     * minimum RTT (10 ms) after about 100 ACKs */
    acks(&c, &now, &una, 95, 100 * SIM_US, 20 * SIM_MS);
    cr_assert_eq(c.ssthresh, 0x7fffffff, "a train of 9.5 ms is not enough");
    acks(&c, &now, &una, 20, 100 * SIM_US, 20 * SIM_MS);
    cr_assert_eq(c.ssthresh, c.cwnd, "the ACK train ended slow start");
}

Test(tcp_cc, hystart_waits_for_16_segments)
{
    struct tcp_cc c = fresh(&tcp_cc_cubic);
    c.cwnd = 15000;
    sim_time_t now = SIM_S;
    uint32_t una = 0;
    acks(&c, &now, &una, 20, 5 * SIM_MS, 20 * SIM_MS);
    acks(&c, &now, &una, 40, 5 * SIM_MS, 60 * SIM_MS);
    cr_assert_eq(c.ssthresh, 0x7fffffff, "15 segments: HyStart does not look");
}

Test(tcp_rtt, linux_estimator)
{
    struct tcp_rtt e;
    tcp_rtt_init(&e, TCP_RTO_INIT, TCP_RTO_MIN, TCP_RTO_MAX);
    cr_assert_eq(e.rto, SIM_S);
    /* first: srtt 100, mdev 50 (mdev4 200), var max(200, 200) */
    tcp_rtt_sample(&e, 100 * SIM_MS, 1001, 2001);
    cr_assert_eq(e.srtt, 100 * SIM_MS);
    cr_assert_eq(e.rttvar, 50 * SIM_MS);
    cr_assert_eq(e.var, 200 * SIM_MS);
    cr_assert_eq(e.rto, 300 * SIM_MS);
    /* 200: err +100, srtt 112.5; mdev4 200 + (100 - 50) = 250 = mdev_max,
     * so var 250 at once; the round trip ends with var = mdev_max */
    tcp_rtt_sample(&e, 200 * SIM_MS, 2101, 3001);
    cr_assert_eq(e.srtt, 112500 * SIM_US);
    cr_assert_eq(e.rttvar, 62500 * SIM_US);
    cr_assert_eq(e.var, 250 * SIM_MS);
    cr_assert_eq(e.rto, 362500 * SIM_US);
    struct tcp_rtt same_rt = e;
    /* 100: err -12.5, srtt 110.9375; |err| - mdev = -50, not above 0, so
     * mdev4 200; the round trip ends: var -= (250 - 200) / 4 = 237.5 */
    tcp_rtt_sample(&e, 100 * SIM_MS, 3101, 4001);
    cr_assert_eq(e.srtt, 110937500);
    cr_assert_eq(e.rttvar, 50 * SIM_MS);
    cr_assert_eq(e.var, 237500 * SIM_US);
    cr_assert_eq(e.rto, 348437500);
    /* the same sample inside the round trip (snd_una 3001 = rtt_seq): var stays */
    tcp_rtt_sample(&same_rt, 100 * SIM_MS, 3001, 3501);
    cr_assert_eq(same_rt.var, 250 * SIM_MS);
    cr_assert_eq(same_rt.rto, 360937500);
    tcp_rtt_backoff(&e);
    tcp_rtt_backoff(&e);
    cr_assert_eq(e.rto, 4 * 348437500);
    cr_assert_eq(e.backoff, 2);
    for (int i = 0; i < 20; i++)
        tcp_rtt_backoff(&e);
    cr_assert_eq(e.rto, TCP_RTO_MAX);
}

/* A falling RTT moves mdev with gain 1/32: 100 then 20 ms gives srtt 90,
 * |err| 80 - mdev 50 = 30, / 8 = 3.75, mdev4 203.75 = var, RTO 293.75 ms
 * (RFC 6298 would give 90 + 4 x 57.5 = 320). */
Test(tcp_rtt, a_falling_rtt_moves_mdev_slowly)
{
    struct tcp_rtt e;
    tcp_rtt_init(&e, TCP_RTO_INIT, TCP_RTO_MIN, TCP_RTO_MAX);
    tcp_rtt_sample(&e, 100 * SIM_MS, 1, 1);
    tcp_rtt_sample(&e, 20 * SIM_MS, 2, 2);
    cr_assert_eq(e.srtt, 90 * SIM_MS);
    cr_assert_eq(e.var, 203750 * SIM_US);
    cr_assert_eq(e.rto, 293750 * SIM_US);
}

/* The 200 ms minimum is added to SRTT, not a bound on the sum: a 1 ms path
 * has an RTO of 201 ms, and a 10 ms one of 210 ms (RFC 6298 with Linux's
 * minimum: 200 ms for both). */
Test(tcp_rtt, rto_min_adds_to_srtt)
{
    struct tcp_rtt e;
    tcp_rtt_init(&e, TCP_RTO_INIT, TCP_RTO_MIN, TCP_RTO_MAX);
    uint32_t una = 1;
    for (int i = 0; i < 50; i++, una += 100)
        tcp_rtt_sample(&e, SIM_MS, una, una + 100);
    cr_assert_eq(e.srtt, SIM_MS);
    cr_assert_eq(e.var, TCP_RTO_MIN);
    cr_assert_eq(e.rto, 201 * SIM_MS);
    cr_assert_eq(e.backoff, 0);
    tcp_rtt_init(&e, TCP_RTO_INIT, TCP_RTO_MIN, TCP_RTO_MAX);
    tcp_rtt_sample(&e, 10 * SIM_MS, 1, 1);
    cr_assert_eq(e.rto, 210 * SIM_MS);
}
