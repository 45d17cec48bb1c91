/*
 * keepalived.conf's tracking and grouping of VRRP instances: vrrp_script
 * blocks, track_script blocks (in a vrrp_instance or a vrrp_sync_group,
 * each line "NAME [weight N]"), vrrp_sync_group blocks, and their
 * resolution once the whole file is read (keepalived resolves names at the
 * end too, so a script or an instance may come after its user). Where
 * keepalived is forgiving, so is this: a track_script naming no
 * vrrp_script, or a group naming no instance, is dropped with a warning.
 */
#include <stdio.h>
#include <string.h>

#include "engine/xalloc.h"
#include "lvs/keepalived/conf_int.h"

/* ---- vrrp_script ---- */

/* "user" and the script-security settings do not change what the script
 * answers here. */
static const struct ka_section script_section = {
    .name = "vrrp_script",
    .known = (const char *const[]){ "script", "interval", "timeout", "weight", "rise", "fall", "init_fail", NULL },
    .ignored = (const char *const[]){ "user", NULL },
};

static int script_stmt(struct ka_parser *p, const struct ka_stmt *st, void *ctx)
{
    struct ka_vrrp_script *s = ctx;
    const char *kw = st->words[0];
    unsigned long n;
    int sorted = ka_sort(p, st, &script_section);
    if (sorted)
        return sorted < 0 ? -1 : 0;
    if (ka_no_block(p, st) < 0)
        return -1;
    if (!strcmp(kw, "init_fail"))
        return ka_args(p, st, 0, 0) < 0 ? -1 : (s->init_fail = true, 0);
    if (!strcmp(kw, "weight")) {
        if (ka_args(p, st, 1, 2) < 0)
            return -1;
        if (st->nwords == 3)
            return ka_fail(p, st->line, kw, "'%s': weight reverse is not modelled (only weight N)", st->words[2]);
        const char *w = st->words[1];
        bool neg = w[0] == '-';
        struct ka_stmt abs = *st;
        snprintf(abs.words[1], sizeof abs.words[1], "%s", w + (neg || w[0] == '+'));
        if (ka_uint(p, &abs, 1, 0, 253, &n) < 0)
            return ka_fail(p, st->line, kw, "'%s' is not a whole number from -253 to 253", w);
        s->weight = neg ? -(int)n : (int)n;
        return 0;
    }
    if (ka_args(p, st, 1, 1) < 0)
        return -1;
    if (!strcmp(kw, "script"))
        return ka_string(p, st, 1, s->script, sizeof s->script);
    if (!strcmp(kw, "interval") || !strcmp(kw, "timeout")) {
        if (ka_uint(p, st, 1, 1, 86400, &n) < 0)
            return -1;
        *(!strcmp(kw, "interval") ? &s->interval : &s->timeout) = (sim_time_t)n * SIM_S;
        return 0;
    }
    if (!strcmp(kw, "rise") || !strcmp(kw, "fall")) {
        if (ka_uint(p, st, 1, 1, 1000000, &n) < 0)
            return -1;
        *(!strcmp(kw, "rise") ? &s->rise : &s->fall) = (unsigned)n;
        return 0;
    }
    return ka_fail(p, st->line, kw, "unknown keyword in vrrp_script");
}

int ka_parse_vrrp_script(struct ka_parser *p, const struct ka_stmt *st, struct ka_conf *conf)
{
    if (ka_args(p, st, 1, 1) < 0 || ka_want_block(p, st) < 0)
        return -1;
    struct ka_vrrp_script s = { .line = st->line, .interval = SIM_S, .rise = 1, .fall = 1 };
    if (ka_string(p, st, 1, s.name, sizeof s.name) < 0 || ka_block(p, st, script_stmt, &s) < 0)
        return -1;
    if (p->nunknown)
        return 0;
    if (!s.script[0])
        return ka_fail(p, st->line, "vrrp_script", "%s has no script", s.name);
    for (int i = 0; i < conf->nscripts; i++)
        if (!strcmp(conf->scripts[i].name, s.name))
            return ka_fail(p, st->line, "vrrp_script", "%s is defined twice (line %d)", s.name,
                           conf->scripts[i].line);
    if (!s.timeout)
        s.timeout = s.interval;
    conf->scripts = xrealloc(conf->scripts, (size_t)(conf->nscripts + 1) * sizeof *conf->scripts);
    conf->scripts[conf->nscripts++] = s;
    return 0;
}

/* ---- track_script ---- */

struct track_list {
    struct ka_track *track;
    int *ntrack;
};

