/*
 * The schedulers that look only at the dest list: rr, wrr, lc, wlc, sed, nq,
 * fo, ovf and twos, plus the registry and what every scheduler does with no
 * usable dest. Expected sequences are worked out by hand from the kernel's
 * rules; dests are added A, B, C..., so the list is newest first (C, B, A)
 * unless a test adds them the other way round.
 */
#include <criterion/criterion.h>

#include "support/ipvs_svc.h"

static struct tsvc t;
static char seq[128];

static void fini(void) { tsvc_fini(&t); }

TestSuite(lvs_sched, .fini = fini);

static void setup(const char *sched, const char *letters, const int *weights)
{
    tsvc_init(&t, sched, 0);
    tsvc_add_all(&t, letters, weights);
}

/* ---- the registry and empty services ---- */

Test(lvs_sched, registry_in_ipvsadm_order)
{
    tsvc_init(&t, "rr", 0);
    static const char *const names[] = { "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh",
                                         "sed", "nq", "fo", "ovf", "mh", "twos" };
    int n = 0;
    for (; ipvs_schedulers[n]; n++) {
        cr_assert(n < 14);
        cr_expect_str_eq(ipvs_schedulers[n]->name, names[n]);
        cr_expect_eq(ipvs_sched_find(names[n]), ipvs_schedulers[n]);
    }
    cr_expect_eq(n, 14);
    cr_expect_null(ipvs_sched_find("wrr2"));
}

/* Every scheduler: no dest, only quiescent dests, only overloaded dests. */
Test(lvs_sched, none_usable_gives_null_for_every_scheduler)
{
    tsvc_init(&t, "rr", 0);
    tsvc_fini(&t);
    for (int i = 0; ipvs_schedulers[i]; i++) {
        const char *name = ipvs_schedulers[i]->name;
        tsvc_init(&t, name, 0);
        cr_expect_null(tsvc_pick(&t, 0x0a010001u, 1024, TSVC_VIP), "%s, empty", name);
        tsvc_add(&t, 'A', 0);
        tsvc_add(&t, 'B', 0);
        cr_expect_null(tsvc_pick(&t, 0x0a010001u, 1024, TSVC_VIP), "%s, weights 0", name);
        tsvc_edit(&t, 'A', 2);
        tsvc_edit(&t, 'B', 3);
        tsvc_dest(&t, 'A')->overloaded = true;
        tsvc_dest(&t, 'B')->overloaded = true;
        cr_expect_null(tsvc_pick(&t, 0x0a010001u, 1024, TSVC_VIP), "%s, overloaded", name);
        tsvc_dest(&t, 'B')->overloaded = false;
        bool hashing = !strcmp(name, "dh") || !strcmp(name, "sh") || !strcmp(name, "mh");
        if (!hashing)   /* a hashing one may still map this client to A */
            cr_expect_eq(tsvc_letter(tsvc_pick(&t, 0x0a010001u, 1024, TSVC_VIP)), 'B', "%s, B usable", name);
        if (ipvs_schedulers[i + 1])
            tsvc_fini(&t);
    }
}

/* ---- rr ---- */

Test(lvs_sched, rr_newest_first_and_round)
{
    setup("rr", "ABC", (int[]){ 1, 1, 1 });
    cr_expect_str_eq(tsvc_picks(&t, 7, false, seq), "CBACBAC");
}

Test(lvs_sched, rr_weights_do_not_count_but_zero_and_overload_skip)
{
    setup("rr", "ABC", (int[]){ 5, 0, 1 });
    cr_expect_str_eq(tsvc_picks(&t, 4, false, seq), "CACA");
    tsvc_dest(&t, 'A')->overloaded = true;
    cr_expect_str_eq(tsvc_picks(&t, 3, false, seq), "CCC");
}

Test(lvs_sched, rr_delete_current_steps_back)
{
    setup("rr", "ABC", (int[]){ 1, 1, 1 });
    cr_expect_str_eq(tsvc_picks(&t, 2, false, seq), "CB");
    tsvc_del(&t, 'B');   /* the cursor goes back to C, B's predecessor */
    cr_expect_str_eq(tsvc_picks(&t, 3, false, seq), "ACA");
}

Test(lvs_sched, rr_delete_current_at_the_tail)
{
    setup("rr", "ABC", (int[]){ 1, 1, 1 });
    cr_expect_str_eq(tsvc_picks(&t, 3, false, seq), "CBA");
    tsvc_del(&t, 'A');   /* the cursor goes back to B; next wraps to C */
    cr_expect_str_eq(tsvc_picks(&t, 3, false, seq), "CBC");
}

