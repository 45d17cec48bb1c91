/*
 * The discrete-event scheduler: a monotone radix heap of timer entries keyed by
 * (time, arm order), so events at equal times run in the order they were
 * armed. Cancel is lazy: an entry whose timer was cancelled or moved is
 * dropped when the heap reaches it. Moving a timer later keeps its entry and
 * re-queues it when that entry comes up, so timers that are pushed back on
 * every packet (TCP's RTO) cost O(1) per re-arm.
 *
 * It implements the clock seam (engine/runtime.h) for the simulator.
 */
#ifndef ENGINE_SCHED_H
#define ENGINE_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include "engine/runtime.h"

#define SCHED_BUCKETS 65

struct sched_entry {
    uint64_t time;
    uint64_t order;
    uint32_t slot;
};

struct sched_bucket {
    struct sched_entry *v;
    uint32_t len, cap;
};

struct sched_slot {
    struct rt_timer *timer;   /* NULL once the timer let go of this entry */
    uint32_t next_free;
};

struct sched_call;

struct sched {
    struct rt rt;             /* the clock seam; sched_rt() hands it out */
    sim_time_t now;
    uint64_t last;            /* radix heap reference: the latest minimum */
    uint64_t next_order;
    uint64_t nonempty;        /* bit i-1 set when bucket i (1..64) has entries */
    uint32_t head0;           /* next entry to run in bucket 0 */
    struct sched_bucket bucket[SCHED_BUCKETS];
    struct sched_slot *slots;
    uint32_t nslots, free_slot;
    uint64_t pending;         /* armed timers */
    uint64_t executed;
    bool stopped;
    struct sched_call *free_calls;
    struct sched_call **call_chunks;
    size_t ncall_chunks;
};

void sched_init(struct sched *s);
void sched_destroy(struct sched *s);

static inline struct rt *sched_rt(struct sched *s) { return &s->rt; }
static inline sim_time_t sched_now(const struct sched *s) { return s->now; }

/* Arm or re-arm at an absolute time; a time in the past means now. */
void sched_arm(struct sched *s, struct rt_timer *t, sim_time_t when);
void sched_cancel(struct sched *s, struct rt_timer *t);

/* A one-shot call that needs no timer of the caller's; it cannot be cancelled. */
void sched_call_at(struct sched *s, sim_time_t when, rt_timer_fn fn, void *arg);

/* Run events until none is left, the next one is after `until`, or
 * sched_stop() was called; returns the number run. After a run that hit its
 * limit, now is `until`. sched_run is sched_run_until(s, SIM_NEVER). */
uint64_t sched_run_until(struct sched *s, sim_time_t until);
uint64_t sched_run(struct sched *s);
void sched_stop(struct sched *s);

static inline uint64_t sched_pending(const struct sched *s) { return s->pending; }
static inline uint64_t sched_executed(const struct sched *s) { return s->executed; }

/* Time of the earliest armed timer, or SIM_NEVER; drops dead entries it meets. */
sim_time_t sched_next_time(struct sched *s);

/* Bytes of heap memory the scheduler holds (buckets, slots, call pool). */
size_t sched_memory(const struct sched *s);

#endif
