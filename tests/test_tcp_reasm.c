/* Unit tests: the TCP out-of-order range queue, the byte ring and the send queue. */
#include <criterion/criterion.h>
#include <string.h>

#include "net/tcp_reasm.h"
#include "net/tcp_ring.h"
#include "net/tcp_sndq.h"

Test(tcp_reasm, merges_and_advances)
{
    struct tcp_reasm q;
    tcp_reasm_init(&q);
    cr_assert(tcp_reasm_add(&q, 300, 400));
    cr_assert(tcp_reasm_add(&q, 100, 200));
    cr_assert(tcp_reasm_add(&q, 500, 600));
    cr_assert_eq(q.n, 3);
    cr_assert(tcp_reasm_add(&q, 200, 300));   /* joins two neighbours */
    cr_assert_eq(q.n, 2);
    cr_assert_eq(q.r[0].start, 100);
    cr_assert_eq(q.r[0].end, 400);
    cr_assert(tcp_reasm_add(&q, 350, 550));   /* overlap both */
    cr_assert_eq(q.n, 1);
    cr_assert_eq(q.r[0].end, 600);
    cr_assert_eq(tcp_reasm_advance(&q, 50), 50, "a hole before the range");
    cr_assert_eq(tcp_reasm_advance(&q, 100), 600);
    cr_assert(tcp_reasm_empty(&q));
}

Test(tcp_reasm, wraps_sequence_space)
{
    struct tcp_reasm q;
    tcp_reasm_init(&q);
    cr_assert(tcp_reasm_add(&q, 0xffffff00u, 0x100u));
    cr_assert(tcp_reasm_add(&q, 0x200u, 0x300u));
    cr_assert_eq(tcp_reasm_advance(&q, 0xffffff00u), 0x100u);
    cr_assert_eq(q.n, 1);
    cr_assert_eq(q.r[0].start, 0x200u);
}

Test(tcp_reasm, full_queue_refuses_and_sack_order)
{
    struct tcp_reasm q;
    tcp_reasm_init(&q);
    for (uint32_t i = 0; i < TCP_REASM_MAX; i++)
        cr_assert(tcp_reasm_add(&q, 1000 + 100 * i, 1050 + 100 * i));
    cr_assert_not(tcp_reasm_add(&q, 5000, 5010), "a 17th disjoint range does not fit");
    cr_assert(tcp_reasm_add(&q, 1050, 1100), "merging still works when full");
    cr_assert_eq(q.n, TCP_REASM_MAX - 1);
    struct tcp_range b[4];
    unsigned n = tcp_reasm_sack(&q, b, 4);
    cr_assert_eq(n, 4);
    cr_assert_eq(b[0].start, 1000, "the block just changed comes first (RFC 2018)");
    cr_assert_eq(b[0].end, 1150);
    cr_assert_eq(b[1].start, 1200);
}

Test(tcp_ring, grows_wraps_and_keeps_bytes_past_len)
{
    struct tcp_ring r;
    tcp_ring_init(&r, 10000);              /* max rounds up to 16384 */
    uint8_t src[20000], dst[20000];
    for (unsigned i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)(i * 13 + 7);
    cr_assert_eq(tcp_ring_append(&r, src, 3000, 10000), 3000);
    tcp_ring_consume(&r, 2500);
    cr_assert_eq(r.len, 500);
    /* out-of-order bytes beyond len, across the wrap of a 4 KB ring */
    cr_assert(tcp_ring_reserve(&r, 3000));
    tcp_ring_write_at(&r, 2000, src + 5000, 1000);
    cr_assert(tcp_ring_reserve(&r, 9000), "grows, keeping bytes beyond len");
    tcp_ring_read_at(&r, 2000, dst, 1000);
    cr_assert_arr_eq(dst, src + 5000, 1000);
    tcp_ring_read_at(&r, 0, dst, 500);
    cr_assert_arr_eq(dst, src + 2500, 500);
    cr_assert_not(tcp_ring_reserve(&r, 16385), "never beyond max");
    cr_assert_eq(tcp_ring_append(&r, src, 20000, 10000), 9500, "append stops at the limit");
    const uint8_t *p;
    cr_assert_gt(tcp_ring_contig(&r, &p), 0);
    cr_assert_eq(p[0], src[2500]);
    tcp_ring_free(&r);
}

Test(tcp_ring, grows_with_the_wrap_near_the_start_and_rewinds_when_empty)
{
    struct tcp_ring r;
    tcp_ring_init(&r, 1 << 16);
    uint8_t src[12000], dst[12000];
    for (unsigned i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)(i * 7 + 3);
    cr_assert_eq(tcp_ring_append(&r, src, 1000, 1 << 16), 1000);
    tcp_ring_consume(&r, 1000);
    tcp_ring_rewind(&r);
    cr_assert_eq(r.head, 0, "an empty ring restarts at index 0");
    cr_assert_eq(tcp_ring_append(&r, src, 4000, 1 << 16), 4000);
    tcp_ring_consume(&r, 1000);
    tcp_ring_rewind(&r);
    cr_assert_eq(r.head, 1000, "a ring holding bytes keeps its head");
    /* 3096 bytes from the head to the end of the 4 KB ring, 904 wrapped */
    cr_assert_eq(tcp_ring_append(&r, src + 4000, 1000, 1 << 16), 1000);
    cr_assert_eq(tcp_ring_append(&r, src + 5000, 4000, 1 << 16), 4000, "grows past 4 KB");
    tcp_ring_read_at(&r, 0, dst, 8000);
    cr_assert_arr_eq(dst, src + 1000, 8000);
    tcp_ring_free(&r);
}

