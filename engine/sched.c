/*
 * The discrete-event scheduler: an implicit 4-ary heap (a node's four
 * children share one cache line) of (time, order << 24 | slot) entries.
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
#define SLOT_MASK (SCHED_MAX_SLOTS - 1)
#define ORDER_LIMIT (1ull << (64 - SCHED_SLOT_BITS))

static void heap_resize(struct sched *s, uint32_t cap);

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
    heap_resize(s, 1024);
    s->slots_cap = 1024;
    s->slots = xmalloc(s->slots_cap * sizeof *s->slots);
    s->nslots = 1;            /* slot 0 means "no slot" */
}

void sched_destroy(struct sched *s)
{
    free(s->heap_mem);
    free(s->slots);
    for (size_t i = 0; i < s->ncall_chunks; i++)
        free(s->call_chunks[i]);
    free(s->call_chunks);
    memset(s, 0, sizeof *s);
}

/* ---- the heap ---- */

static inline sim_time_t entry_time(sched_entry_t e) { return (sim_time_t)(uint64_t)(e >> 64); }
static inline uint32_t entry_slot(sched_entry_t e) { return (uint32_t)e & SLOT_MASK; }
static inline uint64_t entry_order(sched_entry_t e) { return (uint64_t)e >> SCHED_SLOT_BITS; }

static inline sched_entry_t entry_of(sim_time_t when, uint64_t order, uint32_t slot)
{
    return (sched_entry_t)(uint64_t)when << 64 | (sched_entry_t)(order << SCHED_SLOT_BITS | slot);
}

/* The heap array starts 3 entries into a 64-byte aligned block, so each
 * node's four children fill exactly one cache line. */
static void heap_resize(struct sched *s, uint32_t cap)
{
    void *mem = NULL;
    if (posix_memalign(&mem, 64, ((size_t)cap + 3) * sizeof(sched_entry_t)))
        xalloc_fail("scheduler heap");
    sched_entry_t *heap = (sched_entry_t *)mem + 3;
    if (s->heap)
        memcpy(heap, s->heap, s->len * sizeof *heap);
    free(s->heap_mem);
    s->heap_mem = mem;
    s->heap = heap;
    s->cap = cap;
}

