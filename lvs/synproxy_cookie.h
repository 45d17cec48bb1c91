/*
 * SYN cookies for the director's SYN proxy, as the Alibaba FULLNAT patch
 * makes them (ip_vs_synproxy.c): the ISN of the director's SYN-ACK is
 *   H0(tuple) + client ISN + (minute << 24) + ((H1(tuple, minute) + data) mod 2^24)
 * so the client's ACK alone proves it saw that SYN-ACK and brings back the
 * SYN's options in `data`: MSS index [15-12], window scale [19-16],
 * timestamps [20], SACK-permitted [21]. H is SipHash-2-4 (the kernel now
 * uses siphash; the patch used MD5) under two keys derived from the
 * director's seed. A cookie is good for COUNTER_TRIES minutes.
 */
#ifndef LVS_SYNPROXY_COOKIE_H
#define LVS_SYNPROXY_COOKIE_H

#include <stdbool.h>
#include <stdint.h>

#define IPVS_SYNCOOKIE_TRIES 4u          /* the patch's COUNTER_TRIES */

struct ipvs_syncookie_key {
    uint64_t k[2][2];                    /* two SipHash keys: H0 and H1 */
};

/* The options a cookie carries. wscale_ok is wscale > 0, as the patch
 * decodes it. */
struct ipvs_syncookie_opts {
    uint16_t mss;
    uint8_t wscale;
    bool wscale_ok, sack_ok, ts_ok;
};

/* Keys from a seed (the director's, so a run is repeatable). */
void ipvs_syncookie_key_init(struct ipvs_syncookie_key *key, uint64_t seed);

/* The cookie for a client SYN (addresses and ports host order, as seen by
 * the director: saddr the client's). o->mss is rounded down to the table
 * entry the cookie can carry. */
uint32_t ipvs_syncookie_make(const struct ipvs_syncookie_key *key, uint32_t saddr, uint32_t daddr,
                             uint16_t sport, uint16_t dport, uint32_t client_isn, uint32_t minute,
                             struct ipvs_syncookie_opts *o);

/* Is cookie (the client's ACK number minus one) one this director made for
 * that tuple and client ISN in the last IPVS_SYNCOOKIE_TRIES minutes? Then
 * its options are in *o. */
bool ipvs_syncookie_check(const struct ipvs_syncookie_key *key, uint32_t cookie, uint32_t saddr,
                          uint32_t daddr, uint16_t sport, uint16_t dport, uint32_t client_isn,
                          uint32_t minute, struct ipvs_syncookie_opts *o);

#endif
