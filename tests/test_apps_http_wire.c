/* The HTTP/1.1 framing of the HTTP-like workload: the exact header written,
 * every total length met exactly (header included, zero-padded
 * Content-Length at the powers of ten, the header alone below its own
 * length), the streaming parser with a header cut at every byte, two
 * messages back to back, changed body bytes counted, and BAD for every
 * malformed line, missing or repeated field, and a header over 1024 bytes. */
#define _GNU_SOURCE    /* memmem */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "apps/http_wire.h"

#define START_REQ "POST /lvslab HTTP/1.1\r\n"
#define LVSLAB_REQ "X-Lvslab: seq=1 resp=100\r\n"
#define LENGTH_0 "Content-Length: 0\r\n"

static uint8_t msg[1 << 16];

/* Message m asked `asked` bytes into msg; its length. */
static size_t build(struct http_tx *tx, enum http_kind kind, const struct http_msg *m, uint32_t asked)
{
    http_tx_init(tx, kind, m, asked);
    cr_assert_leq(tx->len, sizeof msg);
    http_tx_bytes(tx, 0, msg, (size_t)tx->len);
    return (size_t)tx->len;
}

static enum http_rx_status feed_text(struct http_rx *rx, enum http_kind kind, const char *text, size_t *used)
{
    http_rx_init(rx, kind);
    return http_rx_feed(rx, (const uint8_t *)text, strlen(text), used);
}

Test(apps_http_wire, request_as_written_and_read_back)
{
    struct http_tx tx;
    struct http_msg m = { .seq = 7, .resp_len = 1234 };
    size_t n = build(&tx, HTTP_REQUEST, &m, 500);
    cr_assert_eq(n, 500);
    char want[HTTP_WIRE_HDR_ROOM];
    snprintf(want, sizeof want,
             "POST /lvslab HTTP/1.1\r\nHost: lvslab\r\nX-Lvslab: seq=7 resp=1234\r\n"
             "Connection: keep-alive\r\nContent-Type: application/octet-stream\r\n"
             "Content-Length: %u\r\n\r\n", 500 - tx.hdr_len);
    cr_assert_eq(tx.hdr_len, strlen(want));
    cr_assert_eq(memcmp(msg, want, tx.hdr_len), 0, "%.*s", (int)tx.hdr_len, (const char *)msg);
    struct http_rx rx;
    http_rx_init(&rx, HTTP_REQUEST);
    size_t used;
    cr_assert_eq(http_rx_feed(&rx, msg, n, &used), HTTP_RX_DONE);
    cr_assert_eq(used, n);
    cr_assert(rx.msg.seq == 7 && rx.msg.resp_len == 1234 && !rx.msg.close);
    cr_assert_eq(rx.hdr_len, tx.hdr_len);
    cr_assert_eq(rx.body_len, 500 - tx.hdr_len);
    cr_assert_eq(rx.got, 500);
    cr_assert_eq(rx.bad, 0);
}

Test(apps_http_wire, response_names_its_server_and_closes)
{
    struct http_tx tx;
    struct http_msg m = { .seq = 42, .id = 167772171, .close = true };
    size_t n = build(&tx, HTTP_RESPONSE, &m, 300);
    cr_assert_eq(n, 300);
    static const char head[] = "HTTP/1.1 200 OK\r\nServer: lvslab\r\nX-Lvslab: id=167772171 seq=42\r\n"
                               "Connection: close\r\nContent-Type: application/octet-stream\r\n"
                               "Content-Length: ";
    cr_assert_eq(memcmp(msg, head, strlen(head)), 0, "%.*s", (int)tx.hdr_len, (const char *)msg);
    struct http_rx rx;
    http_rx_init(&rx, HTTP_RESPONSE);
    size_t used;
    cr_assert_eq(http_rx_feed(&rx, msg, n, &used), HTTP_RX_DONE);
    cr_assert(rx.msg.seq == 42 && rx.msg.id == 167772171 && rx.msg.close && rx.bad == 0);
    /* a response is no request, nor a request a response */
    http_rx_init(&rx, HTTP_REQUEST);
    cr_assert_eq(http_rx_feed(&rx, msg, n, &used), HTTP_RX_BAD);
    build(&tx, HTTP_REQUEST, &(struct http_msg){ .seq = 42, .resp_len = 9 }, 300);
    http_rx_init(&rx, HTTP_RESPONSE);
    cr_assert_eq(http_rx_feed(&rx, msg, n, &used), HTTP_RX_BAD);
}

