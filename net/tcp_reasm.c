/* Out-of-order ranges: insert with merge, advance, SACK block list; also a
 * sender's SACK scoreboard. */
#include "net/tcp_reasm.h"

#include <string.h>

#include "net/tcp_seq.h"

bool tcp_reasm_add(struct tcp_reasm *q, uint32_t start, uint32_t end)
{
    if (!tcp_seq_lt(start, end))
        return true;
    /* first range whose end reaches start (could merge or follow) */
    uint32_t i = 0;
    while (i < q->n && tcp_seq_lt(q->r[i].end, start))
        i++;
    /* ranges i..j-1 touch or overlap [start, end) */
    uint32_t j = i;
    while (j < q->n && tcp_seq_leq(q->r[j].start, end))
        j++;
    if (j == i) {
        if (q->n == TCP_REASM_MAX)
            return false;
        memmove(&q->r[i + 1], &q->r[i], (q->n - i) * sizeof q->r[0]);
        q->r[i] = (struct tcp_range){ start, end };
        q->n++;
    } else {
        struct tcp_range m = { tcp_seq_min(start, q->r[i].start), tcp_seq_max(end, q->r[j - 1].end) };
        q->r[i] = m;
        memmove(&q->r[i + 1], &q->r[j], (q->n - j) * sizeof q->r[0]);
        q->n -= j - i - 1;
    }
    q->recent = q->r[i].start;
    return true;
}

uint32_t tcp_reasm_advance(struct tcp_reasm *q, uint32_t nxt)
{
    uint32_t k = 0;
    while (k < q->n && tcp_seq_leq(q->r[k].start, nxt)) {
        nxt = tcp_seq_max(nxt, q->r[k].end);
        k++;
    }
    if (k) {
        memmove(&q->r[0], &q->r[k], (q->n - k) * sizeof q->r[0]);
        q->n -= k;
    }
    return nxt;
}

unsigned tcp_reasm_sack(const struct tcp_reasm *q, struct tcp_range *out, unsigned max)
{
    unsigned n = 0;
    int first = -1;
    for (uint32_t i = 0; i < q->n; i++)
        if (q->r[i].start == q->recent)
            first = (int)i;
    if (first >= 0 && n < max)
        out[n++] = q->r[first];
    for (uint32_t i = 0; i < q->n && n < max; i++)
        if ((int)i != first)
            out[n++] = q->r[i];
    return n;
}

void tcp_reasm_drop_below(struct tcp_reasm *q, uint32_t seq)
{
    uint32_t k = 0;
    while (k < q->n && tcp_seq_leq(q->r[k].end, seq))
        k++;
    if (k) {
        memmove(&q->r[0], &q->r[k], (q->n - k) * sizeof q->r[0]);
        q->n -= k;
    }
    if (q->n && tcp_seq_lt(q->r[0].start, seq))
        q->r[0].start = seq;
}

uint32_t tcp_reasm_bytes(const struct tcp_reasm *q)
{
    uint32_t b = 0;
    for (uint32_t i = 0; i < q->n; i++)
        b += q->r[i].end - q->r[i].start;
    return b;
}

bool tcp_reasm_overlap(const struct tcp_reasm *q, uint32_t start, uint32_t end, struct tcp_range *out)
{
    for (uint32_t i = 0; i < q->n; i++) {
        const struct tcp_range *r = &q->r[i];
        if (tcp_seq_lt(start, r->end) && tcp_seq_lt(r->start, end)) {
            *out = (struct tcp_range){ tcp_seq_max(start, r->start), tcp_seq_lt(end, r->end) ? end : r->end };
            return true;
        }
    }
    return false;
}
