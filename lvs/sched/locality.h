/*
 * What lblc and lblcr share: their clock (the director's runtime; a
 * service without one sees time stand still at 0 and arms no timer), the
 * kernel's timing constants and table size, the collector of stale entries,
 * and their test of a cached dest that is busier than its weight while
 * another is under half of its.
 */
#ifndef LVS_SCHED_LOCALITY_H
#define LVS_SCHED_LOCALITY_H

#include "engine/runtime.h"
#include "lvs/ipvs.h"

#define IPVS_LOC_CHECK_EXPIRE_INTERVAL  ((60) * SIM_S)           /* the collector's period */
#define IPVS_LOC_ENTRY_TIMEOUT          ((6 * 60) * SIM_S)       /* idle entries it may drop */
#define IPVS_LOC_EXPIRATION             ((24 * 60 * 60) * SIM_S) /* lblc(r)_expiration sysctl default */
#define IPVS_LOC_COUNT_FOR_FULL         30                    /* full check every 30 periods */
#define IPVS_LOC_TAB_BITS               10
#define IPVS_LOC_TAB_SIZE               (1 << IPVS_LOC_TAB_BITS)
#define IPVS_LOC_TAB_MASK               (IPVS_LOC_TAB_SIZE - 1)

static inline struct rt *ipvs_loc_rt(const struct ipvs_service *svc)
{
    return svc->ipvs ? svc->ipvs->rt : NULL;
}

static inline sim_time_t ipvs_loc_now(const struct ipvs_service *svc)
{
    struct rt *rt = ipvs_loc_rt(svc);
    return rt ? rt_now(rt) : 0;
}

/* The collector's state: entries counted, the limit (16 per bucket), the
 * bucket where the last walk stopped and the periods since a full check. */
struct ipvs_loc_gc {
    int entries, max_size, rover, counter;
};

/* Drops the entries of one bucket unused for `age` (lastuse + age <= now),
 * counting them off gc->entries; returns how many went. */
typedef int (*ipvs_loc_expire_fn)(void *table, int bucket, sim_time_t now, sim_time_t age);

void ipvs_loc_gc_init(struct ipvs_loc_gc *gc);

/* One period of the collector (ip_vs_lblc_check_expire): every 30th a full
 * walk with the expiration; between, past the limit, a walk with the 6 min
 * timeout that stops once 4/3 of the excess (at most half the limit) went. */
void ipvs_loc_gc_run(struct ipvs_loc_gc *gc, sim_time_t now, ipvs_loc_expire_fn expire, void *table);

/* The kernel's is_overloaded() of lblc and lblcr (it ignores the
 * threshold flag): more active connections than weight, and some dest of
 * the service with active * 2 < weight. */
static inline bool ipvs_loc_overloaded(const struct ipvs_dest *dest, const struct ipvs_service *svc)
{
    if ((int64_t)dest->activeconns > dest->weight) {
        for (const struct ipvs_dest *d = svc->dests; d; d = d->next)
            if ((int64_t)d->activeconns * 2 < d->weight)
                return true;
    }
    return false;
}

#endif
