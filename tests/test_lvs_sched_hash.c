/*
 * The hashing schedulers dh, sh and mh, and the kernel hash functions under
 * them. Buckets are worked out by hand from hash_32 (the top 8 bits of
 * addr * 0x61C88647): 10.1.0.1 -> 174, 10.1.0.2 -> 15, 10.1.0.3 -> 113,
 * 10.1.0.4 -> 211, 10.1.0.7 -> 248. hsiphash is checked against the
 * kernel's own self-test vector.
 */
#include <criterion/criterion.h>

#include "lvs/sched/hash.h"
#include "support/ipvs_svc.h"

#define CLIENT(n) (0x0a010000u + (n))   /* 10.1.0.n */

static struct tsvc t;

static void fini(void) { tsvc_fini(&t); }

TestSuite(lvs_sched_hash, .fini = fini);

static char from(uint32_t saddr, uint16_t sport) { return tsvc_letter(tsvc_pick(&t, saddr, sport, TSVC_VIP)); }
static char to(uint32_t daddr) { return tsvc_letter(tsvc_pick(&t, CLIENT(99), 1024, daddr)); }

Test(lvs_sched_hash_fn, hash_32_and_hsiphash)
{
    cr_expect_eq(ipvs_hash_32(1, 8), 0x61u);
    cr_expect_eq(ipvs_hash_32(CLIENT(1), 8), 174u);
    cr_expect_eq(ipvs_hash_32(CLIENT(2), 8), 15u);
    cr_expect_eq(ipvs_hash_32(CLIENT(2), 10), 63u);   /* product 0x0FD80C8E: top 10 bits */
    /* lib/test_siphash.c: key 00..0f, input bytes 00 01 02 03 -> 0x88d38328 */
    struct ipvs_hsiphash_key k = { { 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull } };
    cr_expect_eq(ipvs_hsiphash_u32(0x03020100u, &k), 0x88d38328u);
}

/* ---- dh: 256 buckets dealt C, B, A, C, ... by destination address ---- */

Test(lvs_sched_hash, dh_by_destination_address)
{
    tsvc_init(&t, "dh", 0);
    tsvc_add_all(&t, "ABC", (int[]){ 1, 5, 1 });   /* weights do not count */
    cr_expect_eq(to(CLIENT(1)), 'C');    /* 174 % 3 = 0 */
    cr_expect_eq(to(CLIENT(3)), 'A');    /* 113 % 3 = 2 */
    cr_expect_eq(to(CLIENT(4)), 'B');    /* 211 % 3 = 1 */
    /* the source does not count */
    cr_expect_eq(tsvc_letter(tsvc_pick(&t, CLIENT(7), 5555, CLIENT(3))), 'A');
    tsvc_edit(&t, 'A', 0);
    cr_expect_eq(to(CLIENT(3)), '-');
    tsvc_edit(&t, 'A', 1);
    tsvc_dest(&t, 'A')->overloaded = true;
    cr_expect_eq(to(CLIENT(3)), '-');
    tsvc_del(&t, 'B');                   /* dealt C, A, C, A...: 113 odd -> A, 174 even -> C */
    tsvc_dest(&t, 'A')->overloaded = false;
    cr_expect_eq(to(CLIENT(3)), 'A');
    cr_expect_eq(to(CLIENT(1)), 'C');
    cr_expect_eq(to(CLIENT(4)), 'A');
}

/* ---- sh: 256 buckets tiled C, B, B, A (weights 1, 2, 1) by source ---- */

static void sh_setup(uint32_t flags)
{
    tsvc_init(&t, "sh", flags);
    tsvc_add_all(&t, "ABC", (int[]){ 1, 2, 1 });
}

