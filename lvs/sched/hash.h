/*
 * The kernel's hash functions that the hashing schedulers depend on, so a
 * client is sent to the same server as Linux would send it: hash_32
 * (include/linux/hash.h, the generic multiplicative hash) for dh, sh, lblc
 * and lblcr, and hsiphash as a 64-bit kernel computes it (SipHash-1-3 with a
 * 128-bit key, the result truncated to 32 bits) for mh.
 */
#ifndef LVS_SCHED_HASH_H
#define LVS_SCHED_HASH_H

#include <stdint.h>

#define IPVS_GOLDEN_RATIO_32 0x61C88647u

/* hash_32(val, bits): the top `bits` bits of val * GOLDEN_RATIO_32. */
static inline uint32_t ipvs_hash_32(uint32_t val, unsigned bits)
{
    return (val * IPVS_GOLDEN_RATIO_32) >> (32 - bits);
}

/* hsiphash_key_t on a 64-bit kernel: two unsigned longs. */
struct ipvs_hsiphash_key {
    uint64_t key[2];
};

/* hsiphash(&v, sizeof v, key) of one 32-bit value held in host (little-endian) order. */
uint32_t ipvs_hsiphash_u32(uint32_t v, const struct ipvs_hsiphash_key *key);

#endif
