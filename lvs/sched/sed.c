/*
 * Shortest expected delay (ip_vs_sed.c): the dest with the least
 * (active + 1) / weight, compared by multiplication; inactive connections
 * do not count. The first of equals in list order wins.
 */
#include "lvs/sched.h"

static struct ipvs_dest *sed_schedule(struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    (void)t;
    struct ipvs_dest *least = svc->dests;
    while (least && !ipvs_dest_usable(least))
        least = least->next;
    if (!least)
        return NULL;
    int64_t loh = (int64_t)least->activeconns + 1;
    for (struct ipvs_dest *d = least->next; d; d = d->next) {
        if (d->overloaded)
            continue;
        int64_t doh = (int64_t)d->activeconns + 1;
        if (loh * d->weight > doh * least->weight) {
            least = d;
            loh = doh;
        }
    }
    return least;
}

const struct ipvs_sched_ops ipvs_sched_sed = {
    .name = "sed",
    .schedule = sed_schedule,
};
