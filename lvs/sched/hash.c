/* hsiphash of one u32 as lib/siphash.c computes it when BITS_PER_LONG is 64:
 * SipHash with one compression and three finalisation rounds. */
#include "lvs/sched/hash.h"

static inline uint64_t rol64(uint64_t w, unsigned s) { return (w << s) | (w >> (64 - s)); }

#define SIPROUND(v0, v1, v2, v3) do { \
        v0 += v1; v1 = rol64(v1, 13); v1 ^= v0; v0 = rol64(v0, 32); \
        v2 += v3; v3 = rol64(v3, 16); v3 ^= v2; \
        v0 += v3; v3 = rol64(v3, 21); v3 ^= v0; \
        v2 += v1; v1 = rol64(v1, 17); v1 ^= v2; v2 = rol64(v2, 32); \
    } while (0)

uint32_t ipvs_hsiphash_u32(uint32_t v, const struct ipvs_hsiphash_key *key)
{
    uint64_t v0 = 0x736f6d6570736575ull ^ key->key[0];
    uint64_t v1 = 0x646f72616e646f6dull ^ key->key[1];
    uint64_t v2 = 0x6c7967656e657261ull ^ key->key[0];
    uint64_t v3 = 0x7465646279746573ull ^ key->key[1];
    /* four bytes: no full 8-byte block, the tail word carries the length */
    uint64_t b = ((uint64_t)4 << 56) | v;
    v3 ^= b;
    SIPROUND(v0, v1, v2, v3);
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    return (uint32_t)((v0 ^ v1) ^ (v2 ^ v3));
}
