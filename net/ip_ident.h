/*
 * The IP identification of the datagrams a host sends, as Linux chooses it
 * (ip_select_ident_segs, ip_build_and_send_pkt): a connected TCP socket's
 * own counter (inet_id, from a random start); 0 for other datagrams with
 * DF (a SYN-ACK, a tunnel's outer header with DF); otherwise the hashed
 * counters of ip_idents_reserve, by destination, source and protocol, each
 * jumping a random step after an idle tick. Seeded from the host's random
 * stream, so runs repeat.
 */
#ifndef NET_IP_IDENT_H
#define NET_IP_IDENT_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/rng.h"
#include "engine/simtime.h"

#define IP_IDENT_BUCKETS 256
#define IP_IDENT_TICK (4 * SIM_MS)      /* a jiffy at Debian's HZ=250 */

struct ip_ident {
    uint64_t key;                       /* the hashes' secret */
    struct rng steps;                   /* the random steps of idle counters */
    uint16_t conn[IP_IDENT_BUCKETS];    /* TCP connections' counters, by 4-tuple */
    uint16_t hashed[IP_IDENT_BUCKETS];  /* ip_idents */
    uint32_t hashed_tick[IP_IDENT_BUCKETS];
};

void ip_ident_init(struct ip_ident *g, uint64_t seed);

/* The identification for a datagram of protocol proto from src to dst
 * (host order), with DF or not; l4 is its transport header (len bytes). */
uint16_t ip_ident_select(struct ip_ident *g, sim_time_t now, uint32_t src, uint32_t dst, uint8_t proto,
                         bool df, const uint8_t *l4, uint32_t len);

#endif
