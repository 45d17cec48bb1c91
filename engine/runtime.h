/*
 * The clock seam: what code above the engine knows of time. A host holds a
 * struct rt; the simulator implements it on the event scheduler, emu/ on libev.
 * Timers are embedded in their owner's struct and armed at absolute times.
 *
 * Rules: a timer fires at most once per arm; arming an armed timer moves it;
 * cancel is O(1) and safe on an unarmed timer; a timer must be cancelled (or
 * have fired) before the memory holding it is freed.
 */
#ifndef ENGINE_RUNTIME_H
#define ENGINE_RUNTIME_H

#include <stdbool.h>
#include "engine/simtime.h"

struct rt;
typedef void (*rt_timer_fn)(void *arg);

struct rt_timer {
    rt_timer_fn fn;
    void *arg;
    /* private to the implementation */
    sim_time_t when;    /* deadline, or SIM_UNARMED */
    uint64_t order;     /* arm sequence number: ties fire in arm order */
    sim_time_t qtime;   /* time of the queued entry standing for this timer */
    uint32_t slot;      /* its queue slot, 0 if none */
};

struct rt_ops {
    sim_time_t (*now)(struct rt *rt);
    void (*arm)(struct rt *rt, struct rt_timer *t, sim_time_t when);
    void (*cancel)(struct rt *rt, struct rt_timer *t);
};

struct rt {
    const struct rt_ops *ops;
};

static inline void rt_timer_init(struct rt_timer *t, rt_timer_fn fn, void *arg)
{
    *t = (struct rt_timer){ .fn = fn, .arg = arg, .when = SIM_UNARMED };
}

static inline sim_time_t rt_now(struct rt *rt) { return rt->ops->now(rt); }

/* Arm (or re-arm) at an absolute time, which must not be in the past. */
static inline void rt_timer_arm(struct rt *rt, struct rt_timer *t, sim_time_t when)
{
    rt->ops->arm(rt, t, when);
}

/* Arm (or re-arm) after a delay from now. */
static inline void rt_timer_arm_in(struct rt *rt, struct rt_timer *t, sim_time_t delay)
{
    rt->ops->arm(rt, t, rt->ops->now(rt) + delay);
}

static inline void rt_timer_cancel(struct rt *rt, struct rt_timer *t)
{
    rt->ops->cancel(rt, t);
}

static inline bool rt_timer_armed(const struct rt_timer *t) { return t->when != SIM_UNARMED; }
static inline sim_time_t rt_timer_when(const struct rt_timer *t) { return t->when; }

#endif
