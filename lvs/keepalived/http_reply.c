/*
 * Reading an HTTP_GET response as keepalived's html.c does: status code
 * between the first two spaces (three digits then a space, else 0),
 * "Content-Length:" matched as written, the body after the first CRLFCRLF
 * fed to MD5 up to Content-Length bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "lvs/keepalived/http_reply.h"

#define CONTENT_LENGTH "Content-Length:"

void ka_http_reply_init(struct ka_http_reply *r)
{
    memset(r, 0, sizeof *r);
    md5_init(&r->md5);
}

static int status_code(const char *line, size_t len)
{
    const char *end = line + len, *p = memchr(line, ' ', len);
    if (!p)
        return 0;
    p++;
    if (end - p < 4 || p[3] != ' ')
        return 0;
    int code = 0;
    for (int i = 0; i < 3; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        code = code * 10 + (p[i] - '0');
    }
    return code;
}

static void header_line(struct ka_http_reply *r)
{
    r->line[r->line_len] = '\0';
    if (r->lines == 0) {
        r->status = status_code(r->line, r->line_len);
    } else if (!r->has_length && !strncmp(r->line, CONTENT_LENGTH, strlen(CONTENT_LENGTH))) {
        char *end;
        unsigned long long n = strtoull(r->line + strlen(CONTENT_LENGTH), &end, 10);
        if (*end == '\0' || *end == '\r') {
            r->has_length = true;
            r->length = n;
        }
    }
    r->lines++;
    r->line_len = 0;
}

static void body(struct ka_http_reply *r, const uint8_t *data, size_t len)
{
    if (r->has_length) {
        uint64_t left = r->length > r->body ? r->length - r->body : 0;
        if (len > left)
            len = (size_t)left;
    }
    md5_update(&r->md5, len, data);
    r->body += len;
}

void ka_http_reply_feed(struct ka_http_reply *r, const uint8_t *data, size_t len)
{
    r->received += len;
    size_t i = 0;
    while (!r->in_body && i < len) {
        uint8_t ch = data[i++];
        if (ch == '\n') {
            bool cr = r->line_len && r->line[r->line_len - 1] == '\r';
            if (cr && r->line_len == 1 && r->lines > 0 && r->crlf) {
                r->in_body = true;   /* CRLFCRLF, the only end keepalived knows */
                break;
            }
            r->crlf = cr;
            r->line_len -= cr;
            header_line(r);
            continue;
        }
        if (r->line_len < KA_HTTP_LINE_MAX - 1)
            r->line[r->line_len++] = (char)ch;
        else
            r->line[KA_HTTP_LINE_MAX - 2] = (char)ch;   /* truncated: keep the last byte (CR) */
    }
    if (r->in_body && i < len)
        body(r, data + i, len - i);
}

void ka_http_reply_digest(struct ka_http_reply *r, uint8_t out[16])
{
    md5_digest(&r->md5, 16, out);
}
