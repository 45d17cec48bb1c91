/*
 * keepalived.conf: the file's top level (global_defs, vrrp_script,
 * vrrp_sync_group, vrrp_instance, virtual_server; anything else is an
 * error), global_defs itself, and the
 * value checks the sections share.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "lvs/keepalived/conf_int.h"

int ka_args(struct ka_parser *p, const struct ka_stmt *st, int min, int max)
{
    int n = st->nwords - 1;
    if (n >= min && n <= max)
        return 0;
    if (min == max)
        return ka_fail(p, st->line, st->words[0], "takes %d argument%s, not %d", min, min == 1 ? "" : "s", n);
    return ka_fail(p, st->line, st->words[0], "takes %d to %d arguments, not %d", min, max, n);
}

int ka_no_block(struct ka_parser *p, const struct ka_stmt *st)
{
    return st->block ? ka_fail(p, st->line, st->words[0], "takes no block") : 0;
}

int ka_want_block(struct ka_parser *p, const struct ka_stmt *st)
{
    return st->block ? 0 : ka_fail(p, st->line, st->words[0], "missing '{'");
}

int ka_uint(struct ka_parser *p, const struct ka_stmt *st, int i, unsigned long min, unsigned long max,
            unsigned long *out)
{
    const char *s = st->words[i];
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *s < '0' || *s > '9' || *end || errno || v < min || v > max)
        return ka_fail(p, st->line, st->words[0], "'%s' is not a whole number from %lu to %lu", s, min, max);
    *out = v;
    return 0;
}

int ka_seconds(struct ka_parser *p, const struct ka_stmt *st, int i, sim_time_t min, sim_time_t max,
               sim_time_t *out)
{
    const char *s = st->words[i], *c = s;
    sim_time_t whole = 0, frac = 0, scale = SIM_S;
    bool digits = false;
    for (; *c >= '0' && *c <= '9' && whole <= max / SIM_S; c++, digits = true)
        whole = whole * 10 + (*c - '0');
    if (*c == '.')
        for (c++; *c >= '0' && *c <= '9' && scale > 1; c++, digits = true) {
            scale /= 10;
            frac += (*c - '0') * scale;
        }
    sim_time_t v = whole * SIM_S + frac;
    if (!digits || *c || whole > max / SIM_S || v < min || v > max)
        return ka_fail(p, st->line, st->words[0], "'%s' is not a time from %g to %g seconds", s,
                       sim_time_to_s(min), sim_time_to_s(max));
    *out = v;
    return 0;
}

int ka_ipv4(struct ka_parser *p, const struct ka_stmt *st, int i, uint32_t *out)
{
    struct in_addr a;
    if (inet_pton(AF_INET, st->words[i], &a) != 1)
        return ka_fail(p, st->line, st->words[0], "'%s' is not an IPv4 address", st->words[i]);
    *out = ntohl(a.s_addr);
    return 0;
}

int ka_flag(struct ka_parser *p, const struct ka_stmt *st, bool *out)
{
    if (ka_args(p, st, 0, 1) < 0 || ka_no_block(p, st) < 0)
        return -1;
    static const char *const yes[] = { "true", "yes", "on" }, *const no[] = { "false", "no", "off" };
    if (st->nwords == 1) {
        *out = true;
        return 0;
    }
    for (int i = 0; i < 3; i++) {
        if (!strcmp(st->words[1], yes[i]))
            return *out = true, 0;
        if (!strcmp(st->words[1], no[i]))
            return *out = false, 0;
    }
    return ka_fail(p, st->line, st->words[0], "'%s' is not true or false", st->words[1]);
}

int ka_string(struct ka_parser *p, const struct ka_stmt *st, int i, char *out, size_t len)
{
    if (strlen(st->words[i]) >= len)
        return ka_fail(p, st->line, st->words[0], "'%s' is longer than %zu characters", st->words[i], len - 1);
    snprintf(out, len, "%s", st->words[i]);
    return 0;
}

void ka_inherit_unset(struct ka_inherit *in)
{
    *in = (struct ka_inherit){
        .delay_loop = KA_UNSET_TIME, .connect_timeout = KA_UNSET_TIME, .delay_before_retry = KA_UNSET_TIME,
        .warmup = KA_UNSET_TIME, .retry = KA_UNSET_UINT, .alpha = -1, .inhibit = -1,
    };
}

#define KA_MAX_DELAY (1000000 * SIM_S)

int ka_inherit_stmt(struct ka_parser *p, const struct ka_stmt *st, struct ka_inherit *in, bool connect)
{
    const char *kw = st->words[0];
    sim_time_t *t = !strcmp(kw, "delay_loop")            ? &in->delay_loop
                    : !strcmp(kw, "delay_before_retry")  ? &in->delay_before_retry
                    : !strcmp(kw, "warmup")              ? &in->warmup
                    : connect && !strcmp(kw, "connect_timeout") ? &in->connect_timeout
                                                         : NULL;
    if (t) {
        sim_time_t min = t == &in->warmup || t == &in->delay_before_retry ? 0 : SIM_US;
        if (ka_args(p, st, 1, 1) < 0 || ka_no_block(p, st) < 0 || ka_seconds(p, st, 1, min, KA_MAX_DELAY, t) < 0)
            return -1;
        return 1;
    }
    if (!strcmp(kw, "retry")) {
        if (ka_args(p, st, 1, 1) < 0 || ka_no_block(p, st) < 0 || ka_uint(p, st, 1, 0, 1000000, &in->retry) < 0)
            return -1;
        return 1;
    }
    return 0;
}

/* ---- global_defs ---- */

