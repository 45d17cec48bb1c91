/* Starting a run's servers and workloads, and reading what they measured. */
#include "sim/run_apps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/bulk.h"
#include "apps/cpu.h"
#include "apps/http_client.h"
#include "apps/http_server.h"
#include "apps/proxy.h"
#include "apps/udp_rr.h"
#include "engine/xalloc.h"

struct app_server {
    int node;
    enum scn_app_kind kind;
    union {
        struct http_server *http;
        struct bulk_server *bulk;
        struct udprr_server *udp;
        struct proxy *proxy;
    };
};

struct app_client {
    enum scn_load_kind kind;
    union {
        struct http_client *http;
        struct bulk_client *bulk;
        struct udprr_client *udp;
    };
};

struct sim_apps {
    struct app_cpu_fifo **cpus;    /* by node, made for the nodes that serve */
    struct app_cpu *seams;
    int nnodes;
    struct app_server *servers;
    int nservers;
    struct app_client *clients;
    int nclients;
};

uint32_t sim_apps_server_id(const struct scn_topo *topo, int node)
{
    const struct scn_node *n = &topo->nodes[node];
    for (int i = 0; i < n->nifs; i++)
        if (n->ifs[i].link >= 0 && n->ifs[i].naddrs > 0)
            return n->ifs[i].addr[0];
    return 0;
}

/* The node's cores serve its applications' work; a node without a CPU
 * model has none, and its work is done at once. */
static const struct app_cpu *node_cpu(struct sim_apps *a, struct sim_build *b, const struct scn_topo *topo,
                                      int node)
{
    const struct scn_cpu *c = &topo->nodes[node].cpu;
    if (c->cores <= 0)
        return NULL;
    if (!a->cpus[node]) {
        a->cpus[node] = app_cpu_fifo_new(sim_world_rt(b->w), c->cores, c->backlog);
        a->seams[node] = app_cpu_fifo_seam(a->cpus[node]);
    }
    return &a->seams[node];
}

static int start_server(struct sim_apps *a, struct sim_build *b, const struct scn_topo *topo,
                        const struct scn_server_app *app, uint64_t seed, char *err, size_t errlen)
{
    struct host *h = b->nodes[app->node]->host;
    uint32_t id = sim_apps_server_id(topo, app->node);
    struct dist service;
    char derr[160];
    if (dist_parse(app->service_time, DIST_TIME, &service, derr, sizeof derr) < 0)
        return scn_fail(err, errlen, &app->where, "%s", derr);
    struct app_server *s = &a->servers[a->nservers];
    s->node = app->node;
    s->kind = app->kind;
    bool made = false;
    switch (app->kind) {
    case SCN_APP_HTTP:
        made = (s->http = http_server_new(h, &(struct http_server_cfg){
            .name = "serve", .seed = seed, .port = app->port, .id = id, .service = service,
            .cpu = node_cpu(a, b, topo, app->node), .health_path = app->health_path,
            .health_status = app->health_status, .health_body = app->health_body })) != NULL;
        break;
    case SCN_APP_BULK:
        made = (s->bulk = bulk_server_new(h, &(struct bulk_server_cfg){ .port = app->port, .id = id })) != NULL;
        break;
    case SCN_APP_PROXY: {
        const struct scn_proxy *px = &app->proxy;
        struct proxy_cfg pc = {
            .port = app->port, .balance = (enum proxy_balance)px->balance, .nupstream = px->nupstream,
            .keepalive = px->keepalive, .max_fails = (uint32_t)px->max_fails, .fail_timeout = px->fail_timeout,
            .timeout = px->timeout, .cpu_per_request = px->per_request, .cpu_per_byte_ns = px->per_byte_ns,
            .cpu = node_cpu(a, b, topo, app->node),
        };
        memcpy(pc.upstream_addr, px->upstream_addr, sizeof px->upstream_addr);
        memcpy(pc.upstream_port, px->upstream_port, sizeof px->upstream_port);
        made = (s->proxy = proxy_new(h, &pc)) != NULL;
        break;
    }
    case SCN_APP_UDP: {
        uint32_t vip = 0;
        for (int i = 0; i < topo->nrealservers; i++)
            if (topo->realservers[i].node == app->node && topo->realservers[i].mode != SCN_NAT &&
                topo->realservers[i].mode != SCN_FULLNAT)
                vip = topo->realservers[i].vip;   /* DR/TUN answers leave from the VIP */
        made = (s->udp = udprr_server_new(h, &(struct udprr_server_cfg){
            .name = "serve", .seed = seed, .addr = vip, .port = app->port, .id = id, .service = service,
            .cpu = node_cpu(a, b, topo, app->node) })) != NULL;
        break;
    }
    }
    if (!made)
        return scn_fail(err, errlen, &app->where, "the port is already taken on this node");
    a->nservers++;
    return 0;
}

