/*
 * The discrete-event scheduler: a timing wheel of chunked buckets over a
 * sorted run (see sched.h), and slots between entries and timers.
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
#define MIN_CHUNK_BLOCK 64
/* Runs hold RUN_SHORT..RUN_LONG entries once the window is sized, and a few
 * hundred before with a million events pending a millisecond ahead: the run
 * does not grow in a steady state. */
#define MIN_RUN 1024
/* Runs of this many entries pay for their refill and let timers be fetched
 * ahead; the window is halved or doubled to stay within. */
#define RUN_SHORT 32
#define RUN_LONG 256
#define WINDOW_SAMPLES 64     /* runs seen before the window is sized */
#define MAX_SHIFT 40
#define PREFETCH_SLOTS 16
#define PREFETCH_TIMERS 6
#define SLOT_MASK (SCHED_MAX_SLOTS - 1)
#define ORDER_LIMIT (1ull << (64 - SCHED_SLOT_BITS))

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
    s->shift = 8;
    s->run_cap = MIN_RUN;
    s->run = xmalloc(s->run_cap * sizeof *s->run);
    s->spare = xmalloc(s->run_cap * sizeof *s->spare);
    s->bits = xcalloc(SCHED_LEVELS, sizeof *s->bits);
    s->wheel = xcalloc(SCHED_LEVELS, sizeof *s->wheel);
    s->slots_cap = 1024;
    s->slots = xmalloc(s->slots_cap * sizeof *s->slots);
    s->nslots = 1;            /* slot 0 means "no slot" */
}

void sched_destroy(struct sched *s)
{
    free(s->bits);
    free(s->wheel);
    for (size_t i = 0; i < s->nchunk_blocks; i++)
        free(s->chunk_blocks[i]);
    free(s->chunk_blocks);
    free(s->run);
    free(s->spare);
    free(s->slots);
    for (size_t i = 0; i < s->ncall_chunks; i++)
        free(s->call_chunks[i]);
    free(s->call_chunks);
    memset(s, 0, sizeof *s);
}

/* ---- chunks and buckets ---- */

/* The pool doubles, so it grows only when more entries are queued than ever
 * before, never from churn. */
__attribute__((cold, noinline)) static void chunks_grow(struct sched *s)
{
    size_t n = s->nchunks < MIN_CHUNK_BLOCK ? MIN_CHUNK_BLOCK : s->nchunks;
    struct sched_chunk *block = xmalloc(n * sizeof *block);
    s->chunk_blocks = xrealloc(s->chunk_blocks, (s->nchunk_blocks + 1) * sizeof *s->chunk_blocks);
    s->chunk_blocks[s->nchunk_blocks++] = block;
    s->nchunks += n;
    for (size_t i = 0; i < n; i++) {
        block[i].next = s->free_chunks;
        s->free_chunks = &block[i];
    }
}

static inline struct sched_chunk *chunk_take(struct sched *s)
{
    if (!s->free_chunks)
        chunks_grow(s);
    struct sched_chunk *c = s->free_chunks;
    s->free_chunks = c->next;
    c->next = NULL;
    return c;
}

static inline void chunk_put(struct sched *s, struct sched_chunk *c)
{
    c->next = s->free_chunks;
    s->free_chunks = c;
}

