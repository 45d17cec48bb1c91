/*
 * The retransmission timer's estimator, as Linux's tcp_rtt_estimator and
 * tcp_set_rto: SRTT with gain 1/8 and a mean deviation (mdev) with gain
 * 1/4 (1/32 when the RTT falls, so a drop does not raise the RTO); the
 * largest mdev of each round trip (mdev_max, at least the minimum RTO)
 * feeds the RTO's variance term, which rises at once and falls by a
 * quarter of the excess per round trip. RTO = SRTT + that term, so the
 * 200 ms minimum (TCP_RTO_MIN) is added to SRTT rather than bounding the
 * sum as RFC 6298's max(min, SRTT + 4 RTTVAR) would. Doubled on each
 * timeout (backoff) up to the maximum until a new sample arrives. Karn's
 * rule is the caller's: it never samples a retransmitted segment.
 *
 * The maximum is Linux's 120 s; the initial RTO is 1 s (RFC 6298, Linux).
 * Times are in nanoseconds where Linux keeps microseconds (and rounds
 * the RTO up to jiffies).
 */
#ifndef NET_TCP_RTT_H
#define NET_TCP_RTT_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/simtime.h"

#define TCP_RTO_MIN (200 * SIM_MS)
#define TCP_RTO_MAX (120 * SIM_S)
#define TCP_RTO_INIT SIM_S

struct tcp_rtt {
    sim_time_t srtt;           /* 0 until the first sample */
    sim_time_t rttvar;         /* mean deviation, as tcp_info's tcpi_rttvar */
    sim_time_t rto;            /* current, with backoff */
    sim_time_t rto_min, rto_max;
    /* Linux's estimator state, scaled as it keeps it */
    sim_time_t srtt8;          /* 8 SRTT (srtt_us) */
    sim_time_t mdev4;          /* 4 mdev (mdev_us) */
    sim_time_t mdev_max;       /* largest mdev4 this round trip, at least rto_min */
    sim_time_t var;            /* the RTO's variance term (rttvar_us), at least rto_min */
    uint32_t rtt_seq;          /* the round trip ends once snd_una passes this */
    unsigned backoff;          /* timeouts since the last sample */
    bool has_sample;
};

void tcp_rtt_init(struct tcp_rtt *e, sim_time_t rto_init, sim_time_t rto_min, sim_time_t rto_max);
/* An RTT sample r taken on an ACK that moved snd_una to snd_una, with
 * snd_nxt the next sequence number to send (they mark the round trips). */
void tcp_rtt_sample(struct tcp_rtt *e, sim_time_t r, uint32_t snd_una, uint32_t snd_nxt);
/* A timeout: double the RTO (up to the maximum). */
void tcp_rtt_backoff(struct tcp_rtt *e);
/* New data was acked: drop the backoff and return to the estimate, as
 * Linux does in tcp_ack() (RFC 6298 5.7 allows keeping it until a sample). */
void tcp_rtt_reset_backoff(struct tcp_rtt *e);

#endif
