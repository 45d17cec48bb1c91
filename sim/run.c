/* A run from start to record: build, start, simulate, measure. */
#include "sim/run.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/build.h"
#include "sim/run_apps.h"
#include "scenario/bound.h"
#include "scenario/plan.h"
#include "scenario/results.h"
#include "scenario/results_proxy.h"
#include "sim/run_after.h"
#include "sim/run_events.h"
#include "sim/run_measure.h"

#define PROGRESS_STEP (10 * SIM_MS)

struct running {
    struct scn_topo topo;
    struct sim_build b;
    struct sim_apps *apps;
    struct sim_events *events;
    struct sim_measure *measure;
    struct sim_after *after;       /* scenario key after: the time after the window */
};

/* About a hundred samples a run, on a round number of milliseconds. */
static sim_time_t sample_interval(sim_time_t total)
{
    sim_time_t ms = total / 100 / SIM_MS;
    return (ms < 10 ? 10 : ms) * SIM_MS;
}

/* The connections every director scheduled to node's addresses over the
 * whole run (ipvsadm --stats Conns), or -1 when no director has it. */
static int64_t scheduled_conns(const struct sim_build *b, const struct scn_node *node)
{
    int64_t conns = -1;
    for (int i = 0; i < b->nipvs; i++)
        for (const struct ipvs_service *s = b->ipvs[i]->services; s; s = s->next)
            for (const struct ipvs_dest *d = s->dests; d; d = d->next)
                for (int f = 0; f < node->nifs; f++)
                    for (int a = 0; a < node->ifs[f].naddrs; a++)
                        if (d->addr == node->ifs[f].addr[a])
                            conns = (conns < 0 ? 0 : conns) + (int64_t)d->stats.conns;
    return conns;
}

/* Each server node's answers as the clients counted them (its
 * applications together), its share, the connections the director
 * scheduled to it, and Jain's index. */
static json_t *servers(const struct running *r, const struct app_stats *st, double *jain)
{
    int n = sim_apps_nservers(r->apps);
    int *node = calloc((size_t)n + 1, sizeof *node);
    int nodes = sim_apps_answering_nodes(r->apps, node);
    uint64_t total = 0;
    for (int k = 0; k < nodes; k++)
        total += app_stats_server_count(st, sim_apps_server_id(&r->topo, node[k]));
    json_t *list = json_array();
    double sum = 0, sum_sq = 0;
    for (int k = 0; k < nodes; k++) {
        bool counted = false, looked = false;
        uint64_t bytes = 0, b;
        int sources = 0, toa = 0, s, t;
        for (int i = 0; i < n; i++) {
            if (sim_apps_server_node(r->apps, i) != node[k])
                continue;
            if (sim_apps_server_bytes(r->apps, i, &b))
                counted = true, bytes += b;
            if (sim_apps_server_clients(r->apps, i, &s, &t))
                looked = true, sources = s > sources ? s : sources, toa = t > toa ? t : toa;
        }
        uint64_t requests = app_stats_server_count(st, sim_apps_server_id(&r->topo, node[k]));
        int64_t conns = scheduled_conns(&r->b, &r->topo.nodes[node[k]]);
        json_array_append_new(list, json_pack(
            "{s:s, s:I, s:o, s:o, s:o, s:o, s:o}", "name", r->topo.nodes[node[k]].name, "requests", (json_int_t)requests,
            "conns", conns >= 0 ? json_integer(conns) : json_null(),
            "bytes", counted ? json_integer((json_int_t)bytes) : json_null(),
            "share", total ? json_real((double)requests / (double)total) : json_null(),
            "client_addrs", looked ? json_integer(sources) : json_null(),
            "toa_addrs", looked ? json_integer(toa) : json_null()));
        sum += (double)requests, sum_sq += (double)requests * (double)requests;
    }
    free(node);
    *jain = nodes > 0 && sum_sq > 0 ? sum * sum / (nodes * sum_sq) : -1;
    return list;
}

/* Each L7 proxy's own measurements (scenario/results.h). */
static json_t *proxies(const struct running *r)
{
    json_t *list = json_array();
    for (int i = 0; i < sim_apps_nservers(r->apps); i++) {
        const struct proxy *p = sim_apps_proxy(r->apps, i);
        if (p)
            json_array_append_new(list, scn_proxy_json(r->topo.nodes[sim_apps_server_node(r->apps, i)].name, p));
    }
    return list;
}

