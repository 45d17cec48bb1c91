/*
 * The discrete-event scheduler: a radix heap (keys never go below the last
 * minimum, as simulated time never goes back) over entries that point at
 * timers through slots, so a cancelled timer's memory may be freed while its
 * stale entry still waits in the heap.
 */
#include "engine/sched.h"

#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"

struct sched_call {
    struct rt_timer timer;
    struct sched *owner;
    rt_timer_fn fn;
    void *arg;
    struct sched_call *next_free;
};

#define CALL_CHUNK 256

static sim_time_t rt_sched_now(struct rt *rt) { return ((struct sched *)rt)->now; }
static void rt_sched_arm(struct rt *rt, struct rt_timer *t, sim_time_t when)
{
    sched_arm((struct sched *)rt, t, when);
}
static void rt_sched_cancel(struct rt *rt, struct rt_timer *t)
{
    sched_cancel((struct sched *)rt, t);
}
static const struct rt_ops sched_rt_ops = {
    .now = rt_sched_now,
    .arm = rt_sched_arm,
    .cancel = rt_sched_cancel,
};

void sched_init(struct sched *s)
{
    memset(s, 0, sizeof *s);
    s->rt.ops = &sched_rt_ops;
    s->nslots = 1;            /* slot 0 means "no slot" */
    s->slots = xcalloc(s->nslots, sizeof *s->slots);
}

void sched_destroy(struct sched *s)
{
    for (int i = 0; i < SCHED_BUCKETS; i++)
        free(s->bucket[i].v);
    free(s->slots);
    for (size_t i = 0; i < s->ncall_chunks; i++)
        free(s->call_chunks[i]);
    free(s->call_chunks);
    memset(s, 0, sizeof *s);
}

static inline unsigned bucket_of(const struct sched *s, uint64_t time)
{
    uint64_t diff = time ^ s->last;
    return diff ? 64u - (unsigned)__builtin_clzll(diff) : 0u;
}

static inline void bucket_push(struct sched *s, unsigned i, struct sched_entry e)
{
    struct sched_bucket *b = &s->bucket[i];
    if (b->len == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->v = xrealloc(b->v, b->cap * sizeof *b->v);
    }
    b->v[b->len++] = e;
    if (i)
        s->nonempty |= 1ull << (i - 1);
}

static uint32_t slot_take(struct sched *s, struct rt_timer *t)
{
    uint32_t i = s->free_slot;
    if (i) {
        s->free_slot = s->slots[i].next_free;
    } else {
        i = s->nslots++;
        if ((i & (i - 1)) == 0)   /* grown to a power of two: double */
            s->slots = xrealloc(s->slots, 2 * (size_t)i * sizeof *s->slots);
    }
    s->slots[i].timer = t;
    return i;
}

static inline void slot_release(struct sched *s, uint32_t i)
{
    s->slots[i].timer = NULL;
    s->slots[i].next_free = s->free_slot;
    s->free_slot = i;
}

static void enqueue(struct sched *s, struct rt_timer *t, sim_time_t when, uint64_t order)
{
    t->slot = slot_take(s, t);
    t->qtime = when;
    struct sched_entry e = { .time = (uint64_t)when, .order = order, .slot = t->slot };
    bucket_push(s, bucket_of(s, e.time), e);
}

void sched_arm(struct sched *s, struct rt_timer *t, sim_time_t when)
{
    if (when < s->now)
        when = s->now;
    if (t->when == SIM_UNARMED)
        s->pending++;
    t->when = when;
    t->order = ++s->next_order;
    if (t->slot) {
        /* An entry earlier than the new deadline re-queues itself when it
         * comes up; an equal or later one must give way to a fresh entry. */
        if (t->qtime < when)
            return;
        s->slots[t->slot].timer = NULL;
        t->slot = 0;
    }
    enqueue(s, t, when, t->order);
}

void sched_cancel(struct sched *s, struct rt_timer *t)
{
    if (t->when == SIM_UNARMED)
        return;
    s->pending--;
    t->when = SIM_UNARMED;
    if (t->slot) {
        s->slots[t->slot].timer = NULL;
        t->slot = 0;
    }
}

static void sort_by_order(struct sched_entry *v, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        struct sched_entry e = v[i];
        uint32_t j = i;
        while (j > 0 && v[j - 1].order > e.order) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = e;
    }
}

/*
 * The minimum of the lowest non-empty bucket above 0 is the minimum of the
 * whole heap when bucket 0 is empty. Drops the dead entries it passes; returns
 * the bucket's index, or 0 when the heap is empty.
 */
static unsigned lowest_bucket(struct sched *s, uint64_t *min_out)
{
    while (s->nonempty) {
        unsigned i = (unsigned)__builtin_ctzll(s->nonempty) + 1;
        struct sched_bucket *b = &s->bucket[i];
        uint64_t min = UINT64_MAX;
        uint32_t live = 0;
        for (uint32_t k = 0; k < b->len; k++) {
            struct sched_entry e = b->v[k];
            if (!s->slots[e.slot].timer) {
                slot_release(s, e.slot);
                continue;
            }
            b->v[live++] = e;
            if (e.time < min)
                min = e.time;
        }
        b->len = live;
        if (live) {
            *min_out = min;
            return i;
        }
        s->nonempty &= ~(1ull << (i - 1));
    }
    return 0;
}