/* Every cut of each kind of message, header and body: the first piece is
 * all taken and wants more, the second completes it. */
Test(apps_http_wire, header_split_at_every_byte)
{
    for (int kind = HTTP_REQUEST; kind <= HTTP_RESPONSE; kind++) {
        struct http_tx tx;
        struct http_msg m = { .seq = 123456, .resp_len = 777, .id = 3232235777u };
        size_t n = build(&tx, kind, &m, 400);
        for (size_t cut = 0; cut < n; cut++) {
            struct http_rx rx;
            http_rx_init(&rx, kind);
            size_t used;
            cr_assert_eq(http_rx_feed(&rx, msg, cut, &used), HTTP_RX_MORE, "cut at %zu", cut);
            cr_assert_eq(used, cut);
            cr_assert_eq(http_rx_feed(&rx, msg + cut, n - cut, &used), HTTP_RX_DONE, "cut at %zu", cut);
            cr_assert_eq(used, n - cut);
            cr_assert(rx.msg.seq == 123456 && rx.bad == 0 && rx.got == n);
            cr_assert_eq(kind == HTTP_REQUEST ? rx.msg.resp_len : rx.msg.id,
                         kind == HTTP_REQUEST ? 777 : 3232235777u);
        }
        /* and a byte at a time */
        struct http_rx rx;
        http_rx_init(&rx, kind);
        for (size_t i = 0; i < n; i++) {
            size_t used;
            cr_assert_eq(http_rx_feed(&rx, msg + i, 1, &used), i + 1 == n ? HTTP_RX_DONE : HTTP_RX_MORE);
            cr_assert_eq(used, 1);
        }
    }
}

/* The header of a message asked `asked` bytes reads back with the body
 * length that makes the total; true when Content-Length was zero-padded. */
static bool check_total(enum http_kind kind, const struct http_msg *m, uint32_t asked)
{
    struct http_tx tx;
    http_tx_init(&tx, kind, m, asked);
    uint32_t min = http_wire_len(kind, m, 0);
    cr_assert_eq(tx.len, asked > min ? asked : min, "asked %u: %llu bytes", asked, (unsigned long long)tx.len);
    cr_assert_eq(http_wire_len(kind, m, asked), tx.len);
    uint8_t hdr[HTTP_WIRE_HDR_ROOM];
    http_tx_bytes(&tx, 0, hdr, tx.hdr_len);
    struct http_rx rx;
    http_rx_init(&rx, kind);
    size_t used;
    enum http_rx_status st = http_rx_feed(&rx, hdr, tx.hdr_len, &used);
    cr_assert_eq(st, tx.len == tx.hdr_len ? HTTP_RX_DONE : HTTP_RX_MORE, "asked %u", asked);
    cr_assert_eq(rx.hdr_len, tx.hdr_len);
    cr_assert_eq((uint64_t)rx.hdr_len + rx.body_len, tx.len, "asked %u", asked);
    const char *value = memmem(hdr, tx.hdr_len, "Content-Length: ", 16);
    cr_assert_not_null(value);
    return value[16] == '0' && value[17] != '\r';
}

