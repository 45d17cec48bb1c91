/*
 * The out-of-order queue of a TCP receiver, as sequence ranges: the bytes
 * themselves sit in the receive ring at their offsets, so the queue holds no
 * packets. Ranges are sorted, disjoint and not adjacent; they also give the
 * SACK blocks (RFC 2018), the most recently changed first.
 */
#ifndef NET_TCP_REASM_H
#define NET_TCP_REASM_H

#include <stdbool.h>
#include <stdint.h>

#define TCP_REASM_MAX 16

struct tcp_range {
    uint32_t start, end;   /* [start, end) */
};

struct tcp_reasm {
    uint32_t n;
    uint32_t recent;       /* start of the last range touched (first SACK block) */
    struct tcp_range r[TCP_REASM_MAX];
};

static inline void tcp_reasm_init(struct tcp_reasm *q) { q->n = 0; q->recent = 0; }
static inline bool tcp_reasm_empty(const struct tcp_reasm *q) { return q->n == 0; }

/* Add [start, end) (beyond rcv_nxt); false when it would need more ranges
 * than the queue holds (the caller drops the segment). */
bool tcp_reasm_add(struct tcp_reasm *q, uint32_t start, uint32_t end);

/* rcv_nxt moved to `nxt`: drop what it covers and, if the first range now
 * touches it, take it out and return its end; else return nxt. */
uint32_t tcp_reasm_advance(struct tcp_reasm *q, uint32_t nxt);

/* Forget everything below seq (a sender's scoreboard after a cumulative ACK). */
void tcp_reasm_drop_below(struct tcp_reasm *q, uint32_t seq);

/* The part of [start, end) the first range it meets already covers; false
 * when none does. */
bool tcp_reasm_overlap(const struct tcp_reasm *q, uint32_t start, uint32_t end, struct tcp_range *out);

/* Bytes covered by the ranges. */
uint32_t tcp_reasm_bytes(const struct tcp_reasm *q);

/* Up to max SACK blocks, the most recent first; returns the count. */
unsigned tcp_reasm_sack(const struct tcp_reasm *q, struct tcp_range *out, unsigned max);

#endif