/* Refill bucket 0 with the heap's minimum entries, if that minimum is not
 * after `until`: `last` never passes the time the run may reach, so a timer
 * armed at `now` afterwards still sorts correctly. */
static bool refill(struct sched *s, sim_time_t until)
{
    uint64_t min;
    unsigned i = lowest_bucket(s, &min);
    if (!i || (sim_time_t)min > until)
        return false;
    struct sched_bucket *b = &s->bucket[i];
    struct sched_bucket *b0 = &s->bucket[0];
    b0->len = 0;
    s->head0 = 0;
    s->nonempty &= ~(1ull << (i - 1));
    s->last = min;
    for (uint32_t k = 0; k < b->len; k++)   /* every entry lands below i */
        bucket_push(s, bucket_of(s, b->v[k].time), b->v[k]);
    b->len = 0;
    sort_by_order(b0->v, b0->len);
    return true;
}

/* The first live entry of bucket 0, dropping dead ones and re-queueing the
 * timers that moved later; NULL when bucket 0 is used up. */
static struct sched_entry *first_live0(struct sched *s)
{
    struct sched_bucket *b0 = &s->bucket[0];
    while (s->head0 < b0->len) {
        struct sched_entry *e = &b0->v[s->head0];
        struct rt_timer *t = s->slots[e->slot].timer;
        if (t && t->when == (sim_time_t)e->time)
            return e;
        s->head0++;
        slot_release(s, e->slot);
        if (t) {
            t->slot = 0;
            enqueue(s, t, t->when, t->order);
        }
    }
    return NULL;
}

/* The next live entry not after `until`, left in place; NULL if none. */
static struct sched_entry *peek(struct sched *s, sim_time_t until)
{
    struct sched_entry *e;
    while (!(e = first_live0(s)))
        if (!refill(s, until))
            return NULL;
    return (sim_time_t)e->time <= until ? e : NULL;
}

sim_time_t sched_next_time(struct sched *s)
{
    struct sched_entry *e = first_live0(s);
    if (e)
        return (sim_time_t)e->time;
    uint64_t min;
    /* A moved timer's entry may stand below its deadline: the bound is early,
     * never late, which is what a caller that sleeps until then needs. */
    return lowest_bucket(s, &min) ? (sim_time_t)min : SIM_NEVER;
}

uint64_t sched_run_until(struct sched *s, sim_time_t until)
{
    uint64_t ran = 0;
    s->stopped = false;
    while (!s->stopped) {
        struct sched_entry *e = peek(s, until);
        if (!e)
            break;
        struct rt_timer *t = s->slots[e->slot].timer;
        s->head0++;
        slot_release(s, e->slot);
        t->slot = 0;
        t->when = SIM_UNARMED;
        s->now = (sim_time_t)e->time;
        s->pending--;
        s->executed++;
        ran++;
        t->fn(t->arg);
    }
    if (!s->stopped && until != SIM_NEVER && s->now < until)
        s->now = until;
    return ran;
}

uint64_t sched_run(struct sched *s) { return sched_run_until(s, SIM_NEVER); }

void sched_stop(struct sched *s) { s->stopped = true; }

static void call_fire(void *arg)
{
    struct sched_call *c = arg;
    struct sched *s = c->owner;
    rt_timer_fn fn = c->fn;
    void *fn_arg = c->arg;
    c->next_free = s->free_calls;
    s->free_calls = c;
    fn(fn_arg);
}

void sched_call_at(struct sched *s, sim_time_t when, rt_timer_fn fn, void *arg)
{
    if (!s->free_calls) {
        struct sched_call *chunk = xcalloc(CALL_CHUNK, sizeof *chunk);
        s->call_chunks = xrealloc(s->call_chunks, (s->ncall_chunks + 1) * sizeof *s->call_chunks);
        s->call_chunks[s->ncall_chunks++] = chunk;
        for (int i = 0; i < CALL_CHUNK; i++) {
            chunk[i].next_free = s->free_calls;
            s->free_calls = &chunk[i];
        }
    }
    struct sched_call *c = s->free_calls;
    s->free_calls = c->next_free;
    c->owner = s;
    c->fn = fn;
    c->arg = arg;
    rt_timer_init(&c->timer, call_fire, c);
    sched_arm(s, &c->timer, when);
}

size_t sched_memory(const struct sched *s)
{
    size_t bytes = 0;
    for (int i = 0; i < SCHED_BUCKETS; i++)
        bytes += s->bucket[i].cap * sizeof(struct sched_entry);
    uint32_t slot_cap = 1;
    while (slot_cap < s->nslots)
        slot_cap *= 2;
    bytes += slot_cap * sizeof(struct sched_slot);
    bytes += s->ncall_chunks * CALL_CHUNK * sizeof(struct sched_call);
    return bytes;
}