/* lvs_sync_daemon IFACE INSTANCE and its options, as keepalived takes them. */
static int lvs_sync_stmt(struct ka_parser *p, const struct ka_stmt *st, struct ka_lvs_sync *s)
{
    unsigned long v;
    if (st->nwords < 3 || st->nwords % 2 == 0)
        return ka_fail(p, st->line, "lvs_sync_daemon", "expects an interface, a vrrp_instance and option pairs");
    *s = (struct ka_lvs_sync){ .on = true, .line = st->line, .syncid = -1 };
    if (ka_string(p, st, 1, s->interface, sizeof s->interface) < 0 ||
        ka_string(p, st, 2, s->instance, sizeof s->instance) < 0)
        return -1;
    for (int i = 3; i < st->nwords; i += 2) {
        const char *opt = st->words[i];
        if (!strcmp(opt, "group")) {
            if (ka_ipv4(p, st, i + 1, &s->group) < 0)
                return -1;
            continue;
        }
        int *field = !strcmp(opt, "id") ? &s->syncid : !strcmp(opt, "maxlen") ? &s->maxlen
                     : !strcmp(opt, "port") ? &s->port : !strcmp(opt, "ttl") ? &s->ttl : NULL;
        unsigned long max = !strcmp(opt, "id") || !strcmp(opt, "ttl") ? 255 : !strcmp(opt, "maxlen") ? 65507 : 65535;
        if (!field)
            return ka_fail(p, st->line, "lvs_sync_daemon", "unknown option \"%s\"", opt);
        if (ka_uint(p, st, i + 1, 1, max, &v) < 0)
            return -1;
        *field = (int)v;
    }
    return 0;
}

/* keepalived's global_defs keywords that change nothing in the simulation:
 * e-mail and SMTP alerts, SNMP and D-Bus, notification FIFOs, who runs
 * scripts, and the pacing of gratuitous ARPs/NAs (sent back to back here). */
static const struct ka_section global_section = {
    .name = "global_defs",
    .known = (const char *const[]){ "router_id", "lvs_id", "vrrp_version", "vrrp_garp_master_delay",
                                    "vrrp_garp_master_repeat", "lvs_sync_daemon", "vrrp_strict", NULL },
    .ignored = (const char *const[]){
        "notification_email", "notification_email_from", "smtp_server", "smtp_helo_name", "smtp_connect_timeout",
        "smtp_alert", "smtp_alert_vrrp", "smtp_alert_checker", "no_email_faults", "checker_log_all_failures",
        "enable_script_security", "script_user", "vrrp_skip_check_adv_addr", "vrrp_garp_interval",
        "vrrp_gna_interval", "enable_traps", "enable_snmp_vrrp", "enable_snmp_checker", "enable_snmp_rfc",
        "enable_snmp_rfcv2", "enable_snmp_rfcv3", "enable_snmp_keepalived", "snmp_socket", "enable_dbus",
        "notify_fifo", "notify_fifo_script", "vrrp_notify_fifo", "vrrp_notify_fifo_script", "lvs_notify_fifo",
        "lvs_notify_fifo_script", NULL },
    .unmodelled = (const char *const[]){ "vrrp_mcast_group4", "vrrp_garp_master_refresh", "vrrp_min_garp",
                                         "lvs_timeouts", "lvs_flush", "vrrp_iptables", "nftables",
                                         "vrrp_check_unicast_src", "default_interface", "net_namespace", NULL },
};

