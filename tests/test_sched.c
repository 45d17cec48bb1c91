/* The event scheduler: order (time, then arm order), cancel and re-arm in
 * every combination, run limits, stop, one-shot calls, a million pending
 * timers, flat memory under the hold model, arm orders renumbered before
 * they run out of bits, and ties in arm order while the run's window
 * follows a changing load or keeps taking arms. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "engine/rng.h"
#include "engine/sched.h"

static struct sched s;
static int log_ids[64];
static int nlog;

struct probe {
    struct rt_timer timer;
    int id;
    sim_time_t fired_at;
};

static void record(void *arg)
{
    struct probe *p = arg;
    p->fired_at = sched_now(&s);
    log_ids[nlog++] = p->id;
}

static void setup(void)
{
    sched_init(&s);
    nlog = 0;
}

static void teardown(void) { sched_destroy(&s); }

static void probe_init(struct probe *p, int id)
{
    p->id = id;
    p->fired_at = -1;
    rt_timer_init(&p->timer, record, p);
}

static void expect_order(const int *ids, int n)
{
    cr_assert_eq(nlog, n, "%d timers fired, want %d", nlog, n);
    for (int i = 0; i < n; i++)
        cr_assert_eq(log_ids[i], ids[i], "firing %d was timer %d, want %d", i, log_ids[i], ids[i]);
}

TestSuite(sched, .init = setup, .fini = teardown);

Test(sched, time_then_arm_order)
{
    struct probe p[6];
    for (int i = 0; i < 6; i++)
        probe_init(&p[i], i);
    sched_arm(&s, &p[0].timer, 30);
    sched_arm(&s, &p[1].timer, 10);
    sched_arm(&s, &p[2].timer, 20);
    sched_arm(&s, &p[3].timer, 10);
    sched_arm(&s, &p[4].timer, 20);
    sched_arm(&s, &p[5].timer, 10);
    cr_assert_eq(sched_pending(&s), 6);
    cr_assert_eq(sched_run(&s), 6);
    expect_order((int[]){ 1, 3, 5, 2, 4, 0 }, 6);
    cr_assert_eq(p[0].fired_at, 30);
    cr_assert_eq(sched_pending(&s), 0);
    cr_assert_eq(sched_executed(&s), 6);
}

Test(sched, rearm_to_the_same_time_goes_behind)
{
    struct probe a, b, c;
    probe_init(&a, 1);
    probe_init(&b, 2);
    probe_init(&c, 3);
    sched_arm(&s, &a.timer, 100);
    sched_arm(&s, &b.timer, 100);
    sched_arm(&s, &a.timer, 100);   /* re-armed after b: now behind it */
    sched_arm(&s, &c.timer, 50);
    sched_arm(&s, &c.timer, 100);   /* moved later to the same time: last */
    sched_run(&s);
    expect_order((int[]){ 2, 1, 3 }, 3);
}

Test(sched, deferred_rearm_keeps_arm_order)
{
    /* a is pushed back from 10 to 100 (its entry stays at 10 and re-queues
     * itself there); b is armed at 100 afterwards: a must still fire first. */
    struct probe a, b;
    probe_init(&a, 1);
    probe_init(&b, 2);
    sched_arm(&s, &a.timer, 10);
    sched_arm(&s, &a.timer, 100);
    sched_arm(&s, &b.timer, 100);
    sched_run(&s);
    expect_order((int[]){ 1, 2 }, 2);
    cr_assert_eq(a.fired_at, 100);
}

Test(sched, cancel_and_rearm_earlier_and_later)
{
    struct probe p[4];
    for (int i = 0; i < 4; i++)
        probe_init(&p[i], i);
    sched_arm(&s, &p[0].timer, 50);
    sched_arm(&s, &p[1].timer, 60);
    sched_arm(&s, &p[2].timer, 70);
    sched_arm(&s, &p[3].timer, 80);
    sched_cancel(&s, &p[1].timer);
    sched_cancel(&s, &p[1].timer);  /* twice is harmless */
    sched_arm(&s, &p[2].timer, 10); /* earlier */
    sched_arm(&s, &p[0].timer, 90); /* later */
    cr_assert_eq(sched_pending(&s), 3);
    cr_assert(!rt_timer_armed(&p[1].timer));
    cr_assert_eq(rt_timer_when(&p[0].timer), 90);
    sched_run(&s);
    expect_order((int[]){ 2, 3, 0 }, 3);
    cr_assert_eq(p[2].fired_at, 10);
    cr_assert_eq(p[0].fired_at, 90);
}

Test(sched, cancelled_timer_memory_may_be_freed_at_once)
{
    struct probe *gone = malloc(sizeof *gone);
    probe_init(gone, 9);
    sched_arm(&s, &gone->timer, 20);
    sched_cancel(&s, &gone->timer);
    free(gone);                     /* its entry is still queued: ASan watches */
    struct probe keep;
    probe_init(&keep, 1);
    sched_arm(&s, &keep.timer, 30);
    sched_run(&s);
    expect_order((int[]){ 1 }, 1);
}

