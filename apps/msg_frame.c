/* The UDP request/response's datagrams: the binary header, patterned bodies, the check. */
#include "apps/msg_frame.h"

#include "apps/pattern.h"

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t msg_frame_len_clamp(double v, uint32_t max)
{
    if (!(v >= MSG_FRAME_HDR_LEN))  /* NaN included */
        return MSG_FRAME_HDR_LEN;
    if (v >= max)
        return max;
    return (uint32_t)(v + 0.5);
}

void msg_frame_build(uint8_t *buf, const struct msg_frame *f)
{
    put32(buf, f->magic);
    put32(buf + 4, f->len);
    put32(buf + 8, f->arg);
    put32(buf + 12, f->seq);
    for (uint32_t off = MSG_FRAME_HDR_LEN; off < f->len; off++)
        buf[off] = app_pattern(f->seq, off);
}

bool msg_frame_parse(const uint8_t *d, size_t n, uint32_t magic, struct msg_frame *f, uint64_t *bad)
{
    if (n < MSG_FRAME_HDR_LEN)
        return false;
    *f = (struct msg_frame){ get32(d), get32(d + 4), get32(d + 8), get32(d + 12) };
    if (f->magic != magic || f->len != n)
        return false;
    *bad = 0;
    for (size_t off = MSG_FRAME_HDR_LEN; off < n; off++)
        *bad += d[off] != app_pattern(f->seq, off);
    return true;
}
