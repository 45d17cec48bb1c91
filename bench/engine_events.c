/*
 * Engine benchmark, the hold model of ../shared/bench/ns3/events.cc: P timers
 * stay pending, each re-arms itself at now + U(0, 1 ms) when it fires, until N
 * events have run. One line per case, with the hardware's cache misses per
 * event run (perf_event_open; "na" where the machine has no such counter, as
 * in most VMs: bench/vs-ns3.sh then gives cachegrind's simulated ones).
 *   engine_events [EVENTS [P]]   default: 10,000,000 events at P = 1,000 and 100,000
 */
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

/* A disabled counter of this process's cache misses (user space), or -1. */
static int miss_counter_open(void)
{
    struct perf_event_attr a = {
        .type = PERF_TYPE_HARDWARE,
        .size = sizeof a,
        .config = PERF_COUNT_HW_CACHE_MISSES,
        .disabled = 1,
        .exclude_kernel = 1,
        .exclude_hv = 1,
    };
    return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

/* Misses counted since the counter was enabled, or -1 without a counter. */
static double miss_counter_close(int fd)
{
    uint64_t misses;
    if (fd < 0)
        return -1;
    ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
    bool ok = read(fd, &misses, sizeof misses) == sizeof misses;
    close(fd);
    return ok ? (double)misses : -1;
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
    int counter = miss_counter_open();
    if (counter >= 0)
        ioctl(counter, PERF_EVENT_IOC_ENABLE, 0);
    double t0 = wall_now();
    sched_run(&s);
    double wall = wall_now() - t0;
    double misses = miss_counter_close(counter);
    uint64_t ran = sched_executed(&s);
    char per_ev[32] = "na";
    if (misses >= 0)
        snprintf(per_ev, sizeof per_ev, "%.3f", misses / (double)ran);
    printf("engine events P=%llu events=%llu wall_s=%.3f ev_per_s=%.0f cache_misses_per_ev=%s\n",
           (unsigned long long)pending, (unsigned long long)ran, wall, (double)ran / wall, per_ev);
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
