/* HTTP/1.1 messages of the HTTP-like workload: headers sized to the total asked, the streaming parser. */
#include "apps/http_wire.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "apps/pattern.h"
#include "net/tcp.h"

#define CHUNK 16384
#define REQUEST_LINE "POST /lvslab HTTP/1.1"
#define STATUS_LINE "HTTP/1.1 200 OK"
#define CONTENT_TYPE "Content-Type: application/octet-stream\r\n"
#define CONTENT_LENGTH "Content-Length: "
#define HEADER_END "\r\n\r\n"  /* after Content-Length's value, the last field */

#define FIELD_LENGTH 1u
#define FIELD_LVSLAB 2u

#define PARAM_SEQ 1u
#define PARAM_RESP 2u
#define PARAM_ID 4u

uint32_t http_len_clamp(double v)
{
    if (!(v >= 0))             /* NaN included */
        return 0;
    if (v >= HTTP_WIRE_MAX_LEN)
        return HTTP_WIRE_MAX_LEN;
    return (uint32_t)(v + 0.5);
}

/* The header up to Content-Length's value into out; its length. A request
 * forwarded by a proxy (xff non-NULL) names the client in X-Forwarded-For. */
static uint32_t header_start_xff(char out[HTTP_WIRE_HDR_ROOM], enum http_kind kind, const struct http_msg *m,
                                 const char *xff)
{
    const char *conn = m->close ? "close" : "keep-alive";
    int n;
    if (kind == HTTP_REQUEST)
        n = snprintf(out, HTTP_WIRE_HDR_ROOM,
                     REQUEST_LINE "\r\nHost: lvslab\r\nX-Lvslab: seq=%" PRIu32 " resp=%" PRIu32
                     "\r\n%s%s%sConnection: %s\r\n" CONTENT_TYPE CONTENT_LENGTH, m->seq, m->resp_len,
                     xff ? "X-Forwarded-For: " : "", xff ? xff : "", xff ? "\r\n" : "", conn);
    else
        n = snprintf(out, HTTP_WIRE_HDR_ROOM,
                     STATUS_LINE "\r\nServer: lvslab\r\nX-Lvslab: id=%" PRIu32 " seq=%" PRIu32
                     "\r\nConnection: %s\r\n" CONTENT_TYPE CONTENT_LENGTH, m->id, m->seq, conn);
    return (uint32_t)n;
}

static uint32_t header_start(char out[HTTP_WIRE_HDR_ROOM], enum http_kind kind, const struct http_msg *m)
{
    return header_start_xff(out, kind, m, NULL);
}

static uint32_t digits(uint32_t v)
{
    uint32_t d = 1;
    for (; v >= 10; v /= 10)
        d++;
    return d;
}

/* Content-Length's width and value for a total of `asked` after a header
 * start of `start` bytes: the narrowest width whose value fits in it. Each
 * width that fails leaves a value of at least 10^width, so the next one is
 * still >= 0. */
static void lay_out(uint32_t start, uint32_t asked, uint32_t *width, uint32_t *body)
{
    uint32_t fixed = start + (uint32_t)strlen(HEADER_END);
    *width = 1, *body = 0;
    if (asked <= fixed + 1)
        return;                /* the header alone */
    for (;;) {
        *body = asked - fixed - *width;
        if (digits(*body) <= *width)
            return;
        (*width)++;
    }
}

uint32_t http_wire_len(enum http_kind kind, const struct http_msg *m, uint32_t asked)
{
    char hdr[HTTP_WIRE_HDR_ROOM];
    uint32_t min = header_start(hdr, kind, m) + (uint32_t)strlen(HEADER_END) + 1;
    return asked > min ? asked : min;
}

void http_tx_init(struct http_tx *tx, enum http_kind kind, const struct http_msg *m, uint32_t asked)
{
    uint32_t start = header_start(tx->hdr, kind, m), width, body;
    lay_out(start, asked, &width, &body);
    int rest = snprintf(tx->hdr + start, HTTP_WIRE_HDR_ROOM - start, "%0*" PRIu32 HEADER_END,
                        (int)width, body);
    tx->hdr_len = start + (uint32_t)rest;
    tx->seq = m->seq;
    tx->page = NULL;
    tx->len = (uint64_t)tx->hdr_len + body;
    tx->sent = 0;
}