Test(sched, run_until_stops_at_the_limit_and_now_follows)
{
    struct probe late, soon;
    probe_init(&late, 1);
    probe_init(&soon, 2);
    sched_arm(&s, &late.timer, 1000);
    cr_assert_eq(sched_run_until(&s, 500), 0);
    cr_assert_eq(sched_now(&s), 500);
    cr_assert_eq(sched_next_time(&s), 1000);
    sched_arm(&s, &soon.timer, sched_now(&s));      /* at now, after the limit moved */
    sched_arm(&s, &late.timer, 600);                /* and earlier than before */
    cr_assert_eq(sched_run_until(&s, 599), 1);
    expect_order((int[]){ 2 }, 1);
    cr_assert_eq(soon.fired_at, 500);
    cr_assert_eq(sched_run(&s), 1);
    cr_assert_eq(late.fired_at, 600);
    cr_assert_eq(sched_next_time(&s), SIM_NEVER);
}

Test(sched, arming_in_the_past_means_now)
{
    struct probe p;
    probe_init(&p, 1);
    sched_run_until(&s, 100);
    sched_arm(&s, &p.timer, 5);
    sched_run(&s);
    cr_assert_eq(p.fired_at, 100);
}

static void stop_it(void *arg) { sched_stop(arg); }

Test(sched, stop_and_one_shot_calls)
{
    struct probe p;
    probe_init(&p, 1);
    sched_call_at(&s, 10, stop_it, &s);
    sched_arm(&s, &p.timer, 20);
    cr_assert_eq(sched_run(&s), 1);
    cr_assert_eq(sched_now(&s), 10);
    cr_assert_eq(nlog, 0);
    cr_assert_eq(sched_run(&s), 1);
    cr_assert_eq(p.fired_at, 20);
}

struct chain {
    struct rt_timer timer;
    struct probe *other;
    int left;
};

static void chain_fire(void *arg)
{
    struct chain *c = arg;
    log_ids[nlog++] = 100 + c->left;
    if (--c->left > 0) {
        sched_arm(&s, &c->timer, sched_now(&s) + 10);   /* itself, in place */
        sched_arm(&s, &c->other->timer, sched_now(&s) + 10); /* a tie, armed after */
        sched_arm(&s, &c->timer, sched_now(&s) + 10);   /* and again: behind the tie */
    }
}

Test(sched, timer_rearmed_from_its_own_callback)
{
    struct probe other;
    probe_init(&other, 1);
    struct chain c = { .other = &other, .left = 3 };
    rt_timer_init(&c.timer, chain_fire, &c);
    sched_arm(&s, &c.timer, 0);
    sched_run(&s);
    expect_order((int[]){ 103, 1, 102, 1, 101 }, 5);
}

static sim_time_t prev_time;
static uint64_t fired, misordered;

static void in_order(void *arg)
{
    (void)arg;
    if (sched_now(&s) < prev_time)
        misordered++;
    prev_time = sched_now(&s);
    fired++;
}

Test(sched, a_million_pending_timers_fire_in_time_order)
{
    enum { P = 1000000 };
    struct rt_timer *t = malloc(P * sizeof *t);
    struct rng r;
    rng_init(&r, 5, "million");
    prev_time = 0;
    fired = misordered = 0;
    for (int i = 0; i < P; i++) {
        rt_timer_init(&t[i], in_order, NULL);
        sched_arm(&s, &t[i], (sim_time_t)rng_below(&r, SIM_S));
    }
    cr_assert_eq(sched_pending(&s), P);
    sched_run(&s);
    cr_assert_eq(fired, P);
    cr_assert_eq(misordered, 0);
    free(t);
}

struct hold {
    struct rt_timer timer;
    struct rng *rng;
    uint64_t *left;
};

static void hold_fire(void *arg)
{
    struct hold *h = arg;
    if (--*h->left == 0) {
        sched_stop(&s);
        return;
    }
    sched_arm(&s, &h->timer, sched_now(&s) + (sim_time_t)rng_below(h->rng, SIM_MS + 1));
}

Test(sched, memory_is_flat_under_the_hold_model, .timeout = 120)
{
    enum { P = 10000 };
    struct hold *h = calloc(P, sizeof *h);
    struct rng r;
    rng_init(&r, 6, "hold");
    uint64_t left = 1000000;
    for (int i = 0; i < P; i++) {
        h[i].rng = &r;
        h[i].left = &left;
        rt_timer_init(&h[i].timer, hold_fire, &h[i]);
        sched_arm(&s, &h[i].timer, (sim_time_t)rng_below(&r, SIM_MS));
    }
    sched_run(&s);                  /* warm-up: a million events */
    size_t before = sched_memory(&s);
    left = 10000000;
    sched_run(&s);
    cr_assert_eq(sched_memory(&s), before, "memory grew from %zu to %zu bytes", before,
                 sched_memory(&s));
    cr_assert_eq(sched_pending(&s), P - 2);   /* two timers stopped the two runs */
    free(h);
}

