/*
 * Inside keepalived's checking: the running virtual servers, real servers
 * and checkers that check_*.c, pool.c and checks.c share. Not for
 * embedders (lvs/keepalived/check.h is the API).
 */
#ifndef LVS_KEEPALIVED_CHECK_INT_H
#define LVS_KEEPALIVED_CHECK_INT_H

#include "engine/rng.h"
#include "lvs/keepalived/check.h"
#include "lvs/keepalived/http_reply.h"

struct tcp_sock;
struct ka_vs;

/* A real server (or a virtual server's sorry server) as ipwrapper keeps it. */
struct ka_rs {
    struct ka_vs *vs;
    uint32_t addr;
    uint16_t port;            /* in IPVS */
    int weight;
    bool inhibit;
    bool alive;               /* ISALIVE: counted in the pool */
    bool set;                 /* present in the IPVS table */
    int num_failed_checkers;
    struct ka_checker *checkers;
    int ncheckers;
};

struct ka_vs {
    struct ka_checks *kc;
    char name[48];
    struct ipvs_service_conf svc;
    enum ipvs_fwd fwd;
    unsigned quorum, hysteresis;
    bool omega;
    bool quorum_up;
    bool has_sorry;
    struct ka_rs sorry;
    struct ka_rs *rs;
    int nrs;
};

/* One checker's run: keepalived's checker_t plus the kind's state. */
struct ka_checker {
    struct ka_rs *rs;
    struct ka_checker_conf conf;
    bool is_up, has_run;
    unsigned retry_it;
    struct rt_timer launch;   /* the next check */
    struct rt_timer timeout;  /* connect/read timeout, misc_timeout */
    struct tcp_sock *sock;    /* TCP_CHECK, HTTP_GET: the connection in progress */
    /* HTTP_GET */
    int url_it;               /* the url being checked */
    int failed_url;           /* -1: none */
    struct ka_http_reply reply;
    /* MISC_CHECK */
    uint64_t misc_token;      /* the request waited for; 0 when none */
    sim_time_t last_ran;
};

struct ka_checks {
    struct ipvs *ipvs;
    struct host *host;
    struct rt *rt;
    struct ka_checks_opts opts;
    struct rng rng;           /* warmup draws */
    uint64_t misc_tokens;     /* MISC_CHECK requests so far */
    struct ka_vs **vs;
    int nvs;
};

/* checks.c: report an event now. */
void ka_emit(struct ka_checks *kc, enum ka_event_kind kind, const struct ka_vs *vs,
             const struct ka_rs *rs, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* pool.c (keepalived's ipwrapper.c) */
void ka_pool_init_vs(struct ka_vs *vs);
void ka_pool_checker_state(struct ka_checker *c, bool alive);   /* update_svr_checker_state */
void ka_pool_set_checker_up(struct ka_checker *c, bool up);     /* set_checker_state */
void ka_pool_clear_vs(struct ka_vs *vs);                        /* clear_service_vs on stop */
void ka_pool_set_weight(struct ka_rs *rs, int weight);          /* update_svr_wgt */

/* A kind of checker: what c->launch and c->timeout run (arg: the checker). */
struct ka_check_ops {
    rt_timer_fn launch, timeout;
};

extern const struct ka_check_ops ka_tcp_ops, ka_http_ops, ka_misc_ops;

static inline struct rt *ka_rt(const struct ka_checker *c) { return c->rs->vs->kc->rt; }
static inline struct host *ka_host(const struct ka_checker *c) { return c->rs->vs->kc->host; }

#endif
