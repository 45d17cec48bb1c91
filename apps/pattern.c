/* Pattern bytes in bulk, for the sockets that make them as they send. */
#include "apps/pattern.h"

void app_pattern_fill(uint64_t seq, uint64_t off, uint8_t *dst, size_t n)
{
    /* a byte is bits 13-20 of the product, which only the low 32 bits of
     * the factors decide: 32-bit steps give the same bytes, and vectorise */
    uint32_t x = (uint32_t)(off + seq * 131u);
    for (size_t i = 0; i < n; i++)
        dst[i] = (uint8_t)(((x + (uint32_t)i) * 2654435761u) >> 13);
}
