/*
 * One run of a scenario in the emulated world, from up to record: the
 * world built from namespaces and bridges with lvslab's director on TAPs
 * (emu/world.c), loaded by real clients (emu/run_load.c), measured by the
 * clients, the directors and the real servers (emu/run_observe.c), taken
 * down, and recorded as an "emu" run (docs/results-schema.md).
 */
#include "emu/run.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emu/run_load.h"
#include "emu/run_observe.h"
#include "emu/world.h"
#include "scenario/bound.h"
#include "scenario/plan.h"
#include "scenario/results.h"

/* Every real server's http.server says it is serving, and every proxy's
 * nginx has written its pid file, which it does once it listens (bounded:
 * 10 s). */
static int wait_for_servers(const struct emu_world *w, char *err, size_t errlen)
{
    for (int i = 0; i < w->topo->napps; i++) {
        char log[192], pid[192];
        const char *node = w->topo->nodes[w->topo->apps[i].node].name;
        bool proxy = w->topo->apps[i].kind == SCN_APP_PROXY;
        snprintf(log, sizeof log, "%s/%s-http.log", w->workdir, node);
        snprintf(pid, sizeof pid, "%s/%s-nginx/nginx.pid", w->workdir, node);
        for (int k = 0;; k++) {
            char line[256];
            bool ready = proxy && access(pid, F_OK) == 0;
            FILE *f = proxy ? NULL : fopen(log, "r");
            while (f && !ready && fgets(line, sizeof line, f))
                ready = strstr(line, "Serving HTTP") != NULL;
            if (f)
                fclose(f);
            if (ready)
                break;
            if (k == 200) {
                if (proxy)
                    snprintf(err, errlen, "%s/%s-nginx/error.log: nginx did not start within 10 s", w->workdir, node);
                else
                    snprintf(err, errlen, "%s: http.server did not start within 10 s", log);
                return -1;
            }
            struct timespec ts = { 0, 50 * 1000 * 1000 };
            nanosleep(&ts, NULL);
        }
    }
    return 0;
}

/* Every director's counters, summed. */
static int sample_directors(const struct emu_world *w, struct emu_director_sample *sum, char *err, size_t errlen)
{
    memset(sum, 0, sizeof *sum);
    for (int i = 0; i < w->topo->ndirectors; i++) {
        struct emu_director_sample s;
        char status[192];
        emu_world_director_file(w->tag, w->topo->nodes[w->topo->directors[i].node].name, "status", status,
                                sizeof status);
        if (emu_observe_director(w->director_pid[i], status, &s, err, errlen) < 0)
            return -1;
        sum->cpu_s += s.cpu_s, sum->pkts += s.pkts, sum->bytes += s.bytes;
        for (int d = 0; d < s.ndests && sum->ndests < EMU_OBSERVE_MAX_DESTS; d++)
            sum->dests[sum->ndests++] = s.dests[d];
    }
    return 0;
}

/* The connections the directors scheduled to node between two samples, or -1. */
static int64_t node_conns(const struct scn_node *node, const struct emu_director_sample *before,
                          const struct emu_director_sample *after)
{
    int64_t conns = -1;
    for (int f = 0; f < node->nifs; f++)
        for (int a = 0; a < node->ifs[f].naddrs; a++)
            for (int d = 0; d < after->ndests; d++) {
                if (after->dests[d].addr != node->ifs[f].addr[a])
                    continue;
                uint64_t was = 0;
                for (int b = 0; b < before->ndests; b++)
                    if (before->dests[b].addr == after->dests[d].addr)
                        was += before->dests[b].conns;
                conns = (conns < 0 ? 0 : conns) + (int64_t)(after->dests[d].conns - was);
            }
    return conns;
}

/* servers[] as the real servers logged their answers, and Jain's index. */
static int servers(const struct emu_world *w, const struct emu_loads *l, const struct emu_director_sample *before,
                   const struct emu_director_sample *after, json_t **list, double *jain, char *err, size_t errlen)
{
    const struct scn_topo *t = w->topo;
    struct emu_server_log logs[64];
    int nodes[64], n = 0;
    uint64_t total = 0;
    for (int i = 0; i < t->napps && n < 64; i++) {
        if (t->apps[i].kind == SCN_APP_PROXY)
            continue;          /* nginx answers for its upstreams, whose logs count */
        int k = 0;
        while (k < n && nodes[k] != t->apps[i].node)
            k++;
        if (k < n)
            continue;
        char log[192];
        snprintf(log, sizeof log, "%s/%s-http.log", w->workdir, t->nodes[t->apps[i].node].name);
        if (emu_observe_server(log, l, &logs[n], err, errlen) < 0)
            return -1;
        total += logs[n].requests;
        nodes[n++] = t->apps[i].node;
    }
    *list = json_array();
    double sum = 0, sum_sq = 0;
    for (int k = 0; k < n; k++) {
        int64_t conns = node_conns(&t->nodes[nodes[k]], before, after);
        json_array_append_new(*list, json_pack(
            "{s:s, s:I, s:I, s:o, s:o, s:i, s:n}", "name", t->nodes[nodes[k]].name,
            "requests", (json_int_t)logs[k].requests, "bytes", (json_int_t)logs[k].bytes,
            "share", total ? json_real((double)logs[k].requests / (double)total) : json_null(),
            "conns", conns >= 0 ? json_integer(conns) : json_null(), "client_addrs", logs[k].client_addrs,
            "toa_addrs"));
        sum += (double)logs[k].requests, sum_sq += (double)logs[k].requests * (double)logs[k].requests;
    }
    *jain = n > 0 && sum_sq > 0 ? sum * sum / (n * sum_sq) : -1;
    return 0;
}

