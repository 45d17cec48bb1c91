/* Linux's SRTT/mdev estimator (tcp_rtt_estimator) and RTO (tcp_set_rto),
 * with backoff. */
#include "net/tcp_rtt.h"

#include "net/tcp_seq.h"

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

/* SRTT plus the variance term, which is never below rto_min (so neither is
 * the sum; the clamp only applies the maximum in practice). */
static sim_time_t estimate(const struct tcp_rtt *e) { return clamp(e, (e->srtt8 >> 3) + e->var); }

void tcp_rtt_sample(struct tcp_rtt *e, sim_time_t r, uint32_t snd_una, uint32_t snd_nxt)
{
    if (r < 0)
        return;
    if (!e->has_sample) {
        e->srtt8 = 8 * r;
        e->mdev4 = 2 * r;                       /* RTO = 3 RTT when rto_min allows */
        e->var = e->mdev4 > e->rto_min ? e->mdev4 : e->rto_min;
        e->mdev_max = e->var;
        e->rtt_seq = snd_nxt;
        e->has_sample = true;
    } else {
        sim_time_t err = r - (e->srtt8 >> 3);
        e->srtt8 += err;                        /* SRTT += (r - SRTT) / 8 */
        sim_time_t d;
        if (err < 0) {
            /* the RTT fell: a gain of 1/32 rather than 1/4 on a rise of mdev */
            d = -err - (e->mdev4 >> 2);
            if (d > 0)
                d >>= 3;
        } else {
            d = err - (e->mdev4 >> 2);
        }
        e->mdev4 += d;                          /* mdev += (|err| - mdev) / 4 */
        if (e->mdev4 > e->mdev_max) {
            e->mdev_max = e->mdev4;
            if (e->mdev_max > e->var)
                e->var = e->mdev_max;
        }
        if (tcp_seq_gt(snd_una, e->rtt_seq)) {
            /* a round trip is over: the variance term falls a quarter of
             * the way to this round trip's largest mdev */
            if (e->mdev_max < e->var)
                e->var -= (e->var - e->mdev_max) >> 2;
            e->rtt_seq = snd_nxt;
            e->mdev_max = e->rto_min;
        }
    }
    if (e->srtt8 < 1)
        e->srtt8 = 1;   /* as Linux, where srtt_us 0 means no sample */
    e->srtt = e->srtt8 >> 3;
    e->rttvar = e->mdev4 >> 2;
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