Test(lvs_sched, rr_add_goes_to_the_head)
{
    setup("rr", "ABC", (int[]){ 1, 1, 1 });
    cr_expect_str_eq(tsvc_picks(&t, 1, false, seq), "C");
    tsvc_add(&t, 'D', 1);   /* list D C B A; cursor still C */
    cr_expect_str_eq(tsvc_picks(&t, 5, false, seq), "BADCB");
}

/* ---- wrr ----
 * Dests come one at a time after the service, as with ipvsadm, and each
 * add keeps cw unless it exceeds the new mw or is 0: the first dest sets cw
 * to its weight - (weight - 1) = 1, so a sequence starts in the last pass. */

Test(lvs_sched, wrr_4_3_2)
{
    setup("wrr", "CBA", (int[]){ 2, 3, 4 });   /* list A(4) B(3) C(2); cw 1 */
    cr_expect_str_eq(tsvc_picks(&t, 21, false, seq), "ABC" "AABABCABC" "AABABCABC");
}

Test(lvs_sched, wrr_list_order_matters)
{
    setup("wrr", "ABC", (int[]){ 4, 3, 2 });   /* list C(2) B(3) A(4); cw 1 */
    cr_expect_str_eq(tsvc_picks(&t, 12, false, seq), "CBA" "ABACBACBA");
}

Test(lvs_sched, wrr_gcd_steps)
{
    setup("wrr", "BA", (int[]){ 2, 4 });       /* list A(4) B(2): di 2, mw 3, cw 1 */
    cr_expect_str_eq(tsvc_picks(&t, 8, false, seq), "AB" "AAB" "AAB");
}

Test(lvs_sched, wrr_weight_change_restarts_from_head)
{
    setup("wrr", "CBA", (int[]){ 2, 3, 4 });
    cr_expect_str_eq(tsvc_picks(&t, 4, false, seq), "ABCA");   /* cw 4, cursor A */
    tsvc_edit(&t, 'C', 3);   /* cursor to head, cw stays 4 */
    cr_expect_str_eq(tsvc_picks(&t, 10, false, seq), "AABCABCABC");
}

Test(lvs_sched, wrr_delete_mid_sequence)
{
    setup("wrr", "CBA", (int[]){ 2, 3, 4 });
    cr_expect_str_eq(tsvc_picks(&t, 5, false, seq), "ABCAA");  /* cw 3, cursor A */
    tsvc_del(&t, 'A');       /* mw 3, cw stays 3, cursor to head */
    cr_expect_str_eq(tsvc_picks(&t, 6, false, seq), "BBCBCB");
}

Test(lvs_sched, wrr_overloaded_and_quiescent_skipped)
{
    setup("wrr", "CBA", (int[]){ 2, 3, 4 });
    tsvc_dest(&t, 'A')->overloaded = true;
    cr_expect_str_eq(tsvc_picks(&t, 10, false, seq), "BC" "BBCBC" "BBC");   /* ends at cw 2 */
    tsvc_dest(&t, 'A')->overloaded = false;
    tsvc_edit(&t, 'B', 0);   /* di 2, mw 3, cw 2 -> 3: passes cw 3 and 1 */
    cr_expect_str_eq(tsvc_picks(&t, 6, false, seq), "AACAAC");
}

/* ---- lc ---- */

Test(lvs_sched, lc_first_minimum_in_list_order)
{
    setup("lc", "ABC", (int[]){ 100, 1, 1 });   /* weights do not count */
    cr_expect_str_eq(tsvc_picks(&t, 6, true, seq), "CBACBA");
}

Test(lvs_sched, lc_active_counts_256_inactive)
{
    setup("lc", "ABC", (int[]){ 1, 1, 1 });
    tsvc_dest(&t, 'C')->activeconns = 1;    /* 256 */
    tsvc_dest(&t, 'B')->inactconns = 300;   /* 300 */
    tsvc_dest(&t, 'A')->activeconns = 1;
    tsvc_dest(&t, 'A')->inactconns = 1;     /* 257 */
    cr_expect_str_eq(tsvc_picks(&t, 1, false, seq), "C");
    tsvc_dest(&t, 'C')->inactconns = 45;    /* 301 */
    cr_expect_str_eq(tsvc_picks(&t, 1, false, seq), "A");
    tsvc_edit(&t, 'A', 0);
    cr_expect_str_eq(tsvc_picks(&t, 1, false, seq), "B");
}

/* ---- wlc ---- */

Test(lvs_sched, wlc_by_cross_multiplication)
{
    setup("wlc", "ABC", (int[]){ 3, 2, 1 });    /* list C(1) B(2) A(3) */
    cr_expect_str_eq(tsvc_picks(&t, 7, true, seq), "CBAABAC");
}

Test(lvs_sched, wlc_zero_weight_never_wins)
{
    setup("wlc", "ABC", (int[]){ 1, 1, 0 });
    tsvc_dest(&t, 'B')->activeconns = 5;
    tsvc_dest(&t, 'A')->activeconns = 9;
    cr_expect_str_eq(tsvc_picks(&t, 1, false, seq), "B");
    tsvc_dest(&t, 'B')->overloaded = true;
    cr_expect_str_eq(tsvc_picks(&t, 1, false, seq), "A");
}

