/* The CPU seam's default model: cores with a timer each, a ring of waiting work. */
#include "apps/cpu.h"

#include <stdlib.h>

#include "engine/xalloc.h"

struct cpu_job {
    sim_time_t cost;
    app_cpu_done_fn done;      /* NULL once cancelled */
    void *arg;
};

struct cpu_core {
    struct app_cpu_fifo *c;
    struct rt_timer timer;
    struct cpu_job job;
    bool busy;
};

struct app_cpu_fifo {
    struct rt *rt;
    int ncores;
    struct cpu_core *cores;    /* ncores of them */
    struct cpu_job *ring;      /* slots of them, grown up to cap (the backlog) as work waits */
    uint32_t cap, slots, head, len;
    struct app_cpu_stats stats;
};

bool app_cpu_run(const struct app_cpu *cpu, sim_time_t cost, app_cpu_done_fn done, void *arg)
{
    if (!cpu || !cpu->ops) {
        done(arg);
        return true;
    }
    return cpu->ops->run(cpu->ctx, cost, done, arg);
}

void app_cpu_cancel(const struct app_cpu *cpu, void *arg)
{
    if (cpu && cpu->ops)
        cpu->ops->cancel(cpu->ctx, arg);
}

static void core_start(struct cpu_core *k, struct cpu_job job)
{
    struct app_cpu_fifo *c = k->c;
    k->job = job;
    k->busy = true;
    c->stats.busy += job.cost;
    rt_timer_arm_in(c->rt, &k->timer, job.cost);
}

/* A core finished: it takes the next live job before the callback runs, so
 * work queued by the callback goes behind what was already waiting. */
static void core_done(void *arg)
{
    struct cpu_core *k = arg;
    struct app_cpu_fifo *c = k->c;
    struct cpu_job finished = k->job;
    k->busy = false;
    while (c->len) {
        struct cpu_job next = c->ring[c->head];
        c->head = (c->head + 1) % c->slots;
        c->len--;
        if (next.done) {
            core_start(k, next);
            break;
        }
    }
    if (finished.done) {
        c->stats.run++;
        finished.done(finished.arg);
    }
}

/* More room in the ring (a full one, len == slots), its work kept in order
 * from slot 0: a server of a thousand-frame backlog that never queues more
 * than a few holds a few slots. */
static void grow(struct app_cpu_fifo *c)
{
    uint32_t slots = c->slots ? 2 * c->slots : 16;
    if (slots > c->cap)
        slots = c->cap;
    struct cpu_job *ring = xcalloc(slots, sizeof *ring);
    for (uint32_t i = 0; i < c->len; i++)
        ring[i] = c->ring[(c->head + i) % c->slots];
    free(c->ring);
    c->ring = ring;
    c->slots = slots;
    c->head = 0;
}

static bool fifo_run(void *ctx, sim_time_t cost, app_cpu_done_fn done, void *arg)
{
    struct app_cpu_fifo *c = ctx;
    struct cpu_job job = { .cost = cost > 0 ? cost : 0, .done = done, .arg = arg };
    for (int i = 0; i < c->ncores; i++) {
        if (!c->cores[i].busy) {
            core_start(&c->cores[i], job);
            return true;
        }
    }
    if (c->len >= c->cap) {
        c->stats.refused++;
        return false;
    }
    if (c->len == c->slots)
        grow(c);
    c->ring[(c->head + c->len) % c->slots] = job;
    c->len++;
    if (c->len > c->stats.queued_max)
        c->stats.queued_max = c->len;
    return true;
}

/* Running work for arg still holds its core to the end (the time was spent);
 * waiting work is skipped when its turn comes. */
static void fifo_cancel(void *ctx, void *arg)
{
    struct app_cpu_fifo *c = ctx;
    for (int i = 0; i < c->ncores; i++)
        if (c->cores[i].busy && c->cores[i].job.arg == arg)
            c->cores[i].job.done = NULL;
    for (uint32_t i = 0; i < c->len; i++) {
        struct cpu_job *j = &c->ring[(c->head + i) % c->slots];
        if (j->arg == arg)
            j->done = NULL;
    }
}

static const struct app_cpu_ops fifo_ops = { .run = fifo_run, .cancel = fifo_cancel };

struct app_cpu_fifo *app_cpu_fifo_new(struct rt *rt, int cores, uint32_t backlog)
{
    struct app_cpu_fifo *c = xcalloc(1, sizeof *c);
    c->rt = rt;
    c->ncores = cores < 1 ? 1 : cores > APP_CPU_MAX_CORES ? APP_CPU_MAX_CORES : cores;
    c->cores = xcalloc((size_t)c->ncores, sizeof *c->cores);
    for (int i = 0; i < c->ncores; i++) {
        c->cores[i].c = c;
        rt_timer_init(&c->cores[i].timer, core_done, &c->cores[i]);
    }
    c->cap = backlog;
    return c;
}

void app_cpu_fifo_free(struct app_cpu_fifo *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->ncores; i++)
        rt_timer_cancel(c->rt, &c->cores[i].timer);
    free(c->ring);
    free(c->cores);
    free(c);
}

struct app_cpu app_cpu_fifo_seam(struct app_cpu_fifo *c)
{
    return (struct app_cpu){ .ops = &fifo_ops, .ctx = c };
}

const struct app_cpu_stats *app_cpu_fifo_stats(const struct app_cpu_fifo *c) { return &c->stats; }

uint32_t app_cpu_fifo_queued(const struct app_cpu_fifo *c) { return c->len; }