static int parse_dists(const struct scn_workload *w, struct dist *think, struct dist *req, struct dist *resp,
                       char *err, size_t errlen)
{
    char derr[160];
    if (dist_parse(w->think, DIST_TIME, think, derr, sizeof derr) < 0 ||
        dist_parse(w->request, DIST_SIZE, req, derr, sizeof derr) < 0 ||
        dist_parse(w->response, DIST_SIZE, resp, derr, sizeof derr) < 0)
        return scn_fail(err, errlen, &w->where, "%s", derr);
    return 0;
}

static int start_client(struct sim_apps *a, struct sim_build *b, const struct scn_workload *w, int from,
                        uint64_t seed, sim_time_t win_start, sim_time_t win_stop, char *err, size_t errlen)
{
    struct host *h = b->nodes[from]->host;
    struct dist think, req, resp;
    if (parse_dists(w, &think, &req, &resp, err, errlen) < 0)
        return -1;
    struct app_load_cfg load = {
        .loop = w->kind == SCN_LOAD_HTTP_CLOSED ? APP_CLOSED : APP_OPEN,
        .users = w->users, .think = think, .rate = w->rate, .start = w->start, .stop = w->stop,
    };
    struct app_client *c = &a->clients[a->nclients];
    c->kind = w->kind;
    switch (w->kind) {
    case SCN_LOAD_HTTP_CLOSED:
    case SCN_LOAD_HTTP_OPEN:
        c->http = http_client_new(h, &(struct http_client_cfg){
            .name = w->name, .seed = seed, .dst = w->dst, .dport = w->dport, .load = load,
            .req_size = req, .resp_size = resp, .keepalive = w->keepalive, .timeout = w->timeout,
            .retries = w->retries,
            .win_start = win_start, .win_stop = win_stop });
        http_client_start(c->http);
        break;
    case SCN_LOAD_BULK_DOWN:
    case SCN_LOAD_BULK_UP:
        c->bulk = bulk_client_new(h, &(struct bulk_client_cfg){
            .name = w->name, .dst = w->dst, .dport = w->dport,
            .dir = w->kind == SCN_LOAD_BULK_DOWN ? BULK_DOWN : BULK_UP,
            .bytes = (uint64_t)dist_mean(&resp), .streams = w->users > 0 ? w->users : 1,
            .start = w->start, .timeout = w->stop == SIM_NEVER ? 0 : w->stop - w->start,
            .win_start = win_start, .win_stop = win_stop });
        bulk_client_start(c->bulk);
        break;
    case SCN_LOAD_UDP:
        c->udp = udprr_client_new(h, &(struct udprr_client_cfg){
            .name = w->name, .seed = seed, .dst = w->dst, .dport = w->dport, .load = load,
            .req_size = req, .resp_size = resp, .timeout = w->timeout, .retries = w->retries,
            .win_start = win_start, .win_stop = win_stop });
        if (!c->udp)
            return scn_fail(err, errlen, &w->where, "no local UDP port is free");
        udprr_client_start(c->udp);
        break;
    }
    a->nclients++;
    return 0;
}

struct sim_apps *sim_apps_start(struct sim_build *b, const struct scn_topo *topo, uint64_t seed,
                                sim_time_t win_start, sim_time_t win_stop, char *err, size_t errlen)
{
    struct sim_apps *a = xcalloc(1, sizeof *a);
    a->nnodes = topo->nnodes;
    a->cpus = xcalloc((size_t)topo->nnodes, sizeof *a->cpus);
    a->seams = xcalloc((size_t)topo->nnodes, sizeof *a->seams);
    a->servers = xcalloc((size_t)topo->napps + 1, sizeof *a->servers);
    int nclients = 0;
    for (int i = 0; i < topo->nworkloads; i++)
        nclients += topo->workloads[i].nfrom;
    a->clients = xcalloc((size_t)nclients + 1, sizeof *a->clients);
    for (int i = 0; i < topo->napps; i++)
        if (start_server(a, b, topo, &topo->apps[i], seed, err, errlen) < 0)
            goto fail;
    for (int i = 0; i < topo->nworkloads; i++)
        for (int f = 0; f < topo->workloads[i].nfrom; f++)
            if (start_client(a, b, &topo->workloads[i], topo->workloads[i].from[f], seed, win_start, win_stop,
                             err, errlen) < 0)
                goto fail;
    return a;
fail:
    sim_apps_free(a);
    return NULL;
}

static const struct app_stats *client_stats(const struct app_client *c)
{
    switch (c->kind) {
    case SCN_LOAD_HTTP_CLOSED:
    case SCN_LOAD_HTTP_OPEN:
        return http_client_stats(c->http);
    case SCN_LOAD_BULK_DOWN:
    case SCN_LOAD_BULK_UP:
        return bulk_client_stats(c->bulk);
    case SCN_LOAD_UDP:
        return udprr_client_stats(c->udp);
    }
    return NULL;
}

