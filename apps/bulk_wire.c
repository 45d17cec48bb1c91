/* Bulk transfers on the wire: big-endian fields, patterned data sent and checked. */
#include "apps/bulk_wire.h"

#include "apps/pattern.h"
#include "net/tcp.h"

#define CHUNK 16384

void bulk_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

uint32_t bulk_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void bulk_put64(uint8_t *p, uint64_t v)
{
    bulk_put32(p, (uint32_t)(v >> 32));
    bulk_put32(p + 4, (uint32_t)v);
}

uint64_t bulk_get64(const uint8_t *p) { return (uint64_t)bulk_get32(p) << 32 | bulk_get32(p + 4); }

bool bulk_send_data(struct tcp_sock *s, struct rt *rt, uint64_t *off, uint64_t limit,
                    sim_time_t deadline, uint64_t *count)
{
    const struct tcp_gen pattern = { app_pattern_fill, 0 };
    for (;;) {
        if (limit ? *off >= limit : rt_now(rt) >= deadline)
            return true;
        size_t n = CHUNK;
        if (limit && limit - *off < n)
            n = (size_t)(limit - *off);
        size_t room = tcp_send_space(s);
        if (room && n > room)
            n = room;
        size_t took = tcp_send_gen(s, &pattern, *off, n);
        *off += took;
        *count += took;
        if (took < n)
            return false;      /* writable() calls back */
    }
}

uint64_t bulk_check_data(const uint8_t *d, size_t n, uint64_t off)
{
    uint64_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += d[i] != app_pattern(0, off + i);
    return bad;
}

size_t bulk_gather(uint8_t *hdr, uint32_t *got, uint32_t want, const uint8_t *d, size_t n)
{
    size_t take = want - *got < n ? want - *got : n;
    for (size_t i = 0; i < take; i++)
        hdr[*got + i] = d[i];
    *got += (uint32_t)take;
    return take;
}

