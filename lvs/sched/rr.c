/*
 * Round robin (ip_vs_rr.c): the dest after the one picked last, in list
 * order, skipping quiescent (weight 0) and overloaded dests. The cursor is
 * the dest picked last, NULL for the list head.
 */
#include "lvs/sched.h"

static int rr_init_service(struct ipvs_service *svc)
{
    svc->sched_data = NULL;
    return 0;
}

/* The dest is unlinked already: the cursor steps back to the entry that now
 * precedes the dest's successor, as the kernel's p->next->prev. */
static int rr_del_dest(struct ipvs_service *svc, struct ipvs_dest *dest)
{
    if (svc->sched_data != dest)
        return 0;
    struct ipvs_dest *prev = NULL;
    for (struct ipvs_dest *d = svc->dests; d && d != dest->next; d = d->next)
        prev = d;
    svc->sched_data = prev;
    return 0;
}

static struct ipvs_dest *rr_schedule(struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    (void)t;
    struct ipvs_dest *last = svc->sched_data;
    /* from the one after last to the end, then from the head up to last itself */
    for (struct ipvs_dest *d = last ? last->next : svc->dests; d; d = d->next)
        if (ipvs_dest_usable(d))
            return svc->sched_data = d;
    if (!last)
        return NULL;
    for (struct ipvs_dest *d = svc->dests; d; d = d->next) {
        if (ipvs_dest_usable(d))
            return svc->sched_data = d;
        if (d == last)
            break;
    }
    return NULL;
}

const struct ipvs_sched_ops ipvs_sched_rr = {
    .name = "rr",
    .init_service = rr_init_service,
    .del_dest = rr_del_dest,
    .schedule = rr_schedule,
};
