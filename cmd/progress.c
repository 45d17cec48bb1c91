/* The progress bar and lines of `lvslab run`. */
#include "cmd/progress.h"

#include <time.h>
#include <unistd.h>

#define BAR_WIDTH 30
#define QUIET_FOR 1.0          /* seconds of wall time before a bar shows */
#define REDRAW_EVERY 0.1

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, FILE *out, bool quiet, int runs)
{
    *p = (struct progress){ .out = out, .tty = isatty(fileno(out)), .quiet = quiet, .runs = runs };
}

void progress_run_begins(struct progress *p, int run, const char *label)
{
    p->run = run;
    snprintf(p->label, sizeof p->label, "%s", label);
    p->wall_start = p->last_draw = wall_now();
    p->drawn = false;
    p->events = 0;
}

void progress_update(void *ctx, sim_time_t now, sim_time_t end, uint64_t events)
{
    struct progress *p = ctx;
    p->events = events;
    if (p->quiet || !p->tty)
        return;
    double wall = wall_now(), spent = wall - p->wall_start;
    if (spent < QUIET_FOR || wall - p->last_draw < REDRAW_EVERY)
        return;
    p->last_draw = wall;
    p->drawn = true;
    double done = (double)now / (double)end;
    int filled = (int)(done * BAR_WIDTH);
    char bar[BAR_WIDTH + 1];
    for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[BAR_WIDTH] = 0;
    fprintf(p->out, "\r\033[Krun %d/%d %s [%s] %.2f/%.2f s  %.1fM events/s  ETA %.0f s", p->run, p->runs,
            p->label, bar, sim_time_to_s(now), sim_time_to_s(end), (double)events / spent / 1e6,
            done > 0 ? spent * (1 - done) / done : 0);
    fflush(p->out);
}

void progress_run_ends(struct progress *p, sim_time_t simulated)
{
    if (p->quiet)
        return;
    double spent = wall_now() - p->wall_start;
    fprintf(p->out, "%srun %d/%d %s: %.2f s simulated in %.2f s (%llu events, %.1fM events/s)\n",
            p->drawn ? "\r\033[K" : "", p->run, p->runs, p->label, sim_time_to_s(simulated), spent,
            (unsigned long long)p->events, spent > 0 ? (double)p->events / spent / 1e6 : 0);
}
