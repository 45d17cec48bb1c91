/*
 * What an emulated run measures outside the clients: the director process
 * (its CPU time from /proc, its per-real-server counters from the
 * `ipvsadm -L -n --stats --exact` listing it writes on SIGUSR1) and the
 * real servers (the requests each python3 http.server logged).
 */
#ifndef EMU_RUN_OBSERVE_H
#define EMU_RUN_OBSERVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "emu/run_load.h"

#define EMU_OBSERVE_MAX_DESTS 64

struct emu_dest_counts {
    uint32_t addr;             /* host order */
    uint64_t conns, pkts, bytes;
};

struct emu_director_sample {
    double cpu_s;              /* user plus system time so far */
    uint64_t pkts, bytes;      /* in and out, every service */
    struct emu_dest_counts dests[EMU_OBSERVE_MAX_DESTS];   /* summed over services, by address */
    int ndests;
};

/* Ask the director (pid, listing at status_path) for its counters; 0, or -1 with err. */
int emu_observe_director(pid_t pid, const char *status_path, struct emu_director_sample *s, char *err,
                         size_t errlen);

struct emu_server_log {
    uint64_t requests, bytes;  /* 200 answers to the workloads' files, and their sizes */
    int client_addrs;          /* distinct source addresses among them */
};

/* Read a python3 http.server log; 0, or -1 with err. */
int emu_observe_server(const char *log_path, const struct emu_loads *loads, struct emu_server_log *s, char *err,
                       size_t errlen);

#endif
