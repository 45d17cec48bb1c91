/*
 * What the bulk client and server share (apps/bulk.h has the protocol):
 * message constants, 32- and 64-bit fields, sending and checking patterned
 * data (apps/pattern.h), and gathering a fixed-length header from a stream.
 */
#ifndef APPS_BULK_WIRE_H
#define APPS_BULK_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/runtime.h"

struct tcp_sock;

#define BULK_MAGIC_REQ   0x4c564231u   /* "LVB1" */
#define BULK_MAGIC_HELLO 0x4c564253u   /* "LVBS" */
#define BULK_MAGIC_DONE  0x4c564245u   /* "LVBE" */
#define BULK_REQ_LEN 24
#define BULK_HELLO_LEN 8
#define BULK_RECEIPT_LEN 16

void bulk_put32(uint8_t *p, uint32_t v);
uint32_t bulk_get32(const uint8_t *p);
void bulk_put64(uint8_t *p, uint64_t v);
uint64_t bulk_get64(const uint8_t *p);

/* Send pattern bytes from *off until `limit` (0: none) or the deadline,
 * adding what the socket took to *count; true once there is nothing more
 * to send, false when writable() will call back. */
bool bulk_send_data(struct tcp_sock *s, struct rt *rt, uint64_t *off, uint64_t limit,
                    sim_time_t deadline, uint64_t *count);
/* Check arriving pattern bytes at stream offset off; how many differ. */
uint64_t bulk_check_data(const uint8_t *d, size_t n, uint64_t off);
/* Gather a want-byte header from the stream; bytes used. */
size_t bulk_gather(uint8_t *hdr, uint32_t *got, uint32_t want, const uint8_t *d, size_t n);

#endif