Test(sched, arm_orders_are_renumbered_before_they_run_out)
{
    struct probe p[8];
    for (int i = 0; i < 8; i++)
        probe_init(&p[i], i);
    s.next_order = (1ull << (64 - SCHED_SLOT_BITS)) - 4;
    for (int i = 0; i < 8; i++)     /* crosses the limit halfway */
        sched_arm(&s, &p[i].timer, i % 2 ? 20 : 10);
    cr_assert_lt(s.next_order, 100);
    sched_run(&s);
    expect_order((int[]){ 0, 2, 4, 6, 1, 3, 5, 7 }, 8);
}

struct ordered {
    struct rt_timer timer;
    uint64_t seq;           /* the test's own count of arms: the order ties must follow */
};

static struct ordered *ord;
static struct rng ord_rng;
static uint64_t ord_seq, ord_last_seq, ord_bad, ord_fired, ord_n;
static sim_time_t ord_last_time;

static void ordered_arm(struct ordered *o, sim_time_t when)
{
    o->seq = ++ord_seq;
    sched_arm(&s, &o->timer, when);
}

static void ordered_fire(void *arg)
{
    struct ordered *o = arg;
    sim_time_t now = sched_now(&s);
    if (now < ord_last_time || (now == ord_last_time && o->seq < ord_last_seq))
        ord_bad++;
    ord_last_time = now;
    ord_last_seq = o->seq;
    ord_fired++;
    /* Coarse delays make many ties; every fourth event also pushes another
     * timer later, so re-queued entries meet fresh ones at equal times. */
    ordered_arm(o, now + (sim_time_t)rng_below(&ord_rng, 64) * SIM_US);
    if (ord_fired % 4 == 0) {
        struct ordered *other = &ord[rng_below(&ord_rng, ord_n)];
        if (rt_timer_armed(&other->timer))
            ordered_arm(other, rt_timer_when(&other->timer) + (sim_time_t)rng_below(&ord_rng, 8) * SIM_US);
    }
}

static void ordered_run(uint64_t events)
{
    ord_fired = 0;
    while (ord_fired < events && sched_run_until(&s, sched_now(&s) + SIM_MS) > 0)
        ;
}

Test(sched, ties_keep_arm_order_while_the_window_resizes, .timeout = 120)
{
    enum { N = 50000, FEW = 50 };
    ord = calloc(N, sizeof *ord);
    rng_init(&ord_rng, 7, "ordered");
    ord_n = N;
    ord_seq = ord_last_seq = ord_bad = 0;
    ord_last_time = 0;
    for (int i = 0; i < N; i++) {
        rt_timer_init(&ord[i].timer, ordered_fire, &ord[i]);
        ordered_arm(&ord[i], (sim_time_t)rng_below(&ord_rng, 64) * SIM_US);
    }
    ordered_run(600000);            /* dense: the window narrows */
    unsigned dense = s.shift;
    for (int i = FEW; i < N; i++)
        sched_cancel(&s, &ord[i].timer);
    ord_n = FEW;
    ordered_run(100000);            /* sparse: it widens again */
    cr_assert_gt(s.shift, dense, "the window did not widen (%u, %u)", dense, s.shift);
    for (int i = FEW; i < N; i++)   /* and dense once more, armed in the middle of a run */
        ordered_arm(&ord[i], sched_now(&s) + (sim_time_t)rng_below(&ord_rng, 64) * SIM_US);
    ord_n = N;
    ordered_run(600000);
    cr_assert_eq(ord_bad, 0, "%llu events out of (time, arm order)", (unsigned long long)ord_bad);
    cr_assert_eq(sched_pending(&s), N);
    for (int i = 0; i < N; i++)
        sched_cancel(&s, &ord[i].timer);
    free(ord);
}

static uint64_t again_left;

static void again_now(void *arg)
{
    if (--again_left > 0)
        sched_arm(&s, arg, sched_now(&s));
}

Test(sched, rearming_at_now_over_and_over_keeps_memory_flat)
{
    struct rt_timer t;
    rt_timer_init(&t, again_now, &t);
    again_left = 1000;
    sched_arm(&s, &t, 5);
    sched_run(&s);
    size_t before = sched_memory(&s);
    again_left = 1000000;
    sched_arm(&s, &t, 10);
    cr_assert_eq(sched_run(&s), 1000000);
    cr_assert_eq(sched_now(&s), 10);
    cr_assert_eq(sched_memory(&s), before, "memory grew from %zu to %zu bytes", before,
                 sched_memory(&s));
}
