/*
 * CUBIC (RFC 9438): after a loss the window follows
 * W(t) = C (t - K)^3 + W_max with C = 0.4 and beta = 0.7, K the time to
 * regain W_max, with fast convergence and the Reno-friendly estimate W_est.
 * Windows in segments inside the formula, bytes outside.
 */
#include "net/tcp_cc.h"

#include <math.h>

#define CUBIC_C 0.4
#define CUBIC_BETA 0.7

struct cubic_priv {
    double w_max;          /* segments */
    double k;              /* seconds */
    double w_est;          /* segments */
    double cwnd_acc;       /* fractional bytes of growth */
    sim_time_t epoch;      /* start of this congestion avoidance epoch, 0 none */
};

static void cubic_init(struct tcp_cc *c)
{
    struct cubic_priv *p = (struct cubic_priv *)c->priv;
    _Static_assert(sizeof(struct cubic_priv) <= TCP_CC_PRIV, "cubic state too big");
    *p = (struct cubic_priv){ 0 };
}

static void cubic_cong_avoid(struct tcp_cc *c, uint32_t acked, sim_time_t now, sim_time_t srtt)
{
    struct cubic_priv *p = (struct cubic_priv *)c->priv;
    if (c->cwnd < c->ssthresh) {
        tcp_cc_slow_start(c, acked);
        return;
    }
    double mss = c->mss;
    double cwnd = c->cwnd / mss;
    if (p->epoch == 0) {
        p->epoch = now > 0 ? now : 1;
        if (p->w_max < cwnd) {
            p->w_max = cwnd;
            p->k = 0;
        } else {
            p->k = cbrt((p->w_max - cwnd) / CUBIC_C);
        }
        p->w_est = cwnd;
    }
    double t = sim_time_to_s(now - p->epoch + srtt);
    double target = CUBIC_C * (t - p->k) * (t - p->k) * (t - p->k) + p->w_max;
    if (target < cwnd)
        target = cwnd;
    if (target > 1.5 * cwnd)
        target = 1.5 * cwnd;
    /* Reno-friendly region: alpha = 3 (1 - beta) / (1 + beta) segments per RTT */
    double alpha = 3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA);
    p->w_est += alpha * (acked / mss) / cwnd;
    if (p->w_est > target)
        target = p->w_est;
    /* grow by (target - cwnd) / cwnd segments per segment acked */
    p->cwnd_acc += (target - cwnd) / cwnd * acked;
    if (p->cwnd_acc >= 1.0) {
        uint32_t inc = (uint32_t)p->cwnd_acc;
        c->cwnd += inc;
        p->cwnd_acc -= inc;
    }
}

static uint32_t cubic_ssthresh(struct tcp_cc *c, uint32_t in_flight, sim_time_t now)
{
    (void)in_flight;
    (void)now;
    struct cubic_priv *p = (struct cubic_priv *)c->priv;
    double cwnd = (double)c->cwnd / c->mss;
    /* fast convergence: release bandwidth when W_max keeps shrinking */
    if (cwnd < p->w_max)
        p->w_max = cwnd * (1.0 + CUBIC_BETA) / 2.0;
    else
        p->w_max = cwnd;
    p->epoch = 0;
    p->cwnd_acc = 0;
    uint32_t th = (uint32_t)((uint64_t)c->cwnd * 7 / 10);   /* beta = 0.7 */
    return th > 2 * c->mss ? th : 2 * c->mss;
}

const struct tcp_cc_ops tcp_cc_cubic = {
    .name = "cubic",
    .init = cubic_init,
    .cong_avoid = cubic_cong_avoid,
    .ssthresh = cubic_ssthresh,
};
