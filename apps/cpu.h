/*
 * The CPU seam: how a server charges per-request service time to its node.
 * The world supplies a struct app_cpu (the simulator from its node CPU
 * model, the emulator with a timer or real work); a NULL cpu means an
 * infinitely fast one (the work is done at once). A simple model on the
 * clock seam, app_cpu_fifo, serves tests and worlds without a CPU model of
 * their own: N cores, a FIFO of waiting work, a backlog beyond which work is
 * refused and counted.
 */
#ifndef APPS_CPU_H
#define APPS_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/runtime.h"

typedef void (*app_cpu_done_fn)(void *arg);

struct app_cpu_ops {
    /* Charge cost of CPU time and call done(arg) once it has run, later
     * than this call (callers also cope with done running inside it, as
     * with a NULL cpu). false: refused (backlog full), done is not called. */
    bool (*run)(void *ctx, sim_time_t cost, app_cpu_done_fn done, void *arg);
    /* Forget all work not yet done for arg: done(arg) will not be called
     * (the owner of arg is going away). */
    void (*cancel)(void *ctx, void *arg);
};

struct app_cpu {
    const struct app_cpu_ops *ops;
    void *ctx;
};

/* Charge work on cpu; with a NULL cpu, done(arg) runs at once (inline). */
bool app_cpu_run(const struct app_cpu *cpu, sim_time_t cost, app_cpu_done_fn done, void *arg);
void app_cpu_cancel(const struct app_cpu *cpu, void *arg);

/* The default model. */
#define APP_CPU_MAX_CORES 64

struct app_cpu_stats {
    uint64_t run, refused;     /* work done, work refused at a full backlog */
    sim_time_t busy;           /* core time used, all cores */
    uint32_t queued_max;       /* the longest the FIFO got */
};

struct app_cpu_fifo;

/* cores >= 1 (at most APP_CPU_MAX_CORES); backlog: how much work may wait
 * for a core (0: none) before more is refused. */
struct app_cpu_fifo *app_cpu_fifo_new(struct rt *rt, int cores, uint32_t backlog);
/* Pending work is dropped without callbacks. */
void app_cpu_fifo_free(struct app_cpu_fifo *c);
/* The seam to hand to servers; valid while c lives. */
struct app_cpu app_cpu_fifo_seam(struct app_cpu_fifo *c);
const struct app_cpu_stats *app_cpu_fifo_stats(const struct app_cpu_fifo *c);
uint32_t app_cpu_fifo_queued(const struct app_cpu_fifo *c);

#endif
