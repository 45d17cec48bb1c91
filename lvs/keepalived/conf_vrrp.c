/*
 * vrrp_instance blocks of keepalived.conf into struct ka_vrrp_instance:
 * state, interface, virtual_router_id, priority, advert_int, nopreempt,
 * preempt_delay, version, garp_master_delay/repeat, authentication and
 * virtual_ipaddress ("a.b.c.d[/len] [dev IFACE]" per line) and
 * track_script (conf_track.c).
 */
#include <stdio.h>
#include <string.h>

#include "engine/xalloc.h"
#include "lvs/keepalived/conf_int.h"

static int vip_stmt(struct ka_parser *p, const struct ka_stmt *st, void *ctx)
{
    struct ka_vrrp_instance *v = ctx;
    if (ka_no_block(p, st) < 0)
        return -1;
    if (v->nvips == KA_MAX_VIPS)
        return ka_fail(p, st->line, "virtual_ipaddress", "more than %d addresses", KA_MAX_VIPS);
    struct ka_vip *vip = &v->vips[v->nvips];
    *vip = (struct ka_vip){ .prefix = 32 };
    char addr[KA_WORD_MAX];
    snprintf(addr, sizeof addr, "%s", st->words[0]);
    char *slash = strchr(addr, '/');
    struct ka_stmt one = { .line = st->line, .nwords = 2 };
    snprintf(one.words[0], sizeof one.words[0], "virtual_ipaddress");
    if (slash) {
        *slash = '\0';
        unsigned long len;
        snprintf(one.words[1], sizeof one.words[1], "%s", slash + 1);
        if (ka_uint(p, &one, 1, 0, 32, &len) < 0)
            return -1;
        vip->prefix = (int)len;
    }
    snprintf(one.words[1], sizeof one.words[1], "%s", addr);
    if (ka_ipv4(p, &one, 1, &vip->addr) < 0)
        return -1;
    for (int i = 1; i < st->nwords; i += 2) {
        if (strcmp(st->words[i], "dev"))
            return ka_fail(p, st->line, "virtual_ipaddress", "'%s' is not supported (only dev)", st->words[i]);
        if (i + 1 == st->nwords)
            return ka_fail(p, st->line, "virtual_ipaddress", "dev needs an interface name");
        if (ka_string(p, st, i + 1, vip->dev, sizeof vip->dev) < 0)
            return -1;
    }
    for (int i = 0; i < v->nvips; i++)
        if (v->vips[i].addr == vip->addr)
            return ka_fail(p, st->line, "virtual_ipaddress", "%s is listed twice", st->words[0]);
    v->nvips++;
    return 0;
}

static const struct ka_section auth_section = {
    .name = "authentication",
    .known = (const char *const[]){ "auth_type", "auth_pass", NULL },
};

static int auth_stmt(struct ka_parser *p, const struct ka_stmt *st, void *ctx)
{
    struct ka_vrrp_instance *v = ctx;
    const char *kw = st->words[0];
    int sorted = ka_sort(p, st, &auth_section);
    if (sorted)
        return sorted < 0 ? -1 : 0;
    if (ka_no_block(p, st) < 0 || ka_args(p, st, 1, 1) < 0)
        return -1;
    if (!strcmp(kw, "auth_type")) {
        if (!strcmp(st->words[1], "PASS"))
            v->auth_type = KA_AUTH_PASS;
        else if (!strcmp(st->words[1], "AH"))
            v->auth_type = KA_AUTH_AH;
        else
            return ka_fail(p, st->line, kw, "'%s' is not PASS or AH", st->words[1]);
        return 0;
    }
    if (!strcmp(kw, "auth_pass"))
        return ka_string(p, st, 1, v->auth_pass, sizeof v->auth_pass);
    return ka_fail(p, st->line, kw, "unknown keyword in authentication");
}

/* Notify scripts and SMTP alerts change nothing here: every transition is
 * an event of the run. */
static const struct ka_section vrrp_section = {
    .name = "vrrp_instance",
    .known = (const char *const[]){ "virtual_ipaddress", "authentication", "nopreempt", "state", "interface",
                                    "virtual_router_id", "priority", "version", "garp_master_repeat",
                                    "advert_int", "preempt_delay", "garp_master_delay",
                                    "lvs_sync_daemon_interface", "track_script", NULL },
    .ignored = (const char *const[]){ "notify_master", "notify_backup", "notify_fault", "notify_stop",
                                      "notify_deleted", "notify", "notify_master_rx_lower_pri",
                                      "notify_priority_changes", "smtp_alert", "debug", "skip_check_adv_addr",
                                      "garp_interval", "gna_interval", NULL },
    .unmodelled = (const char *const[]){ "track_interface", "track_file", "track_process",
                                         "unicast_peer", "unicast_src_ip", "mcast_src_ip", "use_vmac",
                                         "virtual_ipaddress_excluded", "virtual_routes", "virtual_rules",
                                         "accept", "no_accept", "strict_mode", "preempt", "dont_track_primary",
                                         "garp_master_refresh", NULL },
};

/* lvs_sync_daemon_interface IFACE, keepalived 1.x's: deprecated since
 * 1.2.19 and read as global_defs' lvs_sync_daemon IFACE INSTANCE. */
