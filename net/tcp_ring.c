/* The TCP byte ring: power-of-two capacity, grows in place by realloc. */
#include "net/tcp_ring.h"

#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"

static uint32_t pow2_at_least(uint32_t n)
{
    uint32_t c = 1;
    while (c < n)
        c <<= 1;
    return c;
}

void tcp_ring_init(struct tcp_ring *r, uint32_t max)
{
    *r = (struct tcp_ring){ .max = pow2_at_least(max ? max : 1) };
}

void tcp_ring_free(struct tcp_ring *r)
{
    free(r->buf);
    r->buf = NULL;
    r->cap = r->head = r->len = 0;
}

bool tcp_ring_reserve(struct tcp_ring *r, uint32_t end)
{
    if (end <= r->cap)
        return true;
    if (end > r->max)
        return false;
    uint32_t cap = r->cap ? r->cap : 4096;
    while (cap < end)
        cap <<= 1;
    if (cap > r->max)
        cap = r->max;
    /* realloc keeps the old bytes in place (large blocks move by remapping,
     * not copying); then the shorter side of the wrap moves to stay in order */
    r->buf = xrealloc(r->buf, cap);
    uint32_t tail = r->cap - r->head;          /* bytes from head to the old end */
    if (r->head <= tail) {
        memcpy(r->buf + r->cap, r->buf, r->head);
    } else {
        memcpy(r->buf + cap - tail, r->buf + r->head, tail);
        r->head = cap - tail;
    }
    r->cap = cap;
    return true;
}

void tcp_ring_write_at(struct tcp_ring *r, uint32_t off, const void *src, uint32_t n)
{
    uint32_t i = (r->head + off) & (r->cap - 1);
    uint32_t first = r->cap - i;
    if (first >= n) {
        memcpy(r->buf + i, src, n);
    } else {
        memcpy(r->buf + i, src, first);
        memcpy(r->buf, (const uint8_t *)src + first, n - first);
    }
}

void tcp_ring_read_at(const struct tcp_ring *r, uint32_t off, void *dst, uint32_t n)
{
    uint32_t i = (r->head + off) & (r->cap - 1);
    uint32_t first = r->cap - i;
    if (first >= n) {
        memcpy(dst, r->buf + i, n);
    } else {
        memcpy(dst, r->buf + i, first);
        memcpy((uint8_t *)dst + first, r->buf, n - first);
    }
}

uint32_t tcp_ring_append(struct tcp_ring *r, const void *src, uint32_t n, uint32_t limit)
{
    if (r->len >= limit)
        return 0;
    if (n > limit - r->len)
        n = limit - r->len;
    if (!n || !tcp_ring_reserve(r, r->len + n))
        return 0;
    tcp_ring_write_at(r, r->len, src, n);
    r->len += n;
    return n;
}

void tcp_ring_consume(struct tcp_ring *r, uint32_t n)
{
    if (n > r->len)
        n = r->len;
    r->len -= n;
    if (r->cap)
        r->head = (r->head + n) & (r->cap - 1);
}

void tcp_ring_rewind(struct tcp_ring *r)
{
    if (!r->len)
        r->head = 0;
}
