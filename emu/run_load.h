/*
 * A scenario's http workload in the emulated world: real clients, wrk in
 * each client's namespace. The responses are files the real servers'
 * python3 http.server serves, their sizes drawn from the workload's
 * response distribution; the think times are wrk's delay(). Each wrk
 * reports its counts and its latency histogram through a generated Lua
 * script, which the run merges.
 */
#ifndef EMU_RUN_LOAD_H
#define EMU_RUN_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "emu/world.h"
#include "engine/histogram.h"

#define EMU_LOAD_FILES 256        /* response files per workload */
#define EMU_LOAD_HTTP_HEADER 200  /* bytes of http.server's response header, about */

struct emu_load_client {
    pid_t pid;
    char result[320];          /* the JSON its wrk writes when done */
    char log[320];
};

struct emu_load_totals {
    uint64_t completed, failed, body_bytes;
    struct histogram latency;  /* ns */
};

struct emu_loads {
    const struct scn_topo *topo;
    struct emu_load_client *clients;
    int nclients;
    uint64_t *file_bytes;      /* per workload, per file: its size */
    int nworkloads;
};

/* Check that every workload of topo can run emulated (closed-loop http);
 * 0, or -1 with "file:line: ..." in err. */
int emu_loads_check(const struct scn_topo *topo, char *err, size_t errlen);

/* Write each workload's files under the world's served directory and its
 * wrk script; start one wrk per client for duration_s. 0, or -1 with err
 * (the clients started so far are stopped). */
int emu_loads_start(struct emu_loads *l, const struct emu_world *w, uint64_t seed, double duration_s,
                    char *err, size_t errlen);

/* Wait for every wrk (at most duration plus a grace) and add up their
 * reports; 0, or -1 with err. */
int emu_loads_finish(struct emu_loads *l, double duration_s, struct emu_load_totals *t, char *err,
                     size_t errlen);

/* The size of the file a server logged as path ("/lvslab-load/W/F"), or -1. */
int64_t emu_loads_file_bytes(const struct emu_loads *l, const char *path);

void emu_loads_free(struct emu_loads *l);

#endif
