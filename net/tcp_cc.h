/*
 * Congestion control behind an ops table, registered by name as Linux's
 * tcp_congestion_ops: "reno" (RFC 5681 slow start and congestion
 * avoidance; the NewReno recovery of RFC 6582 is in tcp_input.c, shared by
 * every algorithm) and "cubic" (Linux's tcp_cubic.c with HyStart). Windows
 * are in bytes.
 */
#ifndef NET_TCP_CC_H
#define NET_TCP_CC_H

#include <stdint.h>

#include "engine/simtime.h"

#define TCP_CC_PRIV 128
#define TCP_CC_NAME_MAX 16

struct tcp_cc {
    uint32_t cwnd, ssthresh, mss;
    _Alignas(8) unsigned char priv[TCP_CC_PRIV];
};

/* What an ACK tells the algorithm (Linux's ack_sample). */
struct tcp_cc_ack {
    sim_time_t now;
    sim_time_t rtt;            /* this ACK's RTT sample, -1 without one */
    sim_time_t srtt;
    uint32_t snd_una, snd_nxt;
};

struct tcp_cc_ops {
    const char *name;
    void (*init)(struct tcp_cc *c);
    /* Optional: every ACK of new data, before cong_avoid (Linux pkts_acked). */
    void (*pkts_acked)(struct tcp_cc *c, const struct tcp_cc_ack *a);
    /* Optional: a retransmission timeout (Linux's TCP_CA_Loss state). */
    void (*loss)(struct tcp_cc *c);
    /* New data was acked (`acked` bytes) outside recovery: grow cwnd. */
    void (*cong_avoid)(struct tcp_cc *c, uint32_t acked, sim_time_t now, sim_time_t srtt);
    /* Optional: new data leaves with nothing in flight, `idle` after the
     * last data sent (Linux's CA_EVENT_TX_START). */
    void (*tx_start)(struct tcp_cc *c, sim_time_t idle, sim_time_t now);
    /* A loss was detected (three dupacks or a timeout): the new ssthresh. */
    uint32_t (*ssthresh)(struct tcp_cc *c, uint32_t in_flight, sim_time_t now);
};

extern const struct tcp_cc_ops tcp_cc_newreno;
extern const struct tcp_cc_ops tcp_cc_cubic;

/* The algorithm of that name, or NULL. */
const struct tcp_cc_ops *tcp_cc_find(const char *name);

/* Slow start as Linux's tcp_slow_start: cwnd grows by what was acked, up to
 * ssthresh; returns the acked bytes left over for congestion avoidance. */
static inline uint32_t tcp_cc_slow_start(struct tcp_cc *c, uint32_t acked)
{
    uint32_t cwnd = c->cwnd + acked;
    if (cwnd > c->ssthresh)
        cwnd = c->ssthresh > c->cwnd ? c->ssthresh : c->cwnd;
    acked -= cwnd - c->cwnd;
    c->cwnd = cwnd;
    return acked;
}

#endif
