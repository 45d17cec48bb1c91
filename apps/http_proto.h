/*
 * The framing of request/response messages (HTTP-like over TCP, and the UDP
 * request/response): a 16-byte header in network byte order — magic, the
 * message's total length (header included), an argument (a request carries
 * the response length it wants, a response the id of the server that
 * answered), a sequence number — then a body whose every byte is a function
 * of (seq, offset), so the receiver checks each byte end to end.
 */
#ifndef APPS_HTTP_PROTO_H
#define APPS_HTTP_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tcp_sock;

#define HTTP_HDR_LEN 16
#define HTTP_MAGIC_REQ  0x4c565131u   /* "LVQ1" */
#define HTTP_MAGIC_RESP 0x4c565231u   /* "LVR1" */
#define HTTP_MAX_LEN 0x7fffffffu
/* In a request's arg, beside the response length: close after answering. */
#define HTTP_REQ_CLOSE 0x80000000u

struct http_hdr {
    uint32_t magic, len, arg, seq;
};

static inline void http_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static inline uint32_t http_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A message length drawn from a distribution, made a valid one. */
uint32_t http_len_clamp(double v);
/* The body byte at offset off (>= HTTP_HDR_LEN) of message seq. */
static inline uint8_t http_pattern(uint32_t seq, uint64_t off)
{
    return (uint8_t)(((off + (uint64_t)seq * 131u) * 2654435761u) >> 13);
}

void http_hdr_put(uint8_t out[HTTP_HDR_LEN], const struct http_hdr *h);
void http_hdr_get(const uint8_t in[HTTP_HDR_LEN], struct http_hdr *h);
/* Write the whole message h->len bytes long into buf (a datagram). */
void http_msg_build(uint8_t *buf, const struct http_hdr *h);

/* A message arriving in pieces. */
struct http_rx {
    uint8_t raw[HTTP_HDR_LEN];
    uint64_t got;              /* bytes of this message so far */
    struct http_hdr h;         /* valid once got >= HTTP_HDR_LEN */
    uint64_t bad;              /* body bytes that differed, this message */
};

enum http_rx_status { HTTP_RX_MORE, HTTP_RX_DONE, HTTP_RX_BAD };

static inline void http_rx_reset(struct http_rx *rx) { rx->got = 0, rx->bad = 0; }
/* Take bytes up to the end of the current message (*used says how many);
 * DONE when it is complete (rx->h and rx->bad hold the result), BAD when
 * the header is not a `magic` message of a valid length. */
enum http_rx_status http_rx_feed(struct http_rx *rx, uint32_t magic, const uint8_t *data,
                                 size_t len, size_t *used);

/* A message leaving on a TCP socket, in as many pieces as the socket takes. */
struct http_tx {
    struct http_hdr h;
    uint64_t sent;
};

static inline void http_tx_init(struct http_tx *tx, const struct http_hdr *h)
{
    tx->h = *h, tx->sent = 0;
}
/* Send what the socket takes; true once the whole message is queued. */
bool http_tx_pump(struct http_tx *tx, struct tcp_sock *s);

#endif
