/*
 * Weighted least connection (ip_vs_wlc.c): the dest with the least
 * overhead / weight, where overhead is (active << 8) + inactive, compared by
 * multiplication; the first of equals in list order wins.
 */
#include "lvs/sched.h"
#include "lvs/sched/wlc.h"

struct ipvs_dest *ipvs_sched_wlc_least(struct ipvs_service *svc)
{
    struct ipvs_dest *least = svc->dests;
    while (least && !ipvs_dest_usable(least))
        least = least->next;
    if (!least)
        return NULL;
    int64_t loh = ipvs_dest_conn_overhead(least);
    for (struct ipvs_dest *d = least->next; d; d = d->next) {
        if (d->overloaded)
            continue;
        int64_t doh = ipvs_dest_conn_overhead(d);
        if (loh * d->weight > doh * least->weight) {
            least = d;
            loh = doh;
        }
    }
    return least;
}

static struct ipvs_dest *wlc_schedule(struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    (void)t;
    return ipvs_sched_wlc_least(svc);
}

const struct ipvs_sched_ops ipvs_sched_wlc = {
    .name = "wlc",
    .schedule = wlc_schedule,
};
