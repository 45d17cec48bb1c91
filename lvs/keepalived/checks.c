/*
 * The set of running checkers on a director: virtual servers built from
 * their configuration as keepalived's init_services does, checkers armed
 * with keepalived's start-up warmup, events handed to the embedder, and
 * keepalived's shutdown.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/xalloc.h"
#include "lvs/keepalived/check_int.h"
#include "net/host.h"
#include "net/tcp.h"

static const char *const event_names[KA_EV_KINDS] = {
    [KA_EV_RS_DOWN] = "rs-down",
    [KA_EV_RS_UP] = "rs-up",
    [KA_EV_RS_WEIGHT_ZERO] = "rs-weight-zero",
    [KA_EV_RS_WEIGHT_RESTORED] = "rs-weight-restored",
    [KA_EV_QUORUM_LOST] = "quorum-lost",
    [KA_EV_QUORUM_GAINED] = "quorum-gained",
    [KA_EV_SORRY_IN] = "sorry-in",
    [KA_EV_SORRY_OUT] = "sorry-out",
    [KA_EV_RS_WEIGHT_CHANGED] = "rs-weight-changed",
};

const char *ka_event_kind_name(enum ka_event_kind k)
{
    return k < KA_EV_KINDS ? event_names[k] : "?";
}

void ka_emit(struct ka_checks *kc, enum ka_event_kind kind, const struct ka_vs *vs, const struct ka_rs *rs,
             const char *fmt, ...)
{
    if (!kc->opts.event)
        return;
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    struct ka_event ev = {
        .time = rt_now(kc->rt), .kind = kind, .service = vs->name, .rs_addr = rs ? rs->addr : 0,
        .rs_port = rs ? rs->port : 0, .text = text,
    };
    kc->opts.event(kc->opts.event_ctx, &ev);
}

struct ka_checks *ka_checks_new(struct ipvs *ipvs, const struct ka_checks_opts *opts)
{
    struct ka_checks *kc = xcalloc(1, sizeof *kc);
    kc->ipvs = ipvs;
    kc->host = ipvs->host;
    kc->rt = ipvs->rt;
    kc->opts = *opts;
    char name[64];
    snprintf(name, sizeof name, "keepalived@%s", ipvs->host->name);
    rng_init(&kc->rng, ipvs->seed, name);
    return kc;
}

static const struct ka_check_ops *kind_ops(enum ka_check_kind k)
{
    switch (k) {
    case KA_CHECK_TCP:
        return &ka_tcp_ops;
    case KA_CHECK_HTTP:
        return &ka_http_ops;
    case KA_CHECK_MISC:
        return &ka_misc_ops;
    }
    return NULL;
}

static void stop_checkers(struct ka_vs *vs)
{
    struct rt *rt = vs->kc->rt;
    for (int i = 0; i < vs->nrs; i++)
        for (int k = 0; k < vs->rs[i].ncheckers; k++) {
            struct ka_checker *c = &vs->rs[i].checkers[k];
            rt_timer_cancel(rt, &c->launch);
            rt_timer_cancel(rt, &c->timeout);
            c->misc_token = 0;
            if (c->sock)
                tcp_abort(c->sock);
            c->sock = NULL;
        }
}

static void free_vs(struct ka_vs *vs)
{
    stop_checkers(vs);
    for (int i = 0; i < vs->nrs; i++)
        free(vs->rs[i].checkers);
    free(vs->rs);
    free(vs);
}

static void init_checker(struct ka_rs *rs, struct ka_checker *c, const struct ka_checker_conf *conf)
{
    const struct ka_check_ops *ops = kind_ops(conf->kind);
    *c = (struct ka_checker){ .rs = rs, .conf = *conf, .is_up = true, .failed_url = -1 };
    rt_timer_init(&c->launch, ops->launch, c);
    rt_timer_init(&c->timeout, ops->timeout, c);
    /* alpha: the checker starts failed and the server out of the pool */
    if (conf->alpha)
        ka_pool_set_checker_up(c, false);
    /* "for non alpha mode, one failure is enough initially" */
    c->retry_it = conf->retry;
}

static bool needs_misc(const struct ka_virtual_server *conf)
{
    for (int i = 0; i < conf->nrs; i++)
        for (int k = 0; k < conf->rs[i].ncheckers; k++)
            if (conf->rs[i].checkers[k].kind == KA_CHECK_MISC)
                return true;
    return false;
}

