/*
 * The retransmission timer's estimator (RFC 6298): SRTT and RTTVAR from RTT
 * samples, RTO = SRTT + max(G, 4 RTTVAR), clamped to [min, max], doubled on
 * each timeout (backoff) until a new sample arrives. Karn's rule is the
 * caller's: it never samples a retransmitted segment.
 *
 * The minimum is Linux's 200 ms (TCP_RTO_MIN), not RFC 6298's 1 s; the
 * maximum is Linux's 120 s; the initial RTO is 1 s (RFC 6298, Linux).
 */
#ifndef NET_TCP_RTT_H
#define NET_TCP_RTT_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/simtime.h"

#define TCP_RTO_MIN (200 * SIM_MS)
#define TCP_RTO_MAX (120 * SIM_S)
#define TCP_RTO_INIT SIM_S
#define TCP_RTT_GRANULARITY SIM_MS

struct tcp_rtt {
    sim_time_t srtt, rttvar;   /* 0 until the first sample */
    sim_time_t rto;            /* current, with backoff */
    sim_time_t rto_min, rto_max;
    unsigned backoff;          /* timeouts since the last sample */
    bool has_sample;
};

void tcp_rtt_init(struct tcp_rtt *e, sim_time_t rto_init, sim_time_t rto_min, sim_time_t rto_max);
void tcp_rtt_sample(struct tcp_rtt *e, sim_time_t r);
/* A timeout: double the RTO (up to the maximum). */
void tcp_rtt_backoff(struct tcp_rtt *e);
/* New data was acked: drop the backoff and return to the estimate, as
 * Linux does in tcp_ack() (RFC 6298 5.7 allows keeping it until a sample). */
void tcp_rtt_reset_backoff(struct tcp_rtt *e);

#endif
