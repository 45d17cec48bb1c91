/* RFC 6298 SRTT/RTTVAR estimator with backoff. */
#include "net/tcp_rtt.h"

static sim_time_t clamp(const struct tcp_rtt *e, sim_time_t rto)
{
    if (rto < e->rto_min)
        rto = e->rto_min;
    if (rto > e->rto_max)
        rto = e->rto_max;
    return rto;
}

void tcp_rtt_init(struct tcp_rtt *e, sim_time_t rto_init, sim_time_t rto_min, sim_time_t rto_max)
{
    *e = (struct tcp_rtt){ .rto_min = rto_min, .rto_max = rto_max };
    e->rto = clamp(e, rto_init);
}

static sim_time_t estimate(const struct tcp_rtt *e)
{
    sim_time_t var = 4 * e->rttvar;
    if (var < TCP_RTT_GRANULARITY)
        var = TCP_RTT_GRANULARITY;
    return clamp(e, e->srtt + var);
}

void tcp_rtt_sample(struct tcp_rtt *e, sim_time_t r)
{
    if (r < 0)
        return;
    if (!e->has_sample) {
        e->srtt = r;
        e->rttvar = r / 2;
        e->has_sample = true;
    } else {
        sim_time_t err = e->srtt - r;
        if (err < 0)
            err = -err;
        e->rttvar = e->rttvar - e->rttvar / 4 + err / 4;   /* beta 1/4 */
        e->srtt = e->srtt - e->srtt / 8 + r / 8;            /* alpha 1/8 */
    }
    e->backoff = 0;
    e->rto = estimate(e);
}

void tcp_rtt_reset_backoff(struct tcp_rtt *e)
{
    if (!e->backoff || !e->has_sample)
        return;
    e->backoff = 0;
    e->rto = estimate(e);
}

void tcp_rtt_backoff(struct tcp_rtt *e)
{
    e->backoff++;
    e->rto = clamp(e, e->rto * 2);
}
