/* Reno's window arithmetic as Linux's tcp_reno_*: slow start below
 * ssthresh, then one SMSS per cwnd of acked bytes; ssthresh = max(cwnd / 2,
 * 2 SMSS). */
#include "net/tcp_cc.h"

struct reno_priv {
    uint32_t acked_acc;    /* bytes acked since cwnd last grew in CA */
};

static void reno_init(struct tcp_cc *c)
{
    struct reno_priv *r = (struct reno_priv *)c->priv;
    r->acked_acc = 0;
}

static void reno_cong_avoid(struct tcp_cc *c, uint32_t acked, sim_time_t now, sim_time_t srtt)
{
    (void)now;
    (void)srtt;
    struct reno_priv *r = (struct reno_priv *)c->priv;
    if (c->cwnd < c->ssthresh) {
        acked = tcp_cc_slow_start(c, acked);
        if (!acked)
            return;
    }
    r->acked_acc += acked;
    if (r->acked_acc >= c->cwnd) {
        r->acked_acc -= c->cwnd;
        c->cwnd += c->mss;
    }
}

/* Linux's tcp_reno_ssthresh: half the window (not the flight size). */
static uint32_t reno_ssthresh(struct tcp_cc *c, uint32_t in_flight, sim_time_t now)
{
    (void)now;
    (void)in_flight;
    struct reno_priv *r = (struct reno_priv *)c->priv;
    r->acked_acc = 0;
    uint32_t half = c->cwnd / 2;
    return half > 2 * c->mss ? half : 2 * c->mss;
}

const struct tcp_cc_ops tcp_cc_newreno = {
    .name = "reno",             /* Linux's name */
    .init = reno_init,
    .cong_avoid = reno_cong_avoid,
    .ssthresh = reno_ssthresh,
};
