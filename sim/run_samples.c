/* The run's time series that are not one number per sample: each real
 * server's share of the requests answered in the interval, and the
 * directors' connection tables by TCP state (ipvsadm -L -c counted). */
#include "sim/run_samples.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/xalloc.h"
#include "lvs/conn.h"
#include "lvs/proto_tcp.h"

struct sim_samples {
    const struct sim_build *b;
    const struct sim_apps *apps;
    int nservers;
    char (*names)[SCN_NAME_MAX];
    uint32_t *ids;
    uint64_t *last;                /* answered by each server at the previous sample */
    double **share;                /* [server][sample]; NaN when nothing was answered */
    double *states[IPVS_TCP_STATES];   /* [state][sample]: entries in that state */
    size_t n, cap;
};

struct sim_samples *sim_samples_new(const struct sim_build *b, const struct scn_topo *topo,
                                    const struct sim_apps *apps)
{
    struct sim_samples *s = xcalloc(1, sizeof *s);
    s->b = b;
    s->apps = apps;
    int *node = xcalloc((size_t)sim_apps_nservers(apps) + 1, sizeof *node);
    s->nservers = sim_apps_answering_nodes(apps, node);
    s->names = xcalloc((size_t)s->nservers + 1, sizeof *s->names);
    s->ids = xcalloc((size_t)s->nservers + 1, sizeof *s->ids);
    s->last = xcalloc((size_t)s->nservers + 1, sizeof *s->last);
    s->share = xcalloc((size_t)s->nservers + 1, sizeof *s->share);
    for (int k = 0; k < s->nservers; k++) {
        snprintf(s->names[k], sizeof s->names[k], "%s", topo->nodes[node[k]].name);
        s->ids[k] = sim_apps_server_id(topo, node[k]);
    }
    free(node);
    return s;
}

static void count_state(void *ctx, const struct ipvs_conn *cp)
{
    double *at = ctx;
    if (cp->protocol == 6 && !(cp->flags & IPVS_CONN_F_TEMPLATE) && cp->state < IPVS_TCP_STATES)
        at[cp->state]++;
}

void sim_samples_take(void *ctx, size_t i)
{
    struct sim_samples *s = ctx;
    if (i >= s->cap) {
        s->cap = s->cap ? 2 * s->cap : 128;
        for (int k = 0; k < s->nservers; k++)
            s->share[k] = xrealloc(s->share[k], s->cap * sizeof **s->share);
        for (int st = 0; st < IPVS_TCP_STATES; st++)
            s->states[st] = xrealloc(s->states[st], s->cap * sizeof **s->states);
    }
    uint64_t total = 0;
    for (int k = 0; k < s->nservers; k++) {
        uint64_t now = sim_apps_answered_by(s->apps, s->ids[k]);
        s->share[k][i] = (double)(now - s->last[k]);
        total += now - s->last[k];
        s->last[k] = now;
    }
    for (int k = 0; k < s->nservers; k++)
        s->share[k][i] = total ? s->share[k][i] / (double)total : NAN;
    double at[IPVS_TCP_STATES] = { 0 };
    for (int d = 0; d < s->b->nipvs; d++)
        ipvs_conn_foreach(s->b->ipvs[d], count_state, at);
    for (int st = 0; st < IPVS_TCP_STATES; st++)
        s->states[st][i] = at[st];
    s->n = i + 1;
}

static json_t *numbers(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, isnan(v[i]) ? json_null() : json_real(v[i]));
    return a;
}

void sim_samples_json(const struct sim_samples *s, json_t *ts)
{
    json_t *servers = json_array();
    for (int k = 0; k < s->nservers; k++)
        json_array_append_new(servers, json_pack("{s:s, s:o}", "name", s->names[k], "share",
                                                 numbers(s->share[k], s->n)));
    json_object_set_new(ts, "server_share", servers);
    json_t *states = json_object();
    if (s->b->nipvs > 0)
        for (int st = IPVS_TCP_NONE + 1; st < IPVS_TCP_STATES; st++) {
            bool any = false;
            for (size_t i = 0; i < s->n && !any; i++)
                any = s->states[st][i] > 0;
            if (any)
                json_object_set_new(states, ipvs_tcp_state_name(st), numbers(s->states[st], s->n));
        }
    json_object_set_new(ts, "director_conn_states", states);
}

void sim_samples_free(struct sim_samples *s)
{
    if (!s)
        return;
    for (int k = 0; k < s->nservers; k++)
        free(s->share[k]);
    for (int st = 0; st < IPVS_TCP_STATES; st++)
        free(s->states[st]);
    free(s->share);
    free(s->last);
    free(s->ids);
    free(s->names);
    free(s);
}
