/* The real servers' expected shares of the requests (see bound_shares.h). */
#include "scenario/bound_shares.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist.h"
#include "lvs/ipvsadm.h"

/* Schedulers whose choice does not follow the servers' load. */
static bool static_shares(const char *sched, bool *by_weight)
{
    *by_weight = !strcmp(sched, "wrr");
    return !strcmp(sched, "rr") || !strcmp(sched, "wrr");
}

static double server_capacity(const struct scn_topo *topo, int node, uint16_t dport)
{
    const struct scn_cpu *c = &topo->nodes[node].cpu;
    for (int i = 0; i < topo->napps; i++) {
        const struct scn_server_app *app = &topo->apps[i];
        struct dist service;
        char err[160];
        if (app->node != node || app->port != dport)
            continue;
        if (c->cores > 0 && dist_parse(app->service_time, DIST_TIME, &service, err, sizeof err) == 0 &&
            dist_mean(&service) > 0)
            return c->cores * 1e9 / dist_mean(&service);
    }
    return INFINITY;
}

/* The node's weight in the service's -a lines, or -1 when not listed. */
static int node_weight(const struct scn_node *n, const struct ipvsadm_cmd *dests, int ndests)
{
    for (int d = 0; d < ndests; d++)
        for (int i = 0; i < n->nifs; i++)
            for (int a = 0; a < n->ifs[i].naddrs; a++)
                if (n->ifs[i].addr[a] == dests[d].dest.addr)
                    return dests[d].dest.weight;
    return -1;
}

int scn_bound_shares(const struct scn_topo *topo, uint16_t dport, double *share, double *capacity, char *why,
                     size_t len)
{
    const struct scn_director *dir = &topo->directors[0];
    char sched[IPVS_SCHED_NAME_MAX] = "";
    struct ipvsadm_cmd *dests = calloc((size_t)dir->nipvsadm + 1, sizeof *dests);
    int ndests = 0;
    for (int i = 0; i < dir->nipvsadm; i++) {
        struct ipvsadm_cmd cmd;
        char err[200];
        if (ipvsadm_parse(dir->ipvsadm[i], &cmd, err, sizeof err) < 0)
            continue;
        if (cmd.cmd == IPVSADM_CMD_ADD && !sched[0] && (!cmd.svc.port || cmd.svc.port == dport))
            snprintf(sched, sizeof sched, "%s", cmd.svc.sched_name);
        else if (cmd.cmd == IPVSADM_CMD_ADDDEST && (!cmd.svc.port || cmd.svc.port == dport))
            dests[ndests++] = cmd;
    }
    int listed = 0;
    double first_cap = NAN, sum = 0;
    int first_weight = -1;
    bool equal = true;
    for (int i = 0; i < topo->nrealservers; i++) {
        int node = topo->realservers[i].node, w = node_weight(&topo->nodes[node], dests, ndests);
        capacity[i] = server_capacity(topo, node, dport);
        share[i] = w > 0 ? (double)w : 0;
        if (w <= 0)
            continue;
        listed++;
        if (first_weight < 0)
            first_weight = w, first_cap = capacity[i];
        equal &= w == first_weight && (capacity[i] == first_cap || (isinf(capacity[i]) && isinf(first_cap)));
    }
    free(dests);
    if (!sched[0]) {   /* the pool is keepalived's (virtual_server): taken evenly, as before it runs */
        for (int i = 0; i < topo->nrealservers; i++)
            share[i] = 1.0 / topo->nrealservers;
        return topo->nrealservers ? 0 : -1;
    }
    if (!listed) {
        snprintf(why, len, "no service on port %u with a real server of weight above 0", dport);
        return -1;
    }
    bool by_weight;
    if (!equal && !static_shares(sched, &by_weight)) {
        snprintf(why, len, "cannot bound: with %s the servers' shares depend on the load, and the servers are "
                 "unequal (weights or service times)", sched);
        return -1;
    }
    if (equal)
        by_weight = false;
    for (int i = 0; i < topo->nrealservers; i++) {
        if (share[i] > 0 && !by_weight)
            share[i] = 1;
        sum += share[i];
    }
    for (int i = 0; i < topo->nrealservers; i++)
        share[i] /= sum;
    return 0;
}
