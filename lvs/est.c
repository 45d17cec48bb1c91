/*
 * The rate estimator: the kernel's estimation_timer, one step every 2 s on
 * the director's clock, and ip_vs_read_estimator's decoding for ipvsadm.
 */
#include "lvs/est.h"

/* avg += (rate - avg) >> 2 in signed 64-bit arithmetic, as the kernel's
 * ((s64)rate - (s64)avg) >> 2. */
static uint64_t ewma(uint64_t avg, uint64_t rate)
{
    int64_t diff = (int64_t)rate - (int64_t)avg;
    return (uint64_t)((int64_t)avg + (diff >> 2));
}

void ipvs_est_update(struct ipvs_est *e, const struct ipvs_stats *s)
{
    /* counts scaled by 2^10 and bytes by 2^5, both divided by the 2 s */
    e->cps = ewma(e->cps, (s->conns - e->last.conns) << 9);
    e->inpps = ewma(e->inpps, (s->inpkts - e->last.inpkts) << 9);
    e->outpps = ewma(e->outpps, (s->outpkts - e->last.outpkts) << 9);
    e->inbps = ewma(e->inbps, (s->inbytes - e->last.inbytes) << 4);
    e->outbps = ewma(e->outbps, (s->outbytes - e->last.outbytes) << 4);
    e->last = *s;
}

void ipvs_est_tick(struct ipvs *ipvs)
{
    for (struct ipvs_service *s = ipvs->services; s; s = s->next) {
        ipvs_est_update(&s->est, &s->stats);
        for (struct ipvs_dest *d = s->dests; d; d = d->next)
            ipvs_est_update(&d->est, &d->stats);
    }
}

void ipvs_est_read(const struct ipvs_est *e, struct ipvs_rates *r)
{
    r->cps = (e->cps + 0x1FF) >> 10;
    r->inpps = (e->inpps + 0x1FF) >> 10;
    r->outpps = (e->outpps + 0x1FF) >> 10;
    r->inbps = (e->inbps + 0xF) >> 5;
    r->outbps = (e->outbps + 0xF) >> 5;
}

static void est_timer_fired(void *arg)
{
    struct ipvs *ipvs = arg;
    ipvs_est_tick(ipvs);
    rt_timer_arm_in(ipvs->rt, &ipvs->est_timer, IPVS_EST_INTERVAL);
}

void ipvs_est_start(struct ipvs *ipvs)
{
    if (ipvs->est_timer.fn && rt_timer_armed(&ipvs->est_timer))
        return;
    rt_timer_init(&ipvs->est_timer, est_timer_fired, ipvs);
    rt_timer_arm_in(ipvs->rt, &ipvs->est_timer, IPVS_EST_INTERVAL);
}

void ipvs_est_stop(struct ipvs *ipvs)
{
    /* a zeroed timer (never started) has no callback */
    if (ipvs->est_timer.fn && rt_timer_armed(&ipvs->est_timer))
        rt_timer_cancel(ipvs->rt, &ipvs->est_timer);
}
