/*
 * Destination hashing (ip_vs_dh.c): a 256-bucket table dealt out over the
 * dests in list order, one bucket each in turn (weights do not count); the
 * packet's destination address picks the bucket through hash_32. A bucket
 * whose dest is quiescent or overloaded gives no dest. Any dest change
 * deals the table again.
 */
#include <stdlib.h>

#include "engine/xalloc.h"
#include "lvs/sched.h"
#include "lvs/sched/hash.h"

#define DH_TAB_BITS 8
#define DH_TAB_SIZE (1u << DH_TAB_BITS)

struct dh_state {
    struct ipvs_dest *buckets[DH_TAB_SIZE];
};

static int dh_reassign(struct ipvs_service *svc, struct ipvs_dest *dest)
{
    (void)dest;
    struct dh_state *s = svc->sched_data;
    struct ipvs_dest *p = svc->dests;
    for (unsigned i = 0; i < DH_TAB_SIZE; i++) {
        if (!svc->dests) {
            s->buckets[i] = NULL;
            continue;
        }
        if (!p)
            p = svc->dests;
        s->buckets[i] = p;
        p = p->next;
    }
    return 0;
}

static int dh_init_service(struct ipvs_service *svc)
{
    svc->sched_data = xcalloc(1, sizeof(struct dh_state));
    return dh_reassign(svc, NULL);
}

static void dh_done_service(struct ipvs_service *svc)
{
    free(svc->sched_data);
    svc->sched_data = NULL;
}

static struct ipvs_dest *dh_schedule(struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    struct dh_state *s = svc->sched_data;
    struct ipvs_dest *d = s->buckets[ipvs_hash_32(t->daddr, DH_TAB_BITS)];
    if (!d || !d->available || !ipvs_dest_usable(d))
        return NULL;
    return d;
}

const struct ipvs_sched_ops ipvs_sched_dh = {
    .name = "dh",
    .init_service = dh_init_service,
    .done_service = dh_done_service,
    .add_dest = dh_reassign,
    .del_dest = dh_reassign,
    .upd_dest = dh_reassign,
    .schedule = dh_schedule,
};
