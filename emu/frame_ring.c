/* The delay line's byte ring of timed frames: reserve, commit, peek, pop. */
#include "emu/frame_ring.h"

#include <stdlib.h>

struct entry_hdr {
    int64_t due;
    uint64_t len;
};

static size_t entry_size(size_t len)
{
    return (sizeof(struct entry_hdr) + len + 7) & ~(size_t)7;
}

int emu_frame_ring_init(struct emu_frame_ring *r, size_t cap, size_t max_frame)
{
    *r = (struct emu_frame_ring){ .cap = cap & ~(size_t)7, .max_frame = max_frame };
    r->wrap_at = r->cap;
    if (r->cap < 2 * entry_size(max_frame) + 8)
        return -1;
    r->buf = malloc(r->cap);   /* pages are touched as frames fill them */
    return r->buf ? 0 : -1;
}

void emu_frame_ring_free(struct emu_frame_ring *r)
{
    free(r->buf);
    r->buf = NULL;
}

uint8_t *emu_frame_ring_reserve(struct emu_frame_ring *r)
{
    size_t slot = entry_size(r->max_frame);
    if (r->count == 0) {
        r->head = r->tail = 0;
        r->wrap_at = r->cap;
    }
    if (r->wrap_at == r->cap) {            /* entries in [head, tail) */
        if (r->cap - r->tail < slot) {
            if (r->head <= slot)           /* the tail must stay short of the head */
                return NULL;
            r->wrap_at = r->tail;
            r->tail = 0;
        }
    } else if (r->head - r->tail <= slot) {   /* entries in [head, wrap_at) and [0, tail) */
        return NULL;
    }
    return r->buf + r->tail + sizeof(struct entry_hdr);
}

void emu_frame_ring_commit(struct emu_frame_ring *r, size_t len, int64_t due)
{
    struct entry_hdr *e = (struct entry_hdr *)(r->buf + r->tail);
    e->due = due;
    e->len = len;
    r->tail += entry_size(len);
    r->count++;
}

bool emu_frame_ring_peek(const struct emu_frame_ring *r, const uint8_t **frame, size_t *len, int64_t *due)
{
    if (r->count == 0)
        return false;
    const struct entry_hdr *e = (const struct entry_hdr *)(r->buf + r->head);
    *frame = r->buf + r->head + sizeof *e;
    *len = e->len;
    *due = e->due;
    return true;
}

void emu_frame_ring_pop(struct emu_frame_ring *r)
{
    const struct entry_hdr *e = (const struct entry_hdr *)(r->buf + r->head);
    r->head += entry_size(e->len);
    r->count--;
    if (r->head == r->wrap_at) {
        r->head = 0;
        r->wrap_at = r->cap;
    }
}
