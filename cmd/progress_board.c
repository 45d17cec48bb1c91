/* One progress bar for runs in processes of their own. */
#include "cmd/progress_board.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define BAR_WIDTH 30
#define QUIET_FOR 1.0
#define REDRAW_EVERY 0.1

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_pipe_update(void *ctx, sim_time_t now, sim_time_t end, uint64_t events)
{
    const struct progress_pipe *p = ctx;
    struct progress_report r = { .run = p->run, .now = now, .end = end, .events = events };
    if (write(p->fd, &r, sizeof r) != (ssize_t)sizeof r) {
        /* the parent went away or is slow: progress only, nothing to do */
    }
}

void progress_board_init(struct progress_board *b, FILE *out, bool quiet, int runs, sim_time_t run_length)
{
    *b = (struct progress_board){ .out = out, .tty = isatty(fileno(out)), .quiet = quiet, .runs = runs,
                                  .wall_start = wall_now() };
    b->now = calloc((size_t)runs + 1, sizeof *b->now);
    b->end = calloc((size_t)runs + 1, sizeof *b->end);
    b->events = calloc((size_t)runs + 1, sizeof *b->events);
    b->run_start = calloc((size_t)runs + 1, sizeof *b->run_start);
    for (int i = 0; i < runs; i++)
        b->end[i] = run_length;
}

void progress_board_free(struct progress_board *b)
{
    if (b->drawn && !b->quiet)
        fputs("\r\033[K", b->out);
    free(b->now);
    free(b->end);
    free(b->events);
    free(b->run_start);
}

void progress_board_run_begins(struct progress_board *b, int run) { b->run_start[run] = wall_now(); }

static void draw(struct progress_board *b, bool force)
{
    double wall = wall_now(), spent = wall - b->wall_start;
    if (b->quiet || !b->tty || spent < QUIET_FOR || (!force && wall - b->last_draw < REDRAW_EVERY))
        return;
    b->last_draw = wall;
    b->drawn = true;
    double now = 0, end = 0, events = 0;
    for (int i = 0; i < b->runs; i++)
        now += (double)b->now[i], end += (double)b->end[i], events += (double)b->events[i];
    double done = end > 0 ? now / end : 0;
    char bar[BAR_WIDTH + 1];
    for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < (int)(done * BAR_WIDTH) ? '#' : '.';
    bar[BAR_WIDTH] = 0;
    fprintf(b->out, "\r\033[K%d/%d runs [%s] %.1f/%.1f s simulated  %.1fM events/s  ETA %.0f s", b->done,
            b->runs, bar, now / SIM_S, end / SIM_S, events / spent / 1e6, done > 0 ? spent * (1 - done) / done : 0);
    fflush(b->out);
}

void progress_board_take(struct progress_board *b, const struct progress_report *r)
{
    if (r->run < 0 || r->run >= b->runs)
        return;
    b->now[r->run] = r->now, b->end[r->run] = r->end, b->events[r->run] = r->events;
    draw(b, false);
}

void progress_board_run_ends(struct progress_board *b, int run, const char *label)
{
    b->done++;
    b->now[run] = b->end[run];
    if (b->quiet)
        return;
    double spent = wall_now() - b->run_start[run];
    fprintf(b->out, "%srun %d/%d %s: %.2f s simulated in %.2f s (%.1fM events/s)\n", b->drawn ? "\r\033[K" : "",
            run + 1, b->runs, label, sim_time_to_s(b->end[run]), spent,
            spent > 0 ? (double)b->events[run] / spent / 1e6 : 0);
    draw(b, true);
}
