/* Request/response framing: headers, patterned bodies, the streaming check. */
#include "apps/http_proto.h"

#include <string.h>

#include "net/tcp.h"

#define CHUNK 16384

uint32_t http_len_clamp(double v)
{
    if (!(v >= HTTP_HDR_LEN))  /* NaN included */
        return HTTP_HDR_LEN;
    if (v >= HTTP_MAX_LEN)
        return HTTP_MAX_LEN;
    return (uint32_t)(v + 0.5);
}

void http_hdr_put(uint8_t out[HTTP_HDR_LEN], const struct http_hdr *h)
{
    http_put32(out, h->magic);
    http_put32(out + 4, h->len);
    http_put32(out + 8, h->arg);
    http_put32(out + 12, h->seq);
}

void http_hdr_get(const uint8_t in[HTTP_HDR_LEN], struct http_hdr *h)
{
    h->magic = http_get32(in);
    h->len = http_get32(in + 4);
    h->arg = http_get32(in + 8);
    h->seq = http_get32(in + 12);
}

/* Bytes [off, off + n) of message h. */
static void fill(uint8_t *buf, const struct http_hdr *h, uint64_t off, size_t n)
{
    size_t i = 0;
    if (off < HTTP_HDR_LEN) {
        uint8_t raw[HTTP_HDR_LEN];
        http_hdr_put(raw, h);
        for (; i < n && off + i < HTTP_HDR_LEN; i++)
            buf[i] = raw[off + i];
    }
    for (; i < n; i++)
        buf[i] = http_pattern(h->seq, off + i);
}

void http_msg_build(uint8_t *buf, const struct http_hdr *h)
{
    fill(buf, h, 0, h->len);
}

enum http_rx_status http_rx_feed(struct http_rx *rx, uint32_t magic, const uint8_t *data,
                                 size_t len, size_t *used)
{
    size_t i = 0;
    bool had_hdr = rx->got >= HTTP_HDR_LEN;
    while (i < len && rx->got < HTTP_HDR_LEN)
        rx->raw[rx->got++] = data[i++];
    if (rx->got < HTTP_HDR_LEN) {
        *used = i;
        return HTTP_RX_MORE;
    }
    if (!had_hdr) {
        http_hdr_get(rx->raw, &rx->h);
        if (rx->h.magic != magic || rx->h.len < HTTP_HDR_LEN || rx->h.len > HTTP_MAX_LEN) {
            *used = i;
            return HTTP_RX_BAD;
        }
    }
    uint64_t left = rx->h.len - rx->got;
    size_t take = len - i < left ? len - i : (size_t)left;
    for (size_t k = 0; k < take; k++)
        rx->bad += data[i + k] != http_pattern(rx->h.seq, rx->got + k);
    rx->got += take;
    *used = i + take;
    return rx->got == rx->h.len ? HTTP_RX_DONE : HTTP_RX_MORE;
}

bool http_tx_pump(struct http_tx *tx, struct tcp_sock *s)
{
    uint8_t buf[CHUNK];
    while (tx->sent < tx->h.len) {
        uint64_t left = tx->h.len - tx->sent;
        size_t n = left < CHUNK ? (size_t)left : CHUNK;
        size_t room = tcp_send_space(s);
        if (room && n > room)
            n = room;     /* a full buffer still gets the call: it arms writable() */
        fill(buf, &tx->h, tx->sent, n);
        size_t took = tcp_send(s, buf, n);
        tx->sent += took;
        if (took < n)
            return false;
    }
    return true;
}
