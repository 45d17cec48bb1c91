/* The send queue: copied bytes in a ring, lent and made bytes as extents. */
#include "net/tcp_sndq.h"

#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"

void tcp_sndq_init(struct tcp_sndq *q, uint32_t max)
{
    *q = (struct tcp_sndq){ 0 };
    tcp_ring_init(&q->copied, max);
}

void tcp_sndq_free(struct tcp_sndq *q)
{
    tcp_ring_free(&q->copied);
    free(q->ext);
    q->ext = NULL;
    q->head = q->n = q->cap = q->len = 0;
}

static struct tcp_sndq_ext *ext_at(const struct tcp_sndq *q, uint32_t i)
{
    return &q->ext[(q->head + i) & (q->cap - 1)];
}

static struct tcp_sndq_ext *push(struct tcp_sndq *q, enum tcp_sndq_kind kind, uint32_t len)
{
    if (q->n == q->cap) {
        uint32_t cap = q->cap ? 2 * q->cap : 4;
        struct tcp_sndq_ext *ext = xmalloc(cap * sizeof *ext);
        for (uint32_t i = 0; i < q->n; i++)
            ext[i] = *ext_at(q, i);
        free(q->ext);
        q->ext = ext;
        q->cap = cap;
        q->head = 0;
    }
    struct tcp_sndq_ext *e = ext_at(q, q->n++);
    *e = (struct tcp_sndq_ext){ .len = len, .kind = kind };
    q->len += len;
    return e;
}

static struct tcp_sndq_ext *tail(const struct tcp_sndq *q, enum tcp_sndq_kind kind)
{
    if (!q->n)
        return NULL;
    struct tcp_sndq_ext *e = ext_at(q, q->n - 1);
    return e->kind == kind ? e : NULL;
}

static uint32_t room(const struct tcp_sndq *q, uint32_t n, uint32_t limit)
{
    uint32_t free_bytes = q->len < limit ? limit - q->len : 0;
    return n < free_bytes ? n : free_bytes;
}

uint32_t tcp_sndq_copy(struct tcp_sndq *q, const void *src, uint32_t n, uint32_t limit)
{
    n = room(q, n, limit);
    if (!n)
        return 0;
    n = tcp_ring_append(&q->copied, src, n, q->copied.len + n);
    if (!n)
        return 0;
    struct tcp_sndq_ext *e = tail(q, SNDQ_COPIED);
    if (e) {
        e->len += n;
        q->len += n;
    } else {
        push(q, SNDQ_COPIED, n);
    }
    return n;
}

uint32_t tcp_sndq_lend(struct tcp_sndq *q, const void *src, uint32_t n, uint32_t limit)
{
    n = room(q, n, limit);
    if (!n)
        return 0;
    struct tcp_sndq_ext *e = tail(q, SNDQ_LENT);
    if (e && e->u.lent + e->len == (const uint8_t *)src) {
        e->len += n;
        q->len += n;
    } else {
        push(q, SNDQ_LENT, n)->u.lent = src;
    }
    return n;
}

uint32_t tcp_sndq_make(struct tcp_sndq *q, const struct tcp_gen *gen, uint64_t off, uint32_t n,
                       uint32_t limit)
{
    n = room(q, n, limit);
    if (!n)
        return 0;
    struct tcp_sndq_ext *e = tail(q, SNDQ_MADE);
    if (e && e->u.made.gen.fill == gen->fill && e->u.made.gen.arg == gen->arg &&
        e->u.made.off + e->len == off) {
        e->len += n;
        q->len += n;
    } else {
        e = push(q, SNDQ_MADE, n);
        e->u.made.gen = *gen;
        e->u.made.off = off;
    }
    return n;
}

void tcp_sndq_read(const struct tcp_sndq *q, uint32_t off, uint8_t *dst, uint32_t n)
{
    uint32_t at = 0, copied_at = 0;    /* the extent's first byte, in the queue and in the ring */
    for (uint32_t i = 0; n && i < q->n; i++) {
        const struct tcp_sndq_ext *e = ext_at(q, i);
        if (off >= at + e->len) {
            at += e->len;
            if (e->kind == SNDQ_COPIED)
                copied_at += e->len;
            continue;
        }
        uint32_t skip = off - at, take = e->len - skip < n ? e->len - skip : n;
        switch (e->kind) {
        case SNDQ_COPIED:
            tcp_ring_read_at(&q->copied, copied_at + skip, dst, take);
            copied_at += e->len;
            break;
        case SNDQ_LENT:
            memcpy(dst, e->u.lent + skip, take);
            break;
        case SNDQ_MADE:
            e->u.made.gen.fill(e->u.made.gen.arg, e->u.made.off + skip, dst, take);
            break;
        }
        at += e->len;
        off += take;
        dst += take;
        n -= take;
    }
}

void tcp_sndq_consume(struct tcp_sndq *q, uint32_t n)
{
    if (n > q->len)
        n = q->len;
    q->len -= n;
    while (n) {
        struct tcp_sndq_ext *e = ext_at(q, 0);
        uint32_t take = e->len < n ? e->len : n;
        switch (e->kind) {
        case SNDQ_COPIED:
            tcp_ring_consume(&q->copied, take);
            break;
        case SNDQ_LENT:
            e->u.lent += take;
            break;
        case SNDQ_MADE:
            e->u.made.off += take;
            break;
        }
        e->len -= take;
        n -= take;
        if (!e->len) {
            q->head = (q->head + 1) & (q->cap - 1);
            q->n--;
        }
    }
    tcp_ring_rewind(&q->copied);
}
