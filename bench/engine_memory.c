/*
 * Engine memory benchmark: 1,000,000 pending timers in the hold model run
 * 100,000,000 events; the scheduler's memory after a warm-up and at the end
 * must be the same. One line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "engine/rng.h"
#include "engine/sched.h"

static struct sched s;
static struct rng rng;
static uint64_t left;

static void hold_fire(void *arg)
{
    struct rt_timer *t = arg;
    if (--left == 0) {
        sched_stop(&s);
        return;
    }
    sched_arm(&s, t, sched_now(&s) + (sim_time_t)rng_below(&rng, SIM_MS + 1));
}

static long rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    uint64_t pending = 1000000, events = argc > 1 ? strtoull(argv[1], NULL, 10) : 100000000;
    sched_init(&s);
    rng_init(&rng, 1, "hold");
    struct rt_timer *t = calloc(pending, sizeof *t);
    for (uint64_t i = 0; i < pending; i++) {
        rt_timer_init(&t[i], hold_fire, &t[i]);
        sched_arm(&s, &t[i], (sim_time_t)rng_below(&rng, SIM_MS + 1));
    }
    left = pending;             /* warm-up: every timer fires once */
    sched_run(&s);
    size_t before = sched_memory(&s);
    long rss_before = rss_kb();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    left = events;
    sched_run(&s);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    size_t after = sched_memory(&s);
    printf("engine memory P=%llu events=%llu bytes_before=%zu bytes_after=%zu rss_kb_before=%ld "
           "rss_kb_after=%ld wall_s=%.2f\n",
           (unsigned long long)pending, (unsigned long long)events, before, after,
           rss_before, rss_kb(), wall);
    sched_destroy(&s);
    free(t);
    return after == before ? 0 : 1;   /* growth fails the benchmark */
}