Test(apps_http_wire, every_total_is_met_exactly)
{
    for (int kind = HTTP_REQUEST; kind <= HTTP_RESPONSE; kind++) {
        struct http_msg m = { .seq = 99, .resp_len = 5000, .id = 167772162 };
        for (uint32_t asked = 0; asked < 20000; asked++)
            check_total(kind, &m, asked);
        /* at each power of ten one total needs a zero-padded Content-Length */
        uint32_t fixed = http_wire_len(kind, &m, 0) - 1;
        for (uint32_t d = 1, p = 10; d <= 9; d++, p *= 10) {
            int padded = 0;
            for (uint32_t asked = fixed + p - 3; asked < fixed + p + d + 3; asked++)
                padded += check_total(kind, &m, asked);
            cr_assert_eq(padded, 1, "%d padded totals around %u", padded, p);
            cr_assert(check_total(kind, &m, fixed + d + p), "the total %u is the padded one", fixed + d + p);
        }
        check_total(kind, &m, HTTP_WIRE_MAX_LEN);
    }
}

/* Asked for less than the header with an empty body, a message is that header. */
Test(apps_http_wire, below_the_header_a_message_is_the_header_alone)
{
    struct http_msg m = { .seq = 5, .resp_len = 10 };
    uint32_t min = http_wire_len(HTTP_REQUEST, &m, 0);
    cr_assert(min > 140 && min < 160, "a minimal request of %u bytes", min);
    uint32_t asks[] = { 0, 1, 100, min - 1, min };
    for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++) {
        struct http_tx tx;
        size_t n = build(&tx, HTTP_REQUEST, &m, asks[i]);
        cr_assert_eq(n, min, "asked %u", asks[i]);
        cr_assert_eq(tx.hdr_len, min);
        cr_assert_not_null(memmem(msg, n, "Content-Length: 0\r\n\r\n", 21));
        struct http_rx rx;
        http_rx_init(&rx, HTTP_REQUEST);
        size_t used;
        cr_assert_eq(http_rx_feed(&rx, msg, n, &used), HTTP_RX_DONE);
        cr_assert(rx.body_len == 0 && used == n);
    }
    struct http_tx tx;
    cr_assert_eq(build(&tx, HTTP_REQUEST, &m, min + 1), min + 1);
    cr_assert_eq(tx.hdr_len, min);   /* "Content-Length: 1" */
}

Test(apps_http_wire, changed_body_bytes_are_counted)
{
    struct http_tx tx;
    size_t n = build(&tx, HTTP_RESPONSE, &(struct http_msg){ .seq = 3, .id = 1 }, 2000);
    msg[tx.hdr_len] ^= 1;
    msg[tx.hdr_len + 500] ^= 0x40;
    msg[n - 1] ^= 0xff;
    struct http_rx rx;
    http_rx_init(&rx, HTTP_RESPONSE);
    size_t used;
    cr_assert_eq(http_rx_feed(&rx, msg, 1000, &used), HTTP_RX_MORE);
    cr_assert_eq(http_rx_feed(&rx, msg + 1000, n - 1000, &used), HTTP_RX_DONE);
    cr_assert_eq(rx.bad, 3);
    /* the body follows its own sequence number: another one's bytes are all wrong */
    build(&tx, HTTP_RESPONSE, &(struct http_msg){ .seq = 3, .id = 1 }, 2000);
    char *seq = memmem(msg, tx.hdr_len, "seq=3\r\n", 7);
    cr_assert_not_null(seq);
    seq[4] = '4';
    http_rx_init(&rx, HTTP_RESPONSE);
    cr_assert_eq(http_rx_feed(&rx, msg, n, &used), HTTP_RX_DONE);
    cr_assert_eq(rx.msg.seq, 4);
    cr_assert_gt(rx.bad, (n - tx.hdr_len) * 9 / 10);
}

