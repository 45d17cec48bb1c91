/*
 * `lvslab emu run SCENARIO`: the scenario's runs in the emulated world, one
 * after another: each built from namespaces and bridges with lvslab's
 * director on TAPs (emu/world.c), loaded by real clients (emu/run_load.c),
 * measured by the clients, the director and the real servers
 * (emu/run_observe.c), and recorded as "emu" runs in results.json beside the
 * simulated runs of the same scenario, with the report.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emu/cli_emu.h"
#include "emu/run_load.h"
#include "emu/run_observe.h"
#include "emu/world.h"
#include "sim/cli.h"
#include "sim/run_bound.h"
#include "sim/run_doc.h"

struct run_cmd_args {
    const char *script, *out, *modes, *tag;
    const char *sets[EMU_MAX_SETS - 1];      /* and room for the sweep value */
    int nsets;
    bool pcap;
};

static int usage(FILE *f, int rc)
{
    fprintf(f, "usage: lvslab emu run SCENARIO [--mode MODE,...] [--set KEY=VALUE]... [--out DIR] [--pcap]\n"
               "                       [--tag TAG]\n"
               "  Run each of the scenario's runs (each mode it compares, each sweep value) in\n"
               "  the emulated world: namespaces and bridges, every link at its rate (tc htb),\n"
               "  lvslab's director on TAPs, real servers (python3 http.server) and real\n"
               "  clients (wrk) for the scenario's duration. The runs go into DIR/results.json\n"
               "  (default out/<scenario name>) as world \"emu\", beside the simulated runs\n"
               "  'lvslab run' wrote there, and the report is written again. --pcap captures\n"
               "  the director's TAPs. Each run's world is named TAG (default e<pid>; 'lvslab\n"
               "  emu down TAG' if interrupted). Needs root.\n"
               "  Exit codes: 0 written, 1 a run failed, 2 bad usage or scenario error.\n");
    return rc;
}

static int parse_args(int argc, char **argv, struct run_cmd_args *a)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mode") && i + 1 < argc)
            a->modes = argv[++i];
        else if (!strcmp(argv[i], "--out") && i + 1 < argc)
            a->out = argv[++i];
        else if (!strcmp(argv[i], "--set") && i + 1 < argc && a->nsets < EMU_MAX_SETS - 1)
            a->sets[a->nsets++] = argv[++i];
        else if (!strcmp(argv[i], "--tag") && i + 1 < argc)
            a->tag = argv[++i];
        else if (!strcmp(argv[i], "--pcap"))
            a->pcap = true;
        else if (argv[i][0] != '-' && !a->script)
            a->script = argv[i];
        else
            return -1;
    }
    return a->script ? 0 : -1;
}

