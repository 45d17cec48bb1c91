/*
 * The discrete-event scheduler: an implicit 4-ary min-heap of 16-byte entries
 * keyed by (time, arm order), so events at equal times run in the order they
 * were armed.
 *
 * Cancel is lazy: an entry whose timer was cancelled or moved is dropped when
 * it reaches the top. Entries reach timers through slots, so a cancelled
 * timer's memory may be freed at once. Moving a timer later keeps its entry,
 * which re-queues the timer when it comes up, so timers pushed back on every
 * packet (TCP's RTO) cost O(1) per re-arm. A timer that re-arms itself from
 * its own callback (a link's next packet, a periodic sampler) replaces the
 * top entry with one sift-down instead of a pop and a push.
 *
 * It implements the clock seam (engine/runtime.h) for the simulator.
 */
#ifndef ENGINE_SCHED_H
#define ENGINE_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include "engine/runtime.h"

/* key = arm order << SCHED_SLOT_BITS | slot; orders are renumbered before
 * they run out of bits. */
#define SCHED_SLOT_BITS 24
#define SCHED_MAX_SLOTS (1u << SCHED_SLOT_BITS)

/* An entry is one 128-bit key: time << 64 | order << 24 | slot, so the heap
 * compares entries with one integer comparison. */
typedef unsigned __int128 sched_entry_t;

struct sched_slot {
    struct rt_timer *timer;   /* NULL once the timer let go of this entry */
    uint32_t next_free;
};

struct sched_call;

struct sched {
    struct rt rt;             /* the clock seam; sched_rt() hands it out */
    sim_time_t now;
    uint64_t next_order;
    sched_entry_t *heap;       /* heap[0] is the top; children of i at 4i+1.. */
    void *heap_mem;
    uint32_t len, cap;
    struct sched_slot *slots;
    uint32_t nslots, slots_cap, free_slot;
    struct rt_timer *running; /* the timer whose callback runs now */
    bool rearmed;             /* ... and it re-armed itself: top to replace */
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

/* A lower bound on the time of the earliest armed timer (exact unless a timer
 * was moved later), or SIM_NEVER when none is armed. */
sim_time_t sched_next_time(struct sched *s);

/* Bytes of heap memory the scheduler holds (entries, slots, call pool). */
size_t sched_memory(const struct sched *s);

#endif
