/*
 * The HTTP/1.1 framing of the HTTP-like workload (RFC 9112), so that
 * captures decode as HTTP. A request is
 *
 *   POST /lvslab HTTP/1.1\r\n
 *   Host: lvslab\r\n
 *   X-Lvslab: seq=<S> resp=<N>\r\n
 *   Connection: keep-alive\r\n                  ("close": one connection per request)
 *   Content-Type: application/octet-stream\r\n
 *   Content-Length: <B>\r\n
 *   \r\n
 *   B body bytes
 *
 * with S its sequence number and N the total length of the response it asks
 * for; a response is
 *
 *   HTTP/1.1 200 OK\r\n
 *   Server: lvslab\r\n
 *   X-Lvslab: id=<I> seq=<S>\r\n
 *   Connection: keep-alive\r\n                  ("close": the server closes after it)
 *   Content-Type: application/octet-stream\r\n
 *   Content-Length: <B>\r\n
 *   \r\n
 *   B body bytes
 *
 * with I the id of the server that answered and S the request's. Numbers are
 * decimal. A message is exactly as long as asked, header included: B is what
 * the header leaves, and Content-Length is zero-padded ("0999", valid 1*DIGIT)
 * in the one case per power of ten where its own digit count would skip that
 * total. Asked for less than its header with B = 0, a message is that header
 * alone (http_wire_len). Body byte k is app_pattern(S, k) (apps/pattern.h).
 *
 * A server also reads a plain "GET <path> HTTP/1.0" or "HTTP/1.1" request,
 * as a health checker (keepalived's HTTP_GET) or a browser sends it: no
 * field is required, X-Lvslab is ignored, a body (Content-Length) is read
 * and not checked, and an HTTP/1.0 request closes the connection after its
 * answer unless it says "Connection: keep-alive". Such a request is
 * answered with a page (http_tx_init_page):
 *
 *   HTTP/1.1 <code> <reason>\r\n
 *   Server: lvslab\r\n
 *   Connection: keep-alive\r\n                  (or close)
 *   Content-Type: text/plain\r\n
 *   Content-Length: <B>\r\n
 *   \r\n
 *   the page's B bytes
 *
 * Receiving is streaming: bytes come in any pieces, the header is read a line
 * at a time (HTTP_WIRE_MAX_HDR bytes at most) and bodies are checked byte by
 * byte as they arrive. A message is BAD when its start line is not one of
 * those above, a line is not a CRLF-terminated field line, Content-Length or
 * X-Lvslab is missing (a GET needs neither), repeated or out of range, or
 * Transfer-Encoding is present (messages are framed by length only); other
 * fields are ignored, as HTTP allows. Nothing is allocated per message.
 */
#ifndef APPS_HTTP_WIRE_H
#define APPS_HTTP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tcp_sock;

#define HTTP_WIRE_MAX_LEN 0x7fffffffu   /* the longest message and body */
#define HTTP_WIRE_MAX_HDR 1024          /* a longer header is BAD */
#define HTTP_WIRE_HDR_ROOM 256          /* the longest header written (208, forwarded) and its NUL */
#define HTTP_WIRE_TARGET_MAX 256        /* a GET's request target, its NUL included */

enum http_kind { HTTP_REQUEST, HTTP_RESPONSE };

/* What a message says beside its body. */
struct http_msg {
    uint32_t seq;
    uint32_t resp_len;         /* a request's: the total length of the response asked for */
    uint32_t id;               /* a response's: the server that answered */
    bool close;                /* Connection: close */
};

/* A message length drawn from a distribution, made one in [0, HTTP_WIRE_MAX_LEN]. */
uint32_t http_len_clamp(double v);
/* The total length of message m asked to be `asked` bytes long (at most
 * HTTP_WIRE_MAX_LEN): `asked`, or its header alone when that is longer. */
uint32_t http_wire_len(enum http_kind kind, const struct http_msg *m, uint32_t asked);

