/*
 * Locality-based least connection with replication (ip_vs_lblcr.c): a cache
 * maps each destination address to a set of dests. The set's weighted least
 * loaded member serves while it is not busier than its weight with another
 * dest under half of its; otherwise wlc picks a dest of the service, which
 * joins the set. A set with more than one member that has not changed for
 * the expiration (24 h) loses its weighted most loaded member. Set members
 * hold their dest. The collector is lblc's (60 s period, full check every
 * 30th run, 6 min idle timeout past 16 entries per bucket).
 */
#include <stdlib.h>

#include "engine/xalloc.h"
#include "lvs/sched.h"
#include "lvs/sched/hash.h"
#include "lvs/sched/locality.h"
#include "lvs/sched/wlc.h"

struct lblcr_elem {
    struct lblcr_elem *next;      /* newest first */
    struct ipvs_dest *dest;       /* held */
};

struct lblcr_set {
    struct lblcr_elem *list;
    int size;
    sim_time_t lastmod;
};

struct lblcr_entry {
    struct lblcr_entry *next;     /* in its bucket, newest first */
    uint32_t addr;
    struct lblcr_set set;
    sim_time_t lastuse;
};

struct lblcr_table {
    struct ipvs_service *svc;
    struct lblcr_entry *bucket[IPVS_LOC_TAB_SIZE];
    struct rt_timer periodic;
    struct ipvs_loc_gc gc;
};

static void set_insert(struct lblcr_set *set, struct ipvs_dest *dest, bool check, sim_time_t now)
{
    if (check)
        for (struct lblcr_elem *e = set->list; e; e = e->next)
            if (e->dest == dest)
                return;
    struct lblcr_elem *e = xcalloc(1, sizeof *e);
    e->dest = dest;
    e->next = set->list;
    ipvs_dest_hold(dest);
    set->list = e;
    set->size++;
    set->lastmod = now;
}

static void set_erase(struct ipvs *ipvs, struct lblcr_set *set, struct ipvs_dest *dest, sim_time_t now)
{
    for (struct lblcr_elem **pp = &set->list; *pp; pp = &(*pp)->next)
        if ((*pp)->dest == dest) {
            struct lblcr_elem *e = *pp;
            *pp = e->next;
            set->size--;
            set->lastmod = now;
            ipvs_dest_put(ipvs, e->dest);
            free(e);
            return;
        }
}

/* The member with the least overhead / weight among available ones. */
static struct ipvs_dest *set_min(const struct lblcr_set *set)
{
    const struct lblcr_elem *e = set->list;
    while (e && !(ipvs_dest_usable(e->dest) && e->dest->available))
        e = e->next;
    if (!e)
        return NULL;
    struct ipvs_dest *least = e->dest;
    int64_t loh = ipvs_dest_conn_overhead(least);
    for (e = e->next; e; e = e->next) {
        struct ipvs_dest *d = e->dest;
        if (d->overloaded)
            continue;
        int64_t doh = ipvs_dest_conn_overhead(d);
        if (loh * d->weight > doh * least->weight && d->available) {
            least = d;
            loh = doh;
        }
    }
    return least;
}

/* The member with the most overhead / weight among those of weight > 0. */
static struct ipvs_dest *set_max(const struct lblcr_set *set)
{
    const struct lblcr_elem *e = set->list;
    while (e && e->dest->weight <= 0)
        e = e->next;
    if (!e)
        return NULL;
    struct ipvs_dest *most = e->dest;
    int64_t moh = ipvs_dest_conn_overhead(most);
    for (e = e->next; e; e = e->next) {
        struct ipvs_dest *d = e->dest;
        int64_t doh = ipvs_dest_conn_overhead(d);
        if (moh * d->weight < doh * most->weight && d->weight > 0) {
            most = d;
            moh = doh;
        }
    }
    return most;
}

static unsigned lblcr_hashkey(uint32_t addr)
{
    return ipvs_hash_32(addr, IPVS_LOC_TAB_BITS);
}

static struct lblcr_entry *lblcr_get(struct lblcr_table *tbl, uint32_t addr)
{
    for (struct lblcr_entry *en = tbl->bucket[lblcr_hashkey(addr)]; en; en = en->next)
        if (en->addr == addr)
            return en;
    return NULL;
}

