/*
 * Engine benchmark, the hold model of ../shared/bench/ns3/events.cc: P timers
 * stay pending, each re-arms itself at now + U(0, 1 ms) when it fires, until N
 * events have run. One line per case.
 *   engine_events [EVENTS [P]]   default: 10,000,000 events at P = 1,000 and 100,000
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine/rng.h"
#include "engine/sched.h"

struct hold {
    struct sched *sched;
    struct rng rng;
    uint64_t left;
};

struct hold_event {
    struct rt_timer timer;
    struct hold *hold;
};

static void hold_fire(void *arg)
{
    struct hold_event *ev = arg;
    struct hold *h = ev->hold;
    if (--h->left == 0) {
        sched_stop(h->sched);
        return;
    }
    sim_time_t delay = (sim_time_t)rng_below(&h->rng, SIM_MS + 1);
    sched_arm(h->sched, &ev->timer, sched_now(h->sched) + delay);
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void run_case(uint64_t pending, uint64_t events)
{
    static struct sched s;
    sched_init(&s);
    struct hold h = { .sched = &s, .left = events };
    rng_init(&h.rng, 1, "hold");
    struct hold_event *ev = calloc(pending, sizeof *ev);
    for (uint64_t i = 0; i < pending; i++) {
        ev[i].hold = &h;
        rt_timer_init(&ev[i].timer, hold_fire, &ev[i]);
        sched_arm(&s, &ev[i].timer, (sim_time_t)rng_below(&h.rng, SIM_MS + 1));
    }
    double t0 = wall_now();
    sched_run(&s);
    double wall = wall_now() - t0;
    uint64_t ran = sched_executed(&s);
    printf("engine events P=%llu events=%llu wall_s=%.3f ev_per_s=%.0f\n",
           (unsigned long long)pending, (unsigned long long)ran, wall, (double)ran / wall);
    sched_destroy(&s);
    free(ev);
}

int main(int argc, char **argv)
{
    uint64_t events = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
    if (argc > 2) {
        run_case(strtoull(argv[2], NULL, 10), events);
    } else {
        run_case(1000, events);
        run_case(100000, events);
    }
    return 0;
}
