/*
 * lblc and lblcr: the cache by destination address, the kernel's test for
 * leaving a cached dest, replication and its shrinking after the expiration,
 * dest references held by the cache (a deleted dest waits in the trash until
 * the cache lets go, then 120 s more), and the collector's timing on the test clock.
 * Sequences are worked out by hand; dests A, B, C of weight 1 make the list
 * C, B, A.
 */
#include <criterion/criterion.h>

#include "support/ipvs_svc.h"

#define X 0x0a090001u   /* 10.9.0.1: the destination address cached */

static struct tsvc t;
static char seq[64];

static void fini(void) { tsvc_fini(&t); }

TestSuite(lvs_sched_locality, .fini = fini);

static void setup(const char *sched)
{
    tsvc_init(&t, sched, 0);
    tsvc_add_all(&t, "ABC", (int[]){ 1, 1, 1 });
}

static const char *picks_to(uint32_t daddr, int n, bool hold)
{
    for (int i = 0; i < n; i++) {
        struct ipvs_dest *d = tsvc_pick(&t, 0x0a010001u, (uint16_t)(2000 + i), daddr);
        if (d && hold)
            d->activeconns++;
        seq[i] = tsvc_letter(d);
    }
    seq[n] = '\0';
    return seq;
}

static void run_to(int64_t seconds) { sched_run_until(&t.clock, seconds * SIM_S); }

/* ---- lblc ---- */

/* C until it is busier than its weight while B is idle; then B, then A; A
 * stays when no dest is under half its weight. */
Test(lvs_sched_locality, lblc_sticks_until_overloaded)
{
    setup("lblc");
    cr_expect_str_eq(picks_to(X, 7, true), "CCBBAAA");
    cr_expect_eq(tsvc_dest(&t, 'C')->refcnt, 0);   /* replaced entries let go */
    cr_expect_eq(tsvc_dest(&t, 'B')->refcnt, 0);
    cr_expect_eq(tsvc_dest(&t, 'A')->refcnt, 1);
    cr_expect_str_eq(picks_to(X + 1, 1, false), "C");   /* another address: wlc again */
}

/* The threshold flag does not move a cached dest (the kernel's lblc looks at
 * weight and availability only); weight 0 does. */
Test(lvs_sched_locality, lblc_quiescent_moves_overloaded_does_not)
{
    setup("lblc");
    cr_expect_str_eq(picks_to(X, 1, false), "C");
    tsvc_dest(&t, 'C')->overloaded = true;
    cr_expect_str_eq(picks_to(X, 1, false), "C");
    tsvc_dest(&t, 'C')->overloaded = false;
    tsvc_edit(&t, 'C', 0);
    cr_expect_str_eq(picks_to(X, 2, false), "BB");
    cr_expect_eq(tsvc_dest(&t, 'C')->refcnt, 0);
    cr_expect_eq(tsvc_dest(&t, 'B')->refcnt, 1);
}

Test(lvs_sched_locality, lblc_deleted_dest_waits_in_the_trash)
{
    setup("lblc");
    cr_expect_str_eq(picks_to(X, 1, false), "C");
    tsvc_del(&t, 'C');
    cr_expect_not_null(t.ipvs.trash);
    cr_expect_str_eq(picks_to(X, 1, false), "B");
    cr_assert_not_null(t.ipvs.trash);
    cr_expect_eq(t.ipvs.trash->refcnt, 0, "the cache let it go");
    run_to(179);                                  /* unheld from the check at 60 s: 120 s more */
    cr_expect_not_null(t.ipvs.trash);
    run_to(181);
    cr_expect_null(t.ipvs.trash);
}

/* Full checks run every 30th period of 60 s, so at 1800 s multiples; an
 * entry goes at the first one 24 h or more after its last use. */
Test(lvs_sched_locality, lblc_entry_expires_after_a_day)
{
    setup("lblc");
    cr_expect_str_eq(picks_to(X, 1, false), "C");
    struct ipvs_dest *c = tsvc_dest(&t, 'C');
    run_to(86399);
    cr_expect_eq(c->refcnt, 1);
    run_to(86400);
    cr_expect_eq(c->refcnt, 0);
    cr_expect_str_eq(picks_to(X, 1, false), "C");   /* at 86400 s */
    run_to(88199);
    cr_expect_str_eq(picks_to(X, 1, false), "C");   /* used again at 88199 s */
    run_to(86400 + 86400);                          /* would have gone without that use */
    cr_expect_eq(c->refcnt, 1);
    run_to(88199 + 86400);
    cr_expect_eq(c->refcnt, 1);
    run_to(88199 + 86400 + 1);                      /* the full check at 174600 s */
    cr_expect_eq(c->refcnt, 0);
}

static uint32_t held(void)
{
    uint32_t n = 0;
    for (struct ipvs_dest *d = t.svc->dests; d; d = d->next)
        n += d->refcnt;
    return n;
}

