/*
 * Congestion control behind an ops table, registered by name as Linux's
 * tcp_congestion_ops: "reno" (RFC 5681 slow start and congestion
 * avoidance; the NewReno recovery of RFC 6582 is in tcp_input.c, shared by
 * every algorithm) and "cubic" (RFC 9438). Windows are in bytes.
 */
#ifndef NET_TCP_CC_H
#define NET_TCP_CC_H

#include <stdint.h>

#include "engine/simtime.h"

#define TCP_CC_PRIV 64
#define TCP_CC_NAME_MAX 16

struct tcp_cc {
    uint32_t cwnd, ssthresh, mss;
    _Alignas(8) unsigned char priv[TCP_CC_PRIV];
};

struct tcp_cc_ops {
    const char *name;
    void (*init)(struct tcp_cc *c);
    /* New data was acked (`acked` bytes) outside recovery: grow cwnd. */
    void (*cong_avoid)(struct tcp_cc *c, uint32_t acked, sim_time_t now, sim_time_t srtt);
    /* A loss was detected (three dupacks or a timeout): the new ssthresh. */
    uint32_t (*ssthresh)(struct tcp_cc *c, uint32_t in_flight, sim_time_t now);
};

extern const struct tcp_cc_ops tcp_cc_newreno;
extern const struct tcp_cc_ops tcp_cc_cubic;

/* The algorithm of that name, or NULL. */
const struct tcp_cc_ops *tcp_cc_find(const char *name);

/* RFC 5681 slow start with appropriate byte counting (L = 2 SMSS), shared. */
static inline void tcp_cc_slow_start(struct tcp_cc *c, uint32_t acked)
{
    uint32_t inc = acked < 2 * c->mss ? acked : 2 * c->mss;
    c->cwnd += inc;
}

#endif
