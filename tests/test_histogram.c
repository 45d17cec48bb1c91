/* The log-linear histogram: percentiles within 1% of the exact ones on
 * random data, merge equals recording everything in one, small values
 * exact, CDF. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "engine/dist.h"
#include "engine/histogram.h"
#include "engine/rng.h"

#define N 200000

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t exact_percentile(const uint64_t *sorted, size_t n, double p)
{
    size_t rank = (size_t)ceil(p / 100.0 * (double)n);
    return sorted[rank ? rank - 1 : 0];
}

Test(histogram, percentiles_within_one_percent)
{
    static struct histogram h;
    hist_init(&h);
    uint64_t *v = malloc(N * sizeof *v);
    struct rng r;
    rng_init(&r, 3, "hist");
    struct dist d;
    dist_lognormal(&d, 2e6, 4e6);      /* latencies around 2 ms, a long tail */
    for (int i = 0; i < N; i++) {
        v[i] = (uint64_t)dist_sample(&d, &r);
        hist_record(&h, v[i]);
    }
    qsort(v, N, sizeof *v, cmp_u64);
    double ps[] = { 1, 25, 50, 90, 99, 99.9, 100 };
    for (size_t i = 0; i < sizeof ps / sizeof *ps; i++) {
        double exact = (double)exact_percentile(v, N, ps[i]);
        double got = (double)hist_percentile(&h, ps[i]);
        cr_assert_leq(fabs(got - exact) / exact, 0.01, "p%g: %g vs exact %g", ps[i], got, exact);
    }
    cr_assert_eq(h.count, N);
    cr_assert_eq(h.min, v[0]);
    cr_assert_eq(h.max, v[N - 1]);
    free(v);
}

Test(histogram, small_values_are_exact)
{
    static struct histogram h;
    hist_init(&h);
    for (uint64_t x = 0; x < 100; x++)
        hist_record(&h, x);
    cr_assert_eq(hist_percentile(&h, 50), 49);
    cr_assert_eq(hist_percentile(&h, 100), 99);
    cr_assert_eq(hist_percentile(&h, 0), 0);
    cr_assert_float_eq(hist_mean(&h), 49.5, 1e-9);
    cr_assert_float_eq(hist_cdf(&h, 9), 0.10, 1e-9);
}

Test(histogram, merge_equals_one_histogram)
{
    static struct histogram a, b, all;
    hist_init(&a);
    hist_init(&b);
    hist_init(&all);
    struct rng r;
    rng_init(&r, 4, "merge");
    for (int i = 0; i < 10000; i++) {
        uint64_t x = rng_below(&r, 1u << 30);
        hist_record(i % 3 ? &a : &b, x);
        hist_record(&all, x);
    }
    hist_merge(&a, &b);
    cr_assert_eq(a.count, all.count);
    cr_assert_eq(a.min, all.min);
    cr_assert_eq(a.max, all.max);
    for (double p = 0; p <= 100; p += 0.5)
        cr_assert_eq(hist_percentile(&a, p), hist_percentile(&all, p), "p%g", p);
}

Test(histogram, empty_and_huge)
{
    static struct histogram h;
    hist_init(&h);
    cr_assert_eq(hist_percentile(&h, 99), 0);
    hist_record(&h, UINT64_MAX);
    cr_assert_eq(hist_percentile(&h, 50), UINT64_MAX);
}