static int global_stmt(struct ka_parser *p, const struct ka_stmt *st, void *ctx)
{
    struct ka_global *g = ctx;
    const char *kw = st->words[0];
    unsigned long v;
    int sorted = ka_sort(p, st, &global_section);
    if (sorted)
        return sorted < 0 ? -1 : 0;
    if (ka_no_block(p, st) < 0)
        return -1;
    if (!strcmp(kw, "vrrp_strict")) {
        if (ka_args(p, st, 0, 0) < 0)
            return -1;
        ka_warn(p, st->line, kw, "not modelled: keepalived's strict checks are not made, and the VIPs are "
                "not firewalled (keepalived adds iptables rules dropping what is sent to them)");
        return 0;
    }
    if (!strcmp(kw, "lvs_id"))
        ka_warn(p, st->line, kw, "the old name of router_id, read as router_id");
    if (!strcmp(kw, "router_id") || !strcmp(kw, "lvs_id"))
        return ka_args(p, st, 1, 1) < 0 ? -1 : ka_string(p, st, 1, g->router_id, sizeof g->router_id);
    if (!strcmp(kw, "vrrp_version")) {
        if (ka_args(p, st, 1, 1) < 0 || ka_uint(p, st, 1, 2, 3, &v) < 0)
            return -1;
        g->vrrp_version = (int)v;
        return 0;
    }
    if (!strcmp(kw, "vrrp_garp_master_delay"))
        return ka_args(p, st, 1, 1) < 0 ? -1 : ka_seconds(p, st, 1, 0, 255 * SIM_S, &g->vrrp_garp_master_delay);
    if (!strcmp(kw, "vrrp_garp_master_repeat")) {
        if (ka_args(p, st, 1, 1) < 0 || ka_uint(p, st, 1, 1, 255, &v) < 0)
            return -1;
        g->vrrp_garp_master_repeat = (int)v;
        return 0;
    }
    if (!strcmp(kw, "lvs_sync_daemon"))
        return lvs_sync_stmt(p, st, &g->lvs_sync);
    return ka_fail(p, st->line, kw, "unknown keyword in global_defs");
}

/* ---- the file ---- */

void ka_vs_name(const struct ka_virtual_server *vs, char *buf, size_t len)
{
    if (vs->fwmark) {
        snprintf(buf, len, "FWM %u", vs->fwmark);
        return;
    }
    uint32_t a = vs->addr;
    snprintf(buf, len, "%s %u.%u.%u.%u:%u", vs->protocol == IPPROTO_UDP ? "UDP" : "TCP", a >> 24, (a >> 16) & 255,
             (a >> 8) & 255, a & 255, vs->port);
}

static const struct ka_section top_section = {
    .name = "the file",
    .known = (const char *const[]){ "global_defs", "vrrp_instance", "virtual_server", "vrrp_script",
                                    "vrrp_sync_group", NULL },
    .unmodelled = (const char *const[]){ "include", "virtual_server_group",
                                         "track_file", "vrrp_track_process", "static_ipaddress", "static_routes",
                                         "static_rules", "garp_group", "linkbeat_use_polling", "bfd_instance",
                                         "net_namespace", "SSL", NULL },
};

static int top_stmt(struct ka_parser *p, const struct ka_stmt *st, struct ka_conf *conf, bool *seen_global)
{
    const char *kw = st->words[0];
    int sorted = ka_sort(p, st, &top_section);
    if (sorted)
        return sorted < 0 ? -1 : 0;
    if (!strcmp(kw, "global_defs")) {
        if (*seen_global)
            return ka_fail(p, st->line, kw, "given twice");
        *seen_global = true;
        if (ka_args(p, st, 0, 0) < 0 || ka_want_block(p, st) < 0)
            return -1;
        return ka_block(p, st, global_stmt, &conf->global);
    }
    if (!strcmp(kw, "vrrp_instance"))
        return ka_parse_vrrp_instance(p, st, conf);
    if (!strcmp(kw, "virtual_server"))
        return ka_parse_virtual_server(p, st, conf);
    if (!strcmp(kw, "vrrp_script"))
        return ka_parse_vrrp_script(p, st, conf);
    if (!strcmp(kw, "vrrp_sync_group"))
        return ka_parse_sync_group(p, st, conf);
    return ka_fail(p, st->line, kw, "unknown keyword");
}

/* What an instance leaves to the global settings. */
static void vrrp_defaults(struct ka_conf *conf)
{
    for (int i = 0; i < conf->nvrrp; i++) {
        struct ka_vrrp_instance *v = &conf->vrrp[i];
        if (!v->version)
            v->version = conf->global.vrrp_version;
        if (v->garp_master_delay < 0)
            v->garp_master_delay = conf->global.vrrp_garp_master_delay;
        if (!v->garp_master_repeat)
            v->garp_master_repeat = conf->global.vrrp_garp_master_repeat;
    }
}

/* lvs_sync_daemon names an instance of the file; its id defaults to the
 * instance's virtual_router_id, as keepalived's. */