void sim_apps_totals(const struct sim_apps *a, struct app_stats *into)
{
    for (int i = 0; i < a->nclients; i++) {
        struct app_stats st = *client_stats(&a->clients[i]);
        if (a->clients[i].kind == SCN_LOAD_BULK_UP)
            st.bytes_received = st.win_bytes = 0;   /* sent, not delivered: the server counts those */
        app_stats_merge(into, &st);
    }
    for (int i = 0; i < a->nservers; i++)
        if (a->servers[i].kind == SCN_APP_BULK) {
            const struct app_stats *st = bulk_server_stats(a->servers[i].bulk);
            into->bytes_received += st->bytes_received;
            into->win_bytes += st->win_bytes;
        }
}

int sim_apps_nservers(const struct sim_apps *a) { return a->nservers; }

const struct proxy *sim_apps_proxy(const struct sim_apps *a, int i)
{
    return a->servers[i].kind == SCN_APP_PROXY ? a->servers[i].proxy : NULL;
}

bool sim_apps_set_running(struct sim_apps *a, int i, bool run)
{
    struct app_server *s = &a->servers[i];
    if (s->kind == SCN_APP_HTTP) {
        if (!run)
            http_server_stop(s->http);
        return !run || http_server_start(s->http);
    }
    if (s->kind == SCN_APP_PROXY) {
        if (!run)
            proxy_stop(s->proxy);
        return !run || proxy_start(s->proxy);
    }
    return false;
}

int sim_apps_server_node(const struct sim_apps *a, int i) { return a->servers[i].node; }

bool sim_apps_server_bytes(const struct sim_apps *a, int i, uint64_t *bytes)
{
    const struct app_server *s = &a->servers[i];
    if (s->kind == SCN_APP_HTTP)
        *bytes = http_server_stats(s->http)->bytes_out;
    else if (s->kind == SCN_APP_BULK)
        *bytes = bulk_server_stats(s->bulk)->bytes_sent;
    return s->kind == SCN_APP_HTTP || s->kind == SCN_APP_BULK;
}

bool sim_apps_server_clients(const struct sim_apps *a, int i, int *sources, int *toa)
{
    const struct app_server *s = &a->servers[i];
    if (s->kind != SCN_APP_HTTP)
        return false;
    const struct http_server_stats *st = http_server_stats(s->http);
    *sources = st->peers.n;
    *toa = st->toa.n;
    return true;
}

uint64_t sim_apps_delivered(const struct sim_apps *a)
{
    uint64_t n = 0;
    for (int i = 0; i < a->nclients; i++)
        if (a->clients[i].kind != SCN_LOAD_BULK_UP)
            n += client_stats(&a->clients[i])->bytes_received;
    for (int i = 0; i < a->nservers; i++)
        if (a->servers[i].kind == SCN_APP_BULK)
            n += bulk_server_stats(a->servers[i].bulk)->bytes_received;
    return n;
}

uint64_t sim_apps_completed(const struct sim_apps *a)
{
    uint64_t n = 0;
    for (int i = 0; i < a->nclients; i++)
        n += client_stats(&a->clients[i])->completed;
    return n;
}

int sim_apps_answering_nodes(const struct sim_apps *a, int *node)
{
    int nodes = 0;
    for (int i = 0; i < a->nservers; i++) {
        if (sim_apps_proxy(a, i))
            continue;                      /* a proxy answers for its upstreams */
        int k = 0, nd = sim_apps_server_node(a, i);
        while (k < nodes && node[k] != nd)
            k++;
        if (k == nodes)
            node[nodes++] = nd;
    }
    return nodes;
}

uint64_t sim_apps_answered_by(const struct sim_apps *a, uint32_t id)
{
    uint64_t n = 0;
    for (int i = 0; i < a->nclients; i++)
        n += app_stats_server_count(client_stats(&a->clients[i]), id);
    return n;
}

uint64_t sim_apps_failed(const struct sim_apps *a, uint64_t *retries)
{
    uint64_t n = 0;
    *retries = 0;
    for (int i = 0; i < a->nclients; i++) {
        n += client_stats(&a->clients[i])->failed;
        *retries += client_stats(&a->clients[i])->retries;
    }
    return n;
}

void sim_apps_free(struct sim_apps *a)
{
    if (!a)
        return;
    for (int i = 0; i < a->nclients; i++) {
        struct app_client *c = &a->clients[i];
        if (c->kind == SCN_LOAD_BULK_DOWN || c->kind == SCN_LOAD_BULK_UP)
            bulk_client_free(c->bulk);
        else if (c->kind == SCN_LOAD_UDP)
            udprr_client_free(c->udp);
        else
            http_client_free(c->http);
    }
    for (int i = 0; i < a->nservers; i++) {
        struct app_server *s = &a->servers[i];
        if (s->kind == SCN_APP_HTTP)
            http_server_free(s->http);
        else if (s->kind == SCN_APP_PROXY)
            proxy_free(s->proxy);
        else if (s->kind == SCN_APP_BULK)
            bulk_server_free(s->bulk);
        else
            udprr_server_free(s->udp);
    }
    for (int n = 0; n < a->nnodes; n++)
        app_cpu_fifo_free(a->cpus[n]);
    free(a->cpus);
    free(a->seams);
    free(a->servers);
    free(a->clients);
    free(a);
}
