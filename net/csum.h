/*
 * The internet checksum (RFC 1071), the IPv4 pseudo-header, and incremental
 * update after a field changes (RFC 1624), as NAT rewriting needs.
 */
#ifndef NET_CSUM_H
#define NET_CSUM_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Add the bytes to a running 32-bit one's-complement sum (not folded). */
uint32_t csum_partial(const void *buf, size_t len, uint32_t sum);

/* Fold to 16 bits with the end-around carry, complemented. The high half
 * of sum + (sum rotated by 16) is the two halves' one's-complement sum:
 * the low halves' addition carries exactly when the high one overflows
 * (the kernel's csum_fold). */
static inline uint16_t csum_fold(uint32_t sum)
{
    uint32_t rotated = sum >> 16 | sum << 16;
    return (uint16_t)~((sum + rotated) >> 16);
}

/* The checksum of a buffer, as stored in a header (network order in memory). */
static inline uint16_t csum_buf(const void *buf, size_t len) { return csum_fold(csum_partial(buf, len, 0)); }

static inline uint32_t csum_load32(const uint8_t *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* The checksum of an IPv4 header (len from its IHL: 20 or more, a
 * multiple of 4), by 32-bit words as the kernel's ip_fast_csum: inline,
 * the five words every header has added straight from memory (no copy
 * through the stack), then its options, for the header every packet has
 * checked on input and every forwarded one rewritten. The 64-bit sum
 * folds to 32 bits by the same rotation as csum_fold. */
static inline uint16_t csum_ipv4_hdr(const void *hdr, unsigned len)
{
    const uint8_t *p = hdr;
    uint64_t acc = (uint64_t)csum_load32(p) + csum_load32(p + 4) + csum_load32(p + 8) +
                   csum_load32(p + 12) + csum_load32(p + 16);
    for (unsigned i = 20; i < len; i += 4)
        acc += csum_load32(p + i);
    uint64_t rotated = acc >> 32 | acc << 32;
    return csum_fold((uint32_t)((acc + rotated) >> 32));
}

/* The IPv4 pseudo-header sum; addresses in network order, len in host order. */
static inline uint32_t csum_pseudo(uint32_t saddr_be, uint32_t daddr_be, uint8_t proto, uint16_t len)
{
    uint64_t s = (uint64_t)(saddr_be >> 16) + (saddr_be & 0xffff) + (daddr_be >> 16) + (daddr_be & 0xffff);
    /* proto and length are summed as the big-endian 16-bit words they are */
    uint16_t w1 = htons(proto);
    uint16_t w2 = htons(len);
    s += w1 + w2;
    s = (s & 0xffffffff) + (s >> 32);
    return (uint32_t)s;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), on a stored checksum and 16/32-bit
 * fields, all in network order as in memory. */
static inline void csum_replace2(uint16_t *check, uint16_t old, uint16_t new_)
{
    uint32_t s = (uint16_t)~*check + (uint32_t)(uint16_t)~old + new_;
    *check = csum_fold(s);
}

static inline void csum_replace4(uint16_t *check, uint32_t old, uint32_t new_)
{
    uint32_t s = (uint16_t)~*check;
    s += (uint16_t)~(old >> 16) + (uint32_t)(uint16_t)~(old & 0xffff);
    s += (new_ >> 16) + (new_ & 0xffff);
    *check = csum_fold(s);
}

/* RFC 1624 for several fields at once: each field's change (~m + m') is
 * summed, then the sum is applied to the checksum in one fold. One's-
 * complement addition being associative, the result is the very one the
 * replacements one after the other give. */
static inline uint32_t csum_delta2(uint16_t old, uint16_t new_) { return (uint32_t)(uint16_t)~old + new_; }
static inline uint32_t csum_delta4(uint32_t old, uint32_t new_)
{
    return (uint32_t)(uint16_t)~(old >> 16) + (uint16_t)~(old & 0xffff) + (new_ >> 16) + (new_ & 0xffff);
}
static inline uint16_t csum_apply(uint16_t check, uint32_t delta) { return csum_fold((uint16_t)~check + delta); }

#endif
