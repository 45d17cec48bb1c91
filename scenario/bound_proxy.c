/* The analytic bound's proxy tier: back ends behind proxies, and the proxies' CPU. */
#include "scenario/bound_proxy.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

bool scn_bound_proxied(const struct scn_topo *topo, const struct scn_workload *w)
{
    for (int i = 0; i < topo->napps; i++)
        if (topo->apps[i].kind == SCN_APP_PROXY && topo->apps[i].port == w->dport)
            return true;
    return false;
}

bool scn_bound_is_backend(const struct scn_topo *topo, const struct scn_workload *w, const struct scn_server_app *app)
{
    if (app->kind == SCN_APP_PROXY)
        return false;
    if (!scn_bound_proxied(topo, w))
        return app->port == w->dport;
    for (int i = 0; i < topo->napps; i++) {
        const struct scn_proxy *px = &topo->apps[i].proxy;
        if (topo->apps[i].kind != SCN_APP_PROXY)
            continue;
        for (int k = 0; k < px->nupstream; k++)
            if (px->upstream_port[k] == app->port)
                for (int f = 0; f < topo->nodes[app->node].nifs; f++)
                    for (int a = 0; a < topo->nodes[app->node].ifs[f].naddrs; a++)
                        if (topo->nodes[app->node].ifs[f].addr[a] == px->upstream_addr[k])
                            return true;
    }
    return false;
}

/* Whether a director's rules name one of node's addresses as a real
 * server ("-r a.b.c.d:"): a director scheduling to itself (LOCALNODE). */
static bool rules_name(const struct scn_topo *topo, const struct scn_director *d, int node)
{
    const struct scn_node *n = &topo->nodes[node];
    for (int f = 0; f < n->nifs; f++)
        for (int a = 0; a < n->ifs[f].naddrs; a++) {
            uint32_t x = n->ifs[f].addr[a];
            char text[32];
            snprintf(text, sizeof text, "-r %u.%u.%u.%u:", x >> 24, (x >> 16) & 255, (x >> 8) & 255, x & 255);
            for (int i = 0; i < d->nipvsadm; i++)
                if (strstr(d->ipvsadm[i], text))
                    return true;
        }
    return false;
}

/* Proxies that take the workload's requests: on its port, and (with LVS in
 * front) on a real server's node or a director's own node its rules name,
 * or else on the node holding the VIP. */
static bool serves(const struct scn_topo *topo, const struct scn_server_app *app, uint16_t port)
{
    if (app->kind != SCN_APP_PROXY || app->port != port)
        return false;
    for (int i = 0; i < topo->nrealservers; i++)
        if (topo->realservers[i].node == app->node)
            return true;
    for (int i = 0; i < topo->ndirectors; i++)
        if (topo->directors[i].node == app->node && rules_name(topo, &topo->directors[i], app->node))
            return true;
    return !topo->nrealservers && topo->ndirectors && topo->directors[0].node == app->node;
}

bool scn_bound_proxy_cpus(const struct scn_topo *topo, const struct scn_workload *w, double req_bytes,
                          double resp_bytes, double *rps, char *detail, size_t detail_len)
{
    if (!scn_bound_proxied(topo, w))
        return false;
    double slowest = INFINITY, cost_ns = 0;
    int n = 0, cores = 0;
    for (int i = 0; i < topo->napps; i++) {
        const struct scn_server_app *app = &topo->apps[i];
        if (!serves(topo, app, w->dport))
            continue;
        const struct scn_cpu *c = &topo->nodes[app->node].cpu;
        double cost = (double)app->proxy.per_request + app->proxy.per_byte_ns * (req_bytes + resp_bytes);
        n++;
        if (c->cores > 0 && cost > 0)
            slowest = fmin(slowest, c->cores * 1e9 / cost), cost_ns = cost, cores = c->cores;
    }
    *rps = n * slowest;
    snprintf(detail, detail_len, "%d proxies, %d core(s) each, spend %.3g us per request", n, cores, cost_ns / 1e3);
    return true;
}
