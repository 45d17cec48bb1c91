/* keepalived.conf on a simulated director, and its events to the run. */
#include "sim/build_keepalived.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lvs/keepalived/check.h"
#include "lvs/keepalived/conf.h"
#include "lvs/keepalived/sync_daemon.h"
#include "lvs/keepalived/vrrp_start.h"

static const char *director_name(const struct sim_ka_sink *k)
{
    return k->b->topo->nodes[k->b->topo->directors[k->director].node].name;
}

static void report(const struct sim_ka_sink *k, const char *kind, const char *what, const char *detail)
{
    if (k->b->event)
        k->b->event(k->b->event_ctx, kind, what, detail);
}

/* A real server by the node that holds its address, else as addr:port. */
static void server_name(const struct scn_topo *t, uint32_t addr, uint16_t port, char *out, size_t len)
{
    for (int n = 0; n < t->nnodes; n++)
        for (int i = 0; i < t->nodes[n].nifs; i++)
            for (int a = 0; a < t->nodes[n].ifs[i].naddrs; a++)
                if (t->nodes[n].ifs[i].addr[a] == addr && !t->nodes[n].ifs[i].noarp) {
                    snprintf(out, len, "%s", t->nodes[n].name);
                    return;
                }
    struct in_addr in = { htonl(addr) };
    snprintf(out, len, "%s:%u", inet_ntoa(in), port);
}

static void on_check_event(void *ctx, const struct ka_event *ev)
{
    const struct sim_ka_sink *k = ctx;
    char kind[32], what[64], detail[256];
    snprintf(kind, sizeof kind, "%s", ka_event_kind_name(ev->kind));
    for (char *c = kind; *c; c++)
        *c = *c == '-' ? '_' : *c;
    if (ev->rs_addr)
        server_name(k->b->topo, ev->rs_addr, ev->rs_port, what, sizeof what);
    else
        snprintf(what, sizeof what, "%s", ev->service);
    snprintf(detail, sizeof detail, "%s: %s", director_name(k), ev->text);
    report(k, kind, what, detail);
}

static void on_vrrp_event(void *ctx, const struct vrrp_event *ev)
{
    const struct sim_ka_sink *k = ctx;
    ka_sync_daemon_follow(&k->sync, k->b->ipvs[k->director], ev);
    char kind[32], detail[160];
    snprintf(kind, sizeof kind, "vrrp_%s", vrrp_state_name(ev->to));
    for (char *c = kind; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    snprintf(detail, sizeof detail, "%s: %s -> %s (%s)", ev->instance, vrrp_state_name(ev->from),
             vrrp_state_name(ev->to), vrrp_reason_name(ev->reason));
    report(k, kind, director_name(k), detail);
}

static enum ka_misc_verdict on_misc(void *ctx, const struct ka_misc_req *req)
{
    const struct sim_ka_sink *k = ctx;
    if (!k->b->misc)
        return KA_MISC_FAIL;
    return k->b->misc(k->b->misc_ctx, req->path, req->rs_addr, req->rs_port) ? KA_MISC_PASS : KA_MISC_FAIL;
}

static bool on_vrrp_script(void *ctx, const char *script)
{
    const struct sim_ka_sink *k = ctx;
    if (!k->b->script)
        return false;
    return k->b->script(k->b->script_ctx, director_name(k), script);
}

int sim_keepalived_start(struct sim_build *b, const struct scn_topo *topo, int i, bool *vrrp, char *err,
                         size_t errlen)
{
    const struct scn_director *d = &topo->directors[i];
    struct sim_ka_sink *k = &b->sinks[i];
    *k = (struct sim_ka_sink){ .b = b, .director = i };
    *vrrp = false;
    struct ka_conf conf;
    if (ka_conf_parse_file(d->keepalived, &conf, err, errlen) < 0)
        return -1;
    if (ka_sync_daemon_start(&k->sync, &conf, b->ipvs[i], director_name(k), err, errlen) < 0) {
        ka_conf_free(&conf);
        return -1;
    }
    int rc = 0;
    b->checks[i] = ka_conf_apply(&conf, b->ipvs[i],
                                 &(struct ka_checks_opts){ .event = on_check_event, .event_ctx = k,
                                                           .misc = on_misc, .misc_ctx = k },
                                 err, errlen);
    if (!b->checks[i])
        rc = -1;
    if (rc == 0)
        rc = ka_vrrp_start(&conf, b->nodes[d->node]->host,
                           &(struct ka_vrrp_hooks){ .event = on_vrrp_event, .event_ctx = k,
                                                    .script = on_vrrp_script, .script_ctx = k },
                           &b->vrrp[i], err, errlen);
    *vrrp = b->vrrp[i] != NULL;
    ka_conf_free(&conf);
    return rc;
}

void sim_keepalived_free(struct sim_build *b, int i)
{
    if (b->vrrp[i])
        vrrp_daemon_free(b->vrrp[i]);
    if (b->checks[i])
        ka_checks_free(b->checks[i]);
    b->vrrp[i] = NULL;
    b->checks[i] = NULL;
}
