/*
 * Weighted round robin (ip_vs_wrr.c): passes over the list with a current
 * weight cw stepping down from the largest weight by the weights' gcd; a
 * pass takes each dest whose weight is at least cw. The largest weight is
 * lowered by gcd - 1 so the last pass has cw = 1. Any dest change restarts
 * the cursor at the list head and keeps cw where the kernel keeps it.
 */
#include <stdlib.h>

#include "engine/xalloc.h"
#include "lvs/sched.h"

struct wrr_mark {
    struct ipvs_dest *cl;    /* the dest picked last, NULL for the list head */
    int cw;                  /* current weight */
    int mw;                  /* max weight - (di - 1) */
    int di;                  /* gcd of the positive weights */
};

static void wrr_compute(struct ipvs_service *svc, struct wrr_mark *m)
{
    int g = 0, max = 0;
    for (struct ipvs_dest *d = svc->dests; d; d = d->next) {
        if (d->weight > 0)
            g = g > 0 ? ipvs_gcd(d->weight, g) : d->weight;
        if (d->weight > max)
            max = d->weight;
    }
    m->di = g ? g : 1;
    m->mw = max - (m->di - 1);
}

static int wrr_init_service(struct ipvs_service *svc)
{
    struct wrr_mark *m = xcalloc(1, sizeof *m);
    wrr_compute(svc, m);
    m->cw = m->mw;
    svc->sched_data = m;
    return 0;
}

static void wrr_done_service(struct ipvs_service *svc)
{
    free(svc->sched_data);
    svc->sched_data = NULL;
}

static int wrr_dest_changed(struct ipvs_service *svc, struct ipvs_dest *dest)
{
    (void)dest;
    struct wrr_mark *m = svc->sched_data;
    m->cl = NULL;
    wrr_compute(svc, m);
    if (m->cw > m->mw || !m->cw)
        m->cw = m->mw;
    else if (m->di > 1)
        m->cw = (m->cw / m->di) * m->di + 1;
    return 0;
}

static struct ipvs_dest *wrr_schedule(struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    (void)t;
    struct wrr_mark *m = svc->sched_data;
    struct ipvs_dest *d = m->cl, *last = m->cl, *stop = NULL;
    bool last_pass = false, restarted = false;
    if (m->mw == 0)
        return NULL;
    /* stop only after every dest was checked for weight >= 1 */
    for (;;) {
        for (d = d ? d->next : svc->dests; d; d = d->next) {
            if (!d->overloaded && d->weight >= m->cw)
                return m->cl = d;
            if (d == stop) {
                m->cl = d;
                return NULL;
            }
        }
        m->cw -= m->di;
        if (m->cw <= 0) {
            m->cw = m->mw;
            /* a last pass from the head, or from last after a restart, found nothing */
            if (last_pass || !last) {
                m->cl = NULL;
                return NULL;
            }
            restarted = true;
        }
        last_pass = m->cw <= m->di;
        if (last_pass && restarted && last)
            stop = last;     /* the first pass for w >= 1 began after last: finish up to it */
    }
}

const struct ipvs_sched_ops ipvs_sched_wrr = {
    .name = "wrr",
    .init_service = wrr_init_service,
    .done_service = wrr_done_service,
    .add_dest = wrr_dest_changed,
    .del_dest = wrr_dest_changed,
    .upd_dest = wrr_dest_changed,
    .schedule = wrr_schedule,
};
