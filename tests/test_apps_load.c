/* Request timing: open-loop arrivals are Poisson (inter-arrival mean and
 * variance against theory over 100 000 gaps), the outstanding bound drops
 * what is beyond it, closed-loop users wait for their answer and a think
 * time, nothing starts after stop, and streams repeat. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "apps/load.h"
#include "engine/sched.h"
#include "engine/xalloc.h"

struct rec {
    struct sched *s;
    struct app_load *lg;
    sim_time_t *t;
    size_t n, cap;
    bool answer;               /* report done at once */
    int per_user[4];
};

static void issue(void *ctx, int user)
{
    struct rec *r = ctx;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 1024;
        r->t = xrealloc(r->t, r->cap * sizeof *r->t);
    }
    r->t[r->n++] = sched_now(r->s);
    if (user >= 0)
        r->per_user[user]++;
    if (r->answer)
        app_load_done(r->lg, user);
}

static void run(struct rec *r, const struct app_load_cfg *cfg, uint64_t seed, sim_time_t until)
{
    static struct sched s;
    sched_init(&s);
    struct rng rng;
    rng_init(&rng, seed, "load@test");
    struct app_load lg;
    r->s = &s;
    r->lg = &lg;
    app_load_init(&lg, sched_rt(&s), &rng, cfg, issue, r, &(uint64_t){ 0 });
    app_load_start(&lg);
    sched_run_until(&s, until);
    app_load_free(&lg);
    sched_destroy(&s);
}

/* 1000/s for 100 s: ~100 000 gaps, exponential with mean 1 ms, so the
 * sample mean is within 0.3% (one sd) and the variance, whose estimate has
 * relative sd sqrt(8/n) = 0.9%, within 4% of mean^2. */
Test(apps_load, open_loop_is_poisson)
{
    struct app_load_cfg cfg = { .loop = APP_OPEN, .rate = 1000, .start = 0, .stop = 100 * SIM_S };
    struct rec r = { .answer = true };
    run(&r, &cfg, 1, 200 * SIM_S);
    cr_assert(fabs((double)r.n - 100000) < 5 * sqrt(100000.0), "%zu arrivals", r.n);
    double sum = 0, sum2 = 0;
    for (size_t i = 1; i < r.n; i++) {
        double g = (double)(r.t[i] - r.t[i - 1]);
        sum += g;
        sum2 += g * g;
    }
    double n = (double)(r.n - 1), mean = sum / n, var = sum2 / n - mean * mean;
    cr_assert(fabs(mean - 1e6) < 1e6 * 0.01, "mean gap %.0f ns", mean);
    cr_assert(fabs(var / (mean * mean) - 1) < 0.04, "variance / mean^2 = %.3f", var / (mean * mean));
    cr_assert_lt(r.t[r.n - 1], 100 * SIM_S);
    free(r.t);
}

/* Nobody answers: arrivals beyond the bound are dropped. */
Test(apps_load, open_loop_bound)
{
    struct app_load_cfg cfg = { .loop = APP_OPEN, .rate = 1000, .max_outstanding = 10,
                                .start = 0, .stop = 1 * SIM_S };
    struct rec r = { .answer = false };
    static struct sched s;
    sched_init(&s);
    struct rng rng;
    rng_init(&rng, 1, "load@test");
    struct app_load lg;
    uint64_t dropped = 0;
    r.s = &s;
    r.lg = &lg;
    app_load_init(&lg, sched_rt(&s), &rng, &cfg, issue, &r, &dropped);
    app_load_start(&lg);
    sched_run(&s);
    cr_assert_eq(r.n, 10);
    cr_assert_gt(dropped, 900);
    cr_assert_eq(lg.outstanding, 10);
    app_load_free(&lg);
    sched_destroy(&s);
    free(r.t);
}

/* 3 users answered at once, think exp(10 ms): 100 requests a second each. */
Test(apps_load, closed_loop_think_time)
{
    struct app_load_cfg cfg = { .loop = APP_CLOSED, .users = 3, .start = 1 * SIM_S, .stop = 101 * SIM_S };
    dist_exp(&cfg.think, 10 * SIM_MS);
    struct rec r = { .answer = true };
    run(&r, &cfg, 2, 200 * SIM_S);
    for (int u = 0; u < 3; u++)
        cr_assert(abs(r.per_user[u] - 10000) < 500, "user %d: %d requests", u, r.per_user[u]);
    cr_assert_geq(r.t[0], 1 * SIM_S);
    cr_assert_lt(r.t[r.n - 1], 101 * SIM_S);
    free(r.t);
}

/* Users without an answer never start a second request. */
Test(apps_load, closed_loop_waits_for_answers)
{
    struct app_load_cfg cfg = { .loop = APP_CLOSED, .users = 4, .start = 0, .stop = 10 * SIM_S };
    dist_fixed(&cfg.think, 0);
    struct rec r = { .answer = false };
    run(&r, &cfg, 3, 20 * SIM_S);
    cr_assert_eq(r.n, 4);
    free(r.t);
}

Test(apps_load, same_seed_same_arrivals)
{
    struct app_load_cfg cfg = { .loop = APP_OPEN, .rate = 500, .start = 0, .stop = 1 * SIM_S };
    struct rec a = { .answer = true }, b = { .answer = true }, c = { .answer = true };
    run(&a, &cfg, 7, 2 * SIM_S);
    run(&b, &cfg, 7, 2 * SIM_S);
    run(&c, &cfg, 8, 2 * SIM_S);
    cr_assert_eq(a.n, b.n);
    cr_assert_eq(memcmp(a.t, b.t, a.n * sizeof *a.t), 0);
    cr_assert(a.n != c.n || memcmp(a.t, c.t, a.n * sizeof *a.t) != 0);
    free(a.t);
    free(b.t);
    free(c.t);
}