static inline void sift_up(sched_entry_t *h, uint32_t i, sched_entry_t e)
{
    while (i > 0) {
        uint32_t parent = (i - 1) / 4;
        if (h[parent] <= e)
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
}

static inline void sift_down(sched_entry_t *h, uint32_t n, uint32_t i, sched_entry_t e)
{
    for (;;) {
        uint32_t c = 4 * i + 1;
        uint32_t best;
        if (c + 3 < n) {
            uint32_t a = h[c + 1] < h[c] ? c + 1 : c;
            uint32_t b = h[c + 3] < h[c + 2] ? c + 3 : c + 2;
            best = h[b] < h[a] ? b : a;
        } else if (c < n) {
            best = c;
            for (uint32_t k = c + 1; k < n; k++)
                if (h[k] < h[best])
                    best = k;
        } else {
            break;
        }
        if (e <= h[best])
            break;
        h[i] = h[best];
        i = best;
    }
    h[i] = e;
}

static void heap_push(struct sched *s, sched_entry_t e)
{
    if (s->len == s->cap)
        heap_resize(s, s->cap * 2);
    sift_up(s->heap, s->len++, e);
}

static inline void heap_pop(struct sched *s)
{
    sched_entry_t last = s->heap[--s->len];
    if (s->len)
        sift_down(s->heap, s->len, 0, last);
}

static inline void heap_replace_top(struct sched *s, sched_entry_t e)
{
    sift_down(s->heap, s->len, 0, e);
}

/* ---- slots and orders ---- */

static inline uint32_t slot_take(struct sched *s, struct rt_timer *t)
{
    uint32_t i = s->free_slot;
    if (i) {
        s->free_slot = s->slots[i].next_free;
    } else {
        if (s->nslots == s->slots_cap) {
            if (s->slots_cap == SCHED_MAX_SLOTS)
                xalloc_fail("scheduler slots (more than 16M queued timers)");
            s->slots_cap *= 2;
            s->slots = xrealloc(s->slots, s->slots_cap * sizeof *s->slots);
        }
        i = s->nslots++;
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

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t rank_of(const uint64_t *sorted, size_t n, uint64_t order)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (sorted[mid] < order)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo + 1;
}

/* Arm orders are about to run out of bits: map every order in use (in
 * entries and in armed timers) onto 1..n, keeping their sequence, so the heap
 * stays a heap and ties still break the same way. Once per 2^40 arms. */
static void renumber_orders(struct sched *s)
{
    size_t n = 0;
    uint64_t *all = xmalloc(((size_t)s->len + s->nslots) * sizeof *all);
    for (uint32_t i = 0; i < s->len; i++)
        all[n++] = entry_order(s->heap[i]);
    for (uint32_t i = 1; i < s->nslots; i++)
        if (s->slots[i].timer)
            all[n++] = s->slots[i].timer->order;
    qsort(all, n, sizeof *all, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || all[u - 1] != all[i])
            all[u++] = all[i];
    for (uint32_t i = 0; i < s->len; i++) {
        sched_entry_t e = s->heap[i];
        s->heap[i] = entry_of(entry_time(e), rank_of(all, u, entry_order(e)), entry_slot(e));
    }
    for (uint32_t i = 1; i < s->nslots; i++) {
        struct rt_timer *t = s->slots[i].timer;
        if (t && t->slot == i)
            t->order = rank_of(all, u, t->order);
    }
    s->next_order = u;
    free(all);
}

static inline uint64_t new_order(struct sched *s)
{
    if (__builtin_expect(s->next_order + 1 >= ORDER_LIMIT, 0))
        renumber_orders(s);
    return ++s->next_order;
}

/* ---- arm and cancel ---- */

void sched_arm(struct sched *s, struct rt_timer *t, sim_time_t when)
{
    if (when < s->now)
        when = s->now;
    if (t->when == SIM_UNARMED)
        s->pending++;
    t->when = when;
    t->order = new_order(s);
    if (t->slot) {
        /* An entry earlier than the new deadline re-queues itself when it
         * comes up; an equal or later one must give way to a fresh entry. */
        if (t->qtime < when)
            return;
        s->slots[t->slot].timer = NULL;
    }
    t->qtime = when;
    if (t == s->running && !s->rearmed) {
        /* Re-armed from its own callback: take over the top entry. */
        s->rearmed = true;
        t->slot = entry_slot(s->heap[0]);
        s->slots[t->slot].timer = t;
        return;
    }
    t->slot = slot_take(s, t);
    heap_push(s, entry_of(when, t->order, t->slot));
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

/* ---- running ---- */

/* Is the top entry live? Drops dead entries and re-queues timers that moved
 * later on the way; false when the heap is empty. */
static inline bool live_top(struct sched *s)
{
    while (s->len) {
        sched_entry_t e = s->heap[0];
        uint32_t slot = entry_slot(e);
        struct rt_timer *t = s->slots[slot].timer;
        if (t && t->when == entry_time(e))
            return true;
        if (t) {              /* moved later: same slot, new place */
            t->qtime = t->when;
            heap_replace_top(s, entry_of(t->when, t->order, slot));
        } else {
            slot_release(s, slot);
            heap_pop(s);
        }
    }
    return false;
}

sim_time_t sched_next_time(struct sched *s)
{
    return live_top(s) ? entry_time(s->heap[0]) : SIM_NEVER;
}

uint64_t sched_run_until(struct sched *s, sim_time_t until)
{
    uint64_t ran = 0;
    s->stopped = false;
    while (!s->stopped && live_top(s)) {
        sched_entry_t e = s->heap[0];
        if (entry_time(e) > until)
            break;
        uint32_t slot = entry_slot(e);
        struct rt_timer *t = s->slots[slot].timer;
        if (s->len > 4) {     /* the next top is most likely a child of this one */
            for (int k = 1; k <= 4; k++) {
                const struct sched_slot *next = &s->slots[entry_slot(s->heap[k])];
                __builtin_prefetch(next);
                __builtin_prefetch(next->timer);
            }
        }
        /* The fired entry stays on top while the callback runs: everything
         * armed meanwhile sorts after it. */
        s->slots[slot].timer = NULL;
        t->slot = 0;
        t->when = SIM_UNARMED;
        s->now = entry_time(e);
        s->pending--;
        s->running = t;
        s->rearmed = false;
        ran++;
        t->fn(t->arg);
        s->running = NULL;
        struct rt_timer *again = s->slots[slot].timer;
        if (s->rearmed && again)
            heap_replace_top(s, entry_of(again->qtime, again->order, slot));
        else {
            slot_release(s, slot);
            heap_pop(s);
        }
    }
    s->executed += ran;
    if (!s->stopped && until != SIM_NEVER && s->now < until)
        s->now = until;
    return ran;
}

uint64_t sched_run(struct sched *s) { return sched_run_until(s, SIM_NEVER); }

void sched_stop(struct sched *s) { s->stopped = true; }

/* ---- one-shot calls ---- */

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
    return ((size_t)s->cap + 3) * sizeof *s->heap + s->slots_cap * sizeof *s->slots +
           s->ncall_chunks * CALL_CHUNK * sizeof(struct sched_call);
}