/* ---- sed ---- */

Test(lvs_sched, sed_active_plus_one_over_weight)
{
    setup("sed", "BC", (int[]){ 3, 1 });        /* list C(1) B(3) */
    tsvc_dest(&t, 'C')->inactconns = 1000;      /* inactive do not count */
    cr_expect_str_eq(tsvc_picks(&t, 7, true, seq), "BBCBBBC");
}

/* ---- nq ---- */

Test(lvs_sched, nq_idle_first_then_sed)
{
    setup("nq", "ABC", (int[]){ 1, 3, 1 });     /* list C(1) B(3) A(1) */
    cr_expect_str_eq(tsvc_picks(&t, 8, true, seq), "CBABBBBC");
}

/* ---- fo ---- */

Test(lvs_sched, fo_highest_weight_first_of_equals)
{
    setup("fo", "ABC", (int[]){ 5, 5, 2 });     /* list C(2) B(5) A(5) */
    cr_expect_str_eq(tsvc_picks(&t, 3, true, seq), "BBB");
    tsvc_dest(&t, 'B')->overloaded = true;
    cr_expect_str_eq(tsvc_picks(&t, 1, false, seq), "A");
    tsvc_edit(&t, 'A', 0);
    cr_expect_str_eq(tsvc_picks(&t, 1, false, seq), "C");
}

/* ---- ovf ---- */

Test(lvs_sched, ovf_overflows_past_weight)
{
    setup("ovf", "ABC", (int[]){ 5, 5, 2 });    /* list C(2) B(5) A(5) */
    cr_expect_str_eq(tsvc_picks(&t, 16, true, seq), "BBBBBBAAAAAACCC-");
}

/* ---- twos ---- */

/* The kernel compares weight * overhead in int: with weights 65535 an
 * overhead of 40000 (156 active, 64 inactive) wraps negative, so when the
 * two draws differ the loaded dest A wins over the idle B (without the
 * wrap B would): A takes about 3/4 of the picks, not 1/4. */
Test(lvs_sched, twos_compares_in_int_and_wraps_as_the_kernel)
{
    setup("twos", "AB", (int[]){ 65535, 65535 });
    tsvc_dest(&t, 'A')->activeconns = 156;
    tsvc_dest(&t, 'A')->inactconns = 64;
    int a = 0;
    for (int i = 0; i < 400; i++)
        a += tsvc_letter(tsvc_pick(&t, 0x0a010001u, (uint16_t)(1024 + i), TSVC_VIP)) == 'A';
    cr_expect(a > 250 && a < 350, "A picked %d times of 400", a);
}

static int count_of(const char *s, char c)
{
    int n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

/* The kernel draws in [0, total] inclusive, so with two dests of weight 1
 * and equal loads the first in the list is chosen 2 times in 3. */
Test(lvs_sched, twos_inclusive_draw_favours_the_first)
{
    setup("twos", "AB", (int[]){ 1, 1 });       /* list B A */
    int b = 0;
    for (int i = 0; i < 30; i++)
        b += count_of(tsvc_picks(&t, 100, false, seq), 'B');
    cr_expect(b > 1850 && b < 2150, "B chosen %d times of 3000", b);
}

Test(lvs_sched, twos_less_loaded_of_the_two_and_only_usable)
{
    setup("twos", "ABC", (int[]){ 1, 1, 1 });
    tsvc_edit(&t, 'C', 0);
    tsvc_dest(&t, 'B')->activeconns = 1000;
    /* B wins only when both draws land on it: at most about 4 in 9 */
    int b = 0;
    for (int i = 0; i < 10; i++) {
        tsvc_picks(&t, 100, false, seq);
        cr_assert_eq(count_of(seq, 'C'), 0);
        cr_assert_eq(count_of(seq, '-'), 0);
        b += count_of(seq, 'B');
    }
    cr_expect(b > 350 && b < 540, "B chosen %d times of 1000", b);
    tsvc_dest(&t, 'A')->overloaded = true;
    cr_expect_str_eq(tsvc_picks(&t, 5, false, seq), "BBBBB");
}

Test(lvs_sched, twos_same_service_same_stream)
{
    char first[64];
    setup("twos", "ABCD", (int[]){ 1, 2, 3, 4 });
    tsvc_picks(&t, 40, false, first);
    tsvc_fini(&t);
    setup("twos", "ABCD", (int[]){ 1, 2, 3, 4 });
    cr_expect_str_eq(tsvc_picks(&t, 40, false, seq), first);
    cr_expect_gt(count_of(first, 'D'), count_of(first, 'A'));
}
