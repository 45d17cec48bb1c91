/*
 * Checkable payload bytes: every byte a workload sends beyond its headers is
 * a function of (a message's sequence number, the byte's offset), so the
 * receiver checks each one end to end. HTTP bodies count offsets from the
 * body's first byte (apps/http_wire.h), UDP datagrams from the datagram's
 * first byte (apps/msg_frame.h), bulk streams use sequence 0 and the offset
 * in the stream (apps/bulk_wire.h).
 */
#ifndef APPS_PATTERN_H
#define APPS_PATTERN_H

#include <stddef.h>
#include <stdint.h>

static inline uint8_t app_pattern(uint32_t seq, uint64_t off)
{
    return (uint8_t)(((off + (uint64_t)seq * 131u) * 2654435761u) >> 13);
}

/* The n pattern bytes of message `seq` from offset off, into dst: a TCP
 * socket's generator (struct tcp_gen), so bodies are made as they are sent. */
void app_pattern_fill(uint64_t seq, uint64_t off, uint8_t *dst, size_t n);

#endif
