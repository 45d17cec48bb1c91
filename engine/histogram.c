/* Log-linear histogram: bucket index from the position of the top bit and
 * the next HIST_SUB_BITS bits. Values below HIST_SUB are exact. */
#include "engine/histogram.h"

#include <string.h>

void hist_init(struct histogram *h)
{
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
}

static inline unsigned bin_of(uint64_t v)
{
    if (v < HIST_SUB)
        return (unsigned)v;
    unsigned top = 63u - (unsigned)__builtin_clzll(v);          /* >= HIST_SUB_BITS */
    unsigned shift = top - HIST_SUB_BITS;
    unsigned sub = (unsigned)(v >> shift) & (HIST_SUB - 1);    /* drops the top bit */
    return (shift + 1) * HIST_SUB + sub;
}

/* The largest value that falls in bin i. */
static inline uint64_t bin_high(unsigned i)
{
    if (i < HIST_SUB)
        return i;
    unsigned shift = i / HIST_SUB - 1;
    uint64_t sub = i % HIST_SUB;
    uint64_t low = (HIST_SUB + sub) << shift;
    return low + ((1ull << shift) - 1);
}

void hist_record_n(struct histogram *h, uint64_t value, uint64_t n)
{
    if (!n)
        return;
    h->bins[bin_of(value)] += n;
    h->count += n;
    h->sum += (double)value * (double)n;
    if (value < h->min)
        h->min = value;
    if (value > h->max)
        h->max = value;
}

void hist_record(struct histogram *h, uint64_t value) { hist_record_n(h, value, 1); }

void hist_merge(struct histogram *into, const struct histogram *from)
{
    for (unsigned i = 0; i < HIST_BUCKETS; i++)
        into->bins[i] += from->bins[i];
    into->count += from->count;
    into->sum += from->sum;
    if (from->min < into->min)
        into->min = from->min;
    if (from->max > into->max)
        into->max = from->max;
}

uint64_t hist_percentile(const struct histogram *h, double p)
{
    if (!h->count)
        return 0;
    if (p <= 0)
        return h->min;
    double want = p / 100.0 * (double)h->count;
    uint64_t rank = (uint64_t)want;
    if ((double)rank < want)
        rank++;               /* the smallest value with at least p% at or below it */
    if (rank > h->count)
        rank = h->count;
    uint64_t seen = 0;
    for (unsigned i = 0; i < HIST_BUCKETS; i++) {
        seen += h->bins[i];
        if (seen >= rank) {
            uint64_t v = bin_high(i);
            return v > h->max ? h->max : v;
        }
    }
    return h->max;
}

double hist_mean(const struct histogram *h) { return h->count ? h->sum / (double)h->count : 0; }

double hist_cdf(const struct histogram *h, uint64_t v)
{
    if (!h->count)
        return 0;
    uint64_t seen = 0;
    unsigned last = bin_of(v);
    for (unsigned i = 0; i <= last; i++)
        seen += h->bins[i];
    return (double)seen / (double)h->count;
}
