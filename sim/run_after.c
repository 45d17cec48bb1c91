/* The watch over the time after the measured window: counts and the longest quiet stretch. */
#include "sim/run_after.h"

#include <stdlib.h>

#include "engine/xalloc.h"

#define TICK SIM_MS

struct sim_after {
    struct sim_build *b;
    const struct sim_apps *apps;
    struct rt_timer tick;
    sim_time_t from, to;
    uint64_t completed0, failed0, retries0;     /* at from */
    uint64_t completed, failed, retries;        /* at the last tick */
    sim_time_t quiet_since;                     /* the last tick that saw a completion (or from) */
    sim_time_t outage, outage_at;               /* the longest stretch without one, and its start */
    bool started;
};

static void note_quiet(struct sim_after *a, sim_time_t until)
{
    if (until - a->quiet_since > a->outage)
        a->outage = until - a->quiet_since, a->outage_at = a->quiet_since;
}

static void on_tick(void *arg)
{
    struct sim_after *a = arg;
    sim_time_t now = sched_now(&a->b->w->sched);
    uint64_t retries, failed = sim_apps_failed(a->apps, &retries), completed = sim_apps_completed(a->apps);
    if (!a->started) {
        a->started = true;
        a->completed0 = completed, a->failed0 = failed, a->retries0 = retries;
        a->quiet_since = now;
    } else if (completed != a->completed) {
        note_quiet(a, now - TICK);   /* some completed within the last tick */
        a->quiet_since = now;
    } else {
        note_quiet(a, now);          /* quiet so far */
    }
    a->completed = completed, a->failed = failed, a->retries = retries;
    if (now + TICK < a->to)
        rt_timer_arm(sim_world_rt(a->b->w), &a->tick, now + TICK);
}

struct sim_after *sim_after_start(struct sim_build *b, const struct sim_apps *apps, sim_time_t from, sim_time_t to)
{
    struct sim_after *a = xcalloc(1, sizeof *a);
    *a = (struct sim_after){ .b = b, .apps = apps, .from = from, .to = to };
    rt_timer_init(&a->tick, on_tick, a);
    rt_timer_arm(sim_world_rt(b->w), &a->tick, from);
    return a;
}

json_t *sim_after_json(const struct sim_after *a)
{
    double s = sim_time_to_s(a->to - a->from);
    uint64_t done = a->completed - a->completed0;
    return json_pack("{s:f, s:f, s:I, s:I, s:I, s:f, s:f, s:f}", "start_s", sim_time_to_s(a->from), "duration_s", s,
                     "completed", (json_int_t)done, "failed", (json_int_t)(a->failed - a->failed0),
                     "retries", (json_int_t)(a->retries - a->retries0), "requests_per_s", s > 0 ? (double)done / s : 0,
                     "outage_s", sim_time_to_s(a->outage), "outage_start_s", sim_time_to_s(a->outage_at));
}

void sim_after_free(struct sim_after *a)
{
    if (a)
        rt_timer_cancel(sim_world_rt(a->b->w), &a->tick);
    free(a);
}