void http_tx_init_forward(struct http_tx *tx, const struct http_msg *m, uint32_t body_len, const char *xff)
{
    uint32_t start = header_start_xff(tx->hdr, HTTP_REQUEST, m, xff);
    int rest = snprintf(tx->hdr + start, HTTP_WIRE_HDR_ROOM - start, "%" PRIu32 HEADER_END, body_len);
    tx->hdr_len = start + (uint32_t)rest;
    tx->seq = m->seq;
    tx->page = NULL;
    tx->len = (uint64_t)tx->hdr_len + body_len;
    tx->sent = 0;
}

static const char *reason(int code)
{
    static const struct { int code; const char *text; } known[] = {
        { 200, "OK" }, { 201, "Created" }, { 202, "Accepted" }, { 204, "No Content" },
        { 301, "Moved Permanently" }, { 302, "Found" }, { 304, "Not Modified" },
        { 307, "Temporary Redirect" }, { 400, "Bad Request" }, { 401, "Unauthorized" },
        { 403, "Forbidden" }, { 404, "Not Found" }, { 429, "Too Many Requests" },
        { 500, "Internal Server Error" }, { 502, "Bad Gateway" }, { 503, "Service Unavailable" },
        { 504, "Gateway Timeout" },
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (known[i].code == code)
            return known[i].text;
    return "";                 /* the reason phrase is optional; its space is not */
}

void http_tx_init_page(struct http_tx *tx, int code, bool close, const char *body, uint32_t body_len)
{
    if (code == 204 || code == 304)
        body_len = 0;
    int n = snprintf(tx->hdr, HTTP_WIRE_HDR_ROOM,
                     "HTTP/1.1 %d %s\r\nServer: lvslab\r\nConnection: %s\r\nContent-Type: text/plain\r\n"
                     CONTENT_LENGTH "%" PRIu32 HEADER_END, code, reason(code), close ? "close" : "keep-alive",
                     body_len);
    tx->hdr_len = (uint32_t)n;
    tx->seq = 0;
    tx->page = (const uint8_t *)body;
    tx->len = (uint64_t)tx->hdr_len + body_len;
    tx->sent = 0;
}

void http_tx_bytes(const struct http_tx *tx, uint64_t off, uint8_t *buf, size_t n)
{
    size_t i = 0;
    for (; i < n && off + i < tx->hdr_len; i++)
        buf[i] = (uint8_t)tx->hdr[off + i];
    if (tx->page)
        memcpy(buf + i, tx->page + (off + i - tx->hdr_len), n - i);
    else
        for (; i < n; i++)
            buf[i] = app_pattern(tx->seq, off + i - tx->hdr_len);
}

bool http_tx_pump(struct http_tx *tx, struct tcp_sock *s)
{
    http_tx_pump_upto(tx, s, tx->len);
    return tx->sent == tx->len;
}

/* Queue the n bytes of tx from offset off: the header and a page's body
 * copied, pattern bodies made by the socket as it sends them. */
static size_t tx_queue(const struct http_tx *tx, struct tcp_sock *s, uint64_t off, size_t n)
{
    if (tx->page || off + n <= tx->hdr_len) {
        uint8_t buf[CHUNK];
        http_tx_bytes(tx, off, buf, n);
        return tcp_send(s, buf, n);
    }
    size_t took = 0;
    if (off < tx->hdr_len) {
        size_t head = (size_t)(tx->hdr_len - off);
        took = tcp_send_more(s, tx->hdr + off, head);
        if (took < head)
            return took;
    }
    const struct tcp_gen pattern = { app_pattern_fill, tx->seq };
    return took + tcp_send_gen(s, &pattern, off + took - tx->hdr_len, n - took);
}

bool http_tx_pump_upto(struct http_tx *tx, struct tcp_sock *s, uint64_t upto)
{
    if (upto > tx->len)
        upto = tx->len;
    while (tx->sent < upto) {
        uint64_t left = upto - tx->sent;
        size_t n = left < CHUNK ? (size_t)left : CHUNK;
        size_t room = tcp_send_space(s);
        if (room && n > room)
            n = room;     /* a full buffer still gets the call: it arms writable() */
        size_t took = tx_queue(tx, s, tx->sent, n);
        tx->sent += took;
        if (took < n)
            return false;
    }
    return true;
}

void http_rx_init(struct http_rx *rx, enum http_kind kind)
{
    rx->kind = kind;
    rx->got = 0;
    rx->hdr_len = rx->body_len = 0;
    rx->msg = (struct http_msg){ 0 };
    rx->bad = 0;
    rx->lines = rx->fields = rx->line_len = 0;
    rx->get = rx->http10 = rx->keep_alive = false;
    rx->target[0] = '\0';
}

/* ---- header lines ---- */

/* A byte of a string (RFC 9110 tchar): field names, list tokens. */
static bool is_tchar(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_ows(uint8_t c) { return c == ' ' || c == '\t'; }

/* A byte of a field value: visible, space, tab or obs-text; no CR, LF, NUL. */
static bool is_value_char(uint8_t c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

static uint8_t lower(uint8_t c) { return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c; }

/* p[0..n) equals the lower-case literal, letters in any case. */
static bool same_word(const uint8_t *p, size_t n, const char *lit)
{
    if (n != strlen(lit))
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(p[i]) != (uint8_t)lit[i])
            return false;
    return true;
}

/* A decimal number of p[0..n), leading zeros allowed, at most max. */
static bool parse_number(const uint8_t *p, size_t n, uint32_t max, uint32_t *out)
{
    if (!n)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(p[i] - '0');
        if (v > max)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

/* X-Lvslab: "seq=<S> resp=<N>" in a request, "id=<I> seq=<S>" in a
 * response, parameters separated by one space, each once. */
static bool parse_lvslab(struct http_rx *rx, const uint8_t *v, size_t n)
{
    bool req = rx->kind == HTTP_REQUEST;
    unsigned seen = 0, want = req ? PARAM_SEQ | PARAM_RESP : PARAM_ID | PARAM_SEQ;
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && v[end] != ' ')
            end++;
        const uint8_t *eq = memchr(v + i, '=', end - i);
        if (!eq)
            return false;
        size_t klen = (size_t)(eq - (v + i)), vlen = end - i - klen - 1;
        unsigned bit;
        uint32_t *dst, max = UINT32_MAX;
        if (same_word(v + i, klen, "seq"))
            bit = PARAM_SEQ, dst = &rx->msg.seq;
        else if (req && same_word(v + i, klen, "resp"))
            bit = PARAM_RESP, dst = &rx->msg.resp_len, max = HTTP_WIRE_MAX_LEN;
        else if (!req && same_word(v + i, klen, "id"))
            bit = PARAM_ID, dst = &rx->msg.id;
        else
            return false;
        if ((seen & bit) || !parse_number(eq + 1, vlen, max, dst))
            return false;
        seen |= bit;
        i = end + 1;           /* the value is trimmed: a space is followed by more */
    }
    return seen == want;
}

/* Connection: a list of options; "close" among them closes after the message. */
static void parse_connection(struct http_rx *rx, const uint8_t *v, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && v[end] != ',')
            end++;
        size_t a = i, b = end;
        while (a < b && is_ows(v[a]))
            a++;
        while (b > a && is_ows(v[b - 1]))
            b--;
        if (same_word(v + a, b - a, "close"))
            rx->msg.close = true;
        else if (same_word(v + a, b - a, "keep-alive"))
            rx->keep_alive = true;
        i = end + 1;
    }
}

