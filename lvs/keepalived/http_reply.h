/*
 * An HTTP_GET checker's view of a response arriving in pieces, as
 * keepalived reads it: the status code from the first line ("HTTP/1.x NNN "),
 * the header up to the empty line, a "Content-Length:" header if any, and
 * the MD5 of the body (at most Content-Length bytes of it). Fixed size: no
 * allocation per response.
 */
#ifndef LVS_KEEPALIVED_HTTP_REPLY_H
#define LVS_KEEPALIVED_HTTP_REPLY_H

#include <nettle/md5.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KA_HTTP_LINE_MAX 128      /* header bytes kept per line: enough for the fields read */

struct ka_http_reply {
    char line[KA_HTTP_LINE_MAX];  /* the header line being read (truncated) */
    size_t line_len;
    int lines;                    /* header lines completed */
    bool crlf;                    /* the last one ended in CRLF */
    int status;                   /* 0 until read, or when malformed */
    bool in_body;
    bool has_length;
    uint64_t length;              /* Content-Length */
    uint64_t received;            /* every byte, header included */
    uint64_t body;                /* body bytes seen */
    struct md5_ctx md5;
};

void ka_http_reply_init(struct ka_http_reply *r);
void ka_http_reply_feed(struct ka_http_reply *r, const uint8_t *data, size_t len);
/* The body's MD5 so far (call once, at the end). */
void ka_http_reply_digest(struct ka_http_reply *r, uint8_t out[16]);

#endif
