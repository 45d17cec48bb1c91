/* The CPU seam's FIFO model: cores in parallel, work in arrival order, the
 * backlog's limit, cancelled work skipped; a NULL cpu runs work at once. */
#include <criterion/criterion.h>

#include "apps/cpu.h"
#include "engine/sched.h"

struct done_log {
    struct sched *s;
    sim_time_t at[8];
    int order[8], n;
};

struct job {
    struct done_log *log;
    int id;
};

static void done(void *arg)
{
    struct job *j = arg;
    j->log->at[j->log->n] = sched_now(j->log->s);
    j->log->order[j->log->n++] = j->id;
}

Test(apps_cpu, two_cores_fifo_backlog)
{
    struct sched s;
    sched_init(&s);
    struct app_cpu_fifo *f = app_cpu_fifo_new(sched_rt(&s), 2, 2);
    struct app_cpu cpu = app_cpu_fifo_seam(f);
    struct done_log log = { .s = &s };
    struct job jobs[5];
    for (int i = 0; i < 5; i++)
        jobs[i] = (struct job){ &log, i };
    for (int i = 0; i < 4; i++)
        cr_assert(app_cpu_run(&cpu, 10 * SIM_MS, done, &jobs[i]));
    cr_assert_not(app_cpu_run(&cpu, 10 * SIM_MS, done, &jobs[4]), "a full backlog refuses");
    cr_assert_eq(log.n, 0, "nothing is done inside run");
    cr_assert_eq(app_cpu_fifo_queued(f), 2);
    sched_run(&s);
    cr_assert_eq(log.n, 4);
    const int order[4] = { 0, 1, 2, 3 };
    const sim_time_t at[4] = { 10 * SIM_MS, 10 * SIM_MS, 20 * SIM_MS, 20 * SIM_MS };
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(log.order[i], order[i]);
        cr_assert_eq(log.at[i], at[i], "job %d done at %lld", i, (long long)log.at[i]);
    }
    const struct app_cpu_stats *st = app_cpu_fifo_stats(f);
    cr_assert_eq(st->run, 4);
    cr_assert_eq(st->refused, 1);
    cr_assert_eq(st->busy, 40 * SIM_MS);
    cr_assert_eq(st->queued_max, 2);
    app_cpu_fifo_free(f);
    sched_destroy(&s);
}

/* Cancelled waiting work takes no core time; cancelled running work holds
 * its core to the end but is not reported. */
Test(apps_cpu, cancel)
{
    struct sched s;
    sched_init(&s);
    struct app_cpu_fifo *f = app_cpu_fifo_new(sched_rt(&s), 1, 4);
    struct app_cpu cpu = app_cpu_fifo_seam(f);
    struct done_log log = { .s = &s };
    struct job jobs[3] = { { &log, 0 }, { &log, 1 }, { &log, 2 } };
    for (int i = 0; i < 3; i++)
        app_cpu_run(&cpu, 5 * SIM_MS, done, &jobs[i]);
    app_cpu_cancel(&cpu, &jobs[0]);
    app_cpu_cancel(&cpu, &jobs[1]);
    sched_run(&s);
    cr_assert_eq(log.n, 1);
    cr_assert_eq(log.order[0], 2);
    cr_assert_eq(log.at[0], 10 * SIM_MS, "job 2 waits only for the running job 0");
    cr_assert_eq(app_cpu_fifo_stats(f)->run, 1);
    app_cpu_fifo_free(f);
    sched_destroy(&s);
}

/* No backlog: only as much work as cores. */
Test(apps_cpu, zero_backlog)
{
    struct sched s;
    sched_init(&s);
    struct app_cpu_fifo *f = app_cpu_fifo_new(sched_rt(&s), 1, 0);
    struct app_cpu cpu = app_cpu_fifo_seam(f);
    struct done_log log = { .s = &s };
    struct job j[2] = { { &log, 0 }, { &log, 1 } };
    cr_assert(app_cpu_run(&cpu, SIM_MS, done, &j[0]));
    cr_assert_not(app_cpu_run(&cpu, SIM_MS, done, &j[1]));
    sched_run(&s);
    cr_assert_eq(log.n, 1);
    app_cpu_fifo_free(f);
    sched_destroy(&s);
}

Test(apps_cpu, null_cpu_is_instant)
{
    struct done_log log = { 0 };
    struct sched s;
    sched_init(&s);
    log.s = &s;
    struct job j = { &log, 9 };
    cr_assert(app_cpu_run(NULL, 5 * SIM_MS, done, &j));
    cr_assert_eq(log.n, 1);
    cr_assert_eq(log.at[0], 0);
    app_cpu_cancel(NULL, &j);
    sched_destroy(&s);
}
