/*
 * A large pool in the simulator: scenarios/bench/dr-pool.lua, one DR
 * director, 1,000 real servers and 10,000 closed-loop users (40 clients of
 * 250), for 0.1 s of warm-up and 0.2 s measured. One line per case: wall
 * time, events per second, peak RSS; then the memory one more real server
 * and one more user costs, from the peak RSS of the same run with half the
 * servers and with half the users (each case in a process of its own).
 *   dr_pool [--servers=N] [--users=N]   one case only
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scenario/scenario.h"
#include "sim/run.h"

#define SCRIPT "scenarios/bench/dr-pool.lua"
#define CLIENTS 40

struct result {
    double wall_s, events_per_s, goodput_mbps;
    long rss_kb;
    unsigned long long events;
};

static void count_events(void *ctx, sim_time_t now, sim_time_t end, uint64_t events)
{
    (void)now, (void)end;
    *(uint64_t *)ctx = events;
}

/* In the child: one run, its figures written to fd. */
static int run_case(int servers, int users, int fd)
{
    char s_set[64], u_set[64], err[512];
    snprintf(s_set, sizeof s_set, "servers=%d", servers);
    snprintf(u_set, sizeof u_set, "users=%d", users / CLIENTS);
    const char *sets[] = { s_set, u_set };
    struct scenario sc;
    if (scenario_load(&sc, SCRIPT, sets, 2, err, sizeof err) < 0) {
        fprintf(stderr, "dr_pool: %s\n", err);
        return 1;
    }
    struct scn_run run;
    scenario_runs(&sc, &run, 1);
    uint64_t events = 0;
    struct sim_run_opts o = { .progress = count_events, .progress_ctx = &events };
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    json_t *rec = sim_run(&sc, &run, &o, err, sizeof err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!rec) {
        fprintf(stderr, "dr_pool: %s\n", err);
        return 1;
    }
    struct result r = { .wall_s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                        .events = events,
                        .goodput_mbps = json_number_value(json_object_get(rec, "goodput_mbps")) };
    r.events_per_s = (double)events / r.wall_s;
    json_decref(rec);
    scenario_free(&sc);
    return write(fd, &r, sizeof r) == (ssize_t)sizeof r ? 0 : 1;
}

static int measure(int servers, int users, struct result *r)
{
    int p[2];
    if (pipe(p) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        _exit(run_case(servers, users, p[1]));
    }
    close(p[1]);
    ssize_t got = read(p[0], r, sizeof *r);
    close(p[0]);
    int status;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) ||
        got != (ssize_t)sizeof *r)
        return -1;
    r->rss_kb = ru.ru_maxrss;
    printf("dr_pool servers=%d users=%d: %.1f s wall, %llu events, %.2f M events/s, peak RSS %.1f MB, "
           "goodput %.0f Mbit/s\n", servers, users, r->wall_s, r->events, r->events_per_s / 1e6,
           (double)r->rss_kb / 1024, r->goodput_mbps);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    int servers = 1000, users = 10000;
    bool one = false;
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--servers=", 10))
            servers = atoi(argv[i] + 10), one = true;
        else if (!strncmp(argv[i], "--users=", 8))
            users = atoi(argv[i] + 8), one = true;
        else {
            fprintf(stderr, "usage: dr_pool [--servers=N] [--users=N]\n");
            return 2;
        }
    }
    struct result full, half_servers, half_users;
    if (measure(servers, users, &full) < 0)
        return 1;
    if (one)
        return 0;
    if (measure(servers / 2, users, &half_servers) < 0 || measure(servers, users / 2, &half_users) < 0)
        return 1;
    printf("dr_pool: %.1f KB per real server, %.1f KB per user (peak RSS differences)\n",
           (double)(full.rss_kb - half_servers.rss_kb) / (servers - servers / 2),
           (double)(full.rss_kb - half_users.rss_kb) / (users - users / 2));
    return 0;
}
