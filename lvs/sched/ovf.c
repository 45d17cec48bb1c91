/*
 * Overflow connection (ip_vs_ovf.c): the dest with the highest weight among
 * those not overloaded, of weight > 0 and with no more active connections
 * than their weight; the first of equals in list order wins.
 */
#include "lvs/sched.h"

static struct ipvs_dest *ovf_schedule(struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    (void)t;
    struct ipvs_dest *h = NULL;
    int hw = 0;
    for (struct ipvs_dest *d = svc->dests; d; d = d->next) {
        int w = d->weight;
        if (d->overloaded || (int64_t)d->activeconns > w || w == 0)
            continue;
        if (!h || w > hw) {
            h = d;
            hw = w;
        }
    }
    return h;
}

const struct ipvs_sched_ops ipvs_sched_ovf = {
    .name = "ovf",
    .schedule = ovf_schedule,
};
