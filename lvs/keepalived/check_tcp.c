/*
 * TCP_CHECK as keepalived's check_tcp.c: a connect to the real server (or
 * connect_ip:connect_port) that completes within connect_timeout passes,
 * and is closed at once; a refusal, a reset or the timeout fails. After a
 * failure while up, the check is retried `retry` times delay_before_retry
 * apart before the server is declared down; otherwise the next check comes
 * delay_loop after this one ended.
 */
#include "lvs/keepalived/check_int.h"
#include "net/tcp.h"

static void tcp_epilog(struct ka_checker *c, bool ok)
{
    sim_time_t delay = c->conf.delay_loop;
    if (ok || ((c->is_up || !c->has_run) && c->retry_it >= c->conf.retry)) {
        c->retry_it = 0;
        if (ok && (!c->is_up || !c->has_run))
            ka_pool_checker_state(c, true);
        else if (!ok && (c->is_up || !c->has_run))
            ka_pool_checker_state(c, false);
    } else if (c->is_up) {
        delay = c->conf.delay_before_retry;
        c->retry_it++;
    }
    c->has_run = true;
    rt_timer_arm_in(ka_rt(c), &c->launch, delay);
}

static void tcp_connected(void *ctx, struct tcp_sock *s)
{
    struct ka_checker *c = ctx;
    rt_timer_cancel(ka_rt(c), &c->timeout);
    c->sock = NULL;
    tcp_close(s);
    tcp_epilog(c, true);
}

static void tcp_closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    (void)s, (void)why;
    struct ka_checker *c = ctx;
    rt_timer_cancel(ka_rt(c), &c->timeout);
    c->sock = NULL;
    tcp_epilog(c, false);
}

static const struct tcp_callbacks tcp_check_cb = { .connected = tcp_connected, .closed = tcp_closed };

static void tcp_timeout(void *arg)
{
    struct ka_checker *c = arg;
    tcp_abort(c->sock);
    c->sock = NULL;
    tcp_epilog(c, false);
}

static void tcp_launch(void *arg)
{
    struct ka_checker *c = arg;
    c->sock = tcp_connect(ka_host(c), 0, c->conf.connect_ip, c->conf.connect_port, &tcp_check_cb, c);
    if (!c->sock) {
        tcp_epilog(c, false);
        return;
    }
    rt_timer_arm_in(ka_rt(c), &c->timeout, c->conf.connect_timeout);
}

const struct ka_check_ops ka_tcp_ops = { .launch = tcp_launch, .timeout = tcp_timeout };
