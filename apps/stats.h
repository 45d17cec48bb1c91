/*
 * What a workload measured on one client host: requests issued, completed
 * and failed (by cause), connections opened, bytes both ways and bytes that
 * failed the end-to-end check, latency in a log-linear histogram, which
 * server answered (by the id in its response header, any number of
 * servers), and the same within a
 * measurement window [win_start, win_stop) that leaves out the warm-up, for
 * goodput. Counters are plain fields to read directly.
 */
#ifndef APPS_STATS_H
#define APPS_STATS_H

#include <stdint.h>

#include "engine/histogram.h"
#include "engine/simtime.h"
#include "engine/timeseries.h"

enum app_fail { APP_FAIL_REFUSED, APP_FAIL_RESET, APP_FAIL_TIMEOUT, APP_FAIL_LOCAL,
                APP_FAIL_BAD, APP_FAILS };

struct app_server_count {
    uint32_t id;               /* as the server sent it (e.g. its address) */
    uint64_t count;            /* 0: a free slot */
};

struct app_stats {
    sim_time_t win_start, win_stop;   /* the measurement window */
    uint64_t issued;                  /* requests started (retries not counted) */
    uint64_t completed, failed;
    uint64_t fails[APP_FAILS];        /* attempts that failed, by cause */
    uint64_t retries;                 /* attempts made again after a failure */
    uint64_t dropped;                 /* open loop: arrivals beyond the outstanding limit */
    uint64_t conns_opened;
    uint64_t bytes_sent, bytes_received;
    uint64_t bad_bytes;               /* received bytes that differ from what was sent */
    uint64_t late;                    /* UDP answers to requests already given up or unknown */
    uint64_t win_completed, win_bytes;   /* within the window */
    struct histogram latency;         /* ns, completions within the window */
    /* answers per server: a hash table of server_slots (a power of two,
     * at most half used; NULL until the first answer), any number of
     * servers; freed by app_stats_free */
    struct app_server_count *servers;
    uint32_t nservers, server_slots;
};

/* Window [start, stop); stop SIM_NEVER for open-ended. */
void app_stats_init(struct app_stats *st, sim_time_t win_start, sim_time_t win_stop);
/* The per-server table's memory (a copy of st shares it: free one only). */
void app_stats_free(struct app_stats *st);
static inline int app_stats_in_window(const struct app_stats *st, sim_time_t t)
{
    return t >= st->win_start && t < st->win_stop;
}
/* A request completed at `now`, issued at `issued`, answered by server id. */
void app_stats_complete(struct app_stats *st, sim_time_t issued, sim_time_t now, uint32_t server);
/* Bytes of payload received at `now` (counted in the window if in it). */
void app_stats_bytes_in(struct app_stats *st, sim_time_t now, uint64_t n);
/* Completions per server id, 0 if it never answered. */
uint64_t app_stats_server_count(const struct app_stats *st, uint32_t id);
/* Window goodput in bits per second of payload received, given the time
 * measurement ended (the window's end, or now if earlier). */
double app_stats_goodput_bps(const struct app_stats *st, sim_time_t now);
/* Add every count of `from` to `into` (one workload over several clients). */
void app_stats_merge(struct app_stats *into, const struct app_stats *from);
/* Register "<prefix>.rps" (completions per second) and "<prefix>.bps"
 * (payload bits received per second) on a sampler; -1 when it is full. */
int app_stats_add_series(const struct app_stats *st, struct timeseries *ts, const char *prefix);

#endif