static int old_lvs_sync(struct ka_parser *p, const struct ka_stmt *st, const struct ka_vrrp_instance *v)
{
    struct ka_lvs_sync *s = &p->conf->global.lvs_sync;
    if (ka_args(p, st, 1, 1) < 0)
        return -1;
    if (s->on) {
        ka_warn(p, st->line, st->words[0], "lvs_sync_daemon is already given (line %d): ignored", s->line);
        return 0;
    }
    *s = (struct ka_lvs_sync){ .on = true, .line = st->line, .syncid = -1 };
    if (ka_string(p, st, 1, s->interface, sizeof s->interface) < 0)
        return -1;
    snprintf(s->instance, sizeof s->instance, "%s", v->name);
    ka_warn(p, st->line, st->words[0], "deprecated, read as global_defs' lvs_sync_daemon %s %s", s->interface,
            v->name);
    return 0;
}

static int vrrp_stmt(struct ka_parser *p, const struct ka_stmt *st, void *ctx)
{
    struct ka_vrrp_instance *v = ctx;
    const char *kw = st->words[0];
    unsigned long n;
    int sorted = ka_sort(p, st, &vrrp_section);
    if (sorted)
        return sorted < 0 ? -1 : 0;
    if (!strcmp(kw, "virtual_ipaddress"))
        return ka_args(p, st, 0, 0) < 0 || ka_want_block(p, st) < 0 ? -1 : ka_block(p, st, vip_stmt, v);
    if (!strcmp(kw, "track_script"))
        return ka_parse_track_script(p, st, v->track, &v->ntrack);
    if (!strcmp(kw, "authentication")) {
        if (ka_args(p, st, 0, 0) < 0 || ka_want_block(p, st) < 0 || ka_block(p, st, auth_stmt, v) < 0)
            return -1;
        if (v->auth_type == KA_AUTH_NONE && !p->nunknown)
            return ka_fail(p, st->line, kw, "no auth_type");
        return 0;
    }
    if (ka_no_block(p, st) < 0)
        return -1;
    if (!strcmp(kw, "nopreempt"))
        return ka_args(p, st, 0, 0) < 0 ? -1 : (v->nopreempt = true, 0);
    if (!strcmp(kw, "lvs_sync_daemon_interface"))
        return old_lvs_sync(p, st, v);
    if (ka_args(p, st, 1, 1) < 0)
        return -1;
    const char *a = st->words[1];
    if (!strcmp(kw, "state")) {
        if (!strcmp(a, "MASTER"))
            v->state = KA_VRRP_MASTER;
        else if (!strcmp(a, "BACKUP"))
            v->state = KA_VRRP_BACKUP;
        else
            return ka_fail(p, st->line, kw, "'%s' is not MASTER or BACKUP", a);
        return 0;
    }
    if (!strcmp(kw, "interface"))
        return ka_string(p, st, 1, v->interface, sizeof v->interface);
    if (!strcmp(kw, "virtual_router_id"))
        return ka_uint(p, st, 1, 1, 255, &n) < 0 ? -1 : (v->virtual_router_id = (int)n, 0);
    if (!strcmp(kw, "priority"))
        return ka_uint(p, st, 1, 1, 255, &n) < 0 ? -1 : (v->priority = (int)n, 0);
    if (!strcmp(kw, "version"))
        return ka_uint(p, st, 1, 2, 3, &n) < 0 ? -1 : (v->version = (int)n, 0);
    if (!strcmp(kw, "garp_master_repeat"))
        return ka_uint(p, st, 1, 1, 255, &n) < 0 ? -1 : (v->garp_master_repeat = (int)n, 0);
    if (!strcmp(kw, "advert_int"))
        return ka_seconds(p, st, 1, 10 * SIM_MS, 255 * SIM_S, &v->advert_int);
    if (!strcmp(kw, "preempt_delay"))
        return ka_seconds(p, st, 1, 0, 1000 * SIM_S, &v->preempt_delay);
    if (!strcmp(kw, "garp_master_delay"))
        return ka_seconds(p, st, 1, 0, 255 * SIM_S, &v->garp_master_delay);
    return ka_fail(p, st->line, kw, "unknown keyword in vrrp_instance");
}

int ka_parse_vrrp_instance(struct ka_parser *p, const struct ka_stmt *st, struct ka_conf *conf)
{
    if (ka_args(p, st, 1, 1) < 0 || ka_want_block(p, st) < 0)
        return -1;
    struct ka_vrrp_instance v = {
        .line = st->line, .state = KA_VRRP_BACKUP, .priority = 100, .advert_int = SIM_S,
        .garp_master_delay = -1,
    };
    if (ka_string(p, st, 1, v.name, sizeof v.name) < 0 || ka_block(p, st, vrrp_stmt, &v) < 0)
        return -1;
    if (p->nunknown)
        return 0;              /* the file fails on its unknown keywords first */
    if (!v.interface[0])
        return ka_fail(p, st->line, "vrrp_instance", "%s has no interface", v.name);
    if (!v.virtual_router_id)
        return ka_fail(p, st->line, "vrrp_instance", "%s has no virtual_router_id", v.name);
    if (!v.nvips)
        return ka_fail(p, st->line, "vrrp_instance", "%s has no virtual_ipaddress", v.name);
    if (v.auth_type == KA_AUTH_PASS && !v.auth_pass[0])
        return ka_fail(p, st->line, "authentication", "%s: auth_type PASS needs an auth_pass", v.name);
    conf->vrrp = xrealloc(conf->vrrp, (size_t)(conf->nvrrp + 1) * sizeof *conf->vrrp);
    conf->vrrp[conf->nvrrp++] = v;
    return 0;
}