Test(apps_http_wire, two_messages_back_to_back)
{
    struct http_tx a, b;
    http_tx_init(&a, HTTP_REQUEST, &(struct http_msg){ .seq = 1, .resp_len = 10 }, 300);
    http_tx_init(&b, HTTP_REQUEST, &(struct http_msg){ .seq = 2, .resp_len = 20, .close = true }, 0);
    http_tx_bytes(&a, 0, msg, 300);
    http_tx_bytes(&b, 0, msg + 300, (size_t)b.len);
    size_t n = 300 + (size_t)b.len, used;
    struct http_rx rx;
    http_rx_init(&rx, HTTP_REQUEST);
    cr_assert_eq(http_rx_feed(&rx, msg, n, &used), HTTP_RX_DONE);
    cr_assert(used == 300 && rx.msg.seq == 1 && !rx.msg.close);
    http_rx_reset(&rx);
    cr_assert_eq(rx.kind, HTTP_REQUEST);
    cr_assert_eq(http_rx_feed(&rx, msg + 300, n - 300, &used), HTTP_RX_DONE);
    cr_assert(used == n - 300 && rx.msg.seq == 2 && rx.msg.resp_len == 20 && rx.msg.close);
}

/* Fields are matched in any case, values trimmed of spaces and tabs,
 * unknown fields ignored, Connection read as a list. */
Test(apps_http_wire, fields_read_as_http_allows)
{
    struct http_rx rx;
    size_t used;
    cr_assert_eq(feed_text(&rx, HTTP_REQUEST,
                           START_REQ "host: x\r\nACCEPT: */*\r\nx-lvslab:seq=8 resp=0 \t\r\n"
                           "connection: Keep-Alive , CLOSE\r\ncontent-length:\t0\r\n\r\n", &used),
                 HTTP_RX_DONE);
    cr_assert(rx.msg.seq == 8 && rx.msg.resp_len == 0 && rx.msg.close && rx.body_len == 0);
    cr_assert_eq(feed_text(&rx, HTTP_REQUEST, START_REQ LVSLAB_REQ LENGTH_0 "\r\n", &used), HTTP_RX_DONE);
    cr_assert_not(rx.msg.close, "HTTP/1.1 keeps the connection by default");
    cr_assert_eq(feed_text(&rx, HTTP_REQUEST, START_REQ LVSLAB_REQ "Content-Length: 0007\r\n\r\n", &used),
                 HTTP_RX_MORE);
    cr_assert_eq(rx.body_len, 7);
}

