/*
 * CUBIC as Linux's tcp_cubic.c (RFC 9438): after a loss the window follows
 * W(t) = C (t - K)^3 + W_max with C = 0.4 and beta = 717/1024, t counted
 * from the epoch's first ACK plus the minimum RTT, with fast convergence,
 * the TCP-friendly estimate, growth at most 1.5x per RTT and, before any
 * loss, at least 5% per RTT. Slow start ends by HyStart (Ha and Rhee):
 * an ACK train spanning half the minimum RTT, or a round's RTT rising by
 * delay_min/8 (4 to 16 ms) above the minimum. A timeout forgets everything;
 * time spent idle (app-limited, nothing in flight) does not move the curve.
 * As Linux, the growth rate (cnt) is computed again only when the window
 * has changed or HZ/32 jiffies have passed, and at most once a jiffy (with
 * HZ 250, Debian's): at a few ms of RTT the window can stay put for 32 ms.
 * Windows in segments inside, bytes outside; the curve's time is not in
 * jiffies.
 */
#include "net/tcp_cc.h"

#include <math.h>

#include "net/tcp_seq.h"

#define CUBIC_C 0.4
#define CUBIC_BETA (717.0 / 1024.0)
#define BETA_SCALE 15.0            /* Linux's beta_scale, 8 (1 + beta) / 3 / (1 - beta) */
#define HYSTART_LOW_WINDOW 16      /* segments */
#define HYSTART_ACK_DELTA (2 * SIM_MS)
#define HYSTART_MIN_SAMPLES 8
#define HYSTART_DELAY_MIN (4 * SIM_MS)
#define HYSTART_DELAY_MAX (16 * SIM_MS)
#define GSO_MAX_SIZE 65536.0
#define CUBIC_HZ 250               /* the kernel's CONFIG_HZ (Debian's) */
#define JIFFY (SIM_S / CUBIC_HZ)

struct cubic_priv {
    double last_max;       /* W_max, segments; 0 before the first loss */
    double origin, k;      /* the curve's plateau and the time to reach it (s) */
    double tcp_cwnd;       /* the TCP-friendly estimate, segments */
    double ack_cnt;        /* segments acked this epoch, for tcp_cwnd */
    double cnt;            /* segments to ack for one segment of growth */
    double cwnd_cnt;       /* segments acked toward the next growth */
    sim_time_t epoch;      /* start of this epoch, 0 none */
    double last_cwnd;      /* the window when cnt was last computed */
    int64_t last_jiffy;    /* and when, in jiffies */
    sim_time_t delay_min;  /* smallest RTT seen, 0 none */
    /* HyStart */
    bool found, round_valid;
    uint32_t end_seq;
    sim_time_t round_start, last_ack, curr_rtt;
    uint8_t sample_cnt;
};

static struct cubic_priv *priv(struct tcp_cc *c) { return (struct cubic_priv *)c->priv; }

static void hystart_reset(struct cubic_priv *p, sim_time_t now, uint32_t snd_nxt)
{
    p->round_start = p->last_ack = now;
    p->end_seq = snd_nxt;
    p->curr_rtt = INT64_MAX;
    p->sample_cnt = 0;
    p->round_valid = true;
}

static void cubic_init(struct tcp_cc *c)
{
    _Static_assert(sizeof(struct cubic_priv) <= TCP_CC_PRIV, "cubic state too big");
    *priv(c) = (struct cubic_priv){ 0 };
}

static void hystart_update(struct tcp_cc *c, struct cubic_priv *p, const struct tcp_cc_ack *a)
{
    if (!p->round_valid || tcp_seq_gt(a->snd_una, p->end_seq))
        hystart_reset(p, a->now, a->snd_nxt);
    /* ACK train: ACKs close together spanning half the minimum RTT */
    if (a->now - p->last_ack <= HYSTART_ACK_DELTA) {
        p->last_ack = a->now;
        sim_time_t ack_delay = 0;  /* the GSO burst time at the pacing rate */
        if (a->srtt > 0) {
            double rate = 2.0 * c->cwnd / sim_time_to_s(a->srtt);   /* slow start paces at 200% */
            double d = GSO_MAX_SIZE * 4 / rate * SIM_S;
            ack_delay = d < SIM_MS ? (sim_time_t)d : SIM_MS;
        }
        sim_time_t threshold = (p->delay_min + ack_delay) / 2;   /* no pacing (SK_PACING_NONE) */
        if (a->now - p->round_start > threshold) {
            p->found = true;
            c->ssthresh = c->cwnd;
        }
    }
    /* delay increase over the minimum, from the round's first samples */
    if (p->curr_rtt > a->rtt)
        p->curr_rtt = a->rtt;
    if (p->sample_cnt < HYSTART_MIN_SAMPLES) {
        p->sample_cnt++;
    } else {
        sim_time_t th = p->delay_min >> 3;
        th = th < HYSTART_DELAY_MIN ? HYSTART_DELAY_MIN : th > HYSTART_DELAY_MAX ? HYSTART_DELAY_MAX : th;
        if (p->curr_rtt > p->delay_min + th) {
            p->found = true;
            c->ssthresh = c->cwnd;
        }
    }
}

