/* Workload measurements: counting, the per-server table, goodput, series. */
#include "apps/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"

void app_stats_init(struct app_stats *st, sim_time_t win_start, sim_time_t win_stop)
{
    memset(st, 0, sizeof *st);
    st->win_start = win_start;
    st->win_stop = win_stop;
    hist_init(&st->latency);
}

void app_stats_free(struct app_stats *st)
{
    free(st->servers);
    st->servers = NULL;
    st->nservers = st->server_slots = 0;
}

static struct app_server_count *server_slot(struct app_server_count *table, uint32_t slots, uint32_t id)
{
    uint32_t h = id * 2654435761u;
    for (uint32_t k = 0;; k++) {     /* at most half full: a free slot ends the search */
        struct app_server_count *e = &table[(h + k) & (slots - 1)];
        if (!e->count || e->id == id)
            return e;
    }
}

static void count_server(struct app_stats *st, uint32_t id, uint64_t n)
{
    if (!n)
        return;
    if (2 * (st->nservers + 1) > st->server_slots) {
        uint32_t slots = st->server_slots ? 2 * st->server_slots : 16;
        struct app_server_count *table = xcalloc(slots, sizeof *table);
        for (uint32_t i = 0; i < st->server_slots; i++)
            if (st->servers[i].count)
                *server_slot(table, slots, st->servers[i].id) = st->servers[i];
        free(st->servers);
        st->servers = table;
        st->server_slots = slots;
    }
    struct app_server_count *e = server_slot(st->servers, st->server_slots, id);
    if (!e->count) {
        e->id = id;
        st->nservers++;
    }
    e->count += n;
}

void app_stats_complete(struct app_stats *st, sim_time_t issued, sim_time_t now, uint32_t server)
{
    st->completed++;
    count_server(st, server, 1);
    if (app_stats_in_window(st, now)) {
        st->win_completed++;
        hist_record(&st->latency, (uint64_t)(now - issued));
    }
}

void app_stats_bytes_in(struct app_stats *st, sim_time_t now, uint64_t n)
{
    st->bytes_received += n;
    if (app_stats_in_window(st, now))
        st->win_bytes += n;
}

uint64_t app_stats_server_count(const struct app_stats *st, uint32_t id)
{
    return st->servers ? server_slot(st->servers, st->server_slots, id)->count : 0;
}

double app_stats_goodput_bps(const struct app_stats *st, sim_time_t now)
{
    sim_time_t end = now < st->win_stop ? now : st->win_stop;
    if (end <= st->win_start)
        return 0;
    return (double)st->win_bytes * 8.0 / sim_time_to_s(end - st->win_start);
}

void app_stats_merge(struct app_stats *into, const struct app_stats *from)
{
    into->issued += from->issued;
    into->completed += from->completed;
    into->failed += from->failed;
    for (int i = 0; i < APP_FAILS; i++)
        into->fails[i] += from->fails[i];
    into->retries += from->retries;
    into->dropped += from->dropped;
    into->conns_opened += from->conns_opened;
    into->bytes_sent += from->bytes_sent;
    into->bytes_received += from->bytes_received;
    into->bad_bytes += from->bad_bytes;
    into->late += from->late;
    into->win_completed += from->win_completed;
    into->win_bytes += from->win_bytes;
    hist_merge(&into->latency, &from->latency);
    for (uint32_t i = 0; i < from->server_slots; i++)
        count_server(into, from->servers[i].id, from->servers[i].count);
}

int app_stats_add_series(const struct app_stats *st, struct timeseries *ts, const char *prefix)
{
    char name[TS_NAME_MAX];
    snprintf(name, sizeof name, "%s.rps", prefix);
    if (ts_add_rate(ts, name, &st->completed, 1.0) < 0)
        return -1;
    snprintf(name, sizeof name, "%s.bps", prefix);
    return ts_add_rate(ts, name, &st->bytes_received, 8.0) < 0 ? -1 : 0;
}