/* Visits the keys of a bucket in order: key c->key[i]. */
#define BUCKET_FOR_EACH(b, c, i)                                                    \
    for (struct sched_chunk *c = (b)->head; c; c = c->next)                         \
        for (uint32_t i = 0, i##_end = c == (b)->tail ? (b)->end : SCHED_CHUNK_KEYS; \
             i < i##_end; i++)

/* ---- keys ---- */

static inline sim_time_t key_time(sched_key_t k) { return (sim_time_t)(uint64_t)(k >> 64); }
static inline uint32_t key_slot(sched_key_t k) { return (uint32_t)k & SLOT_MASK; }
static inline uint64_t key_order(sched_key_t k) { return (uint64_t)k >> SCHED_SLOT_BITS; }

static inline sched_key_t key_of(sim_time_t when, uint64_t order, uint32_t slot)
{
    return (sched_key_t)(uint64_t)when << 64 | (sched_key_t)(order << SCHED_SLOT_BITS | slot);
}

/* ---- the run ---- */

static inline uint64_t low_bits(unsigned n) { return n >= 64 ? ~0ull : (1ull << n) - 1; }

__attribute__((cold, noinline)) static void run_grow(struct sched *s)
{
    s->run_cap *= 2;
    s->run = xrealloc(s->run, s->run_cap * sizeof *s->run);
    s->spare = xrealloc(s->spare, s->run_cap * sizeof *s->spare);
}

static inline void run_append(struct sched *s, sched_key_t k)
{
    if (s->run_len == s->run_cap)
        run_grow(s);
    s->run[s->run_len++] = k;
}

/* An arm inside the run's window: most go at or near the end. The run's
 * used head is dropped before the run grows, and these arms count in its
 * length, so a window that keeps taking arms narrows rather than grows. */
static void run_insert(struct sched *s, sched_key_t k)
{
    if (s->run_len == s->run_cap) {
        memmove(s->run, s->run + s->run_head, (s->run_len - s->run_head) * sizeof *s->run);
        s->run_len -= s->run_head;
        s->run_head = 0;
        if (s->run_len == s->run_cap)
            run_grow(s);
    }
    s->refilled++;
    uint32_t i = s->run_len++;
    while (i > s->run_head && s->run[i - 1] > k) {
        s->run[i] = s->run[i - 1];
        i--;
    }
    s->run[i] = k;
}

/* Insertion sort: linear on the nearly sorted runs left by run_sort's
 * counting pass, and the fastest way to sort the few keys of a sparse run. */
static void insertion_sort(sched_key_t *a, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        sched_key_t k = a[i];
        uint32_t j = i;
        while (j > 0 && a[j - 1] > k) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = k;
    }
}

/* The run's entries come from one window. A stable counting sort on the top
 * bits of the times' offsets in the window, with about as many digits as
 * entries, leaves only neighbours out of order; the insertion pass puts them
 * in place by (time, arm order), re-queued timers among them. The number of
 * digit bits for n entries, or 0 when too few to pay for counting. */
static unsigned run_digit_bits(const struct sched *s, uint32_t n)
{
    unsigned bits = 32 - (unsigned)__builtin_clz(n);
    if (bits > 8)
        bits = 8;
    if (bits > s->shift)
        bits = s->shift;
    return bits >= 3 ? bits : 0;
}

static inline unsigned run_digit(const struct sched *s, unsigned bits, sched_key_t k)
{
    return (unsigned)(((uint64_t)key_time(k) & low_bits(s->shift)) >> (s->shift - bits));
}

/* Sorts a run filled by cascades from above level 1. */
static void run_sort(struct sched *s)
{
    uint32_t n = s->run_len;
    unsigned bits = run_digit_bits(s, n);
    if (bits) {
        uint32_t count[SCHED_BUCKETS + 1];
        memset(count, 0, ((1u << bits) + 1) * sizeof *count);
        for (uint32_t i = 0; i < n; i++)
            count[run_digit(s, bits, s->run[i]) + 1]++;
        for (uint32_t d = 1; d <= 1u << bits; d++)
            count[d] += count[d - 1];
        for (uint32_t i = 0; i < n; i++)
            s->spare[count[run_digit(s, bits, s->run[i])]++] = s->run[i];
        sched_key_t *t = s->run;
        s->run = s->spare;
        s->spare = t;
    }
    insertion_sort(s->run, n);
}

/* ---- the wheel ---- */

static inline void mark(struct sched *s, unsigned level, unsigned byte)
{
    s->bits[level - 1][byte / 64] |= 1ull << (byte % 64);
    s->levels |= 1u << (level - 1);
}

static inline void unmark(struct sched *s, unsigned level, unsigned byte)
{
    uint64_t *w = s->bits[level - 1];
    w[byte / 64] &= ~(1ull << (byte % 64));
    if (!(w[0] | w[1] | w[2] | w[3]))
        s->levels &= ~(1u << (level - 1));
}

static inline unsigned first_marked(const uint64_t *w)
{
    unsigned i = 0;
    while (!w[i])
        i++;
    return i * 64 + (unsigned)__builtin_ctzll(w[i]);
}

/* The level of a time: the highest byte above the window in which it
 * differs from `last`, 0 for the run. */
static inline unsigned level_of(const struct sched *s, sim_time_t when)
{
    uint64_t diff = ((uint64_t)when ^ s->last) >> s->shift;
    return diff ? (63 - (unsigned)__builtin_clzll(diff)) / 8 + 1 : 0;
}

