/*
 * Weighted failover (ip_vs_fo.c): the usable dest with the highest weight;
 * the first of equals in list order wins.
 */
#include "lvs/sched.h"

static struct ipvs_dest *fo_schedule(struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    (void)t;
    struct ipvs_dest *best = NULL;
    int hw = 0;
    for (struct ipvs_dest *d = svc->dests; d; d = d->next)
        if (!d->overloaded && d->weight > hw) {
            best = d;
            hw = d->weight;
        }
    return best;
}

const struct ipvs_sched_ops ipvs_sched_fo = {
    .name = "fo",
    .schedule = fo_schedule,
};