/* A message leaving on a TCP socket, in as many pieces as the socket takes. */
struct http_tx {
    char hdr[HTTP_WIRE_HDR_ROOM];
    uint32_t hdr_len;
    uint32_t seq;
    const uint8_t *page;       /* a page's body (http_tx_init_page), else NULL: pattern bytes */
    uint64_t len, sent;
};

void http_tx_init(struct http_tx *tx, enum http_kind kind, const struct http_msg *m, uint32_t asked);
/* A request as a proxy passes it on: the same fields, an
 * "X-Forwarded-For: <xff>" line before Connection, and the body the client
 * sent (body_len bytes, pattern of m->seq), so the message grows by that line. */
void http_tx_init_forward(struct http_tx *tx, const struct http_msg *m, uint32_t body_len, const char *xff);
/* A page answering a GET: status `code` (200-599) and `body`, which must
 * stay put until the page is sent; 204 and 304 carry no body. */
void http_tx_init_page(struct http_tx *tx, int code, bool close, const char *body, uint32_t body_len);
/* Bytes [off, off + n) of the message into buf. */
void http_tx_bytes(const struct http_tx *tx, uint64_t off, uint8_t *buf, size_t n);
/* Send what the socket takes; true once the whole message is queued. */
bool http_tx_pump(struct http_tx *tx, struct tcp_sock *s);
/* The same for the message's first `upto` bytes only (a proxy relaying what
 * has come in so far); true once those are queued. */
bool http_tx_pump_upto(struct http_tx *tx, struct tcp_sock *s, uint64_t upto);

/* A message arriving in pieces. */
struct http_rx {
    enum http_kind kind;
    uint64_t got;              /* bytes of this message so far */
    uint32_t hdr_len;          /* the header's length once read, blank line included; 0 before */
    uint32_t body_len;         /* Content-Length, once the header is read */
    struct http_msg msg;       /* valid once the header is read */
    uint64_t bad;              /* body bytes that differed, this message */
    uint32_t lines;            /* header lines read */
    uint32_t fields;           /* which of Content-Length and X-Lvslab were met */
    bool get;                  /* a GET request (see above); its target below */
    bool http10;               /* the request is HTTP/1.0 */
    bool keep_alive;           /* Connection: keep-alive */
    char target[HTTP_WIRE_TARGET_MAX];
    uint32_t line_len;
    uint8_t line[HTTP_WIRE_MAX_HDR];   /* the header line being read */
};

enum http_rx_status { HTTP_RX_MORE, HTTP_RX_DONE, HTTP_RX_BAD };

/* Ready to read a message of this kind. */
void http_rx_init(struct http_rx *rx, enum http_kind kind);
/* Ready for the next message of the same kind. */
static inline void http_rx_reset(struct http_rx *rx) { http_rx_init(rx, rx->kind); }
/* Take bytes up to the end of the current message (*used says how many);
 * DONE when it is complete (rx->msg, rx->got and rx->bad hold the result),
 * BAD as soon as its header breaks the rules above. */
enum http_rx_status http_rx_feed(struct http_rx *rx, const uint8_t *data, size_t len, size_t *used);

/* What a server's handler made of a whole request. */
enum http_serve { HTTP_SERVE_NEXT, HTTP_SERVE_WAIT, HTTP_SERVE_GONE };
/* Requests read one at a time, as a server or a proxy reads them: each
 * whole request goes to `request`, which answers NEXT to read on, WAIT
 * while its answer is pending, GONE once the connection was let go of; a
 * header that breaks the rules goes to `broken`, which lets it go. Returns
 * the bytes taken: all of them once the connection is gone (the socket
 * drops the rest), fewer while an answer is pending (the rest stays in the
 * socket, pausing delivery). *bytes_in counts what was read. */
size_t http_rx_serve(struct http_rx *rx, const uint8_t *data, size_t len, uint64_t *bytes_in,
                     enum http_serve (*request)(void *ctx), void (*broken)(void *ctx), void *ctx);

#endif