/* Where level `level`'s byte starts. */
static inline unsigned level_bit(const struct sched *s, unsigned level)
{
    return s->shift + 8 * (level - 1);
}

/* A push that needs the bucket's first chunk, which marks it (marks are
 * cleared when it is emptied whole), or its next one. Out of line, so that
 * the common push stays small where it is inlined. */
__attribute__((noinline)) static void bucket_add_chunk(struct sched *s, unsigned level,
                                                       unsigned byte, sched_key_t k)
{
    struct sched_bucket *b = &s->wheel[level - 1][byte];
    if (!b->head) {
        b->head = b->tail = chunk_take(s);
        mark(s, level, byte);
    } else {
        b->tail->next = chunk_take(s);
        b->tail = b->tail->next;
    }
    b->tail->key[0] = k;
    b->end = 1;
}

static inline void bucket_add(struct sched *s, unsigned level, sched_key_t k)
{
    unsigned byte = (unsigned)((uint64_t)key_time(k) >> level_bit(s, level)) % SCHED_BUCKETS;
    struct sched_bucket *b = &s->wheel[level - 1][byte];
    if (__builtin_expect(!b->head || b->end == SCHED_CHUNK_KEYS, 0))
        bucket_add_chunk(s, level, byte, k);
    else
        b->tail->key[b->end++] = k;
}

static inline void enqueue(struct sched *s, sched_key_t k)
{
    unsigned level = level_of(s, key_time(k));
    if (level)
        bucket_add(s, level, k);
    else
        run_insert(s, k);
}

/* Moves `last` to the start of a bucket and spreads its keys over the levels
 * below and the run (unsorted until the refill is done). */
static void cascade(struct sched *s, unsigned level, unsigned byte, uint64_t start)
{
    struct sched_bucket b = s->wheel[level - 1][byte];
    s->wheel[level - 1][byte] = (struct sched_bucket){ 0 };
    unmark(s, level, byte);
    s->last = start;
    for (struct sched_chunk *c = b.head, *next; c; c = next) {
        uint32_t end = c == b.tail ? b.end : SCHED_CHUNK_KEYS;
        for (uint32_t i = 0; i < end; i++) {
            sched_key_t k = c->key[i];
            unsigned to = level_of(s, key_time(k));
            if (to)
                bucket_add(s, to, k);
            else
                run_append(s, k);
        }
        next = c->next;
        chunk_put(s, c);
    }
}

/* A level-1 bucket holds exactly the next window: `last` moves to its start
 * and its keys become the run, counted and scattered into sorted place
 * straight from the chunks (the same sort as run_sort's, one pass fewer). */
static void take_window(struct sched *s, unsigned byte, uint64_t start)
{
    struct sched_bucket b = s->wheel[0][byte];
    s->wheel[0][byte] = (struct sched_bucket){ 0 };
    unmark(s, 1, byte);
    s->last = start;
    uint32_t n = b.end;
    for (struct sched_chunk *c = b.head; c != b.tail; c = c->next)
        n += SCHED_CHUNK_KEYS;
    while (s->run_cap < n)
        run_grow(s);
    unsigned bits = run_digit_bits(s, n);
    uint32_t count[SCHED_BUCKETS + 1];
    memset(count, 0, ((1u << bits) + 1) * sizeof *count);
    if (bits) {
        BUCKET_FOR_EACH(&b, c, i)
            count[run_digit(s, bits, c->key[i]) + 1]++;
        for (uint32_t d = 1; d <= 1u << bits; d++)
            count[d] += count[d - 1];
    }
    for (struct sched_chunk *c = b.head, *next; c; c = next) {
        uint32_t end = c == b.tail ? b.end : SCHED_CHUNK_KEYS;
        for (uint32_t i = 0; i < end; i++)
            s->run[count[bits ? run_digit(s, bits, c->key[i]) : 0]++] = c->key[i];
        next = c->next;
        chunk_put(s, c);
    }
    s->run_len = n;
    insertion_sort(s->run, n);
}

/* Places every queued entry anew after the window changed. The run is
 * empty; a bucket may be visited twice, which only moves its keys again. */
static void rebuild(struct sched *s, unsigned shift)
{
    s->shift = shift;
    for (unsigned level = 1; level <= SCHED_LEVELS; level++)
        for (unsigned byte = 0; byte < SCHED_BUCKETS; byte++)
            if (s->wheel[level - 1][byte].head)
                cascade(s, level, byte, s->last);
}