static int lvs_sync_resolve(struct ka_parser *p, struct ka_conf *conf)
{
    struct ka_lvs_sync *s = &conf->global.lvs_sync;
    if (!s->on)
        return 0;
    for (int i = 0; i < conf->nvrrp; i++)
        if (!strcmp(conf->vrrp[i].name, s->instance)) {
            if (s->syncid < 0)
                s->syncid = conf->vrrp[i].virtual_router_id;
            return 0;
        }
    return ka_fail(p, s->line, "lvs_sync_daemon", "no vrrp_instance named %s", s->instance);
}

static int vrrp_check(struct ka_parser *p, const struct ka_conf *conf)
{
    for (int i = 0; i < conf->nvrrp; i++) {
        const struct ka_vrrp_instance *v = &conf->vrrp[i];
        if (v->version == 3 && v->auth_type != KA_AUTH_NONE)
            return ka_fail(p, v->line, "authentication", "VRRP version 3 has no authentication (%s)", v->name);
        if (v->version == 2 && v->advert_int % SIM_S)
            return ka_fail(p, v->line, "advert_int", "VRRP version 2 needs whole seconds (%s)", v->name);
        for (int k = 0; k < i; k++)
            if (!strcmp(conf->vrrp[k].name, v->name))
                return ka_fail(p, v->line, "vrrp_instance", "%s is defined twice", v->name);
    }
    return 0;
}

int ka_conf_parse_string(const char *text, const char *name, struct ka_conf *conf, char *err, size_t errlen)
{
    memset(conf, 0, sizeof *conf);
    snprintf(conf->file, sizeof conf->file, "%s", name);
    conf->global = (struct ka_global){ .vrrp_version = 2, .vrrp_garp_master_delay = 5 * SIM_S,
                                       .vrrp_garp_master_repeat = 5 };
    struct ka_parser p = { .conf = conf, .file = name, .p = text, .line = 1, .err = err, .errlen = errlen };
    if (errlen)
        err[0] = '\0';
    struct ka_stmt st;
    bool eof = false, seen_global = false;
    int r;
    while ((r = ka_stmt_read(&p, &st, &eof)) == 1)
        if (top_stmt(&p, &st, conf, &seen_global) < 0) {
            r = -1;
            break;
        }
    if (r == 0 && !eof)
        r = ka_fail(&p, p.close_line, "}", "no block to close");
    if (r == 0 && p.nunknown) {           /* all of them at once; the checks below wait for a clean file */
        size_t n = strlen(p.unknown);
        snprintf(err, errlen, "%.*s", (int)(n ? n - 1 : 0), p.unknown);
        r = -1;
    }
    if (r == 0) {
        vrrp_defaults(conf);
        r = vrrp_check(&p, conf);
        if (r == 0)
            r = lvs_sync_resolve(&p, conf);
        if (r == 0)
            r = ka_track_resolve(&p, conf);
    }
    if (r < 0) {
        ka_conf_free(conf);
        return -1;
    }
    if (p.ignored[0] || p.warnings[0]) {
        size_t len = strlen(name) + strlen(p.ignored) + strlen(p.warnings) + 128;
        conf->warnings = xmalloc(len);
        conf->warnings[0] = '\0';
        if (p.ignored[0])
            snprintf(conf->warnings, len, "%s: ignored, as they do not change the simulation: %s\n", name,
                     p.ignored);
        snprintf(conf->warnings + strlen(conf->warnings), len - strlen(conf->warnings), "%s", p.warnings);
    }
    return 0;
}

int ka_conf_parse_file(const char *path, struct ka_conf *conf, char *err, size_t errlen)
{
    memset(conf, 0, sizeof *conf);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, n = 0;
    char *text = xmalloc(cap);
    size_t got;
    while ((got = fread(text + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap)
            text = xrealloc(text, cap *= 2);
    }
    bool bad = ferror(f);
    fclose(f);
    text[n] = '\0';
    int r;
    if (bad || memchr(text, '\0', n)) {
        snprintf(err, errlen, "%s: %s", path, bad ? "read error" : "not a text file");
        r = -1;
    } else {
        r = ka_conf_parse_string(text, path, conf, err, errlen);
    }
    free(text);
    return r;
}

void ka_conf_free(struct ka_conf *conf)
{
    free(conf->warnings);
    conf->warnings = NULL;
    for (int i = 0; i < conf->nvs; i++)
        free(conf->vs[i].rs);
    free(conf->vs);
    free(conf->vrrp);
    free(conf->scripts);
    free(conf->groups);
    conf->vs = NULL;
    conf->vrrp = NULL;
    conf->scripts = NULL;
    conf->groups = NULL;
    conf->nvs = conf->nvrrp = conf->nscripts = conf->ngroups = 0;
}