static void lblcr_free(struct lblcr_table *tbl, struct lblcr_entry **pp)
{
    struct lblcr_entry *en = *pp;
    *pp = en->next;
    tbl->gc.entries--;
    while (en->set.list) {
        struct lblcr_elem *e = en->set.list;
        en->set.list = e->next;
        ipvs_dest_put(tbl->svc->ipvs, e->dest);
        free(e);
    }
    free(en);
}

static int lblcr_expire_bucket(void *table, int j, sim_time_t now, sim_time_t age)
{
    struct lblcr_table *tbl = table;
    int dropped = 0;
    for (struct lblcr_entry **pp = &tbl->bucket[j]; *pp;) {
        if (now < (*pp)->lastuse + age) {
            pp = &(*pp)->next;
            continue;
        }
        lblcr_free(tbl, pp);
        dropped++;
    }
    return dropped;
}

static void lblcr_check_expire(void *arg)
{
    struct lblcr_table *tbl = arg;
    sim_time_t now = ipvs_loc_now(tbl->svc);
    ipvs_loc_gc_run(&tbl->gc, now, lblcr_expire_bucket, tbl);
    rt_timer_arm(ipvs_loc_rt(tbl->svc), &tbl->periodic, now + IPVS_LOC_CHECK_EXPIRE_INTERVAL);
}

static int lblcr_init_service(struct ipvs_service *svc)
{
    struct lblcr_table *tbl = xcalloc(1, sizeof *tbl);
    tbl->svc = svc;
    ipvs_loc_gc_init(&tbl->gc);
    rt_timer_init(&tbl->periodic, lblcr_check_expire, tbl);
    if (ipvs_loc_rt(svc))
        rt_timer_arm_in(ipvs_loc_rt(svc), &tbl->periodic, IPVS_LOC_CHECK_EXPIRE_INTERVAL);
    svc->sched_data = tbl;
    return 0;
}

static void lblcr_done_service(struct ipvs_service *svc)
{
    struct lblcr_table *tbl = svc->sched_data;
    if (ipvs_loc_rt(svc))
        rt_timer_cancel(ipvs_loc_rt(svc), &tbl->periodic);
    for (int i = 0; i < IPVS_LOC_TAB_SIZE; i++)
        while (tbl->bucket[i])
            lblcr_free(tbl, &tbl->bucket[i]);
    free(tbl);
    svc->sched_data = NULL;
}

static struct ipvs_dest *lblcr_schedule(struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    struct lblcr_table *tbl = svc->sched_data;
    sim_time_t now = ipvs_loc_now(svc);
    struct lblcr_entry *en = lblcr_get(tbl, t->daddr);
    struct ipvs_dest *d;
    if (en) {
        en->lastuse = now;
        d = set_min(&en->set);
        /* more than one member and unchanged for long: shed the most loaded */
        if (en->set.size > 1 && now > en->set.lastmod + IPVS_LOC_EXPIRATION) {
            struct ipvs_dest *m = set_max(&en->set);
            if (m)
                set_erase(svc->ipvs, &en->set, m, now);
        }
        if (d && !ipvs_loc_overloaded(d, svc))
            return d;
        d = ipvs_sched_wlc_least(svc);
        if (!d)
            return NULL;
        set_insert(&en->set, d, true, now);
        return d;
    }
    d = ipvs_sched_wlc_least(svc);
    if (!d)
        return NULL;
    struct lblcr_entry **pp = &tbl->bucket[lblcr_hashkey(t->daddr)];
    en = xcalloc(1, sizeof *en);
    *en = (struct lblcr_entry){ .next = *pp, .addr = t->daddr, .lastuse = now };
    set_insert(&en->set, d, false, now);
    *pp = en;
    tbl->gc.entries++;
    return d;
}

const struct ipvs_sched_ops ipvs_sched_lblcr = {
    .name = "lblcr",
    .init_service = lblcr_init_service,
    .done_service = lblcr_done_service,
    .schedule = lblcr_schedule,
};
