/*
 * MISC_CHECK as keepalived's check_misc.c, with the embedder's predicate
 * in place of the script: it passes or fails at once, or answers later
 * through ka_misc_answer; no answer within misc_timeout (default: the
 * virtual server's delay_loop) is a failure, as a script keepalived kills.
 * A failure while up is retried `retry` times (default 0); the next check
 * starts delay_before_retry (while retrying) or delay_loop after the
 * previous one started. With misc_dynamic a pass may carry a new weight.
 */
#include "lvs/keepalived/check_int.h"

static void misc_done(struct ka_checker *c, bool pass)
{
    bool report = false;
    c->misc_token = 0;
    if (pass) {
        report = !c->is_up || !c->has_run;
        c->retry_it = 0;
    } else if (c->is_up || !c->has_run) {
        if (c->retry_it < c->conf.retry) {
            c->retry_it++;
        } else {
            c->retry_it = 0;
            report = true;
        }
    }
    if (report)
        ka_pool_checker_state(c, pass);
    struct rt *rt = ka_rt(c);
    sim_time_t next = c->last_ran + (c->retry_it ? c->conf.delay_before_retry : c->conf.delay_loop);
    if (next <= rt_now(rt))
        next = rt_now(rt) + SIM_US;   /* keepalived: at least 1 us on */
    c->has_run = true;
    rt_timer_arm(rt, &c->launch, next);
}

static void misc_timeout(void *arg)
{
    struct ka_checker *c = arg;
    struct ka_checks *kc = c->rs->vs->kc;
    if (kc->opts.misc_cancel)
        kc->opts.misc_cancel(kc->opts.misc_ctx, c->misc_token);
    misc_done(c, false);
}

static void misc_launch(void *arg)
{
    struct ka_checker *c = arg;
    struct ka_vs *vs = c->rs->vs;
    struct ka_checks *kc = vs->kc;
    c->last_ran = rt_now(kc->rt);
    c->misc_token = ++kc->misc_tokens;
    struct ka_misc_req req = {
        .path = c->conf.misc_path, .service = vs->name, .rs_addr = c->rs->addr, .rs_port = c->conf.connect_port,
        .dynamic = c->conf.misc_dynamic, .checker = c, .token = c->misc_token,
    };
    enum ka_misc_verdict v = kc->opts.misc(kc->opts.misc_ctx, &req);
    if (v == KA_MISC_LATER)
        rt_timer_arm_in(kc->rt, &c->timeout, c->conf.misc_timeout);
    else
        misc_done(c, v == KA_MISC_PASS);
}

void ka_misc_answer(struct ka_checker *c, uint64_t token, bool pass)
{
    if (!token || token != c->misc_token)
        return;
    rt_timer_cancel(ka_rt(c), &c->timeout);
    misc_done(c, pass);
}

void ka_misc_answer_weight(struct ka_checker *c, uint64_t token, int weight)
{
    if (!token || token != c->misc_token)
        return;
    ka_pool_set_weight(c->rs, weight);
    ka_misc_answer(c, token, true);
}

const struct ka_check_ops ka_misc_ops = { .launch = misc_launch, .timeout = misc_timeout };