static json_t *record(const struct scenario *sc, const struct scn_run *run, const struct emu_world *w,
                      const struct emu_loads *l, const struct emu_load_totals *t,
                      const struct emu_director_sample *before, const struct emu_director_sample *after,
                      double secs, json_t *pcaps, char *err, size_t errlen)
{
    json_t *srv;
    double jain;
    if (servers(w, l, before, after, &srv, &jain, err, errlen) < 0)
        return NULL;
    json_t *sweep = scn_run_sweep_json(sc, run);
    /* one core per director process */
    double cpu = (after->cpu_s - before->cpu_s) / secs / w->topo->ndirectors;
    json_t *director = json_pack("{s:f, s:f, s:f, s:n, s:n}",
                                 "pkts_per_s", (double)(after->pkts - before->pkts) / secs,
                                 "mbps", (double)(after->bytes - before->bytes) * 8 / secs / 1e6,
                                 "cpu_util", cpu, "conns_max", "nic_util");
    json_t *rec = json_pack(
        "{s:s, s:s, s:o, s:f, s:f, s:f, s:{s:I, s:I}, s:o, s:o, s:o, s:o, s:[], s:o, s:[], s:n, s:o}",
        "mode", scn_mode_name(run->mode), "world", "emu", "sweep", sweep, "duration_s", secs,
        "goodput_mbps", (double)t->body_bytes * 8 / secs / 1e6, "requests_per_s", (double)t->completed / secs,
        "requests", "completed", (json_int_t)t->completed, "failed", (json_int_t)t->failed,
        "latency_ms", scn_latency_json(&t->latency), "servers", srv,
        "jain", jain > 0 ? json_real(jain) : json_null(), "director", director, "links",
        "bound", scn_bound(w->topo, run->mode, sc->seed), "events", "timeseries", "pcaps", pcaps);
    json_object_set_new(rec, "params", scn_run_params_json(sc, run));
    return rec;
}

/* The director's pcaps of this run, relative to the results directory. */
static json_t *pcap_list(const char *dir, const char *rel, const struct scn_topo *t)
{
    json_t *list = json_array();
    for (int l = 0; l < t->nlinks; l++)
        for (int e = 0; e < 2; e++) {
            const struct scn_node *n = &t->nodes[t->links[l].node[e]];
            char file[1024];
            snprintf(file, sizeof file, "%s/%s/%s-%s.pcap", dir, rel, n->name, n->ifs[t->links[l].iface[e]].name);
            if (access(file, F_OK) == 0)
                json_array_append_new(list, json_sprintf("%s/%s-%s.pcap", rel, n->name,
                                                         n->ifs[t->links[l].iface[e]].name));
        }
    return list;
}

json_t *emu_run(const struct scenario *sc, const struct scn_run *run, const struct scn_topo *topo,
               const struct emu_run_opts *o, char *err, size_t errlen)
{
    struct emu_world w;
    json_t *rec = NULL;
    if (sc->after > 0) {
        snprintf(err, errlen, "%s: after = %gs (a time after the measured window) is simulated only; "
                 "--set after=0 to emulate the scenario", sc->file, sim_time_to_s(sc->after));
        return NULL;
    }
    if (emu_world_up(&w, topo, o->tag, o->self, o->director_argv, true, sc->seed, err, errlen) < 0)
        return NULL;
    double secs = ceil(sim_time_to_s(sc->duration));
    struct emu_loads loads = { 0 };
    struct emu_load_totals totals;
    struct emu_director_sample before, after;
    if (wait_for_servers(&w, err, errlen) == 0 && sample_directors(&w, &before, err, errlen) == 0 &&
        emu_loads_start(&loads, &w, sc->seed, secs, err, errlen) == 0 &&
        emu_loads_finish(&loads, secs, &totals, err, errlen) == 0 && sample_directors(&w, &after, err, errlen) == 0)
        rec = record(sc, run, &w, &loads, &totals, &before, &after, secs, json_array(), err, errlen);
    emu_loads_free(&loads);
    char e[256];
    if (emu_world_down(o->tag, e, sizeof e) < 0 && rec) {    /* the pcaps are complete once it is down */
        snprintf(err, errlen, "%s", e);
        json_decref(rec);
        rec = NULL;
    }
    if (rec)
        json_object_set_new(rec, "pcaps", o->pcap_rel ? pcap_list(o->dir, o->pcap_rel, topo) : json_array());
    emu_world_free(&w);
    return rec;
}
