/* RNG streams and distributions: streams depend on (seed, name) only; each
 * distribution's sample mean and variance (or CDF) match theory within
 * five standard errors at a fixed seed; the text forms parse or fail with
 * the text quoted. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "engine/dist.h"
#include "engine/rng.h"

#define N 1000000

Test(rng, streams_depend_on_seed_and_name_only)
{
    struct rng a, b, c, d;
    rng_init(&a, 7, "client1");
    rng_init(&b, 7, "client1");
    rng_init(&c, 7, "client2");
    rng_init(&d, 8, "client1");
    int same_ab = 1, same_ac = 0, same_ad = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = rng_next(&a), y = rng_next(&b), z = rng_next(&c), w = rng_next(&d);
        same_ab &= x == y;
        same_ac += x == z;
        same_ad += x == w;
    }
    cr_assert(same_ab);
    cr_assert_eq(same_ac, 0);
    cr_assert_eq(same_ad, 0);
}

Test(rng, below_is_uniform)
{
    struct rng r;
    rng_init(&r, 1, "below");
    int count[10] = { 0 };
    for (int i = 0; i < N; i++)
        count[rng_below(&r, 10)]++;
    double chi2 = 0;
    for (int k = 0; k < 10; k++)
        chi2 += pow(count[k] - N / 10.0, 2) / (N / 10.0);
    cr_assert_lt(chi2, 27.9, "chi-square %g over 9 degrees of freedom (p < 0.001)", chi2);
}

struct moments { double mean, var; };

static struct moments sample(const struct dist *d, const char *name)
{
    struct rng r;
    rng_init(&r, 42, name);
    double s = 0, s2 = 0;
    for (int i = 0; i < N; i++) {
        double x = dist_sample(d, &r);
        s += x;
        s2 += x * x;
    }
    double mean = s / N;
    return (struct moments){ mean, s2 / N - mean * mean };
}

/* |sample mean - mean| within 5 standard errors; variance within 5% */
static void check(const struct dist *d, const char *name, double mean, double var)
{
    struct moments m = sample(d, name);
    double se = sqrt(var / N);
    cr_assert_leq(fabs(m.mean - mean), 5 * se, "%s: mean %g, theory %g (se %g)", name, m.mean, mean, se);
    cr_assert_leq(fabs(m.var - var), 0.05 * var, "%s: variance %g, theory %g", name, m.var, var);
    cr_assert_leq(fabs(dist_mean(d) - mean), 1e-9 * fabs(mean) + 1e-12, "%s: dist_mean %g", name,
                  dist_mean(d));
}

Test(dist, moments_match_theory)
{
    struct dist d;
    dist_fixed(&d, 3);
    check(&d, "fixed", 3, 0);
    dist_uniform(&d, 10, 30);
    check(&d, "uniform", 20, 400.0 / 12);
    dist_exp(&d, 50);
    check(&d, "exp", 50, 2500);
    dist_normal(&d, 1000, 20);
    check(&d, "normal", 1000, 400);
    dist_lognormal(&d, 20000, 10000);
    check(&d, "lognormal", 20000, 1e8);
}

Test(dist, bounded_pareto_follows_its_cdf)
{
    struct dist d;
    double k = 1.2, lo = 1000, hi = 1e7;
    dist_pareto(&d, k, lo, hi);
    struct rng r;
    rng_init(&r, 42, "pareto");
    double probe[] = { 2000, 10000, 1e5, 1e6 };
    int below[4] = { 0 };
    double sum = 0;
    for (int i = 0; i < N; i++) {
        double x = dist_sample(&d, &r);
        cr_assert(x >= lo && x <= hi, "sample %g outside its bounds", x);
        sum += x;
        for (int j = 0; j < 4; j++)
            below[j] += x <= probe[j];
    }
    for (int j = 0; j < 4; j++) {
        double F = (1 - pow(lo / probe[j], k)) / (1 - pow(lo / hi, k));
        double frac = (double)below[j] / N, se = sqrt(F * (1 - F) / N);
        cr_assert_leq(fabs(frac - F), 5 * se, "P(X <= %g) = %g, theory %g", probe[j], frac, F);
    }
    /* heavy tail: the mean converges slowly; 2% is many standard errors here */
    cr_assert_leq(fabs(sum / N - dist_mean(&d)) / dist_mean(&d), 0.02, "mean %g vs %g", sum / N,
                  dist_mean(&d));
}

