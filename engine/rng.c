/* Seeding of xoshiro256** streams from (seed, name) through FNV-1a and splitmix64. */
#include "engine/rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void rng_init(struct rng *r, uint64_t seed, const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull;   /* FNV-1a of the name */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    uint64_t x = seed ^ splitmix64(&h);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}