/* Sizes the window from the runs seen since it was last sized. That
 * happens only once a sixteenth as many entries have run as are pending, so
 * a rebuild costs at most 16 moves per event run, and only while the load
 * changes. */
static void size_window(struct sched *s)
{
    uint64_t mean = s->refilled / s->refills;
    unsigned shift = s->shift;
    if (mean > RUN_LONG && shift > 0)
        shift--;
    else if (mean < RUN_SHORT && shift < MAX_SHIFT)
        shift++;
    s->refills = s->refilled = 0;
    if (shift != s->shift)
        rebuild(s, shift);
}

/* The run is used up: refill it from the first bucket if that starts at or
 * before `limit`, never moving `last` past `limit`. */
static bool refill(struct sched *s, sim_time_t limit)
{
    bool sorted = false;
    s->run_head = s->run_len = 0;
    if (s->refilled > s->pending / 16 && s->refills >= WINDOW_SAMPLES)
        size_window(s);
    while (s->levels && !s->run_len) {
        unsigned level = (unsigned)__builtin_ctz(s->levels) + 1;
        unsigned byte = first_marked(s->bits[level - 1]);
        uint64_t start = (s->last & ~low_bits(level_bit(s, level) + 8)) |
                         (uint64_t)byte << level_bit(s, level);
        if ((sim_time_t)start > limit)
            break;
        if (level == 1) {
            take_window(s, byte, start);
            sorted = true;
        } else {
            cascade(s, level, byte, start);
        }
    }
    if (!s->run_len)
        return false;
    s->refills++;
    s->refilled += s->run_len;
    if (!sorted && s->run_len > 1)
        run_sort(s);
    for (uint32_t i = 0; i < s->run_len && i < PREFETCH_SLOTS; i++)
        __builtin_prefetch(&s->slots[key_slot(s->run[i])]);
    for (uint32_t i = 0; i < s->run_len && i < PREFETCH_TIMERS - 1; i++)
        __builtin_prefetch(s->slots[key_slot(s->run[i])].timer);
    return true;
}

/* ---- slots and orders ---- */

__attribute__((cold, noinline)) static void slots_grow(struct sched *s)
{
    if (s->slots_cap == SCHED_MAX_SLOTS)
        xalloc_fail("scheduler slots (more than 16M queued timers)");
    s->slots_cap *= 2;
    s->slots = xrealloc(s->slots, s->slots_cap * sizeof *s->slots);
}

static inline uint32_t slot_take(struct sched *s, struct rt_timer *t)
{
    uint32_t i = s->free_slot;
    if (i) {
        s->free_slot = (uint32_t)(s->slots[i].next_free >> 1);
    } else {
        if (s->nslots == s->slots_cap)
            slots_grow(s);
        i = s->nslots++;
    }
    s->slots[i].timer = t;
    return i;
}

static inline void slot_release(struct sched *s, uint32_t i)
{
    s->slots[i].next_free = (uintptr_t)s->free_slot << 1 | 1;
    s->free_slot = i;
}

