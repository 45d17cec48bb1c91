/*
 * The discrete-event scheduler: a hierarchical timing wheel over absolute
 * times (a radix-256 heap) with a sorted run at the bottom. Entries are keyed
 * by (time, arm order), so events at equal times run in the order they were
 * armed.
 *
 * `last` is the wheel's position; no queued time is below it. The run holds,
 * sorted, the entries whose time differs from `last` only in the low `shift`
 * bits (its window). Level L holds those whose time first differs in the L-th
 * byte above the window, in 256 buckets indexed by that byte, unsorted. When
 * the run is used up, `last` moves to the start of the first non-empty bucket
 * of the lowest level, whose entries spread over the levels below and into
 * the run, which is then sorted (a level-1 bucket is sorted as it is taken). An entry moves about twice, by sequential
 * copies, so large queues stay cache-friendly, and runs are long enough to
 * fetch timers ahead of their events. The window follows the event density,
 * so that a run holds some tens of events whatever the load. Buckets are
 * lists of fixed-size chunks from one pool that grows only with the number
 * of queued entries.
 *
 * Cancel is lazy: an entry whose timer was cancelled or moved is dropped when
 * it comes up. Entries reach timers through slots, so a cancelled timer's
 * memory may be freed at once. Moving a timer later keeps its entry, which
 * re-queues the timer with its new (time, order) when it comes up, so timers
 * pushed back on every packet (TCP's RTO) cost O(1) per re-arm.
 *
 * It implements the clock seam (engine/runtime.h) for the simulator.
 */
#ifndef ENGINE_SCHED_H
#define ENGINE_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include "engine/runtime.h"

/* key = time << 64 | arm order << SCHED_SLOT_BITS | slot, compared as one
 * integer; orders are renumbered before they run out of bits. */
#define SCHED_SLOT_BITS 24
#define SCHED_MAX_SLOTS (1u << SCHED_SLOT_BITS)
typedef unsigned __int128 sched_key_t;

#define SCHED_LEVELS 8            /* bytes above the run's window */
#define SCHED_BUCKETS 256
#define SCHED_CHUNK_KEYS 31       /* a chunk is 512 bytes */

struct sched_chunk {
    struct sched_chunk *next;
    sched_key_t key[SCHED_CHUNK_KEYS];
};

/* Keys from head->key[0] to tail->key[end - 1]; head is NULL when empty.
 * A bucket is only ever emptied whole. */
struct sched_bucket {
    struct sched_chunk *head, *tail;
    uint32_t end;
};

/* A slot holds its timer, NULL once the timer let go of its entry, or, while
 * free, the next free slot's index shifted left with the low bit set: eight
 * bytes, so more of the slots an event run looks up stay in cache. */
union sched_slot {
    struct rt_timer *timer;
    uintptr_t next_free;
};

struct sched_call;

struct sched {
    struct rt rt;             /* the clock seam; sched_rt() hands it out */
    sim_time_t now;
    uint64_t next_order;
    uint64_t last;            /* the wheel's position */
    unsigned shift;           /* the run's window is 2^shift ns */
    uint64_t refills, refilled; /* runs and their entries since the window was sized */
    sched_key_t *run, *spare; /* run[head..len) sorted; spare for sorting */
    uint32_t run_head, run_len, run_cap;
    uint32_t levels;          /* bit L: level L + 1 has a non-empty bucket */
    uint64_t (*bits)[SCHED_BUCKETS / 64];        /* [level - 1]: non-empty buckets */
    struct sched_bucket (*wheel)[SCHED_BUCKETS]; /* [level - 1][byte] */
    struct sched_chunk *free_chunks;
    struct sched_chunk **chunk_blocks;
    size_t nchunk_blocks, nchunks;
    union sched_slot *slots;
    uint32_t nslots, slots_cap, free_slot;
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
