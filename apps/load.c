/* Closed- and open-loop request timing on the clock seam. */
#include "apps/load.h"

#include <stdlib.h>

#include "engine/xalloc.h"

struct app_load_user {
    struct app_load *lg;
    int idx;
    struct rt_timer think;
};

static sim_time_t draw(const struct dist *d, struct rng *r)
{
    return (sim_time_t)(dist_sample(d, r) + 0.5);
}

/* Start times before now (a workload started late) mean now. */
static void arm_at(struct app_load *lg, struct rt_timer *t, sim_time_t at)
{
    sim_time_t now = rt_now(lg->rt);
    rt_timer_arm(lg->rt, t, at > now ? at : now);
}

static void user_go(void *arg)
{
    struct app_load_user *u = arg;
    u->lg->outstanding++;
    u->lg->issue(u->lg->ctx, u->idx);
}

/* Each user starts after one think time, so users are not all in step. */
static void user_next(struct app_load *lg, struct app_load_user *u, sim_time_t from)
{
    sim_time_t at = from + draw(&lg->cfg.think, lg->rng);
    if (at < lg->cfg.stop)
        arm_at(lg, &u->think, at);
}

static void arrive(void *arg)
{
    struct app_load *lg = arg;
    sim_time_t next = rt_now(lg->rt) + draw(&lg->gap, lg->rng);
    if (next < lg->cfg.stop)
        rt_timer_arm(lg->rt, &lg->arrival, next);
    if (lg->outstanding >= lg->cfg.max_outstanding) {
        (*lg->dropped)++;
        return;
    }
    lg->outstanding++;
    lg->issue(lg->ctx, -1);
}

void app_load_init(struct app_load *lg, struct rt *rt, struct rng *rng,
                   const struct app_load_cfg *cfg, app_issue_fn issue, void *ctx,
                   uint64_t *dropped)
{
    *lg = (struct app_load){ .rt = rt, .rng = rng, .cfg = *cfg, .issue = issue, .ctx = ctx,
                             .dropped = dropped };
    if (lg->cfg.max_outstanding <= 0)
        lg->cfg.max_outstanding = 4096;
    rt_timer_init(&lg->arrival, arrive, lg);
    if (lg->cfg.loop == APP_OPEN) {
        dist_exp(&lg->gap, lg->cfg.rate > 0 ? (double)SIM_S / lg->cfg.rate : 0);
        return;
    }
    lg->users = xcalloc(lg->cfg.users > 0 ? (size_t)lg->cfg.users : 1, sizeof *lg->users);
    for (int i = 0; i < lg->cfg.users; i++) {
        lg->users[i] = (struct app_load_user){ .lg = lg, .idx = i };
        rt_timer_init(&lg->users[i].think, user_go, &lg->users[i]);
    }
}

void app_load_start(struct app_load *lg)
{
    if (lg->cfg.loop == APP_OPEN) {
        if (lg->cfg.rate > 0) {
            sim_time_t first = lg->cfg.start + draw(&lg->gap, lg->rng);
            if (first < lg->cfg.stop)
                arm_at(lg, &lg->arrival, first);
        }
        return;
    }
    for (int i = 0; i < lg->cfg.users; i++)
        user_next(lg, &lg->users[i], lg->cfg.start);
}

void app_load_done(struct app_load *lg, int user)
{
    lg->outstanding--;
    if (user >= 0 && user < lg->cfg.users)
        user_next(lg, &lg->users[user], rt_now(lg->rt));
}

void app_load_free(struct app_load *lg)
{
    rt_timer_cancel(lg->rt, &lg->arrival);
    for (int i = 0; i < lg->cfg.users && lg->users; i++)
        rt_timer_cancel(lg->rt, &lg->users[i].think);
    free(lg->users);
    lg->users = NULL;
}