static json_t *events(const struct sim_events *e)
{
    json_t *list = json_array();
    for (int i = 0; i < sim_events_count(e); i++) {
        const struct sim_event_entry *x = sim_events_entry(e, i);
        json_array_append_new(list, json_pack("{s:f, s:s, s:s, s:o}", "t_s", sim_time_to_s(x->t), "kind", x->kind,
                                              "what", x->what,
                                              "detail", x->detail[0] ? json_string(x->detail) : json_null()));
    }
    return list;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

static int is_pcap(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return n > 5 && !strcmp(d->d_name + n - 5, ".pcap");
}

static json_t *pcaps(const struct sim_run_opts *o)
{
    json_t *list = json_array();
    struct dirent **names;
    int n = o->capture && o->capture->dir[0] ? scandir(o->capture->dir, &names, is_pcap, by_name) : 0;
    for (int i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", o->pcap_rel, names[i]->d_name);
        json_array_append_new(list, json_string(path));
        free(names[i]);
    }
    if (n > 0)
        free(names);
    return list;
}

static json_t *record(const struct scenario *sc, const struct scn_run *run, const struct running *r,
                      const struct sim_run_opts *o)
{
    struct app_stats st;
    app_stats_init(&st, sc->warmup, sc->warmup + sc->duration);
    sim_apps_totals(r->apps, &st);
    double s = sim_time_to_s(sc->duration), jain;
    json_t *sweep = scn_run_sweep_json(sc, run);
    json_t *srv = servers(r, &st, &jain);
    json_t *rec = json_pack(
        "{s:s, s:s, s:o, s:f, s:f, s:f, s:{s:I, s:I, s:o}, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
        "mode", scn_mode_name(run->mode), "world", "sim", "sweep", sweep, "duration_s", s,
        "goodput_mbps", (double)st.win_bytes * 8 / s / 1e6, "requests_per_s", (double)st.win_completed / s,
        "requests", "completed", (json_int_t)st.win_completed, "failed", (json_int_t)st.failed,
        "in_flight", st.issued >= st.completed + st.failed ? json_integer((json_int_t)(st.issued - st.completed - st.failed))
                                                           : json_null(),
        "latency_ms", scn_latency_json(&st.latency), "servers", srv, "jain", jain > 0 ? json_real(jain) : json_null(),
        "director", sim_measure_director(r->measure), "links", sim_measure_links(r->measure),
        "bound", scn_bound(&r->topo, run->mode, sc->seed), "events", events(r->events),
        "timeseries", sim_measure_timeseries(r->measure), "pcaps", pcaps(o));
    json_object_set_new(rec, "params", scn_run_params_json(sc, run));
    json_object_set_new(rec, "tcp", sim_measure_tcp(r->measure));
    if (r->after)
        json_object_set_new(rec, "after", sim_after_json(r->after));
    app_stats_free(&st);
    json_t *px = proxies(r);
    if (json_array_size(px))
        json_object_set_new(rec, "proxies", px);
    else
        json_decref(px);
    return rec;
}

/* The run as the captures' section comment names it: scenario, mode,
 * swept values, parameters, seed. */
static void capture_comment(const struct scenario *sc, const struct scn_run *run, char *out, size_t len)
{
    char label[160], sweep[168] = "";
    scn_run_label(sc, run, " ", label, sizeof label);
    if (label[0])
        snprintf(sweep, sizeof sweep, ", %s", label);
    json_t *params = scn_run_params_json(sc, run);
    char *p = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(6));
    int n = snprintf(out, len, "lvslab simulated run: scenario %s (%s), mode %s%s, seed %llu, duration %gs, params %s",
                     sc->name, sc->file, scn_mode_name(run->mode), sweep, (unsigned long long)sc->seed,
                     sim_time_to_s(sc->duration), p ? p : "{}");
    if (n >= (int)len && len > 4)
        memcpy(out + len - 4, "...", 4);        /* a comment too long is cut, and says so */
    free(p);
    json_decref(params);
}

