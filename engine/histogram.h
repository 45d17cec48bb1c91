/*
 * A log-linear histogram of non-negative integers (latencies in ns, sizes in
 * bytes), after HdrHistogram: values are grouped by power of two, and each
 * power of two is cut into 128 linear sub-buckets, so any recorded value is
 * known to within 1/128 (0.8%). Recording is O(1) and never allocates.
 */
#ifndef ENGINE_HISTOGRAM_H
#define ENGINE_HISTOGRAM_H

#include <stdint.h>

#define HIST_SUB_BITS 7                    /* 128 sub-buckets per power of two */
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_BUCKETS ((64 - HIST_SUB_BITS + 1) * HIST_SUB)

struct histogram {
    uint64_t count;
    uint64_t min, max;
    double sum;
    uint64_t bins[HIST_BUCKETS];
};

void hist_init(struct histogram *h);
void hist_record(struct histogram *h, uint64_t value);
void hist_record_n(struct histogram *h, uint64_t value, uint64_t n);
/* Add everything recorded in `from` to `into`. */
void hist_merge(struct histogram *into, const struct histogram *from);

/* The value at percentile p (0..100): the upper edge of its bucket, capped
 * at the largest value recorded. 0 when empty. */
uint64_t hist_percentile(const struct histogram *h, double p);
double hist_mean(const struct histogram *h);
/* The fraction of values at or below v (for CDF plots). */
double hist_cdf(const struct histogram *h, uint64_t v);

#endif
