/* IP identification as Linux chooses it: per connection, 0, or hashed. */
#include "net/ip_ident.h"

#include <string.h>

#define PROTO_TCP 6
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_ACK 0x10

void ip_ident_init(struct ip_ident *g, uint64_t seed)
{
    memset(g, 0, sizeof *g);
    g->key = seed;
    rng_init(&g->steps, seed, "ip_ident");
}

static uint32_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return (uint32_t)(x ^ (x >> 33));
}

/* A connected socket's counter: Linux keeps inet_id in the socket and
 * starts it at random; here each connection (its 4-tuple) has a random
 * start and a counter in one of IP_IDENT_BUCKETS, so two connections whose
 * tuples share a bucket share its counter. */
static uint16_t connection_ident(struct ip_ident *g, uint32_t src, uint32_t dst, const uint8_t *l4)
{
    uint32_t ports;
    memcpy(&ports, l4, 4);
    uint32_t h = mix(g->key ^ ((uint64_t)src << 32 | dst) ^ ((uint64_t)ports * 0x9e3779b97f4a7c15ull));
    uint16_t *ctr = &g->conn[h % IP_IDENT_BUCKETS];
    return (uint16_t)((h >> 16) + (*ctr)++);
}

/* __ip_select_ident and ip_idents_reserve: a counter per hash of
 * destination, source and protocol, which on its first use in a tick
 * jumps a random step below the ticks it was idle. */
static uint16_t hashed_ident(struct ip_ident *g, sim_time_t now, uint32_t src, uint32_t dst, uint8_t proto)
{
    uint32_t b = mix(g->key ^ ((uint64_t)dst << 32 | src) ^ ((uint64_t)proto << 56)) % IP_IDENT_BUCKETS;
    uint32_t tick = (uint32_t)(now / IP_IDENT_TICK), idle = tick - g->hashed_tick[b];
    uint16_t step = 0;
    if (idle) {
        g->hashed_tick[b] = tick;
        step = (uint16_t)rng_below(&g->steps, idle);
    }
    g->hashed[b] = (uint16_t)(g->hashed[b] + step + 1);
    return (uint16_t)(g->hashed[b] - 1);
}

uint16_t ip_ident_select(struct ip_ident *g, sim_time_t now, uint32_t src, uint32_t dst, uint8_t proto,
                         bool df, const uint8_t *l4, uint32_t len)
{
    if (proto == PROTO_TCP && df && len >= 14) {
        /* a SYN-ACK leaves from the request, not a socket: 0 with DF */
        if ((l4[13] & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == (TCP_FLAG_SYN | TCP_FLAG_ACK))
            return 0;
        return connection_ident(g, src, dst, l4);
    }
    if (df)
        return 0;
    return hashed_ident(g, now, src, dst, proto);
}
