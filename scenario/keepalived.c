/* A scenario's keepalived.conf warnings, gathered before its runs. */
#include "scenario/keepalived.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"

/* Whether buf holds the line of len characters at text (no '\n'). */
static bool has_line(const char *buf, const char *text, size_t len)
{
    for (const char *s = buf; s && *s;) {
        const char *end = strchr(s, '\n');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        if (n == len && !strncmp(s, text, len))
            return true;
        s += n + (end != NULL);
    }
    return false;
}

/* Append the lines of text to *out, each unless it is there already. */
static void add_lines(char **out, const char *text)
{
    while (text && *text) {
        const char *end = strchr(text, '\n');
        size_t len = end ? (size_t)(end - text) : strlen(text);
        if (len && !has_line(*out, text, len)) {
            size_t have = *out ? strlen(*out) : 0;
            *out = xrealloc(*out, have + len + 2);
            memcpy(*out + have, text, len);
            memcpy(*out + have + len, "\n", 2);
        }
        text += len + (end != NULL);
    }
}

static const char *kind_name(enum ipvs_fwd fwd)
{
    switch (fwd) {
    case IPVS_FWD_MASQ: return "NAT";
    case IPVS_FWD_TUNNEL: return "TUN";
    case IPVS_FWD_DROUTE: return "DR";
    case IPVS_FWD_FULLNAT: return "FNAT";
    default: return "?";
    }
}

static enum scn_mode kind_mode(enum ipvs_fwd fwd)
{
    switch (fwd) {
    case IPVS_FWD_MASQ: return SCN_NAT;
    case IPVS_FWD_TUNNEL: return SCN_TUN;
    case IPVS_FWD_DROUTE: return SCN_DR;
    default: return SCN_FULLNAT;
    }
}

/* The node holding addr where it answers ARP for it (a real server's own
 * address, not a VIP on lo), or -1. */
static int holder(const struct scn_topo *t, uint32_t addr)
{
    for (int n = 0; n < t->nnodes; n++)
        for (int i = 0; i < t->nodes[n].nifs; i++)
            for (int a = 0; a < t->nodes[n].ifs[i].naddrs; a++)
                if (t->nodes[n].ifs[i].addr[a] == addr && !t->nodes[n].ifs[i].noarp)
                    return n;
    return -1;
}

/* The realserver declaration of node for vip (or its first), or NULL. */
static const struct scn_realserver *wiring_of(const struct scn_topo *t, int node, uint32_t vip)
{
    const struct scn_realserver *first = NULL;
    for (int r = 0; r < t->nrealservers; r++)
        if (t->realservers[r].node == node) {
            if (t->realservers[r].vip == vip)
                return &t->realservers[r];
            if (!first)
                first = &t->realservers[r];
        }
    return first;
}

void scn_ka_wiring(const struct scn_topo *t, const struct ka_conf *conf, char **out)
{
    for (int v = 0; v < conf->nvs; v++) {
        const struct ka_virtual_server *vs = &conf->vs[v];
        char name[64];
        ka_vs_name(vs, name, sizeof name);
        for (int r = 0; r < vs->nrs; r++) {
            const struct ka_real_server *rs = &vs->rs[r];
            int node = holder(t, rs->addr);
            const struct scn_realserver *w = node < 0 ? NULL : wiring_of(t, node, vs->addr);
            if (!w || w->mode == kind_mode(vs->fwd))
                continue;
            char line[1024];
            snprintf(line, sizeof line,
                     "%s:%d: real_server %u.%u.%u.%u %u of virtual_server %s: lb_kind %s (line %d), but the "
                     "scenario sets %s up for %s (%s): the two must agree for its connections to work\n",
                     conf->file, rs->line, rs->addr >> 24, rs->addr >> 16 & 255, rs->addr >> 8 & 255,
                     rs->addr & 255, rs->check_port, name, kind_name(vs->fwd), vs->line, t->nodes[node].name,
                     scn_mode_name(w->mode), w->where.text);
            add_lines(out, line);
        }
    }
}

int scn_runs_check(struct scenario *sc, const struct scn_run *runs, int nruns, char **warnings, int *bad,
                   char *err, size_t errlen)
{
    char *parsed = NULL;       /* the files read, one a line */
    char *notes = NULL, *wiring = NULL;
    *bad = -1;
    for (int i = 0; i < nruns; i++) {
        struct scn_topo t;
        char msg[512];
        if (scenario_build(sc, &runs[i], &t, msg, sizeof msg) < 0) {
            if (*bad < 0) {
                *bad = i;
                snprintf(err, errlen, "%s", msg);
            }
            continue;
        }
        for (int d = 0; d < t.ndirectors; d++) {
            const char *file = t.directors[d].keepalived;
            if (!file[0])
                continue;
            struct ka_conf conf;
            char perr[512];
            if (ka_conf_parse_file(file, &conf, perr, sizeof perr) < 0)
                continue;
            if (!has_line(parsed, file, strlen(file))) {   /* a file's parser warnings once */
                add_lines(&parsed, file);
                add_lines(&notes, conf.warnings);
            }
            scn_ka_wiring(&t, &conf, &wiring);
            ka_conf_free(&conf);
        }
        scn_topo_free(&t);
    }
    add_lines(&notes, wiring);
    free(wiring);
    free(parsed);
    *warnings = notes;
    return *bad < 0 ? 0 : -1;
}

char *scn_ka_warnings(struct scenario *sc, const struct scn_run *runs, int nruns)
{
    char *notes, err[512];
    int bad;
    scn_runs_check(sc, runs, nruns, &notes, &bad, err, sizeof err);
    return notes;
}

bool scn_ka_floating(const struct scn_topo *t, uint32_t addr)
{
    for (int d = 0; d < t->ndirectors; d++) {
        struct ka_conf conf;
        char err[512];
        if (!t->directors[d].keepalived[0] || ka_conf_parse_file(t->directors[d].keepalived, &conf, err, sizeof err) < 0)
            continue;
        bool found = false;
        for (int v = 0; v < conf.nvrrp && !found; v++)
            for (int a = 0; a < conf.vrrp[v].nvips; a++)
                found |= conf.vrrp[v].vips[a].addr == addr;
        ka_conf_free(&conf);
        if (found)
            return true;
    }
    return false;
}
