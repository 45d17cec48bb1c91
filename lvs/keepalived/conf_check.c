/*
 * The checker blocks of a real_server: TCP_CHECK, HTTP_GET (with its url
 * blocks: path, digest, status_code) and MISC_CHECK (misc_path,
 * misc_timeout, misc_dynamic), and how a checker's settings are resolved from its own,
 * its real server's and keepalived's defaults for the kind.
 */
#include <stdio.h>
#include <string.h>

#include "lvs/keepalived/conf_int.h"

struct check_ctx {
    struct ka_checker_conf *c;
    struct ka_inherit *own;
};

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static int status_codes(struct ka_parser *p, const struct ka_stmt *st, struct ka_url *u)
{
    for (int i = 1; i < st->nwords; i++) {
        if (u->nstatus == KA_MAX_STATUS_RANGES)
            return ka_fail(p, st->line, st->words[0], "more than %d codes or ranges", KA_MAX_STATUS_RANGES);
        struct ka_stmt one = { .line = st->line, .nwords = 3 };
        snprintf(one.words[0], sizeof one.words[0], "%s", st->words[0]);
        snprintf(one.words[1], sizeof one.words[1], "%s", st->words[i]);
        char *dash = strchr(one.words[1], '-');
        if (dash) {
            *dash = '\0';
            snprintf(one.words[2], sizeof one.words[2], "%s", dash + 1);
        } else {
            snprintf(one.words[2], sizeof one.words[2], "%s", one.words[1]);
        }
        unsigned long lo, hi;
        if (ka_uint(p, &one, 1, 100, 999, &lo) < 0 || ka_uint(p, &one, 2, 100, 999, &hi) < 0)
            return -1;
        if (lo > hi)
            return ka_fail(p, st->line, st->words[0], "range %s runs backwards", st->words[i]);
        u->status[u->nstatus++] = (struct ka_status_range){ (uint16_t)lo, (uint16_t)hi };
    }
    return 0;
}

static const struct ka_section url_section = {
    .name = "url",
    .known = (const char *const[]){ "path", "digest", "status_code", NULL },
    .unmodelled = (const char *const[]){ "virtualhost", "regex", "regex_no_match", "regex_options",
                                         "regex_stack", "regex_min_offset", "regex_max_offset", "fast_recovery",
                                         NULL },
};

static int url_stmt(struct ka_parser *p, const struct ka_stmt *st, void *ctx)
{
    struct ka_url *u = ctx;
    const char *kw = st->words[0];
    int sorted = ka_sort(p, st, &url_section);
    if (sorted)
        return sorted < 0 ? -1 : 0;
    if (ka_no_block(p, st) < 0)
        return -1;
    if (!strcmp(kw, "status_code"))
        return ka_args(p, st, 1, KA_STMT_WORDS - 1) < 0 ? -1 : status_codes(p, st, u);
    if (ka_args(p, st, 1, 1) < 0)
        return -1;
    if (!strcmp(kw, "path")) {
        if (st->words[1][0] != '/')
            return ka_fail(p, st->line, kw, "'%s' does not start with /", st->words[1]);
        return ka_string(p, st, 1, u->path, sizeof u->path);
    }
    if (!strcmp(kw, "digest")) {
        const char *h = st->words[1];
        if (strlen(h) != 2 * KA_MD5_LEN)
            return ka_fail(p, st->line, kw, "'%s' is not an MD5 digest (32 hex digits)", h);
        for (int i = 0; i < KA_MD5_LEN; i++) {
            int a = hexval(h[2 * i]), b = hexval(h[2 * i + 1]);
            if (a < 0 || b < 0)
                return ka_fail(p, st->line, kw, "'%s' is not an MD5 digest (32 hex digits)", h);
            u->digest[i] = (uint8_t)(a << 4 | b);
        }
        u->has_digest = true;
        return 0;
    }
    return ka_fail(p, st->line, kw, "unknown keyword in url");
}

static const char *const checker_unmodelled[] = { "bindto", "bind_port", "bind_if", "fwmark", "http_protocol",
                                                   "virtualhost", "fast_recovery", "enable_sni", "tls_compliant",
                                                   "protocol", "misc_user", "user", NULL };

static const struct ka_section tcp_section = {
    .name = "TCP_CHECK",
    .known = (const char *const[]){ "delay_loop", "connect_timeout", "delay_before_retry", "warmup", "retry",
                                    "alpha", "connect_ip", "connect_port", NULL },
    .unmodelled = checker_unmodelled,
};

static const struct ka_section http_section = {
    .name = "HTTP_GET",
    .known = (const char *const[]){ "delay_loop", "connect_timeout", "delay_before_retry", "warmup", "retry",
                                    "alpha", "connect_ip", "connect_port", "url", "nb_get_retry", NULL },
    .unmodelled = checker_unmodelled,
};

static const struct ka_section misc_section = {
    .name = "MISC_CHECK",
    .known = (const char *const[]){ "delay_loop", "delay_before_retry", "warmup", "retry", "alpha",
                                    "misc_path", "misc_timeout", "misc_dynamic", NULL },
    .unmodelled = checker_unmodelled,
};

