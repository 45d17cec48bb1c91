/*
 * A FIFO of timed frames in one byte ring, for the delay line: room for
 * the next frame is reserved at the tail before it is read, so a read()
 * lands in place; it is then committed with the time it is due, and taken
 * from the head when that time comes. Frames are never split across the
 * ring's end: the tail wraps to the start when the end has too little room.
 */
#ifndef EMU_FRAME_RING_H
#define EMU_FRAME_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct emu_frame_ring {
    uint8_t *buf;
    size_t cap, max_frame;
    size_t head, tail;         /* byte offsets of the oldest entry and of the free space */
    size_t wrap_at;            /* where the entries before the wrap end; cap: no wrap */
    size_t count;              /* entries held */
};

/* A ring of cap bytes for frames of up to max_frame bytes; 0, or -1 when
 * cap cannot hold two of them or there is no memory. */
int emu_frame_ring_init(struct emu_frame_ring *r, size_t cap, size_t max_frame);
void emu_frame_ring_free(struct emu_frame_ring *r);

/* Room for a frame of up to max_frame bytes at the tail, or NULL when the
 * ring is too full. Reserving again without committing gives the same room. */
uint8_t *emu_frame_ring_reserve(struct emu_frame_ring *r);
/* The reserved room now holds a frame of len bytes, due at due. */
void emu_frame_ring_commit(struct emu_frame_ring *r, size_t len, int64_t due);

/* The oldest frame, or false when empty. */
bool emu_frame_ring_peek(const struct emu_frame_ring *r, const uint8_t **frame, size_t *len, int64_t *due);
void emu_frame_ring_pop(struct emu_frame_ring *r);

#endif