static struct ka_vs *build_vs(struct ka_checks *kc, const struct ka_virtual_server *conf)
{
    struct ka_vs *vs = xcalloc(1, sizeof *vs);
    vs->kc = kc;
    ka_vs_name(conf, vs->name, sizeof vs->name);
    vs->svc = (struct ipvs_service_conf){
        .protocol = conf->protocol, .addr = conf->addr, .port = conf->port, .fwmark = conf->fwmark,
        .timeout = conf->persistence_timeout,
        .netmask = conf->persistence_granularity,
    };
    snprintf(vs->svc.sched_name, sizeof vs->svc.sched_name, "%s", conf->sched);
    if (conf->persistence_timeout)
        vs->svc.flags |= IPVS_SVC_PERSISTENT;
    vs->fwd = conf->fwd;
    vs->quorum = conf->quorum;
    vs->hysteresis = conf->hysteresis;
    vs->omega = conf->omega;
    vs->has_sorry = conf->has_sorry_server;
    vs->sorry = (struct ka_rs){ .vs = vs, .addr = conf->sorry_addr, .port = conf->sorry_port, .weight = 1 };
    vs->nrs = conf->nrs;
    vs->rs = xcalloc((size_t)conf->nrs + 1, sizeof *vs->rs);
    for (int i = 0; i < conf->nrs; i++) {
        const struct ka_real_server *rc = &conf->rs[i];
        struct ka_rs *rs = &vs->rs[i];
        *rs = (struct ka_rs){ .vs = vs, .addr = rc->addr, .port = rc->port, .weight = rc->weight,
                              .inhibit = rc->inhibit_on_failure, .ncheckers = rc->ncheckers };
        rs->checkers = xcalloc((size_t)rc->ncheckers + 1, sizeof *rs->checkers);
        for (int k = 0; k < rc->ncheckers; k++)
            init_checker(rs, &rs->checkers[k], &rc->checkers[k]);
    }
    return vs;
}

/* register_checkers_thread: the first check 1 s (BOOTSTRAP_DELAY) plus a
 * random part of warmup from now. */
static void arm_checkers(struct ka_checks *kc, struct ka_vs *vs)
{
    for (int i = 0; i < vs->nrs; i++)
        for (int k = 0; k < vs->rs[i].ncheckers; k++) {
            struct ka_checker *c = &vs->rs[i].checkers[k];
            sim_time_t warm = c->conf.warmup ? (sim_time_t)rng_below(&kc->rng, (uint64_t)c->conf.warmup + 1) : 0;
            rt_timer_arm_in(kc->rt, &c->launch, SIM_S + warm);
        }
}

int ka_checks_add_vs(struct ka_checks *kc, const struct ka_virtual_server *conf, char *err, size_t errlen)
{
    if (needs_misc(conf) && !kc->opts.misc) {
        snprintf(err, errlen, "MISC_CHECK needs the embedder's predicate (ka_checks_opts.misc)");
        return -1;
    }
    struct ka_vs *vs = build_vs(kc, conf);
    int r = ipvs_service_add(kc->ipvs, &vs->svc);
    if (r < 0) {
        snprintf(err, errlen, "%s", ipvs_strerror(IPVS_OP_ADD_SERVICE, r));
        free_vs(vs);
        return -1;
    }
    kc->vs = xrealloc(kc->vs, (size_t)(kc->nvs + 1) * sizeof *kc->vs);
    kc->vs[kc->nvs++] = vs;
    ka_pool_init_vs(vs);
    arm_checkers(kc, vs);
    return 0;
}

bool ka_checks_rs_alive(const struct ka_checks *kc, int vs, int rs)
{
    return kc->vs[vs]->rs[rs].alive;
}

bool ka_checks_quorum_up(const struct ka_checks *kc, int vs)
{
    return kc->vs[vs]->quorum_up;
}

void ka_checks_shutdown(struct ka_checks *kc)
{
    for (int i = 0; i < kc->nvs; i++) {
        stop_checkers(kc->vs[i]);
        ka_pool_clear_vs(kc->vs[i]);
    }
}

void ka_checks_free(struct ka_checks *kc)
{
    if (!kc)
        return;
    for (int i = 0; i < kc->nvs; i++)
        free_vs(kc->vs[i]);
    free(kc->vs);
    free(kc);
}