static int checker_stmt(struct ka_parser *p, const struct ka_stmt *st, void *ctx)
{
    struct check_ctx *cc = ctx;
    struct ka_checker_conf *c = cc->c;
    const char *kw = st->words[0];
    bool misc = c->kind == KA_CHECK_MISC, http = c->kind == KA_CHECK_HTTP;
    int sorted = ka_sort(p, st, misc ? &misc_section : http ? &http_section : &tcp_section);
    if (sorted)
        return sorted < 0 ? -1 : 0;
    int r = ka_inherit_stmt(p, st, cc->own, !misc);
    if (r)
        return r < 0 ? -1 : 0;
    if (http && !strcmp(kw, "url")) {
        if (ka_args(p, st, 0, 0) < 0 || ka_want_block(p, st) < 0)
            return -1;
        if (c->nurls == KA_MAX_URLS)
            return ka_fail(p, st->line, kw, "more than %d urls", KA_MAX_URLS);
        struct ka_url *u = &c->urls[c->nurls];
        *u = (struct ka_url){ 0 };
        if (ka_block(p, st, url_stmt, u) < 0)
            return -1;
        if (!u->path[0] && !p->nunknown)
            return ka_fail(p, st->line, kw, "no path");
        if (!u->nstatus)   /* keepalived's default: any 2xx */
            u->status[u->nstatus++] = (struct ka_status_range){ 200, 299 };
        c->nurls++;
        return 0;
    }
    if (!strcmp(kw, "alpha")) {
        bool on;
        if (ka_flag(p, st, &on) < 0)
            return -1;
        cc->own->alpha = on;
        return 0;
    }
    if (misc && !strcmp(kw, "misc_dynamic")) {
        if (ka_no_block(p, st) < 0 || ka_args(p, st, 0, 0) < 0)
            return -1;
        c->misc_dynamic = true;
        return 0;
    }
    if (ka_no_block(p, st) < 0 || ka_args(p, st, 1, 1) < 0)
        return -1;
    unsigned long n;
    if (!misc && !strcmp(kw, "connect_ip"))
        return ka_ipv4(p, st, 1, &c->connect_ip);
    if (!misc && !strcmp(kw, "connect_port"))
        return ka_uint(p, st, 1, 1, 65535, &n) < 0 ? -1 : (c->connect_port = (uint16_t)n, 0);
    if (http && !strcmp(kw, "nb_get_retry")) {   /* the old name of retry */
        ka_warn(p, st->line, kw, "deprecated, read as retry");
        return ka_uint(p, st, 1, 0, 1000000, &cc->own->retry);
    }
    if (misc && !strcmp(kw, "misc_path"))
        return ka_string(p, st, 1, c->misc_path, sizeof c->misc_path);
    if (misc && !strcmp(kw, "misc_timeout"))
        return ka_uint(p, st, 1, 1, 1000000, &n) < 0 ? -1 : (c->misc_timeout = (sim_time_t)n * SIM_S, 0);
    return ka_fail(p, st->line, kw, "unknown keyword in %s", misc ? "MISC_CHECK" : http ? "HTTP_GET" : "TCP_CHECK");
}

int ka_parse_checker(struct ka_parser *p, const struct ka_stmt *st, struct ka_checker_conf *c,
                     struct ka_inherit *own)
{
    const char *kw = st->words[0];
    *c = (struct ka_checker_conf){ .line = st->line };
    c->kind = !strcmp(kw, "HTTP_GET") ? KA_CHECK_HTTP : !strcmp(kw, "MISC_CHECK") ? KA_CHECK_MISC : KA_CHECK_TCP;
    ka_inherit_unset(own);
    struct check_ctx cc = { c, own };
    if (ka_args(p, st, 0, 0) < 0 || ka_want_block(p, st) < 0 || ka_block(p, st, checker_stmt, &cc) < 0)
        return -1;
    if (p->nunknown)
        return 0;              /* the file fails on its unknown keywords first */
    if (c->kind == KA_CHECK_HTTP && !c->nurls)
        return ka_fail(p, st->line, kw, "no url");
    if (c->kind == KA_CHECK_MISC && !c->misc_path[0])
        return ka_fail(p, st->line, kw, "no misc_path");
    return 0;
}

static sim_time_t pick_time(sim_time_t own, sim_time_t inherited, sim_time_t dflt)
{
    return own != KA_UNSET_TIME ? own : inherited != KA_UNSET_TIME ? inherited : dflt;
}

void ka_checker_resolve(struct ka_checker_conf *c, const struct ka_inherit *own, const struct ka_inherit *rs,
                        sim_time_t vs_delay_loop, uint32_t rs_addr, uint16_t rs_port)
{
    /* keepalived's defaults: retry 1 (MISC_CHECK 0), delay_before_retry 1 s (HTTP_GET 3 s) */
    unsigned long retry_default = c->kind == KA_CHECK_MISC ? 0 : 1;
    sim_time_t dbr_default = c->kind == KA_CHECK_HTTP ? 3 * SIM_S : SIM_S;
    c->alpha = own->alpha >= 0 ? own->alpha : rs->alpha > 0;
    c->retry = (unsigned)(own->retry != KA_UNSET_UINT ? own->retry
                          : rs->retry != KA_UNSET_UINT ? rs->retry : retry_default);
    c->connect_timeout = pick_time(own->connect_timeout, rs->connect_timeout, 5 * SIM_S);
    c->delay_loop = pick_time(own->delay_loop, rs->delay_loop, vs_delay_loop);
    c->warmup = pick_time(own->warmup, rs->warmup, c->delay_loop);
    c->delay_before_retry = pick_time(own->delay_before_retry, rs->delay_before_retry, dbr_default);
    if (c->kind == KA_CHECK_MISC && !c->misc_timeout)
        c->misc_timeout = vs_delay_loop;
    if (!c->connect_ip)
        c->connect_ip = rs_addr;
    if (!c->connect_port)
        c->connect_port = rs_port;
}