static int track_stmt(struct ka_parser *p, const struct ka_stmt *st, void *ctx)
{
    struct track_list *l = ctx;
    if (ka_no_block(p, st) < 0)
        return -1;
    if (*l->ntrack == KA_MAX_TRACK)
        return ka_fail(p, st->line, "track_script", "more than %d scripts", KA_MAX_TRACK);
    struct ka_track *t = &l->track[*l->ntrack];
    *t = (struct ka_track){ .line = st->line, .script = -1 };
    if (ka_string(p, st, 0, t->name, sizeof t->name) < 0)
        return -1;
    if (st->nwords > 1) {
        if (strcmp(st->words[1], "weight") || st->nwords < 3)
            return ka_fail(p, st->line, "track_script", "%s: after the name only \"weight N\" may follow", t->name);
        if (st->nwords > 3)
            return ka_fail(p, st->line, "track_script", "%s: '%s': weight reverse is not modelled (only weight N)",
                           t->name, st->words[3]);
        const char *w = st->words[2];
        bool neg = w[0] == '-';
        struct ka_stmt abs = { .line = st->line, .nwords = 2 };
        snprintf(abs.words[0], sizeof abs.words[0], "track_script");
        snprintf(abs.words[1], sizeof abs.words[1], "%s", w + (neg || w[0] == '+'));
        unsigned long n;
        if (ka_uint(p, &abs, 1, 0, 254, &n) < 0)
            return ka_fail(p, st->line, "track_script", "%s: weight '%s' is not a whole number from -254 to 254",
                           t->name, w);
        t->weight = neg ? -(int)n : (int)n;
        t->has_weight = true;
    }
    for (int i = 0; i < *l->ntrack; i++)
        if (!strcmp(l->track[i].name, t->name))
            return ka_fail(p, st->line, "track_script", "%s is tracked twice (line %d)", t->name, l->track[i].line);
    (*l->ntrack)++;
    return 0;
}

int ka_parse_track_script(struct ka_parser *p, const struct ka_stmt *st, struct ka_track *track, int *ntrack)
{
    if (ka_args(p, st, 0, 0) < 0 || ka_want_block(p, st) < 0)
        return -1;
    return ka_block(p, st, track_stmt, &(struct track_list){ .track = track, .ntrack = ntrack });
}

/* ---- vrrp_sync_group ---- */

static int member_stmt(struct ka_parser *p, const struct ka_stmt *st, void *ctx)
{
    struct ka_sync_group *g = ctx;
    if (ka_no_block(p, st) < 0)
        return -1;
    for (int w = 0; w < st->nwords; w++) {           /* keepalived takes several on a line too */
        if (g->nnames == KA_MAX_SYNC_MEMBERS)
            return ka_fail(p, st->line, "group", "more than %d instances in %s", KA_MAX_SYNC_MEMBERS, g->name);
        if (ka_string(p, st, w, g->names[g->nnames], sizeof g->names[0]) < 0)
            return -1;
        for (int i = 0; i < g->nnames; i++)
            if (!strcmp(g->names[i], st->words[w]))
                return ka_fail(p, st->line, "group", "%s is listed twice in %s", st->words[w], g->name);
        g->lines[g->nnames++] = st->line;
    }
    return 0;
}

/* Notify scripts and alerts change nothing here; global_tracking is
 * keepalived's old name for tracking the members' own way, which is what
 * happens anyway. */
static const struct ka_section group_section = {
    .name = "vrrp_sync_group",
    .known = (const char *const[]){ "group", "track_script", NULL },
    .ignored = (const char *const[]){ "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify",
                                      "smtp_alert", "global_tracking", "sync_group_tracking_weight", NULL },
    .unmodelled = (const char *const[]){ "track_interface", "track_file", "track_process", "track_bfd", NULL },
};

static int group_stmt(struct ka_parser *p, const struct ka_stmt *st, void *ctx)
{
    struct ka_sync_group *g = ctx;
    const char *kw = st->words[0];
    int sorted = ka_sort(p, st, &group_section);
    if (sorted)
        return sorted < 0 ? -1 : 0;
    if (!strcmp(kw, "group"))
        return ka_args(p, st, 0, 0) < 0 || ka_want_block(p, st) < 0 ? -1 : ka_block(p, st, member_stmt, g);
    if (!strcmp(kw, "track_script"))
        return ka_parse_track_script(p, st, g->track, &g->ntrack);
    return ka_fail(p, st->line, kw, "unknown keyword in vrrp_sync_group");
}