Test(dist, empirical_cdf_interpolates)
{
    struct dist d;
    char err[200];
    double x[] = { 100, 1000, 10000 }, p[] = { 0.5, 0.9, 1.0 };
    cr_assert_eq(dist_empirical(&d, x, p, 3, err, sizeof err), 0, "%s", err);
    struct rng r;
    rng_init(&r, 42, "empirical");
    int at_100 = 0, below_550 = 0;
    for (int i = 0; i < N; i++) {
        double v = dist_sample(&d, &r);
        at_100 += v == 100;
        below_550 += v <= 550;
    }
    cr_assert_leq(fabs(at_100 / (double)N - 0.5), 5 * sqrt(0.25 / N));
    cr_assert_leq(fabs(below_550 / (double)N - 0.7), 5 * sqrt(0.21 / N));  /* halfway 100..1000 */
    double bad_p[] = { 0.5, 0.4, 1.0 };
    cr_assert_eq(dist_empirical(&d, x, bad_p, 3, err, sizeof err), -1);
    double short_p[] = { 0.5, 0.9, 0.95 };
    cr_assert_eq(dist_empirical(&d, x, short_p, 3, err, sizeof err), -1);
    cr_assert_str_eq(err, "the last probability must be 1, not 0.95");
}

Test(dist, text_forms)
{
    struct dist d;
    char err[256];
    cr_assert_eq(dist_parse("exp(50KB)", DIST_SIZE, &d, err, sizeof err), 0, "%s", err);
    cr_assert_eq(d.kind, DIST_EXP);
    cr_assert_eq(d.a, 50000);
    cr_assert_eq(dist_parse("200", DIST_SIZE, &d, err, sizeof err), 0, "%s", err);
    cr_assert_eq(d.kind, DIST_FIXED);
    cr_assert_eq(dist_parse("uniform(1ms, 2ms)", DIST_TIME, &d, err, sizeof err), 0, "%s", err);
    cr_assert_eq(d.b, 2e6);
    cr_assert_eq(dist_parse("lognormal(20KB, 10KB)", DIST_SIZE, &d, err, sizeof err), 0, "%s", err);
    cr_assert_float_eq(dist_mean(&d), 20000, 1e-6);
    cr_assert_eq(dist_parse("pareto(1.2, 1KB, 10MB)", DIST_SIZE, &d, err, sizeof err), 0, "%s", err);
    cr_assert_eq(dist_parse("empirical(1KB:0.5, 10KB:0.9, 1MB:1)", DIST_SIZE, &d, err, sizeof err), 0,
                 "%s", err);
    cr_assert_eq(d.n, 3);

    cr_assert_eq(dist_parse("exp(50 parsecs)", DIST_TIME, &d, err, sizeof err), -1);
    cr_assert_str_eq(err, "bad distribution \"exp(50 parsecs)\": argument 1: bad time \"50 parsecs\": "
                          "unknown unit \"parsecs\" (use ns, us, ms, s)");
    cr_assert_eq(dist_parse("gauss(1ms)", DIST_TIME, &d, err, sizeof err), -1);
    cr_assert_str_eq(err, "bad distribution \"gauss(1ms)\": unknown kind \"gauss\" (use fixed, "
                          "uniform, exp, normal, lognormal, pareto, empirical)");
    cr_assert_eq(dist_parse("uniform(2ms)", DIST_TIME, &d, err, sizeof err), -1);
    cr_assert_str_eq(err, "bad distribution \"uniform(2ms)\": uniform takes 2 arguments");
    cr_assert_eq(dist_parse("exp(0)", DIST_TIME, &d, err, sizeof err), -1);
    cr_assert_eq(dist_parse("pareto(1.2, 10MB, 1KB)", DIST_SIZE, &d, err, sizeof err), -1);
    cr_assert_str_eq(err, "bad distribution \"pareto(1.2, 10MB, 1KB)\": the bounds must be 0 < low < high");
    cr_assert_eq(dist_parse("exp(1ms", DIST_TIME, &d, err, sizeof err), -1);
    cr_assert_str_eq(err, "bad distribution \"exp(1ms\": missing ')'");
}