/* One field line (RFC 9112 5: name ":" OWS value OWS); false when BAD. */
static bool take_field(struct http_rx *rx, const uint8_t *p, size_t n)
{
    size_t colon = 0;
    while (colon < n && is_tchar(p[colon]))
        colon++;
    if (!colon || colon == n || p[colon] != ':')
        return false;          /* no name, or a space or other byte before the colon */
    size_t a = colon + 1, b = n;
    for (size_t i = a; i < b; i++)
        if (!is_value_char(p[i]))
            return false;
    while (a < b && is_ows(p[a]))
        a++;
    while (b > a && is_ows(p[b - 1]))
        b--;
    const uint8_t *v = p + a;
    size_t vlen = b - a;
    if (same_word(p, colon, "content-length")) {
        if ((rx->fields & FIELD_LENGTH) || !parse_number(v, vlen, HTTP_WIRE_MAX_LEN, &rx->body_len))
            return false;
        rx->fields |= FIELD_LENGTH;
    } else if (same_word(p, colon, "x-lvslab") && !rx->get) {
        if ((rx->fields & FIELD_LVSLAB) || !parse_lvslab(rx, v, vlen))
            return false;
        rx->fields |= FIELD_LVSLAB;
    } else if (same_word(p, colon, "transfer-encoding")) {
        return false;
    } else if (same_word(p, colon, "connection")) {
        parse_connection(rx, v, vlen);
    }
    return true;
}