Test(lvs_sched_hash, sh_tiles_by_weight)
{
    sh_setup(0);
    cr_expect_eq(from(CLIENT(1), 1000), 'B');   /* 174 % 4 = 2 */
    cr_expect_eq(from(CLIENT(2), 1000), 'A');   /* 15 % 4 = 3 */
    cr_expect_eq(from(CLIENT(3), 1000), 'B');   /* 113 % 4 = 1 */
    cr_expect_eq(from(CLIENT(7), 1000), 'C');   /* 248 % 4 = 0 */
    cr_expect_eq(from(CLIENT(7), 2000), 'C');   /* the port does not count */
    cr_expect_eq(to(CLIENT(1)), to(CLIENT(2))); /* nor the destination */
}

/* A quiescent dest still takes one bucket: the table stays, its clients get nothing. */
Test(lvs_sched_hash, sh_quiescent_keeps_the_table)
{
    sh_setup(0);
    tsvc_edit(&t, 'A', 0);
    cr_expect_eq(from(CLIENT(2), 1000), '-');
    cr_expect_eq(from(CLIENT(1), 1000), 'B');
    cr_expect_eq(from(CLIENT(7), 1000), 'C');
    tsvc_edit(&t, 'A', 1);
    tsvc_dest(&t, 'C')->overloaded = true;
    cr_expect_eq(from(CLIENT(7), 1000), '-');
}

/* sh-fallback: offset 0 re-hashes to (2 * bucket) & 255. */
Test(lvs_sched_hash, sh_fallback)
{
    sh_setup(IPVS_SCHED_FLAG_1);
    tsvc_edit(&t, 'A', 0);
    cr_expect_eq(from(CLIENT(2), 1000), 'B');   /* 30 % 4 = 2 */
    cr_expect_eq(from(CLIENT(4), 1000), 'B');   /* 211 -> A; 422 & 255 = 166, % 4 = 2 */
    cr_expect_eq(from(CLIENT(1), 1000), 'B');   /* usable: no walk */
    tsvc_edit(&t, 'B', 0);
    tsvc_edit(&t, 'C', 0);
    cr_expect_eq(from(CLIENT(2), 1000), '-');   /* the walk finds nothing */
}

/* sh-port: the source port is added to the address before hashing. */
Test(lvs_sched_hash, sh_port)
{
    sh_setup(IPVS_SCHED_FLAG_2);
    cr_expect_eq(from(CLIENT(1), 1), 'A');      /* as 10.1.0.2 */
    cr_expect_eq(from(CLIENT(1), 2), 'B');      /* as 10.1.0.3 */
    cr_expect_eq(from(CLIENT(1), 6), 'C');      /* as 10.1.0.7 */
    struct ipvs_tuple icmp = { .protocol = 1, .saddr = CLIENT(1), .sport = 1, .daddr = TSVC_VIP };
    cr_expect_eq(tsvc_letter(t.svc->sched->schedule(t.svc, &icmp)), 'B');   /* no ports: 0 */
}

/* ---- mh ---- */

static void mh_record(char *out, int n, uint16_t sport)
{
    for (int i = 0; i < n; i++)
        out[i] = from(0x0b000000u + (uint32_t)i * 7919u, sport);
    out[n] = '\0';
}