/* Every real server's http.server says it is serving (bounded: 10 s). */
static int wait_for_servers(const struct emu_world *w, char *err, size_t errlen)
{
    for (int i = 0; i < w->topo->napps; i++) {
        char log[192];
        snprintf(log, sizeof log, "%s/%s-http.log", w->workdir, w->topo->nodes[w->topo->apps[i].node].name);
        for (int k = 0;; k++) {
            char line[256];
            bool ready = false;
            FILE *f = fopen(log, "r");
            while (f && !ready && fgets(line, sizeof line, f))
                ready = strstr(line, "Serving HTTP") != NULL;
            if (f)
                fclose(f);
            if (ready)
                break;
            if (k == 200) {
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
    json_t *sweep = json_object();
    if (sc->sweep_param[0])
        json_object_set_new(sweep, sc->sweep_param, json_real(run->sweep_value));
    /* one core per director process */
    double cpu = (after->cpu_s - before->cpu_s) / secs / w->topo->ndirectors;
    json_t *director = json_pack("{s:f, s:f, s:f, s:n, s:n}",
                                 "pkts_per_s", (double)(after->pkts - before->pkts) / secs,
                                 "mbps", (double)(after->bytes - before->bytes) * 8 / secs / 1e6,
                                 "cpu_util", cpu, "conns_max", "nic_util");
    return json_pack(
        "{s:s, s:s, s:o, s:f, s:f, s:f, s:{s:I, s:I}, s:o, s:o, s:o, s:o, s:[], s:o, s:[], s:n, s:o}",
        "mode", scn_mode_name(run->mode), "world", "emu", "sweep", sweep, "duration_s", secs,
        "goodput_mbps", (double)t->body_bytes * 8 / secs / 1e6, "requests_per_s", (double)t->completed / secs,
        "requests", "completed", (json_int_t)t->completed, "failed", (json_int_t)t->failed,
        "latency_ms", run_latency_json(&t->latency), "servers", srv,
        "jain", jain > 0 ? json_real(jain) : json_null(), "director", director, "links",
        "bound", sim_bound(w->topo, run->mode, sc->seed), "events", "timeseries", "pcaps", pcaps);
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

/* One run: up, load, measure, down. Its record, or NULL with err and
 * *code CLI_USAGE (the scenario) or CLI_FAILED (the run). */
static json_t *run_one(struct scenario *sc, const struct scn_run *run, const struct run_cmd_args *a,
                       const char *dir, const char *tag, int *code, char *err, size_t errlen)
{
    struct scn_topo topo;
    *code = CLI_USAGE;
    if (scenario_build(sc, run, &topo, err, errlen) < 0)
        return NULL;
    if (emu_loads_check(&topo, err, errlen) < 0) {
        scn_topo_free(&topo);
        return NULL;
    }
    *code = CLI_FAILED;
    char self[PATH_MAX], rel[160], pcap_dir[700], value[64];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
    snprintf(rel, sizeof rel, "pcap-emu/%s", scn_mode_name(run->mode));
    if (sc->sweep_param[0])
        snprintf(rel + strlen(rel), sizeof rel - strlen(rel), "/%s-%g", sc->sweep_param, run->sweep_value);
    snprintf(pcap_dir, sizeof pcap_dir, "%s/%s", dir, rel);
    /* the director reloads this very run: the sweep value pinned */
    struct emu_run_args one = { .script = a->script, .pcap = a->pcap ? pcap_dir : NULL, .nsets = a->nsets,
                                .shape = true };
    memcpy(one.sets, a->sets, sizeof a->sets);
    snprintf(value, sizeof value, "%s=%.17g", sc->sweep_param, run->sweep_value);
    if (sc->sweep_param[0])
        one.sets[one.nsets++] = value;
    if (a->pcap && run_mkdirs(pcap_dir) < 0) {
        snprintf(err, errlen, "%.300s: %s", pcap_dir, strerror(errno));
        scn_topo_free(&topo);
        return NULL;
    }
    struct emu_director_argv dargs;
    emu_cli_director_args(&one, run->mode, &dargs);

    struct emu_world w;
    json_t *rec = NULL;
    if (emu_world_up(&w, &topo, tag, self, dargs.argv, one.shape, sc->seed, err, errlen) == 0) {
        double secs = ceil(sim_time_to_s(sc->duration));
        struct emu_loads loads = { 0 };
        struct emu_load_totals totals;
        struct emu_director_sample before, after;
        if (wait_for_servers(&w, err, errlen) == 0 && sample_directors(&w, &before, err, errlen) == 0 &&
            emu_loads_start(&loads, &w, sc->seed, secs, err, errlen) == 0 &&
            emu_loads_finish(&loads, secs, &totals, err, errlen) == 0 &&
            sample_directors(&w, &after, err, errlen) == 0)
            rec = record(sc, run, &w, &loads, &totals, &before, &after, secs, json_array(), err, errlen);
        emu_loads_free(&loads);
        char e[256];
        if (emu_world_down(tag, e, sizeof e) < 0 && rec) {    /* the pcaps are complete once it is down */
            snprintf(err, errlen, "%s", e);
            json_decref(rec);
            rec = NULL;
        }
        if (rec)
            json_object_set_new(rec, "pcaps", pcap_list(dir, rel, &topo));
        emu_world_free(&w);
    }
    scn_topo_free(&topo);
    if (rec)
        *code = CLI_OK;
    return rec;
}

int emu_cli_run(int argc, char **argv, FILE *out, FILE *err)
{
    struct run_cmd_args a = { 0 };
    if (argc == 2 && !strcmp(argv[1], "--help"))
        return usage(out, CLI_OK);
    if (parse_args(argc, argv, &a) < 0)
        return usage(err, CLI_USAGE);
    struct scenario sc;
    char msg[512];
    if (scenario_load(&sc, a.script, a.sets, a.nsets, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab emu run: %s\n", msg);
        return CLI_USAGE;
    }
    struct scn_run runs[RUN_DOC_MAX_RUNS];
    int nruns = scenario_runs(&sc, runs, RUN_DOC_MAX_RUNS);
    char dir[512], tag[EMU_TAG_MAX];
    snprintf(dir, sizeof dir, "%s%s", a.out ? a.out : "out/", a.out ? "" : sc.name);
    if (a.tag)
        snprintf(tag, sizeof tag, "%s", a.tag);
    else
        snprintf(tag, sizeof tag, "e%d", (int)(getpid() % 1000));
    int rc = run_select_modes(&sc, a.modes, runs, &nruns, "lvslab emu run", err) < 0 ? CLI_USAGE : CLI_OK;
    if (rc == CLI_OK && run_mkdirs(dir) < 0) {
        fprintf(err, "lvslab emu run: %s: %s\n", dir, strerror(errno));
        rc = CLI_FAILED;
    }
    json_t *list = json_array();
    for (int i = 0; i < nruns && rc == CLI_OK; i++) {
        fprintf(out, "emulated run %d/%d: %s", i + 1, nruns, scn_mode_name(runs[i].mode));
        if (sc.sweep_param[0])
            fprintf(out, " %s=%g", sc.sweep_param, runs[i].sweep_value);
        fprintf(out, " (tag %s)\n", tag);
        fflush(out);
        json_t *rec = run_one(&sc, &runs[i], &a, dir, tag, &rc, msg, sizeof msg);
        if (!rec) {
            fprintf(err, "lvslab emu run: %s\n", msg);
        } else {
            json_array_append_new(list, rec);
        }
    }
    size_t kept = 0;
    if (rc == CLI_OK && run_doc_write(dir, &sc, "emu", list, &kept, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab emu run: %s\n", msg);
        rc = CLI_FAILED;
    } else if (rc == CLI_OK) {
        fprintf(out, "wrote %s/{results.json,summary.md,index.html}", dir);
        if (kept)
            fprintf(out, " beside the %zu simulated runs there", kept);
        fputc('\n', out);
    }
    json_decref(list);
    scenario_free(&sc);
    return rc;
}
