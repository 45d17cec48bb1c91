/*
 * Least connection (ip_vs_lc.c): the usable dest with the smallest overhead
 * (active << 8) + inactive; the first of equals in list order wins.
 */
#include "lvs/sched.h"

static struct ipvs_dest *lc_schedule(struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    (void)t;
    struct ipvs_dest *least = NULL;
    uint32_t loh = 0;
    for (struct ipvs_dest *d = svc->dests; d; d = d->next) {
        if (d->overloaded || d->weight == 0)
            continue;
        uint32_t doh = ipvs_dest_conn_overhead(d);
        if (!least || doh < loh) {
            least = d;
            loh = doh;
        }
    }
    return least;
}

const struct ipvs_sched_ops ipvs_sched_lc = {
    .name = "lc",
    .schedule = lc_schedule,
};
