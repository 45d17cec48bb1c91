/* The clock seam on libev: real time from ev_now, timers in engine/sched. */
#include "emu/clock.h"

#include <stddef.h>

#define CLOCK_OF(rt_) ((struct emu_clock *)((char *)(rt_) - offsetof(struct emu_clock, rt)))

static sim_time_t clock_now(struct emu_clock *c)
{
    return (sim_time_t)((ev_now(c->loop) - c->epoch) * 1e9);
}

static sim_time_t rt_emu_now(struct rt *rt) { return clock_now(CLOCK_OF(rt)); }

static void rt_emu_arm(struct rt *rt, struct rt_timer *t, sim_time_t when)
{
    struct emu_clock *c = CLOCK_OF(rt);
    sched_arm(&c->sched, t, when);
    /* An armed timer keeps the loop alive: make sure the wake-up is active;
     * the prepare watcher aims it before the loop sleeps. */
    if (!ev_is_active(&c->wake)) {
        ev_timer_set(&c->wake, 0.0, 0.0);
        ev_timer_start(c->loop, &c->wake);
    }
}

static void rt_emu_cancel(struct rt *rt, struct rt_timer *t)
{
    sched_cancel(&CLOCK_OF(rt)->sched, t);
}

static const struct rt_ops emu_rt_ops = {
    .now = rt_emu_now,
    .arm = rt_emu_arm,
    .cancel = rt_emu_cancel,
};

/* Run the timers that are due (each sees the scheduler's time at its
 * deadline), then aim the wake-up at the earliest left, or stop it. */
static void run_and_aim(struct emu_clock *c)
{
    sched_run_until(&c->sched, clock_now(c));
    sim_time_t next = sched_next_time(&c->sched);
    ev_timer_stop(c->loop, &c->wake);
    if (next == SIM_NEVER)
        return;
    sim_time_t delay = next - clock_now(c);
    ev_timer_set(&c->wake, delay > 0 ? (ev_tstamp)delay * 1e-9 : 0.0, 0.0);
    ev_timer_start(c->loop, &c->wake);
}

static void on_wake(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)revents;
    run_and_aim(w->data);
}

/* Before the loop sleeps: callbacks of I/O watchers may have armed timers. */
static void on_aim(struct ev_loop *loop, ev_prepare *w, int revents)
{
    (void)loop;
    (void)revents;
    run_and_aim(w->data);
}

void emu_clock_init(struct emu_clock *c, struct ev_loop *loop)
{
    c->rt.ops = &emu_rt_ops;
    c->loop = loop;
    c->epoch = ev_now(loop);
    sched_init(&c->sched);
    ev_timer_init(&c->wake, on_wake, 0.0, 0.0);
    c->wake.data = c;
    ev_prepare_init(&c->aim, on_aim);
    c->aim.data = c;
    ev_prepare_start(loop, &c->aim);
    ev_unref(loop);           /* the prepare watcher alone keeps nothing alive */
}

void emu_clock_destroy(struct emu_clock *c)
{
    ev_ref(c->loop);
    ev_prepare_stop(c->loop, &c->aim);
    ev_timer_stop(c->loop, &c->wake);
    sched_destroy(&c->sched);
}
