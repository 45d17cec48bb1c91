/* Unit tests: the TCP out-of-order range queue and the byte ring. */
#include <criterion/criterion.h>
#include <string.h>

#include "net/tcp_reasm.h"
#include "net/tcp_ring.h"

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