/* Past 16 entries per bucket (16384), the collector drops entries idle for
 * 6 min, whole buckets at a time, until 4/3 of the excess went. */
Test(lvs_sched_locality, lblc_collector_trims_a_full_table)
{
    setup("lblc");
    for (uint32_t i = 0; i < 16384 + 300; i++)
        cr_assert_not_null(tsvc_pick(&t, 0x0a010001u, 1024, 0x0b000000u + i));
    cr_expect_eq(held(), 16684u);
    run_to(359);
    cr_expect_eq(held(), 16684u);
    run_to(360);
    uint32_t dropped = 16684u - held();
    cr_expect(dropped >= 400 && dropped < 460, "dropped %u", dropped);
    run_to(600);
    cr_expect_eq(16684u - held(), dropped);   /* under the limit now */
}

/* Another scheduler on the service: the cache goes and lets go of its dests. */
Test(lvs_sched_locality, lblc_cache_freed_on_scheduler_change)
{
    setup("lblc");
    cr_expect_str_eq(picks_to(X, 1, false), "C");
    tsvc_del(&t, 'C');                            /* C waits in the trash */
    cr_expect_eq(tsvc_dest(&t, 'B')->refcnt, 0);
    strcpy(t.sc.sched_name, "rr");
    cr_assert_eq(ipvs_service_edit(&t.ipvs, &t.sc), 0);
    cr_assert_not_null(t.ipvs.trash);
    cr_expect_eq(t.ipvs.trash->refcnt, 0, "the cache let it go");
    cr_expect_str_eq(picks_to(X, 2, false), "BA");
}

/* ---- lblcr ---- */

/* A set per address: its least loaded member serves until overloaded, then
 * wlc adds a member. */
Test(lvs_sched_locality, lblcr_replicates)
{
    setup("lblcr");
    cr_expect_str_eq(picks_to(X, 8, true), "CCBBAAAB");
    cr_expect_eq(tsvc_dest(&t, 'A')->refcnt, 1);
    cr_expect_eq(tsvc_dest(&t, 'B')->refcnt, 1);
    cr_expect_eq(tsvc_dest(&t, 'C')->refcnt, 1);
}

/* A set unchanged for 24 h loses its most loaded member at the next pick. */
Test(lvs_sched_locality, lblcr_set_shrinks_after_the_expiration)
{
    setup("lblcr");
    cr_expect_str_eq(picks_to(X, 3, true), "CCB");   /* set {B, C} at 0 s */
    tsvc_dest(&t, 'C')->activeconns = 5;
    tsvc_dest(&t, 'B')->activeconns = 0;
    run_to(43200);
    cr_expect_str_eq(picks_to(X, 1, false), "B");     /* keeps the entry in use */
    run_to(86400);
    cr_expect_str_eq(picks_to(X, 1, false), "B");     /* not yet after lastmod + 24 h */
    cr_expect_eq(tsvc_dest(&t, 'C')->refcnt, 1);
    sched_run_until(&t.clock, 86400 * SIM_S + 1);
    cr_expect_str_eq(picks_to(X, 1, false), "B");
    cr_expect_eq(tsvc_dest(&t, 'C')->refcnt, 0);
    cr_expect_eq(tsvc_dest(&t, 'B')->refcnt, 1);
}

Test(lvs_sched_locality, lblcr_skips_a_deleted_member)
{
    setup("lblcr");
    cr_expect_str_eq(picks_to(X, 1, false), "C");
    tsvc_del(&t, 'C');
    cr_expect_str_eq(picks_to(X, 2, false), "BB");
    cr_expect_not_null(t.ipvs.trash);        /* still a member of the set */
}

/* ---- without a clock ---- */

Test(lvs_sched_locality_noclock, time_stands_still)
{
    static const char *const names[] = { "lblc", "lblcr" };
    for (int i = 0; i < 2; i++) {
        struct ipvs ipvs;
        ipvs_init(&ipvs, NULL, NULL);
        struct ipvs_service_conf sc = { .protocol = 17, .addr = TSVC_VIP, .port = 53 };
        strcpy(sc.sched_name, names[i]);
        cr_assert_eq(ipvs_service_add(&ipvs, &sc), 0);
        struct ipvs_dest_conf dc = { .addr = TSVC_RS('A'), .port = 53, .weight = 1 };
        cr_assert_eq(ipvs_dest_add(&ipvs, &sc, &dc), 0);
        struct ipvs_service *svc = ipvs.services;
        struct ipvs_tuple tu = { .protocol = 17, .saddr = 1, .daddr = X, .dport = 53 };
        cr_expect_eq(svc->sched->schedule(svc, &tu), svc->dests);
        cr_expect_eq(svc->dests->refcnt, 1);
        ipvs_destroy(&ipvs);
    }
}
