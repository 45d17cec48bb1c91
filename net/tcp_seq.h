/* TCP sequence-number arithmetic modulo 2^32 (RFC 9293 section 3.4). */
#ifndef NET_TCP_SEQ_H
#define NET_TCP_SEQ_H

#include <stdbool.h>
#include <stdint.h>

static inline bool tcp_seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool tcp_seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool tcp_seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool tcp_seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }
static inline uint32_t tcp_seq_max(uint32_t a, uint32_t b) { return tcp_seq_gt(a, b) ? a : b; }
static inline uint32_t tcp_seq_min(uint32_t a, uint32_t b) { return tcp_seq_lt(a, b) ? a : b; }

/* lo <= x < hi */
static inline bool tcp_seq_in(uint32_t x, uint32_t lo, uint32_t hi)
{
    return tcp_seq_geq(x, lo) && tcp_seq_lt(x, hi);
}

#endif
