/*
 * When each run of new data left, so that every ACK gives an RTT sample as
 * Linux takes from its skb timestamps (for HyStart and CUBIC's delay_min).
 * A ring of (end sequence, send time), grown by doubling per connection.
 * A retransmission empties it (Karn: an ACK for resent data is ambiguous).
 */
#ifndef NET_TCP_TXLOG_H
#define NET_TCP_TXLOG_H

#include <stdint.h>

#include "engine/simtime.h"

struct tcp_txlog {
    struct tcp_txlog_entry {
        uint32_t end;
        sim_time_t t;
    } *e;
    uint32_t cap, head, n;         /* cap a power of two, or 0 */
};

void tcp_txlog_free(struct tcp_txlog *l);
static inline void tcp_txlog_clear(struct tcp_txlog *l) { l->n = 0; }
/* New data up to `end` was sent at t. */
void tcp_txlog_push(struct tcp_txlog *l, uint32_t end, sim_time_t t);
/* The cumulative ACK reached ack: forget what it covers; the send time of
 * the newest run it covers entirely, or -1 if none. */
sim_time_t tcp_txlog_ack(struct tcp_txlog *l, uint32_t ack);

#endif
