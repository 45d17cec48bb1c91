/* The internet checksum over a buffer, 64 bits at a time. */
#include "net/csum.h"

#include <string.h>

uint32_t csum_partial(const void *buf, size_t len, uint32_t sum)
{
    const uint8_t *p = buf;
    uint64_t acc = sum;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        acc += w;
        acc += (acc < w);      /* end-around carry */
        p += 8;
        len -= 8;
    }
    if (len) {
        /* little-endian hosts: the bytes keep their lanes; loaded in
         * pieces, not copied into a word and read back (a stall) */
        uint64_t tail = 0;
        unsigned shift = 0;
        if (len & 4) {
            uint32_t w;
            memcpy(&w, p, 4);
            tail = w;
            p += 4;
            shift = 32;
        }
        if (len & 2) {
            uint16_t w;
            memcpy(&w, p, 2);
            tail |= (uint64_t)w << shift;
            p += 2;
            shift += 16;
        }
        if (len & 1)
            tail |= (uint64_t)*p << shift;
        acc += tail;
        acc += (acc < tail);
    }
    /* fold 64 -> 32 */
    acc = (acc & 0xffffffff) + (acc >> 32);
    acc = (acc & 0xffffffff) + (acc >> 32);
    return (uint32_t)acc;
}
