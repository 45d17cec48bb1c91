/*
 * ICMP (RFC 792, RFC 1122): echo replies, errors sent for other layers
 * (unreachable, fragmentation needed, time exceeded) with the rules on when
 * not to send one, errors received handed to the transport they quote (and
 * fragmentation-needed to the path-MTU cache), and a ping for tests.
 */
#ifndef NET_ICMP_H
#define NET_ICMP_H

#include <stdint.h>

#include "net/host.h"

void icmp_init(struct host *h);
void icmp_free(struct host *h);

/* Send an error about orig (data at its IP header; not taken). info is the
 * next-hop MTU for fragmentation-needed. Nothing is sent about an ICMP
 * error, a broadcast or multicast, a fragment other than the first, or a
 * packet from no one. */
void icmp_send_error(struct host *h, const struct pkt *orig, uint8_t type, uint8_t code, uint32_t info);

/* Echo replies for this host go to cb: the id, the sequence number and the
 * round-trip time measured from the request's payload. */
typedef void (*icmp_echo_fn)(void *ctx, uint32_t from, uint16_t id, uint16_t seq, sim_time_t rtt);
void icmp_set_echo_handler(struct host *h, icmp_echo_fn cb, void *ctx);
/* Send an echo request with size payload bytes (at least 8); 0 or -1. */
int icmp_ping(struct host *h, uint32_t dst, uint16_t id, uint16_t seq, uint32_t size, bool df);

struct icmp_stats {
    uint64_t echo_requests, echo_replies, errors_sent, errors_received;
    uint64_t redirects_sent, redirects_taken;   /* of the errors sent; redirects put into routes */
};
const struct icmp_stats *icmp_stats(const struct host *h);

#endif