int ka_parse_sync_group(struct ka_parser *p, const struct ka_stmt *st, struct ka_conf *conf)
{
    if (ka_args(p, st, 1, 1) < 0 || ka_want_block(p, st) < 0)
        return -1;
    struct ka_sync_group g = { .line = st->line };
    if (ka_string(p, st, 1, g.name, sizeof g.name) < 0 || ka_block(p, st, group_stmt, &g) < 0)
        return -1;
    if (p->nunknown)
        return 0;
    if (!g.nnames)
        return ka_fail(p, st->line, "vrrp_sync_group", "%s has no group { instances }", g.name);
    for (int i = 0; i < conf->ngroups; i++)
        if (!strcmp(conf->groups[i].name, g.name))
            return ka_fail(p, st->line, "vrrp_sync_group", "%s is defined twice (line %d)", g.name,
                           conf->groups[i].line);
    conf->groups = xrealloc(conf->groups, (size_t)(conf->ngroups + 1) * sizeof *conf->groups);
    conf->groups[conf->ngroups++] = g;
    return 0;
}

/* ---- resolution, once the file is read ---- */

static int find_script(const struct ka_conf *conf, const char *name)
{
    for (int i = 0; i < conf->nscripts; i++)
        if (!strcmp(conf->scripts[i].name, name))
            return i;
    return -1;
}

/* Each line of a track list against the scripts: its final weight, or
 * dropped with a warning when no vrrp_script has that name (keepalived:
 * "track script ... not found, ignoring"). */
static void resolve_tracks(struct ka_parser *p, const struct ka_conf *conf, struct ka_track *track, int *ntrack,
                           const char *owner)
{
    int kept = 0;
    for (int i = 0; i < *ntrack; i++) {
        struct ka_track t = track[i];
        t.script = find_script(conf, t.name);
        if (t.script < 0) {
            ka_warn(p, t.line, "track_script", "%s: no vrrp_script named %s: ignored", owner, t.name);
            continue;
        }
        if (!t.has_weight)
            t.weight = conf->scripts[t.script].weight;
        track[kept++] = t;
    }
    *ntrack = kept;
}

static int resolve_group(struct ka_parser *p, struct ka_conf *conf, int gi)
{
    struct ka_sync_group *g = &conf->groups[gi];
    g->nmembers = 0;
    for (int n = 0; n < g->nnames; n++) {
        int v = -1;
        for (int i = 0; i < conf->nvrrp && v < 0; i++)
            if (!strcmp(conf->vrrp[i].name, g->names[n]))
                v = i;
        if (v < 0) {
            ka_warn(p, g->lines[n], "group", "%s: no vrrp_instance named %s: ignored", g->name, g->names[n]);
            continue;
        }
        struct ka_vrrp_instance *vi = &conf->vrrp[v];
        if (vi->sync_group >= 0)
            return ka_fail(p, g->lines[n], "group", "%s is already in vrrp_sync_group %s", vi->name,
                           conf->groups[vi->sync_group].name);
        vi->sync_group = gi;
        g->members[g->nmembers++] = v;
        for (int t = 0; t < g->ntrack; t++) {
            bool own = false;
            for (int k = 0; k < vi->ntrack; k++)
                own |= vi->track[k].script == g->track[t].script;
            if (own)
                continue;                    /* the instance's own line wins */
            if (vi->ntrack == KA_MAX_TRACK)
                return ka_fail(p, g->track[t].line, "track_script", "%s: more than %d scripts with its group's",
                               vi->name, KA_MAX_TRACK);
            vi->track[vi->ntrack++] = g->track[t];
        }
    }
    if (g->nmembers == 1)
        ka_warn(p, g->line, "vrrp_sync_group", "%s has only one instance: it changes state alone", g->name);
    return 0;
}

int ka_track_resolve(struct ka_parser *p, struct ka_conf *conf)
{
    for (int i = 0; i < conf->nvrrp; i++) {
        struct ka_vrrp_instance *vi = &conf->vrrp[i];
        vi->sync_group = -1;
        resolve_tracks(p, conf, vi->track, &vi->ntrack, vi->name);
    }
    for (int g = 0; g < conf->ngroups; g++) {
        resolve_tracks(p, conf, conf->groups[g].track, &conf->groups[g].ntrack, conf->groups[g].name);
        if (resolve_group(p, conf, g) < 0)
            return -1;
    }
    for (int i = 0; i < conf->nvrrp; i++) {
        struct ka_vrrp_instance *vi = &conf->vrrp[i];
        for (int t = 0; t < vi->ntrack; t++)
            if (vi->priority == 255 && vi->track[t].weight) {
                /* keepalived: an address owner's priority never moves */
                ka_warn(p, vi->track[t].line, "track_script",
                        "%s has priority 255 (the address owner): the weight of %s is ignored", vi->name,
                        vi->track[t].name);
                vi->track[t].weight = 0;
            }
    }
    return 0;
}
