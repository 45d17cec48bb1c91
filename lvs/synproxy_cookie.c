/* SYN cookie arithmetic and option packing for the SYN proxy (see the header). */
#include "lvs/synproxy_cookie.h"

#define COOKIEBITS 24
#define COOKIEMASK ((1u << COOKIEBITS) - 1)

#define DATA_MSS_SHIFT 12
#define DATA_WSCALE_SHIFT 16
#define DATA_TS_BIT (1u << 20)
#define DATA_SACK_BIT (1u << 21)
#define DATA_KNOWN (0xfu << DATA_MSS_SHIFT | 0xfu << DATA_WSCALE_SHIFT | DATA_TS_BIT | DATA_SACK_BIT)
#define WSCALE_MAX 14

/* The MSS values a cookie can carry: Linux's syncookie table (the largest
 * entry not above the client's MSS is kept). */
static const uint16_t msstab[] = { 536, 1300, 1440, 1460 };
#define NUM_MSS (sizeof msstab / sizeof msstab[0])

static inline uint64_t rotl(uint64_t x, int b) { return x << b | x >> (64 - b); }

#define SIPROUND                                                                            \
    do {                                                                                    \
        v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);                           \
        v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                                              \
        v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                                              \
        v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);                           \
    } while (0)

/* SipHash-2-4 of two 64-bit words (16 bytes of message). */
static uint64_t siphash_2u64(const uint64_t key[2], uint64_t m0, uint64_t m1)
{
    uint64_t v0 = 0x736f6d6570736575ull ^ key[0], v1 = 0x646f72616e646f6dull ^ key[1];
    uint64_t v2 = 0x6c7967656e657261ull ^ key[0], v3 = 0x7465646279746573ull ^ key[1];
    const uint64_t m[3] = { m0, m1, (uint64_t)16 << 56 };
    for (int i = 0; i < 3; i++) {
        v3 ^= m[i];
        SIPROUND;
        SIPROUND;
        v0 ^= m[i];
    }
    v2 ^= 0xff;
    for (int i = 0; i < 4; i++)
        SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

static uint32_t cookie_hash(const struct ipvs_syncookie_key *key, int which, uint32_t saddr, uint32_t daddr,
                            uint16_t sport, uint16_t dport, uint32_t count)
{
    uint64_t m0 = (uint64_t)saddr << 32 | daddr, m1 = (uint64_t)((uint32_t)sport << 16 | dport) << 32 | count;
    return (uint32_t)siphash_2u64(key->k[which], m0, m1);
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void ipvs_syncookie_key_init(struct ipvs_syncookie_key *key, uint64_t seed)
{
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            key->k[i][j] = splitmix(&seed);
}

uint32_t ipvs_syncookie_make(const struct ipvs_syncookie_key *key, uint32_t saddr, uint32_t daddr,
                             uint16_t sport, uint16_t dport, uint32_t client_isn, uint32_t minute,
                             struct ipvs_syncookie_opts *o)
{
    unsigned mssind = NUM_MSS - 1;
    while (mssind && o->mss < msstab[mssind])
        mssind--;
    o->mss = msstab[mssind];
    if (o->wscale > WSCALE_MAX)
        o->wscale = WSCALE_MAX;
    o->wscale_ok = o->wscale_ok && o->wscale > 0;
    uint32_t data = mssind << DATA_MSS_SHIFT;
    if (o->wscale_ok)
        data |= (uint32_t)o->wscale << DATA_WSCALE_SHIFT;
    if (o->ts_ok)
        data |= DATA_TS_BIT;
    if (o->sack_ok)
        data |= DATA_SACK_BIT;
    return cookie_hash(key, 0, saddr, daddr, sport, dport, 0) + client_isn + (minute << COOKIEBITS) +
           ((cookie_hash(key, 1, saddr, daddr, sport, dport, minute) + data) & COOKIEMASK);
}

bool ipvs_syncookie_check(const struct ipvs_syncookie_key *key, uint32_t cookie, uint32_t saddr,
                          uint32_t daddr, uint16_t sport, uint16_t dport, uint32_t client_isn,
                          uint32_t minute, struct ipvs_syncookie_opts *o)
{
    cookie -= cookie_hash(key, 0, saddr, daddr, sport, dport, 0) + client_isn;
    uint32_t diff = (minute - (cookie >> COOKIEBITS)) & (UINT32_MAX >> COOKIEBITS);
    if (diff >= IPVS_SYNCOOKIE_TRIES)
        return false;
    uint32_t data = (cookie - cookie_hash(key, 1, saddr, daddr, sport, dport, minute - diff)) & COOKIEMASK;
    unsigned mssind = data >> DATA_MSS_SHIFT & 0xf;
    unsigned wscale = data >> DATA_WSCALE_SHIFT & 0xf;
    if ((data & ~DATA_KNOWN) || mssind >= NUM_MSS || wscale > WSCALE_MAX)
        return false;
    *o = (struct ipvs_syncookie_opts){ .mss = msstab[mssind], .wscale = (uint8_t)wscale, .wscale_ok = wscale > 0,
                                       .sack_ok = data & DATA_SACK_BIT, .ts_ok = data & DATA_TS_BIT };
    return true;
}
