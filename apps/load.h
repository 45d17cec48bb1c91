/*
 * When requests start, for every request/response workload: a closed loop
 * (N users, each waiting for its answer and a think time before the next
 * request) or an open loop (Poisson arrivals at a rate, whatever happens to
 * earlier requests, up to a bound on those outstanding). The workload says
 * how to issue a request and reports back when one is over.
 */
#ifndef APPS_LOAD_H
#define APPS_LOAD_H

#include <stdint.h>

#include "engine/dist.h"
#include "engine/runtime.h"

enum app_loop { APP_CLOSED, APP_OPEN };

struct app_load_cfg {
    enum app_loop loop;
    int users;                 /* closed: concurrent users */
    struct dist think;         /* closed: from an answer to the next request */
    double rate;               /* open: arrivals per second */
    int max_outstanding;       /* open: arrivals beyond it are dropped; 0: 4096 */
    sim_time_t start, stop;    /* requests start in [start, stop) */
};

/* Start a request for `user` (closed loop: 0..users-1; open loop: -1). */
typedef void (*app_issue_fn)(void *ctx, int user);

struct app_load_user;

struct app_load {
    struct rt *rt;
    struct rng *rng;
    struct app_load_cfg cfg;
    struct dist gap;           /* open: exponential inter-arrival, ns */
    app_issue_fn issue;
    void *ctx;
    struct rt_timer arrival;
    struct app_load_user *users;
    int outstanding;
    uint64_t *dropped;         /* where open-loop drops are counted */
};

void app_load_init(struct app_load *lg, struct rt *rt, struct rng *rng,
                   const struct app_load_cfg *cfg, app_issue_fn issue, void *ctx,
                   uint64_t *dropped);
/* Arm the first requests at cfg.start. */
void app_load_start(struct app_load *lg);
/* The request of `user` is over, either way. */
void app_load_done(struct app_load *lg, int user);
/* Cancel every timer; free. */
void app_load_free(struct app_load *lg);

#endif
