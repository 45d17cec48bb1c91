/*
 * Never queue (ip_vs_nq.c): the first usable dest in list order with no
 * active connection; if every one is busy, shortest expected delay
 * ((active + 1) / weight, compared by multiplication).
 */
#include "lvs/sched.h"

static struct ipvs_dest *nq_schedule(struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    (void)t;
    struct ipvs_dest *least = NULL;
    int64_t loh = 0;
    for (struct ipvs_dest *d = svc->dests; d; d = d->next) {
        if (d->overloaded || !d->weight)
            continue;
        int64_t doh = (int64_t)d->activeconns + 1;
        if (d->activeconns == 0)         /* idle: take it at once */
            return d;
        if (!least || loh * d->weight > doh * least->weight) {
            least = d;
            loh = doh;
        }
    }
    return least;
}

const struct ipvs_sched_ops ipvs_sched_nq = {
    .name = "nq",
    .schedule = nq_schedule,
};
