/*
 * The datagram framing of the UDP request/response (apps/udp_rr.h): each
 * datagram is one message, a 16-byte header in network byte order — magic
 * ("LVQ1" request, "LVR1" response), the datagram's total length (header
 * included), an argument (a request carries the total length of the answer
 * it wants, a response the id of the server that answered), a sequence
 * number — then body bytes app_pattern(seq, offset in the datagram)
 * (apps/pattern.h), so the receiver checks each byte.
 */
#ifndef APPS_MSG_FRAME_H
#define APPS_MSG_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MSG_FRAME_HDR_LEN 16
#define MSG_FRAME_MAGIC_REQ  0x4c565131u   /* "LVQ1" */
#define MSG_FRAME_MAGIC_RESP 0x4c565231u   /* "LVR1" */

struct msg_frame {
    uint32_t magic, len, arg, seq;
};

/* A length drawn from a distribution, made one in [MSG_FRAME_HDR_LEN, max]. */
uint32_t msg_frame_len_clamp(double v, uint32_t max);
/* Write the whole message, f->len bytes, into buf. */
void msg_frame_build(uint8_t *buf, const struct msg_frame *f);
/* Read a whole datagram of n bytes: true when it is one `magic` message of
 * exactly n bytes (*f holds its header, *bad the body bytes that differ). */
bool msg_frame_parse(const uint8_t *d, size_t n, uint32_t magic, struct msg_frame *f, uint64_t *bad);

#endif
