/*
 * A socket's send queue: the bytes handed to tcp_send*() and not yet
 * acknowledged, in stream order. Bytes the app copies in live in a byte
 * ring; bytes it lends (memory that outlives the socket, as sendfile(2)
 * lends page-cache pages) or that a generator makes on demand are kept as
 * extents and read only when a segment is built. A bulk sender's queue then
 * costs no memory per byte queued, and the simulator no cache misses for
 * it, whatever size Linux gives the send buffer.
 *
 * Invariant: the extents, from the head, cover exactly len bytes; the
 * copied ring holds exactly the bytes of the COPIED extents, in order.
 */
#ifndef NET_TCP_SNDQ_H
#define NET_TCP_SNDQ_H

#include <stddef.h>
#include <stdint.h>

#include "net/tcp.h"
#include "net/tcp_ring.h"

enum tcp_sndq_kind { SNDQ_COPIED, SNDQ_LENT, SNDQ_MADE };

struct tcp_sndq_ext {
    uint32_t len;
    enum tcp_sndq_kind kind;
    union {
        const uint8_t *lent;                       /* SNDQ_LENT: the first byte */
        struct { struct tcp_gen gen; uint64_t off; } made;   /* SNDQ_MADE */
    } u;
};

struct tcp_sndq {
    struct tcp_ring copied;
    struct tcp_sndq_ext *ext;      /* a ring of extents: head, n, cap (a power of two) */
    uint32_t head, n, cap;
    uint32_t len;                  /* bytes queued */
};

/* Empty; copied bytes may take up to max bytes of memory. */
void tcp_sndq_init(struct tcp_sndq *q, uint32_t max);
void tcp_sndq_free(struct tcp_sndq *q);

/* Append up to n bytes, at most to limit queued in all; returns the bytes taken. */
uint32_t tcp_sndq_copy(struct tcp_sndq *q, const void *src, uint32_t n, uint32_t limit);
uint32_t tcp_sndq_lend(struct tcp_sndq *q, const void *src, uint32_t n, uint32_t limit);
uint32_t tcp_sndq_make(struct tcp_sndq *q, const struct tcp_gen *gen, uint64_t off, uint32_t n,
                       uint32_t limit);

/* Write the n queued bytes from offset off (off + n <= len) to dst. */
void tcp_sndq_read(const struct tcp_sndq *q, uint32_t off, uint8_t *dst, uint32_t n);
/* Drop n bytes (at most len) from the head: they were acknowledged. */
void tcp_sndq_consume(struct tcp_sndq *q, uint32_t n);

#endif
