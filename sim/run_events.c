/* Carrying out a scenario's timed events, and the run's event log. */
#include "sim/run_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "lvs/ipvsadm.h"
#include "net/route.h"
#include "sim/nic.h"

struct pending {
    struct sim_events *e;
    const struct scn_event *ev;
    struct rt_timer timer;
};

struct sim_events {
    struct sim_build *b;
    const struct scn_topo *topo;
    struct sim_apps *apps;
    struct pending *pending;
    int npending;
    struct sim_event_entry *log;
    int nlog, cap;
    char error[320];           /* the first ipvsadm line refused, or "" */
};

void sim_events_log(struct sim_events *e, const char *kind, const char *what, const char *detail)
{
    if (e->nlog == e->cap) {
        e->cap = e->cap ? 2 * e->cap : 16;
        e->log = xrealloc(e->log, (size_t)e->cap * sizeof *e->log);
    }
    struct sim_event_entry *x = &e->log[e->nlog++];
    x->t = sched_now(&e->b->w->sched);
    snprintf(x->kind, sizeof x->kind, "%s", kind);
    snprintf(x->what, sizeof x->what, "%s", what);
    snprintf(x->detail, sizeof x->detail, "%s", detail ? detail : "");
}

static void link_name(const struct scn_topo *topo, int link, char *out, size_t len)
{
    const struct scn_link *l = &topo->links[link];
    snprintf(out, len, "%s-%s", topo->nodes[l->node[0]].name, topo->nodes[l->node[1]].name);
}

static void fire(void *arg)
{
    struct pending *p = arg;
    struct sim_events *e = p->e;
    const struct scn_event *ev = p->ev;
    const struct scn_topo *topo = e->topo;
    char name[SIM_EVENT_TEXT];
    switch (ev->kind) {
    case SCN_EV_FAIL:
    case SCN_EV_RECOVER: {
        bool failed = ev->kind == SCN_EV_FAIL;
        sim_node_fail(e->b->nodes[ev->node], failed);
        const char *kind = failed ? "node_fail" : "node_recover";
        const struct scn_director *d = scn_topo_director(topo, ev->node);
        if (d) {
            kind = failed ? "director_crash" : "director_recover";
            int i = (int)(d - topo->directors);
            char msg[320];
            if (failed)
                sim_build_director_crash(e->b, i);
            else if (sim_build_director_reboot(e->b, i, msg, sizeof msg) < 0 && !e->error[0])
                snprintf(e->error, sizeof e->error, "%s", msg);
        }
        else
            for (int i = 0; i < topo->nrealservers; i++)
                if (topo->realservers[i].node == ev->node)
                    kind = failed ? "rs_fail" : "rs_recover";
        sim_events_log(e, kind, topo->nodes[ev->node].name, ev->where.text);
        break;
    }
    case SCN_EV_LINK_DOWN:
    case SCN_EV_LINK_UP:
        sim_link_set_up(e->b->links[ev->link], ev->kind == SCN_EV_LINK_UP);
        link_name(topo, ev->link, name, sizeof name);
        sim_events_log(e, ev->kind == SCN_EV_LINK_UP ? "link_up" : "link_down", name, ev->where.text);
        break;
    case SCN_EV_APP_STOP:
    case SCN_EV_APP_START: {
        bool run = ev->kind == SCN_EV_APP_START;
        const struct scn_server_app *app = &topo->apps[ev->app];
        snprintf(name, sizeof name, "%s %s:%u", topo->nodes[app->node].name,
                 app->kind == SCN_APP_PROXY ? "proxy" : "http", app->port);
        if (!sim_apps_set_running(e->apps, ev->app, run) && !e->error[0])
            snprintf(e->error, sizeof e->error, "%s: at start: port %u is taken on %s", ev->where.text, app->port,
                     topo->nodes[app->node].name);
        sim_events_log(e, run ? "app_start" : "app_stop", name, ev->where.text);
        break;
    }
    case SCN_EV_ROUTE: {
        const struct scn_route *r = &ev->route;
        uint32_t one = r->via;
        int rc = route_replace(e->b->nodes[ev->node]->host, r->prefix, r->prefix_len, r->nvias > 1 ? r->vias : &one,
                               r->nvias > 1 ? r->nvias : 1, r->hash == SCN_HASH_L4 ? ROUTE_HASH_L4 : ROUTE_HASH_L3);
        if (rc < 0 && !e->error[0])
            snprintf(e->error, sizeof e->error, "%s: %s: no interface reaches a gateway", ev->where.text,
                     topo->nodes[ev->node].name);
        sim_events_log(e, "route", topo->nodes[ev->node].name, ev->where.text);
        break;
    }
    case SCN_EV_IPVSADM: {            /* on every director, configured alike */
        char msg[256];
        int rc = e->b->nipvs ? 0 : (snprintf(msg, sizeof msg, "%s: no director", ev->where.text), -1);
        for (int i = 0; i < e->b->nipvs && rc == 0; i++)
            rc = ipvsadm_run(e->b->ipvs[i], ev->line, ev->where.text, &(struct ipvsadm_io){ .out = NULL }, msg,
                             sizeof msg);
        if (rc < 0 && !e->error[0])
            snprintf(e->error, sizeof e->error, "%s", msg);
        sim_events_log(e, rc < 0 ? "ipvsadm_refused" : "ipvsadm", ev->line, rc < 0 ? msg : ev->where.text);
        break;
    }
    }
}

struct sim_events *sim_events_start(struct sim_build *b, const struct scn_topo *topo, struct sim_apps *apps)
{
    struct sim_events *e = xcalloc(1, sizeof *e);
    e->b = b;
    e->apps = apps;
    e->topo = topo;
    e->pending = xcalloc((size_t)topo->nevents + 1, sizeof *e->pending);
    e->npending = topo->nevents;
    for (int i = 0; i < topo->nevents; i++) {
        struct pending *p = &e->pending[i];
        p->e = e;
        p->ev = &topo->events[i];
        rt_timer_init(&p->timer, fire, p);
        rt_timer_arm(sim_world_rt(b->w), &p->timer, p->ev->at);
    }
    return e;
}

int sim_events_count(const struct sim_events *e) { return e->nlog; }

const char *sim_events_error(const struct sim_events *e) { return e->error[0] ? e->error : NULL; }

const struct sim_event_entry *sim_events_entry(const struct sim_events *e, int i) { return &e->log[i]; }

void sim_events_free(struct sim_events *e)
{
    if (!e)
        return;
    for (int i = 0; i < e->npending; i++)
        rt_timer_cancel(sim_world_rt(e->b->w), &e->pending[i].timer);
    free(e->pending);
    free(e->log);
    free(e);
}
