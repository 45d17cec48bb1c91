/* The delay line's ring of timed frames: first in, first out with each
 * frame's bytes and due time intact, across the ring's end; full means
 * NULL (and the frames held stay good), and room comes back as frames
 * leave; the queue's size follows the link's bandwidth-delay product. */
#include <criterion/criterion.h>
#include <string.h>

#include "emu/delay_line.h"
#include "emu/frame_ring.h"

#define MAX_FRAME 100

static void put(struct emu_frame_ring *r, uint8_t fill, size_t len, int64_t due)
{
    uint8_t *room = emu_frame_ring_reserve(r);
    cr_assert_not_null(room, "no room for a frame of %zu bytes with %zu held", len, r->count);
    memset(room, fill, len);
    emu_frame_ring_commit(r, len, due);
}

static void take(struct emu_frame_ring *r, uint8_t fill, size_t len, int64_t due)
{
    const uint8_t *frame;
    size_t got_len;
    int64_t got_due;
    cr_assert(emu_frame_ring_peek(r, &frame, &got_len, &got_due), "the ring is empty");
    cr_assert_eq(got_len, len);
    cr_assert_eq(got_due, due);
    for (size_t i = 0; i < len; i++)
        cr_assert_eq(frame[i], fill, "byte %zu of frame %u is %u", i, fill, frame[i]);
    emu_frame_ring_pop(r);
}

Test(emu_frame_ring, fifo_across_the_end_of_the_ring)
{
    struct emu_frame_ring r;
    cr_assert_eq(emu_frame_ring_init(&r, 1000, MAX_FRAME), 0);
    /* frames of varied sizes through a ring of ~8 slots, 1-3 held at a time:
     * the tail wraps many times */
    uint8_t next_in = 0, next_out = 0;
    for (int round = 0; round < 200; round++) {
        for (int k = 0; k < 1 + round % 3; k++, next_in++)
            put(&r, next_in, 1 + next_in % MAX_FRAME, next_in * 10);
        while (r.count > (size_t)(round % 2)) {
            take(&r, next_out, 1 + next_out % MAX_FRAME, next_out * 10);
            next_out++;
        }
    }
    while (r.count) {
        take(&r, next_out, 1 + next_out % MAX_FRAME, next_out * 10);
        next_out++;
    }
    cr_assert_eq(next_in, next_out);
    const uint8_t *frame;
    size_t len;
    int64_t due;
    cr_assert_not(emu_frame_ring_peek(&r, &frame, &len, &due));
    emu_frame_ring_free(&r);
}

Test(emu_frame_ring, full_then_room_again)
{
    struct emu_frame_ring r;
    cr_assert_eq(emu_frame_ring_init(&r, 1000, MAX_FRAME), 0);
    int held = 0;
    while (emu_frame_ring_reserve(&r)) {
        cr_assert_eq(emu_frame_ring_reserve(&r), emu_frame_ring_reserve(&r), "reserving twice moved the room");
        put(&r, (uint8_t)held, MAX_FRAME, held);
        held++;
    }
    cr_assert_geq(held, 7, "a 1000-byte ring held %d frames of 100 bytes", held);
    cr_assert_leq(held, 9);
    /* full: the frames held are intact; taking two makes room at the start */
    take(&r, 0, MAX_FRAME, 0);
    take(&r, 1, MAX_FRAME, 1);
    put(&r, 200, MAX_FRAME, 200);
    for (int k = 2; k < held; k++)
        take(&r, (uint8_t)k, MAX_FRAME, k);
    take(&r, 200, MAX_FRAME, 200);
    cr_assert_eq(r.count, 0);
    emu_frame_ring_free(&r);
}

Test(emu_frame_ring, too_small_a_ring_is_refused)
{
    struct emu_frame_ring r;
    cr_assert_eq(emu_frame_ring_init(&r, 200, MAX_FRAME), -1);
}

Test(emu_frame_ring, queue_is_twice_the_bandwidth_delay_product_within_bounds)
{
    struct emu_delay_params p = { .delay = 100000000, .rate_bps = 1000000000 };  /* 100 ms, 1 Gbit/s */
    cr_assert_eq(emu_delay_queue_bytes(&p), 25000000, "2 x 12.5 MB");
    p = (struct emu_delay_params){ .delay = 1000000000 };   /* 1 s, no rate: as 10 Gbit/s, capped */
    cr_assert_eq(emu_delay_queue_bytes(&p), (size_t)256 << 20);
    p = (struct emu_delay_params){ .delay = 50000, .rate_bps = 1000000000 };    /* 50 us: the floor */
    cr_assert_eq(emu_delay_queue_bytes(&p), (size_t)8 << 20);
}