/* keepalived and VRRP report into the run's event log. */
static void keepalived_event(void *ctx, const char *kind, const char *what, const char *detail)
{
    sim_events_log(ctx, kind, what, detail);
}

/* keepalived's MISC_CHECKs ask the scenario's misc_check predicates; a
 * missing or failing one fails the run. */
struct misc_ctx {
    struct scenario *sc;
    struct sim_build *b;
    char error[320];
};

static bool misc_predicate(void *ctx, const char *path, uint32_t addr, uint16_t port)
{
    struct misc_ctx *m = ctx;
    char msg[256];
    int pass = scenario_misc_check(m->sc, path, addr, port, sched_now(&m->b->w->sched), msg, sizeof msg);
    if (pass < 0 && !m->error[0])
        snprintf(m->error, sizeof m->error, "%s", msg);
    return pass == 1;
}

/* keepalived's vrrp_scripts ask the scenario's vrrp_script predicates,
 * through the same context: a missing or failing one fails the run. */
static bool script_predicate(void *ctx, const char *director, const char *script)
{
    struct misc_ctx *m = ctx;
    char msg[256];
    int pass = scenario_vrrp_script(m->sc, script, director, sched_now(&m->b->w->sched), msg, sizeof msg);
    if (pass < 0 && !m->error[0])
        snprintf(m->error, sizeof m->error, "%s", msg);
    return pass == 1;
}

/* From the scheduler's present to until, reporting progress towards end. */
static void simulate(struct running *r, sim_time_t until, sim_time_t end, const struct sim_run_opts *o)
{
    struct sched *s = &r->b.w->sched;
    for (sim_time_t t = sched_now(s); t < until;) {
        t = t + PROGRESS_STEP < until ? t + PROGRESS_STEP : until;
        sched_run_until(s, t);
        if (o->progress)
            o->progress(o->progress_ctx, t, end, sched_executed(s));
    }
}

static void stop(struct running *r)
{
    sim_after_free(r->after);
    sim_measure_free(r->measure);
    sim_events_free(r->events);
    sim_apps_free(r->apps);
    size_t live = sim_build_free(&r->b);
    if (live)
        fprintf(stderr, "lvslab: warning: %zu packet buffers still live after the run\n", live);
    scn_topo_free(&r->topo);
}

json_t *sim_run(struct scenario *sc, const struct scn_run *run, const struct sim_run_opts *o, char *err,
                size_t errlen)
{
    struct running r = { 0 };
    if (scenario_build(sc, run, &r.topo, err, errlen) < 0)
        return NULL;
    struct scn_capture capture;
    if (o->capture) {
        capture = *o->capture;
        capture_comment(sc, run, capture.comment, sizeof capture.comment);
    }
    if (sim_build(&r.b, &r.topo, sc->seed, o->capture ? &capture : NULL, err, errlen) < 0) {
        scn_topo_free(&r.topo);
        return NULL;
    }
    sim_time_t window_end = sc->warmup + sc->duration, end = window_end + sc->after;
    r.apps = sim_apps_start(&r.b, &r.topo, sc->seed, sc->warmup, window_end, err, errlen);
    if (!r.apps) {
        stop(&r);
        return NULL;
    }
    r.events = sim_events_start(&r.b, &r.topo, r.apps);
    r.b.event = keepalived_event;
    r.b.event_ctx = r.events;
    struct misc_ctx misc = { .sc = sc, .b = &r.b };
    r.b.misc = misc_predicate;
    r.b.misc_ctx = &misc;
    r.b.script = script_predicate;
    r.b.script_ctx = &misc;
    r.measure = sim_measure_start(&r.b, &r.topo, r.apps, sc->warmup, sample_interval(end));
    if (sc->after > 0)
        r.after = sim_after_start(&r.b, r.apps, window_end, end);
    simulate(&r, window_end, end, o);
    sim_measure_close_window(r.measure);
    simulate(&r, end, end, o);
    sim_measure_finish(r.measure);
    json_t *rec = NULL;
    if (sim_events_error(r.events))
        snprintf(err, errlen, "%s", sim_events_error(r.events));
    else if (misc.error[0])
        snprintf(err, errlen, "%s", misc.error);
    else
        rec = record(sc, run, &r, o);
    stop(&r);
    return rec;
}