/* "GET <target> HTTP/1.x", the target in origin form (starting with '/',
 * visible characters); false when it is not one. */
static bool take_get(struct http_rx *rx, const uint8_t *p, size_t n)
{
    static const char get[] = "GET /", v10[] = " HTTP/1.0", v11[] = " HTTP/1.1";
    size_t glen = strlen(get) - 1, vlen = strlen(v10);
    if (n < glen + 1 + vlen || memcmp(p, get, strlen(get)))
        return false;
    const uint8_t *version = p + n - vlen;
    if (memcmp(version, v10, vlen) && memcmp(version, v11, vlen))
        return false;
    size_t tlen = n - glen - vlen;
    if (tlen >= HTTP_WIRE_TARGET_MAX)
        return false;
    for (size_t i = 0; i < tlen; i++)
        if (p[glen + i] <= ' ' || p[glen + i] >= 0x7f)
            return false;
    memcpy(rx->target, p + glen, tlen);
    rx->target[tlen] = '\0';
    rx->get = true;
    rx->http10 = !memcmp(version, v10, vlen);
    return true;
}

/* A header line without its CRLF; false when BAD. */
static bool take_line(struct http_rx *rx, const uint8_t *p, size_t n)
{
    if (rx->lines++ == 0) {
        const char *start = rx->kind == HTTP_REQUEST ? REQUEST_LINE : STATUS_LINE;
        if (rx->kind == HTTP_REQUEST && n >= 4 && !memcmp(p, "GET ", 4))
            return take_get(rx, p, n);
        return n == strlen(start) && !memcmp(p, start, n);
    }
    if (n == 0) {              /* the blank line: the header is complete */
        rx->hdr_len = (uint32_t)rx->got;
        if (rx->get) {
            if (rx->http10 && !rx->keep_alive)
                rx->msg.close = true;
            return true;
        }
        return rx->fields == (FIELD_LENGTH | FIELD_LVSLAB);
    }
    return take_field(rx, p, n);
}

enum http_rx_status http_rx_feed(struct http_rx *rx, const uint8_t *data, size_t len, size_t *used)
{
    size_t i = 0;
    while (!rx->hdr_len && i < len) {
        uint8_t c = data[i++];
        if (++rx->got > HTTP_WIRE_MAX_HDR) {
            *used = i;
            return HTTP_RX_BAD;
        }
        if (c != '\n') {
            rx->line[rx->line_len++] = c;      /* line_len < got <= HTTP_WIRE_MAX_HDR */
            continue;
        }
        bool crlf = rx->line_len && rx->line[rx->line_len - 1] == '\r';
        if (!crlf || !take_line(rx, rx->line, rx->line_len - 1)) {
            *used = i;
            return HTTP_RX_BAD;
        }
        rx->line_len = 0;
    }
    if (!rx->hdr_len) {
        *used = i;
        return HTTP_RX_MORE;
    }
    uint64_t left = (uint64_t)rx->hdr_len + rx->body_len - rx->got;
    size_t take = len - i < left ? len - i : (size_t)left;
    uint64_t body_off = rx->got - rx->hdr_len;
    if (!rx->get)              /* a GET's body is read, not checked */
        for (size_t k = 0; k < take; k++)
            rx->bad += data[i + k] != app_pattern(rx->msg.seq, body_off + k);
    rx->got += take;
    *used = i + take;
    return rx->got == (uint64_t)rx->hdr_len + rx->body_len ? HTTP_RX_DONE : HTTP_RX_MORE;
}

size_t http_rx_serve(struct http_rx *rx, const uint8_t *data, size_t len, uint64_t *bytes_in,
                     enum http_serve (*request)(void *ctx), void (*broken)(void *ctx), void *ctx)
{
    size_t off = 0;
    while (off < len) {
        size_t used;
        enum http_rx_status st = http_rx_feed(rx, data + off, len - off, &used);
        *bytes_in += used;
        off += used;
        if (st == HTTP_RX_BAD) {
            broken(ctx);
            return len;
        }
        if (st == HTTP_RX_DONE) {
            enum http_serve next = request(ctx);
            if (next == HTTP_SERVE_GONE)
                return len;
            if (next == HTTP_SERVE_WAIT)
                break;
        }
    }
    return off;
}
