/*
 * Locality-based least connection (ip_vs_lblc.c): a cache maps each
 * destination address to one dest. A cached dest is kept while it is
 * available, of weight > 0 and not busier than its weight while another dest
 * is under half of its; otherwise wlc picks a new one and the entry is
 * replaced. Entries hold their dest (a deleted one waits in the trash). A
 * collector runs every 60 s: every 30th run drops entries unused for the
 * expiration (24 h); between, when the table holds more than 16 per bucket,
 * it drops entries unused for 6 min, at most the excess times 4/3.
 */
#include <stdlib.h>

#include "engine/xalloc.h"
#include "lvs/sched.h"
#include "lvs/sched/hash.h"
#include "lvs/sched/locality.h"
#include "lvs/sched/wlc.h"

struct lblc_entry {
    struct lblc_entry *next;      /* in its bucket, newest first */
    uint32_t addr;                /* destination address */
    struct ipvs_dest *dest;       /* held */
    sim_time_t lastuse;
};

struct lblc_table {
    struct ipvs_service *svc;
    struct lblc_entry *bucket[IPVS_LOC_TAB_SIZE];
    struct rt_timer periodic;
    struct ipvs_loc_gc gc;
};

static unsigned lblc_hashkey(uint32_t addr)
{
    return ipvs_hash_32(addr, IPVS_LOC_TAB_BITS);
}

static struct lblc_entry *lblc_get(struct lblc_table *tbl, uint32_t addr)
{
    for (struct lblc_entry *en = tbl->bucket[lblc_hashkey(addr)]; en; en = en->next)
        if (en->addr == addr)
            return en;
    return NULL;
}

/* Unlink *pp from its bucket and let go of its dest. */
static void lblc_del(struct lblc_table *tbl, struct lblc_entry **pp)
{
    struct lblc_entry *en = *pp;
    *pp = en->next;
    tbl->gc.entries--;
    ipvs_dest_put(tbl->svc->ipvs, en->dest);
    free(en);
}

static void lblc_new(struct lblc_table *tbl, uint32_t addr, struct ipvs_dest *dest)
{
    struct lblc_entry **pp = &tbl->bucket[lblc_hashkey(addr)];
    for (struct lblc_entry **q = pp; *q; q = &(*q)->next)
        if ((*q)->addr == addr) {
            if ((*q)->dest == dest)
                return;
            lblc_del(tbl, q);
            break;
        }
    struct lblc_entry *en = xcalloc(1, sizeof *en);
    *en = (struct lblc_entry){ .next = *pp, .addr = addr, .dest = dest,
                               .lastuse = ipvs_loc_now(tbl->svc) };
    ipvs_dest_hold(dest);
    *pp = en;
    tbl->gc.entries++;
}

/* Drop the entries of bucket j unused for `age` (lastuse + age <= now). */
static int lblc_expire_bucket(void *table, int j, sim_time_t now, sim_time_t age)
{
    struct lblc_table *tbl = table;
    int dropped = 0;
    for (struct lblc_entry **pp = &tbl->bucket[j]; *pp;) {
        if (now < (*pp)->lastuse + age) {
            pp = &(*pp)->next;
            continue;
        }
        lblc_del(tbl, pp);
        dropped++;
    }
    return dropped;
}

static void lblc_check_expire(void *arg)
{
    struct lblc_table *tbl = arg;
    sim_time_t now = ipvs_loc_now(tbl->svc);
    ipvs_loc_gc_run(&tbl->gc, now, lblc_expire_bucket, tbl);
    rt_timer_arm(ipvs_loc_rt(tbl->svc), &tbl->periodic, now + IPVS_LOC_CHECK_EXPIRE_INTERVAL);
}

static int lblc_init_service(struct ipvs_service *svc)
{
    struct lblc_table *tbl = xcalloc(1, sizeof *tbl);
    tbl->svc = svc;
    ipvs_loc_gc_init(&tbl->gc);
    rt_timer_init(&tbl->periodic, lblc_check_expire, tbl);
    if (ipvs_loc_rt(svc))
        rt_timer_arm_in(ipvs_loc_rt(svc), &tbl->periodic, IPVS_LOC_CHECK_EXPIRE_INTERVAL);
    svc->sched_data = tbl;
    return 0;
}

static void lblc_done_service(struct ipvs_service *svc)
{
    struct lblc_table *tbl = svc->sched_data;
    if (ipvs_loc_rt(svc))
        rt_timer_cancel(ipvs_loc_rt(svc), &tbl->periodic);
    for (int i = 0; i < IPVS_LOC_TAB_SIZE; i++)
        while (tbl->bucket[i])
            lblc_del(tbl, &tbl->bucket[i]);
    free(tbl);
    svc->sched_data = NULL;
}

static struct ipvs_dest *lblc_schedule(struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    struct lblc_table *tbl = svc->sched_data;
    struct lblc_entry *en = lblc_get(tbl, t->daddr);
    if (en) {
        en->lastuse = ipvs_loc_now(svc);
        struct ipvs_dest *d = en->dest;
        if (d->available && d->weight > 0 && !ipvs_loc_overloaded(d, svc))
            return d;
    }
    struct ipvs_dest *d = ipvs_sched_wlc_least(svc);
    if (!d)
        return NULL;
    lblc_new(tbl, t->daddr, d);
    return d;
}

const struct ipvs_sched_ops ipvs_sched_lblc = {
    .name = "lblc",
    .init_service = lblc_init_service,
    .done_service = lblc_done_service,
    .schedule = lblc_schedule,
};