Test(apps_http_wire, malformed_headers_are_bad)
{
    static const struct { enum http_kind kind; const char *text; } cases[] = {
        { HTTP_REQUEST, "HEAD / HTTP/1.0\r\n\r\n" },
        { HTTP_REQUEST, "GET  / HTTP/1.0\r\n" },
        { HTTP_REQUEST, "GET /a b HTTP/1.0\r\n" },
        { HTTP_REQUEST, "GET http://lvslab/ HTTP/1.1\r\n" },               /* origin form only */
        { HTTP_REQUEST, "GET / HTTP/2.0\r\n" },
        { HTTP_REQUEST, "GET /\r\n" },                                        /* HTTP/0.9 */
        { HTTP_REQUEST, "GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n" },
        { HTTP_REQUEST, "POST /lvslab HTTP/1.0\r\n" LVSLAB_REQ LENGTH_0 "\r\n" },
        { HTTP_REQUEST, "\r\n" START_REQ LVSLAB_REQ LENGTH_0 "\r\n" },
        { HTTP_REQUEST, "POST /lvslab HTTP/1.1\n" },                           /* a bare LF */
        { HTTP_REQUEST, START_REQ "Host: lvslab\n" },
        { HTTP_REQUEST, START_REQ "Host lvslab\r\n" },                         /* no colon */
        { HTTP_REQUEST, START_REQ ": lvslab\r\n" },                            /* no name */
        { HTTP_REQUEST, START_REQ "Content-Length : 0\r\n" },                  /* space before ':' */
        { HTTP_REQUEST, START_REQ "Ho(st: lvslab\r\n" },                       /* not a token */
        { HTTP_REQUEST, START_REQ "Host: lvslab\r\n folded\r\n" },             /* obs-fold */
        { HTTP_REQUEST, START_REQ "Host: lv\x01slab\r\n" },                    /* a control byte */
        { HTTP_REQUEST, START_REQ "Host: lv\rslab\r\n" },                      /* a lone CR */
        { HTTP_REQUEST, START_REQ LVSLAB_REQ "\r\n" },                         /* no Content-Length */
        { HTTP_REQUEST, START_REQ LENGTH_0 "\r\n" },                           /* no X-Lvslab */
        { HTTP_REQUEST, START_REQ "X-Lvslab: seq=1\r\n" LENGTH_0 "\r\n" },     /* no resp */
        { HTTP_REQUEST, START_REQ "X-Lvslab: seq=1 resp=2 more=3\r\n" },
        { HTTP_REQUEST, START_REQ "X-Lvslab: id=1 seq=2\r\n" },                /* a response's */
        { HTTP_REQUEST, START_REQ "X-Lvslab: seq=1  resp=2\r\n" },
        { HTTP_REQUEST, START_REQ "X-Lvslab: seq=1 seq=2 resp=2\r\n" },
        { HTTP_REQUEST, START_REQ "X-Lvslab: seq=4294967296 resp=2\r\n" },
        { HTTP_REQUEST, START_REQ "X-Lvslab: seq=1 resp=2147483648\r\n" },
        { HTTP_REQUEST, START_REQ "X-Lvslab: seq= resp=2\r\n" },
        { HTTP_REQUEST, START_REQ "X-Lvslab: seq=1 resp\r\n" },
        { HTTP_REQUEST, START_REQ LVSLAB_REQ LVSLAB_REQ },
        { HTTP_REQUEST, START_REQ "Content-Length: 12a\r\n" },
        { HTTP_REQUEST, START_REQ "Content-Length: -1\r\n" },
        { HTTP_REQUEST, START_REQ "Content-Length: \r\n" },
        { HTTP_REQUEST, START_REQ "Content-Length: 2147483648\r\n" },
        { HTTP_REQUEST, START_REQ "Content-Length: 1, 1\r\n" },
        { HTTP_REQUEST, START_REQ LENGTH_0 LENGTH_0 },
        { HTTP_REQUEST, START_REQ "Transfer-Encoding: chunked\r\n" },
        { HTTP_RESPONSE, "HTTP/1.1 500 Internal Server Error\r\n" },
        { HTTP_RESPONSE, "HTTP/1.1 200 OK\r\nX-Lvslab: seq=1 resp=2\r\n" },  /* a request's */
        { HTTP_RESPONSE, "HTTP/1.1 200 OK\r\nX-Lvslab: id=1\r\n" LENGTH_0 "\r\n" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct http_rx rx;
        size_t used;
        cr_assert_eq(feed_text(&rx, cases[i].kind, cases[i].text, &used), HTTP_RX_BAD, "case %zu: %s", i,
                     cases[i].text);
    }
}

/* A health checker's GET: keepalived's HTTP_GET sends HTTP/1.0 with no
 * Connection field, so the server closes after its answer; an HTTP/1.1 GET
 * keeps the connection unless it says close; neither needs X-Lvslab or
 * Content-Length, and a body is read without being checked. */
Test(apps_http_wire, get_requests_are_read)
{
    struct http_rx rx;
    size_t used;
    const char *ka = "GET /health?x=1 HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 10.0.0.11:80\r\n\r\n";
    cr_assert_eq(feed_text(&rx, HTTP_REQUEST, ka, &used), HTTP_RX_DONE);
    cr_assert_eq(used, strlen(ka));
    cr_assert(rx.get && rx.http10 && rx.msg.close);
    cr_assert_str_eq(rx.target, "/health?x=1");
    cr_assert_eq(feed_text(&rx, HTTP_REQUEST, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &used),
                 HTTP_RX_DONE);
    cr_assert_not(rx.msg.close);
    cr_assert_eq(feed_text(&rx, HTTP_REQUEST, "GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n", &used), HTTP_RX_DONE);
    cr_assert(rx.get && !rx.http10 && !rx.msg.close);
    cr_assert_eq(feed_text(&rx, HTTP_REQUEST, "GET / HTTP/1.1\r\nConnection: close\r\n"
                           "X-Lvslab: anything\r\nContent-Length: 3\r\n\r\nabc", &used), HTTP_RX_DONE);
    cr_assert(rx.msg.close && rx.body_len == 3 && rx.bad == 0 && rx.got == used);
}

/* A page: the status line with its reason (or none), the body as given;
 * 204 and 304 carry none. */
Test(apps_http_wire, pages_answer_gets)
{
    struct http_tx tx;
    http_tx_init_page(&tx, 503, true, "down\n", 5);
    cr_assert_eq(tx.len, tx.hdr_len + 5);
    http_tx_bytes(&tx, 0, msg, (size_t)tx.len);
    const char *want = "HTTP/1.1 503 Service Unavailable\r\nServer: lvslab\r\nConnection: close\r\n"
                       "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\ndown\n";
    cr_assert_eq(tx.len, strlen(want));
    cr_assert_eq(memcmp(msg, want, tx.len), 0, "%.*s", (int)tx.len, (const char *)msg);
    http_tx_init_page(&tx, 299, false, "x", 1);
    http_tx_bytes(&tx, 0, msg, (size_t)tx.len);
    cr_assert_eq(memcmp(msg, "HTTP/1.1 299 \r\n", 15), 0);
    http_tx_init_page(&tx, 204, false, "x", 1);
    cr_assert_eq(tx.len, tx.hdr_len);
}

/* A header of 1024 bytes is read; one of 1025 is BAD at its 1025th byte. */
Test(apps_http_wire, header_size_is_bounded)
{
    for (int over = 0; over <= 1; over++) {
        char text[1200];
        size_t n = (size_t)snprintf(text, sizeof text, START_REQ LVSLAB_REQ LENGTH_0);
        size_t pad = HTTP_WIRE_MAX_HDR + (size_t)over - n - strlen("X-Pad: \r\n") - 2;
        n += (size_t)snprintf(text + n, sizeof text - n, "X-Pad: %0*d\r\n\r\n", (int)pad, 0);
        cr_assert_eq(n, HTTP_WIRE_MAX_HDR + (size_t)over);
        struct http_rx rx;
        http_rx_init(&rx, HTTP_REQUEST);
        size_t used, off = 0;
        enum http_rx_status st = HTTP_RX_MORE;
        while (st == HTTP_RX_MORE && off < n) {
            size_t piece = n - off < 100 ? n - off : 100;
            st = http_rx_feed(&rx, (const uint8_t *)text + off, piece, &used);
            off += used;
        }
        cr_assert_eq(st, over ? HTTP_RX_BAD : HTTP_RX_DONE);
        cr_assert_eq(off, n);
    }
    /* no line end at all: BAD once the bound is passed, not later */
    static uint8_t junk[4000];
    memset(junk, 'a', sizeof junk);
    struct http_rx rx;
    http_rx_init(&rx, HTTP_RESPONSE);
    size_t used;
    cr_assert_eq(http_rx_feed(&rx, junk, sizeof junk, &used), HTTP_RX_BAD);
    cr_assert_eq(used, HTTP_WIRE_MAX_HDR + 1);
}

Test(apps_http_wire, lengths_clamped)
{
    cr_assert_eq(http_len_clamp(NAN), 0);
    cr_assert_eq(http_len_clamp(-5), 0);
    cr_assert_eq(http_len_clamp(99.5), 100);
    cr_assert_eq(http_len_clamp(1e12), HTTP_WIRE_MAX_LEN);
}
