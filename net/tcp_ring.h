/*
 * A byte ring for a TCP socket's send or receive buffer. It grows by
 * doubling (per connection, never per packet) up to a maximum, so thousands
 * of idle connections stay small. Offsets are relative to the head (the
 * oldest byte); the receive side writes out-of-order data past len.
 */
#ifndef NET_TCP_RING_H
#define NET_TCP_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tcp_ring {
    uint8_t *buf;
    uint32_t cap;      /* a power of two, or 0 before the first write */
    uint32_t head;     /* index of the first byte */
    uint32_t len;      /* contiguous valid bytes from head */
    uint32_t max;      /* capacity limit (rounded up to a power of two) */
};

void tcp_ring_init(struct tcp_ring *r, uint32_t max);
void tcp_ring_free(struct tcp_ring *r);

/* Make room for bytes up to offset `end` from the head; false if over max. */
bool tcp_ring_reserve(struct tcp_ring *r, uint32_t end);

/* Copy n bytes in at offset off (room must be reserved). */
void tcp_ring_write_at(struct tcp_ring *r, uint32_t off, const void *src, uint32_t n);
/* Copy n bytes out from offset off. */
void tcp_ring_read_at(const struct tcp_ring *r, uint32_t off, void *dst, uint32_t n);

/* Append at len (reserving); returns the bytes appended (<= n, limited by limit). */
uint32_t tcp_ring_append(struct tcp_ring *r, const void *src, uint32_t n, uint32_t limit);

/* Drop n bytes from the head. */
void tcp_ring_consume(struct tcp_ring *r, uint32_t n);
/* With nothing buffered (no bytes past len either, which the caller knows),
 * restart at index 0 so the next bytes land in memory that is still warm. */
void tcp_ring_rewind(struct tcp_ring *r);

/* The first contiguous run of valid bytes at the head. */
static inline uint32_t tcp_ring_contig(const struct tcp_ring *r, const uint8_t **p)
{
    if (!r->len) {
        *p = NULL;
        return 0;
    }
    *p = r->buf + r->head;
    uint32_t run = r->cap - r->head;
    return run < r->len ? run : r->len;
}

#endif
