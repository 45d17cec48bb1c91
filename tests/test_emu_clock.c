/* The libev clock seam: timers fire in deadline then arm order, never early,
 * and cancel, re-arm and timers armed from callbacks work on real time. */
#include <criterion/criterion.h>

#include "emu/clock.h"

struct probe {
    struct emu_clock *clock;
    struct rt_timer timer;
    int id;
    int *log;
    int *nlog;
    sim_time_t due;
    sim_time_t fired_at;
};

static void probe_fire(void *arg)
{
    struct probe *p = arg;
    p->fired_at = rt_now(emu_clock_rt(p->clock));
    p->log[(*p->nlog)++] = p->id;
}

static void probe_arm(struct probe *p, struct emu_clock *c, int id, int *log, int *nlog, sim_time_t delay)
{
    *p = (struct probe){ .clock = c, .id = id, .log = log, .nlog = nlog };
    rt_timer_init(&p->timer, probe_fire, p);
    p->due = rt_now(emu_clock_rt(c)) + delay;
    rt_timer_arm(emu_clock_rt(c), &p->timer, p->due);
}

Test(emu_clock, fires_in_deadline_then_arm_order_never_early)
{
    struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
    struct emu_clock c;
    emu_clock_init(&c, loop);
    int log[8], n = 0;
    struct probe p[5];
    probe_arm(&p[0], &c, 0, log, &n, 20 * SIM_MS);
    probe_arm(&p[1], &c, 1, log, &n, 5 * SIM_MS);
    probe_arm(&p[2], &c, 2, log, &n, 10 * SIM_MS);
    p[3] = p[2];              /* same deadline as 2, armed after it */
    p[3].id = 3;
    rt_timer_init(&p[3].timer, probe_fire, &p[3]);
    rt_timer_arm(emu_clock_rt(&c), &p[3].timer, p[2].due);
    probe_arm(&p[4], &c, 4, log, &n, 15 * SIM_MS);
    rt_timer_cancel(emu_clock_rt(&c), &p[4].timer);

    ev_run(loop, 0);

    cr_assert_eq(n, 4, "fired %d: %d %d %d %d", n, log[0], log[1], log[2], log[3]);
    int want[] = { 1, 2, 3, 0 };
    for (int i = 0; i < 4; i++)
        cr_assert_eq(log[i], want[i], "firing %d was timer %d, want %d", i, log[i], want[i]);
    for (int i = 0; i < 4; i++)
        cr_assert_geq(p[i].fired_at, p[i].due, "timer %d fired %lld ns early", i,
                      (long long)(p[i].due - p[i].fired_at));
    emu_clock_destroy(&c);
    ev_loop_destroy(loop);
}

struct chain {
    struct emu_clock *clock;
    struct rt_timer timer;
    int left;
    sim_time_t last;
    int backwards;
};

static void chain_fire(void *arg)
{
    struct chain *ch = arg;
    sim_time_t now = rt_now(emu_clock_rt(ch->clock));
    if (now < ch->last)
        ch->backwards++;
    ch->last = now;
    if (--ch->left > 0)
        rt_timer_arm_in(emu_clock_rt(ch->clock), &ch->timer, SIM_MS);
}

Test(emu_clock, timer_rearmed_from_its_callback_keeps_the_loop_going)
{
    struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
    struct emu_clock c;
    emu_clock_init(&c, loop);
    struct chain ch = { .clock = &c, .left = 20 };
    rt_timer_init(&ch.timer, chain_fire, &ch);
    rt_timer_arm_in(emu_clock_rt(&c), &ch.timer, SIM_MS);
    ev_run(loop, 0);
    cr_assert_eq(ch.left, 0);
    cr_assert_eq(ch.backwards, 0);
    cr_assert_geq(ch.last, 20 * SIM_MS);
    emu_clock_destroy(&c);
    ev_loop_destroy(loop);
}
