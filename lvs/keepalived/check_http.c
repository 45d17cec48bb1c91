/*
 * HTTP_GET as keepalived's check_http.c: connect, send
 * "GET <path> HTTP/1.0" with keepalived's User-Agent and a Host header of
 * the address and port connected to, read to the end of the response, and
 * pass if the status code is one of the url's (200-299 by default) and, if
 * a digest is given, the body's MD5 matches. connect_timeout bounds the
 * connect and each wait for data. The urls are checked in turn, delay_loop
 * apart; a failure while up is retried `retry` times delay_before_retry
 * apart, then the server is down and the failed url is checked every
 * max(delay_loop, delay_before_retry); once it passes, every url must pass
 * again (a full round, delay_loop later) before the server is up.
 */
#include <stdio.h>
#include <string.h>

#include "lvs/keepalived/check_int.h"
#include "net/tcp.h"

enum http_method {
    HTTP_CHECK_PASSED,   /* keepalived's REGISTER_CHECKER_NEW */
    HTTP_CHECK_RETRY,    /* failed while up (or before the first verdict) */
    HTTP_CHECK_FAILED,   /* failed while known down */
};

static void http_epilog(struct ka_checker *c, enum http_method m)
{
    if (m == HTTP_CHECK_PASSED) {
        c->url_it = c->url_it == c->conf.nurls - 1 ? -1 : c->url_it + 1;
        c->retry_it = 0;
    } else if (m == HTTP_CHECK_RETRY) {
        c->retry_it++;
    }

    if (m == HTTP_CHECK_PASSED && c->url_it < 0 && c->failed_url < 0) {
        if (!c->is_up || !c->has_run) {
            ka_pool_checker_state(c, true);
            c->has_run = true;
        }
        c->url_it = 0;
        c->retry_it = 0;
    } else if (m == HTTP_CHECK_RETRY && c->retry_it > c->conf.retry) {
        if (c->is_up || !c->has_run)
            ka_pool_checker_state(c, false);
        c->failed_url = c->url_it;
    } else if (m == HTTP_CHECK_PASSED && c->failed_url >= 0) {
        c->failed_url = -1;
        c->url_it = 0;
        c->retry_it = 0;
    }

    sim_time_t delay;
    if (m == HTTP_CHECK_PASSED) {
        delay = c->conf.delay_loop;
        if (!c->has_run)
            c->retry_it = c->conf.retry;
    } else if (c->failed_url >= 0) {
        delay = c->conf.delay_before_retry > c->conf.delay_loop ? c->conf.delay_before_retry : c->conf.delay_loop;
    } else {
        delay = c->conf.delay_before_retry;
    }
    rt_timer_arm_in(ka_rt(c), &c->launch, delay);
}

/* keepalived's timeout_epilog: any failure of the exchange. */
static void http_failed(struct ka_checker *c)
{
    if (c->is_up || !c->has_run) {
        c->has_run = true;
        http_epilog(c, HTTP_CHECK_RETRY);
        return;
    }
    http_epilog(c, HTTP_CHECK_FAILED);
}

static bool status_ok(const struct ka_url *u, int status)
{
    for (int i = 0; i < u->nstatus; i++)
        if (status >= u->status[i].lo && status <= u->status[i].hi)
            return true;
    return false;
}

/* http_handle_response, at the end of the response. */
static void http_verdict(struct ka_checker *c)
{
    const struct ka_url *u = &c->conf.urls[c->url_it];
    struct ka_http_reply *r = &c->reply;
    if (r->received == 0 || !r->in_body || !status_ok(u, r->status)) {
        http_failed(c);
        return;
    }
    if (u->has_digest) {
        uint8_t md5[KA_MD5_LEN];
        ka_http_reply_digest(r, md5);
        if (memcmp(md5, u->digest, KA_MD5_LEN)) {
            http_failed(c);
            return;
        }
    }
    http_epilog(c, HTTP_CHECK_PASSED);
}

static void http_connected(void *ctx, struct tcp_sock *s)
{
    struct ka_checker *c = ctx;
    char req[KA_PATH_MAX + 128], host[16];
    uint32_t a = c->conf.connect_ip;
    snprintf(host, sizeof host, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: %s:%u\r\n\r\n",
                     c->conf.urls[c->url_it].path, host, c->conf.connect_port);
    tcp_send(s, req, (size_t)n);   /* a few hundred bytes: the empty send buffer takes them */
    rt_timer_arm_in(ka_rt(c), &c->timeout, c->conf.connect_timeout);
}

static size_t http_received(void *ctx, struct tcp_sock *s, const uint8_t *data, size_t len)
{
    (void)s;
    struct ka_checker *c = ctx;
    ka_http_reply_feed(&c->reply, data, len);
    rt_timer_arm_in(ka_rt(c), &c->timeout, c->conf.connect_timeout);
    return len;
}

static void http_eof(void *ctx, struct tcp_sock *s)
{
    struct ka_checker *c = ctx;
    rt_timer_cancel(ka_rt(c), &c->timeout);
    c->sock = NULL;
    tcp_close(s);
    http_verdict(c);
}

static void http_closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    (void)s, (void)why;
    struct ka_checker *c = ctx;
    rt_timer_cancel(ka_rt(c), &c->timeout);
    c->sock = NULL;
    http_failed(c);
}

static const struct tcp_callbacks http_check_cb = {
    .connected = http_connected, .received = http_received, .eof = http_eof, .closed = http_closed,
};

static void http_timeout(void *arg)
{
    struct ka_checker *c = arg;
    tcp_abort(c->sock);
    c->sock = NULL;
    http_failed(c);
}

static void http_launch(void *arg)
{
    struct ka_checker *c = arg;
    ka_http_reply_init(&c->reply);
    c->sock = tcp_connect(ka_host(c), 0, c->conf.connect_ip, c->conf.connect_port, &http_check_cb, c);
    if (!c->sock) {
        http_failed(c);
        return;
    }
    rt_timer_arm_in(ka_rt(c), &c->timeout, c->conf.connect_timeout);
}

const struct ka_check_ops ka_http_ops = { .launch = http_launch, .timeout = http_timeout };