Test(tcp_reasm, scoreboard_drop_below_and_bytes)
{
    struct tcp_reasm q;
    tcp_reasm_init(&q);
    cr_assert(tcp_reasm_add(&q, 100, 200));
    cr_assert(tcp_reasm_add(&q, 300, 400));
    cr_assert_eq(tcp_reasm_bytes(&q), 200);
    tcp_reasm_drop_below(&q, 150);
    cr_assert_eq(q.r[0].start, 150);
    cr_assert_eq(tcp_reasm_bytes(&q), 150);
    tcp_reasm_drop_below(&q, 350);
    cr_assert_eq(q.n, 1);
    cr_assert_eq(q.r[0].start, 350);
    tcp_reasm_drop_below(&q, 400);
    cr_assert(tcp_reasm_empty(&q));
}

/* The send queue against a plain array of the same bytes: copied, lent and
 * made pieces in turn, read back at every offset and length that crosses a
 * seam, consumed a piece at a time so the extents' ring wraps and grows. */
static void byte_fill(uint64_t arg, uint64_t off, uint8_t *dst, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (uint8_t)(arg + off + i);
}

Test(tcp_sndq, reads_what_was_queued_across_kinds)
{
    static uint8_t lent[4096], want[1 << 16];
    for (unsigned i = 0; i < sizeof lent; i++)
        lent[i] = (uint8_t)(i * 7 + 3);
    const struct tcp_gen gen = { byte_fill, 40 };
    struct tcp_sndq q;
    tcp_sndq_init(&q, 1 << 16);
    uint32_t head = 0, tail = 0;        /* want[] holds the stream's bytes [head, tail) */
    uint8_t tmp[700];
    for (unsigned round = 0; round < 60; round++) {
        uint32_t n = 100 + round * 13 % 600;
        switch (round % 3) {
        case 0:
            for (uint32_t i = 0; i < n; i++)
                tmp[i] = (uint8_t)(round + i * 3);
            cr_assert_eq(tcp_sndq_copy(&q, tmp, n, 1 << 16), n);
            memcpy(want + tail % sizeof want, tmp, n);
            break;
        case 1:
            cr_assert_eq(tcp_sndq_lend(&q, lent + round, n, 1 << 16), n);
            memcpy(want + tail % sizeof want, lent + round, n);
            break;
        default:
            cr_assert_eq(tcp_sndq_make(&q, &gen, tail, n, 1 << 16), n);
            byte_fill(40, tail, want + tail % sizeof want, n);
            break;
        }
        tail += n;
        cr_assert_eq(q.len, tail - head);
        for (uint32_t off = 0; off < q.len; off += 37) {
            uint32_t len = q.len - off < 1500 ? q.len - off : 1500;
            uint8_t got[1500];
            tcp_sndq_read(&q, off, got, len);
            for (uint32_t i = 0; i < len; i++)
                cr_assert_eq(got[i], want[(head + off + i) % sizeof want], "round %u: byte %u", round,
                             head + off + i);
        }
        if (round % 2) {                 /* acknowledge a part, seams included */
            uint32_t acked = (tail - head) / 2 + 1;
            tcp_sndq_consume(&q, acked);
            head += acked;
        }
    }
    cr_assert_gt(q.cap, 4, "the extents' ring grew");
    tcp_sndq_consume(&q, q.len);
    cr_assert_eq(q.len, 0);
    cr_assert_eq(q.n, 0);
    cr_assert_eq(q.copied.len, 0);
    tcp_sndq_free(&q);
}

Test(tcp_sndq, joins_neighbours_and_keeps_the_limit)
{
    static const uint8_t lent[300];
    const struct tcp_gen gen = { byte_fill, 0 };
    struct tcp_sndq q;
    tcp_sndq_init(&q, 4096);
    cr_assert_eq(tcp_sndq_lend(&q, lent, 100, 1000), 100);
    cr_assert_eq(tcp_sndq_lend(&q, lent + 100, 100, 1000), 100);   /* the next bytes: one extent */
    cr_assert_eq(q.n, 1);
    cr_assert_eq(tcp_sndq_make(&q, &gen, 500, 100, 1000), 100);
    cr_assert_eq(tcp_sndq_make(&q, &gen, 600, 100, 1000), 100);   /* the next offsets: one extent */
    cr_assert_eq(tcp_sndq_make(&q, &gen, 900, 100, 1000), 100);   /* a gap: a new one */
    cr_assert_eq(q.n, 3);
    cr_assert_eq(tcp_sndq_copy(&q, lent, 300, 1000), 300);
    cr_assert_eq(tcp_sndq_copy(&q, lent, 300, 1000), 200, "the limit takes 200 of 300");
    cr_assert_eq(tcp_sndq_lend(&q, lent, 10, 1000), 0);
    cr_assert_eq(q.n, 4);
    cr_assert_eq(q.len, 1000);
    tcp_sndq_free(&q);
}