/* The timer of a slot, NULL for a dead or free one. */
static inline struct rt_timer *slot_timer(const struct sched *s, uint32_t i)
{
    return s->slots[i].next_free & 1 ? NULL : s->slots[i].timer;
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

/* Maps an order onto its rank among the orders in use. */
static inline sched_key_t renumbered(const uint64_t *sorted, size_t n, sched_key_t k)
{
    return key_of(key_time(k), rank_of(sorted, n, key_order(k)), key_slot(k));
}

/* Arm orders are about to run out of bits: map every order in use (in queued
 * keys and in armed timers) onto 1..n, keeping their sequence, so runs stay
 * sorted and ties still break the same way. Once per 2^40 arms. */
__attribute__((cold, noinline)) static void renumber_orders(struct sched *s)
{
    size_t n = 0, queued = (size_t)s->nchunks * SCHED_CHUNK_KEYS + s->run_len;
    uint64_t *all = xmalloc((queued + s->nslots) * sizeof *all);
    for (uint32_t i = s->run_head; i < s->run_len; i++)
        all[n++] = key_order(s->run[i]);
    for (unsigned l = 0; l < SCHED_LEVELS; l++)
        for (unsigned byte = 0; byte < SCHED_BUCKETS; byte++)
            BUCKET_FOR_EACH(&s->wheel[l][byte], c, i)
                all[n++] = key_order(c->key[i]);
    for (uint32_t i = 1; i < s->nslots; i++)
        if (slot_timer(s, i))
            all[n++] = slot_timer(s, i)->order;
    qsort(all, n, sizeof *all, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || all[u - 1] != all[i])
            all[u++] = all[i];
    for (uint32_t i = s->run_head; i < s->run_len; i++)
        s->run[i] = renumbered(all, u, s->run[i]);
    for (unsigned l = 0; l < SCHED_LEVELS; l++)
        for (unsigned byte = 0; byte < SCHED_BUCKETS; byte++)
            BUCKET_FOR_EACH(&s->wheel[l][byte], c, i)
                c->key[i] = renumbered(all, u, c->key[i]);
    for (uint32_t i = 1; i < s->nslots; i++) {
        struct rt_timer *t = slot_timer(s, i);
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
    t->slot = slot_take(s, t);
    enqueue(s, key_of(when, t->order, t->slot));
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

uint64_t sched_run_until(struct sched *s, sim_time_t until)
{
    uint64_t ran = 0;
    s->stopped = false;
    while (!s->stopped) {
        if (s->run_head == s->run_len && !refill(s, until))
            break;
        sched_key_t k = s->run[s->run_head];
        if (key_time(k) > until)
            break;
        s->run_head++;
        /* Slots and timers are scattered: fetch them a few events ahead,
         * the slot first as it says where the timer is. */
        if (s->run_head + PREFETCH_SLOTS - 1 < s->run_len)
            __builtin_prefetch(&s->slots[key_slot(s->run[s->run_head + PREFETCH_SLOTS - 1])]);
        if (s->run_head + PREFETCH_TIMERS - 1 < s->run_len)
            __builtin_prefetch(s->slots[key_slot(s->run[s->run_head + PREFETCH_TIMERS - 1])].timer);
        uint32_t slot = key_slot(k);
        struct rt_timer *t = s->slots[slot].timer;
        if (!t) {
            slot_release(s, slot);
            continue;
        }
        if (t->when != key_time(k)) {     /* moved later: same slot, new place */
            t->qtime = t->when;
            enqueue(s, key_of(t->when, t->order, slot));
            continue;
        }
        /* Released first, so a timer that re-arms itself takes the same slot. */
        slot_release(s, slot);
        t->slot = 0;
        t->when = SIM_UNARMED;
        s->now = key_time(k);
        s->pending--;
        ran++;
        t->fn(t->arg);
    }
    s->executed += ran;
    if (!s->stopped && until != SIM_NEVER && s->now < until)
        s->now = until;
    /* Dead entries may have taken `last` past now; with nothing queued it
     * comes back, as arms at now must not fall below it. */
    if (!s->levels && s->run_head == s->run_len)
        s->last = (uint64_t)s->now;
    return ran;
}

uint64_t sched_run(struct sched *s) { return sched_run_until(s, SIM_NEVER); }

void sched_stop(struct sched *s) { s->stopped = true; }

/* Searched without moving `last`, which must stay at or below now for the
 * arms still to come: the run, then the buckets in time order. */
sim_time_t sched_next_time(struct sched *s)
{
    for (uint32_t i = s->run_head; i < s->run_len; i++)
        if (s->slots[key_slot(s->run[i])].timer)
            return key_time(s->run[i]);
    for (unsigned l = 0; l < SCHED_LEVELS; l++) {
        for (unsigned byte = 0; byte < SCHED_BUCKETS; byte++) {
            sim_time_t best = SIM_NEVER;
            BUCKET_FOR_EACH(&s->wheel[l][byte], c, i)
                if (s->slots[key_slot(c->key[i])].timer && key_time(c->key[i]) < best)
                    best = key_time(c->key[i]);
            if (best != SIM_NEVER)
                return best;
        }
    }
    return SIM_NEVER;
}

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
    return SCHED_LEVELS * (sizeof *s->bits + sizeof *s->wheel) + 2 * s->run_cap * sizeof *s->run +
           s->nchunks * sizeof(struct sched_chunk) +
           s->slots_cap * sizeof *s->slots + s->ncall_chunks * CALL_CHUNK * sizeof(struct sched_call);
}