static int count_of(const char *s, char c)
{
    int n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

Test(lvs_sched_hash, mh_weights_share_the_table)
{
    static char s[4001];
    tsvc_init(&t, "mh", 0);
    tsvc_add_all(&t, "AB", (int[]){ 1, 3 });
    mh_record(s, 4000, 0);
    cr_expect_eq(count_of(s, '-'), 0);
    int a = count_of(s, 'A');
    cr_expect(a > 880 && a < 1120, "A got %d of 4000 clients, weight 1 of 4", a);
}

/* Same weight ratio, same table; a dest added with weight 0 takes no slot. */
Test(lvs_sched_hash, mh_gcd_and_weight_zero_leave_the_table)
{
    static char before[1001], after[1001];
    tsvc_init(&t, "mh", 0);
    tsvc_add_all(&t, "ABC", (int[]){ 1, 1, 2 });
    mh_record(before, 1000, 0);
    tsvc_edit(&t, 'A', 3);
    tsvc_edit(&t, 'B', 3);
    tsvc_edit(&t, 'C', 6);
    mh_record(after, 1000, 0);
    cr_expect_str_eq(after, before);
    tsvc_add(&t, 'D', 0);                       /* list D C B A: D has no turns */
    mh_record(after, 1000, 0);
    cr_expect_str_eq(after, before);
}

/* Weight 0 later keeps the last weight in the table: the dest's clients get
 * nothing (or, with mh-fallback, another dest); no other client moves. */
static void mh_quiesce(uint32_t flags)
{
    static char before[1001], after[1001];
    tsvc_init(&t, "mh", flags);
    tsvc_add_all(&t, "ABC", (int[]){ 1, 1, 1 });
    mh_record(before, 1000, 0);
    cr_assert_gt(count_of(before, 'B'), 250);
    tsvc_edit(&t, 'B', 0);
    mh_record(after, 1000, 0);
    for (int i = 0; i < 1000; i++) {
        if (before[i] != 'B')
            cr_assert_eq(after[i], before[i], "client %d moved", i);
        else if (flags & IPVS_SCHED_FLAG_1)
            cr_assert(after[i] == 'A' || after[i] == 'C', "client %d: %c", i, after[i]);
        else
            cr_assert_eq(after[i], '-', "client %d: %c", i, after[i]);
    }
}

Test(lvs_sched_hash, mh_quiescent_clients_get_none) { mh_quiesce(0); }
Test(lvs_sched_hash, mh_quiescent_clients_fall_back) { mh_quiesce(IPVS_SCHED_FLAG_1); }

/* Deleting a dest rebuilds the table; most clients of the others stay (Maglev's
 * small disruption) and none goes to the deleted one. */
Test(lvs_sched_hash, mh_delete_moves_few)
{
    static char before[2001], after[2001];
    tsvc_init(&t, "mh", 0);
    tsvc_add_all(&t, "ABCD", (int[]){ 1, 1, 1, 1 });
    mh_record(before, 2000, 0);
    tsvc_del(&t, 'D');
    mh_record(after, 2000, 0);
    int moved = 0;
    for (int i = 0; i < 2000; i++) {
        cr_assert(after[i] == 'A' || after[i] == 'B' || after[i] == 'C');
        moved += before[i] != 'D' && after[i] != before[i];
    }
    cr_expect_lt(moved, 300, "%d clients of A, B, C moved", moved);
}

Test(lvs_sched_hash, mh_port)
{
    static char s[65];
    tsvc_init(&t, "mh", 0);
    tsvc_add_all(&t, "ABC", (int[]){ 1, 1, 1 });
    for (int i = 0; i < 64; i++)
        s[i] = from(CLIENT(1), (uint16_t)(1000 + i));
    s[64] = '\0';
    cr_expect_eq(count_of(s, s[0]), 64, "without mh-port the port must not count: %s", s);
    tsvc_fini(&t);
    tsvc_init(&t, "mh", IPVS_SCHED_FLAG_2);
    tsvc_add_all(&t, "ABC", (int[]){ 1, 1, 1 });
    for (int i = 0; i < 64; i++)
        s[i] = from(CLIENT(1), (uint16_t)(1000 + i));
    cr_expect(count_of(s, 'A') > 5 && count_of(s, 'B') > 5 && count_of(s, 'C') > 5, "%s", s);
}

/* Turns are weight / gcd shifted right so the largest fits 6 bits: weights
 * 1 and 200 give turns 1 and 50 (shift 2), so A holds 1 slot in 51, not 1
 * in 201. */
Test(lvs_sched_hash, mh_large_weights_are_shifted)
{
    static char s[4001];
    tsvc_init(&t, "mh", 0);
    tsvc_add_all(&t, "AB", (int[]){ 1, 200 });
    mh_record(s, 4000, 0);
    int a = count_of(s, 'A');
    cr_expect(a > 50 && a < 110, "A got %d of 4000 clients; 1 in 51 is about 78", a);
}
