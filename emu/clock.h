/*
 * The clock seam on libev, for the emulated world. Timers live in the same
 * scheduler as in the simulator (one queue ordered by time and arm order, so
 * equal times fire in the same order in both worlds); one ev_timer wakes the
 * loop when the earliest is due, and an ev_prepare re-aims it before the loop
 * sleeps. now() is the loop's time (ev_now) in nanoseconds since the clock
 * was made.
 */
#ifndef EMU_CLOCK_H
#define EMU_CLOCK_H

#include <ev.h>

#include "engine/runtime.h"
#include "engine/sched.h"

struct emu_clock {
    struct rt rt;             /* what hosts hold */
    struct ev_loop *loop;
    ev_tstamp epoch;
    ev_timer wake;
    ev_prepare aim;
    struct sched sched;
};

void emu_clock_init(struct emu_clock *c, struct ev_loop *loop);
void emu_clock_destroy(struct emu_clock *c);

static inline struct rt *emu_clock_rt(struct emu_clock *c) { return &c->rt; }

#endif