static void cubic_pkts_acked(struct tcp_cc *c, const struct tcp_cc_ack *a)
{
    struct cubic_priv *p = priv(c);
    if (a->rtt < 0)
        return;
    /* samples right after a recovery are not taken */
    if (p->epoch && a->now - p->epoch < SIM_S)
        return;
    sim_time_t delay = a->rtt > 0 ? a->rtt : 1;
    if (p->delay_min == 0 || p->delay_min > delay)
        p->delay_min = delay;
    if (!p->found && c->cwnd < c->ssthresh && c->cwnd >= HYSTART_LOW_WINDOW * c->mss)
        hystart_update(c, p, a);
}

/* The cubic curve's growth rate now (Linux's bictcp_update before its
 * TCP-friendly part). */
static void cubic_curve(struct cubic_priv *p, double cwnd, double acked, sim_time_t now)
{
    if (p->epoch == 0) {
        p->epoch = now > 0 ? now : 1;
        p->ack_cnt = acked;
        p->tcp_cwnd = cwnd;
        if (p->last_max <= cwnd) {
            p->k = 0;
            p->origin = cwnd;
        } else {
            p->k = cbrt((p->last_max - cwnd) / CUBIC_C);
            p->origin = p->last_max;
        }
    }
    double t = sim_time_to_s(now - p->epoch + p->delay_min);
    double target = p->origin + CUBIC_C * (t - p->k) * (t - p->k) * (t - p->k);
    p->cnt = target > cwnd ? cwnd / (target - cwnd) : 100 * cwnd;
    if (p->last_max == 0 && p->cnt > 20)
        p->cnt = 20;               /* no loss yet: at least 5% per RTT */
}

static void cubic_update(struct cubic_priv *p, double cwnd, double acked, sim_time_t now)
{
    p->ack_cnt += acked;
    int64_t jiffy = now / JIFFY;
    if (p->last_cwnd == cwnd && jiffy - p->last_jiffy <= CUBIC_HZ / 32)
        return;
    if (!p->epoch || jiffy != p->last_jiffy) {
        p->last_cwnd = cwnd;
        p->last_jiffy = jiffy;
        cubic_curve(p, cwnd, acked, now);
    }
    /* TCP friendliness */
    double delta = cwnd * BETA_SCALE / 8;
    while (p->ack_cnt > delta) {
        p->ack_cnt -= delta;
        p->tcp_cwnd++;
    }
    if (p->tcp_cwnd > cwnd) {
        double max_cnt = cwnd / (p->tcp_cwnd - cwnd);
        if (p->cnt > max_cnt)
            p->cnt = max_cnt;
    }
    if (p->cnt < 2)
        p->cnt = 2;                /* at most 1.5x per RTT */
}

static void cubic_cong_avoid(struct tcp_cc *c, uint32_t acked, sim_time_t now, sim_time_t srtt)
{
    (void)srtt;
    struct cubic_priv *p = priv(c);
    if (c->cwnd < c->ssthresh) {
        acked = tcp_cc_slow_start(c, acked);
        if (!acked)
            return;
    }
    double mss = c->mss;
    double cwnd = floor(c->cwnd / mss);
    double segs = acked / mss;
    cubic_update(p, cwnd, segs, now);
    /* tcp_cong_avoid_ai with w = cnt */
    if (p->cwnd_cnt >= p->cnt) {
        p->cwnd_cnt = 0;
        c->cwnd += c->mss;
    }
    p->cwnd_cnt += segs;
    if (p->cwnd_cnt >= p->cnt) {
        double d = floor(p->cwnd_cnt / p->cnt);
        p->cwnd_cnt -= d * p->cnt;
        c->cwnd += (uint32_t)d * c->mss;
    }
}

static uint32_t cubic_ssthresh(struct tcp_cc *c, uint32_t in_flight, sim_time_t now)
{
    (void)in_flight;
    (void)now;
    struct cubic_priv *p = priv(c);
    double cwnd = floor((double)c->cwnd / c->mss);
    p->epoch = 0;
    /* fast convergence: release bandwidth when W_max keeps shrinking */
    if (cwnd < p->last_max)
        p->last_max = cwnd * (1.0 + CUBIC_BETA) / 2.0;
    else
        p->last_max = cwnd;
    uint32_t th = (uint32_t)(cwnd * CUBIC_BETA) * c->mss;
    return th > 2 * c->mss ? th : 2 * c->mss;
}

static void cubic_tx_start(struct tcp_cc *c, sim_time_t idle, sim_time_t now)
{
    /* Linux's cubictcp_cwnd_event: the epoch moves by the idle time, so the
     * window resumes on the curve where it left it, not further along */
    struct cubic_priv *p = priv(c);
    if (p->epoch && idle > 0) {
        p->epoch += idle;
        if (p->epoch > now)
            p->epoch = now;
    }
}

static void cubic_loss(struct tcp_cc *c)
{
    /* Linux's bictcp_reset on TCP_CA_Loss: the curve and delay_min go */
    struct cubic_priv *p = priv(c);
    *p = (struct cubic_priv){ 0 };
}

const struct tcp_cc_ops tcp_cc_cubic = {
    .name = "cubic",
    .init = cubic_init,
    .pkts_acked = cubic_pkts_acked,
    .tx_start = cubic_tx_start,
    .loss = cubic_loss,
    .cong_avoid = cubic_cong_avoid,
    .ssthresh = cubic_ssthresh,
};
