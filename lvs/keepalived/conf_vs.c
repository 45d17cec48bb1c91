/*
 * virtual_server blocks of keepalived.conf ("virtual_server A.B.C.D PORT"
 * or "virtual_server fwmark N") with their real_server and sorry_server
 * entries, checked at the block's end as keepalived's validation does
 * (scheduler and method given, ports DR/TUN cannot change, quorum within
 * the total weight) except that what keepalived corrects with a warning
 * is an error here.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "lvs/keepalived/conf_int.h"
#include "lvs/sched.h"

#define KA_WEIGHT_MAX 65535          /* keepalived's IPVS_WEIGHT_MAX */
#define KA_PERSIST_MAX 2678400       /* ipvsadm's limit: 31 days */

struct rs_state {
    struct ka_inherit own;
    struct ka_inherit checkers[KA_MAX_CHECKERS];
};

struct vs_state {
    struct ka_virtual_server *vs;
    struct ka_inherit own;
    struct rs_state *rs;
    bool has_sched, has_fwd;
    int sorry_line;
};

struct rs_ctx {
    struct ka_real_server *rs;
    struct rs_state *st;
};

static int addr_port(struct ka_parser *p, const struct ka_stmt *st, uint32_t *addr, uint16_t *port)
{
    unsigned long n;
    if (ka_args(p, st, 2, 2) < 0 || ka_ipv4(p, st, 1, addr) < 0 || ka_uint(p, st, 2, 0, 65535, &n) < 0)
        return -1;
    *port = (uint16_t)n;
    return 0;
}

static const struct ka_section rs_section = {
    .name = "real_server",
    .known = (const char *const[]){ "TCP_CHECK", "HTTP_GET", "MISC_CHECK", "delay_loop", "connect_timeout",
                                    "delay_before_retry", "warmup", "retry", "inhibit_on_failure", "alpha",
                                    "weight", NULL },
    .ignored = (const char *const[]){ "notify_up", "notify_down", "smtp_alert", "snmp_name", NULL },
    .unmodelled = (const char *const[]){ "SSL_GET", "SMTP_CHECK", "DNS_CHECK", "UDP_CHECK", "PING_CHECK",
                                         "FILE_CHECK", "BFD_CHECK", "lvs_method", "uthreshold", "lthreshold",
                                         "virtualhost", NULL },
};

static int rs_stmt(struct ka_parser *p, const struct ka_stmt *st, void *ctx)
{
    struct rs_ctx *rc = ctx;
    struct ka_real_server *rs = rc->rs;
    const char *kw = st->words[0];
    int sorted = ka_sort(p, st, &rs_section);
    if (sorted)
        return sorted < 0 ? -1 : 0;
    if (!strcmp(kw, "TCP_CHECK") || !strcmp(kw, "HTTP_GET") || !strcmp(kw, "MISC_CHECK")) {
        if (rs->ncheckers == KA_MAX_CHECKERS)
            return ka_fail(p, st->line, kw, "more than %d checkers on a real server", KA_MAX_CHECKERS);
        int k = rs->ncheckers++;
        return ka_parse_checker(p, st, &rs->checkers[k], &rc->st->checkers[k]);
    }
    int r = ka_inherit_stmt(p, st, &rc->st->own, true);
    if (r)
        return r < 0 ? -1 : 0;
    bool on;
    if (!strcmp(kw, "inhibit_on_failure") || !strcmp(kw, "alpha")) {
        if (ka_flag(p, st, &on) < 0)
            return -1;
        *(kw[0] == 'a' ? &rc->st->own.alpha : &rc->st->own.inhibit) = on;
        return 0;
    }
    if (!strcmp(kw, "weight")) {
        unsigned long w;
        if (ka_no_block(p, st) < 0 || ka_args(p, st, 1, 1) < 0 || ka_uint(p, st, 1, 0, KA_WEIGHT_MAX, &w) < 0)
            return -1;
        rs->weight = (int)w;
        return 0;
    }
    return ka_fail(p, st->line, kw, "unknown keyword in real_server");
}

static int add_rs(struct ka_parser *p, const struct ka_stmt *st, struct vs_state *vst)
{
    struct ka_virtual_server *vs = vst->vs;
    if (ka_want_block(p, st) < 0)
        return -1;
    struct ka_real_server rs = { .line = st->line, .weight = -1 };
    if (addr_port(p, st, &rs.addr, &rs.port) < 0)
        return -1;
    for (int i = 0; i < vs->nrs; i++)
        if (vs->rs[i].addr == rs.addr && vs->rs[i].port == rs.port)
            return ka_fail(p, st->line, "real_server", "%s %s is given twice (first at line %d)", st->words[1],
                           st->words[2], vs->rs[i].line);
    vs->rs = xrealloc(vs->rs, (size_t)(vs->nrs + 1) * sizeof *vs->rs);
    vst->rs = xrealloc(vst->rs, (size_t)(vs->nrs + 1) * sizeof *vst->rs);
    struct rs_state *rst = &vst->rs[vs->nrs];
    ka_inherit_unset(&rst->own);
    vs->rs[vs->nrs] = rs;
    struct rs_ctx rc = { &vs->rs[vs->nrs], rst };
    vs->nrs++;
    return ka_block(p, st, rs_stmt, &rc);
}

static int set_fwd(struct ka_parser *p, const struct ka_stmt *st, enum ipvs_fwd *fwd)
{
    static const struct { const char *name; enum ipvs_fwd fwd; } kinds[] = {
        { "NAT", IPVS_FWD_MASQ }, { "DR", IPVS_FWD_DROUTE }, { "TUN", IPVS_FWD_TUNNEL },
        { "FNAT", IPVS_FWD_FULLNAT },
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(st->words[1], kinds[i].name)) {
            *fwd = kinds[i].fwd;
            return 0;
        }
    return ka_fail(p, st->line, st->words[0], "'%s' is not NAT, DR, TUN or FNAT", st->words[1]);
}

static int netmask(struct ka_parser *p, const struct ka_stmt *st, uint32_t *mask)
{
    if (ka_ipv4(p, st, 1, mask) < 0)
        return -1;
    if (*mask & (~*mask >> 1))   /* ones must all come before the zeros */
        return ka_fail(p, st->line, st->words[0], "'%s' is not a netmask", st->words[1]);
    return 0;
}

/* nat_mask meant something only on Linux 2.2; keepalived dropped it in
 * 1.2.20. quorum_up/quorum_down are scripts: the run has events. */
static const struct ka_section vs_section = {
    .name = "virtual_server",
    .known = (const char *const[]){ "real_server", "delay_loop", "connect_timeout", "delay_before_retry",
                                    "warmup", "retry", "alpha", "omega", "inhibit_on_failure", "sorry_server",
                                    "lb_algo", "lvs_sched", "lb_kind", "lvs_method", "persistence_timeout",
                                    "persistence_granularity", "quorum", "hysteresis", "protocol", NULL },
    .ignored = (const char *const[]){ "smtp_alert", "quorum_up", "quorum_down", "snmp_name", "nat_mask", NULL },
    .unmodelled = (const char *const[]){ "ip_family", "virtualhost", "sorry_server_inhibit",
                                         "sorry_server_lvs_method", "persistence_engine", "ha_suspend", "hashed",
                                         "ops", "flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback", "mh-port",
                                         "mh-fallback", "weight", NULL },
};

static int vs_stmt(struct ka_parser *p, const struct ka_stmt *st, void *ctx)
{
    struct vs_state *vst = ctx;
    struct ka_virtual_server *vs = vst->vs;
    const char *kw = st->words[0];
    int sorted = ka_sort(p, st, &vs_section);
    if (sorted)
        return sorted < 0 ? -1 : 0;
    if (!strcmp(kw, "real_server"))
        return add_rs(p, st, vst);
    int r = ka_inherit_stmt(p, st, &vst->own, true);
    if (r)
        return r < 0 ? -1 : 0;
    if (ka_no_block(p, st) < 0)
        return -1;
    if (!strcmp(kw, "alpha") || !strcmp(kw, "omega") || !strcmp(kw, "inhibit_on_failure")) {
        if (ka_args(p, st, 0, 0) < 0)
            return -1;
        *(kw[0] == 'a' ? &vs->alpha : kw[0] == 'o' ? &vs->omega : &vs->inhibit_on_failure) = true;
        return 0;
    }
    if (!strcmp(kw, "sorry_server")) {
        if (vs->has_sorry_server)
            return ka_fail(p, st->line, kw, "given twice");
        vst->sorry_line = st->line;
        vs->has_sorry_server = true;
        return addr_port(p, st, &vs->sorry_addr, &vs->sorry_port);
    }
    if (ka_args(p, st, 1, 1) < 0)
        return -1;
    unsigned long n;
    if (!strcmp(kw, "lb_algo") || !strcmp(kw, "lvs_sched")) {
        if (!ipvs_sched_find(st->words[1]))
            return ka_fail(p, st->line, kw, "unknown scheduler '%s'", st->words[1]);
        vst->has_sched = true;
        return ka_string(p, st, 1, vs->sched, sizeof vs->sched);
    }
    if (!strcmp(kw, "lb_kind") || !strcmp(kw, "lvs_method"))
        return set_fwd(p, st, &vs->fwd) < 0 ? -1 : (vst->has_fwd = true, 0);
    if (!strcmp(kw, "persistence_timeout"))
        return ka_uint(p, st, 1, 1, KA_PERSIST_MAX, &n) < 0 ? -1 : (vs->persistence_timeout = (uint32_t)n, 0);
    if (!strcmp(kw, "persistence_granularity"))
        return netmask(p, st, &vs->persistence_granularity);
    if (!strcmp(kw, "quorum"))
        return ka_uint(p, st, 1, 1, 0xffffffffUL, &n) < 0 ? -1 : (vs->quorum = (unsigned)n, 0);
    if (!strcmp(kw, "hysteresis"))
        return ka_uint(p, st, 1, 0, 0xffffffffUL, &n) < 0 ? -1 : (vs->hysteresis = (unsigned)n, 0);
    if (!strcmp(kw, "protocol")) {
        if (vs->fwmark)
            return ka_fail(p, st->line, kw, "a fwmark service has no protocol here");
        if (!strcmp(st->words[1], "TCP"))
            vs->protocol = IPPROTO_TCP;
        else if (!strcmp(st->words[1], "UDP"))
            vs->protocol = IPPROTO_UDP;
        else
            return ka_fail(p, st->line, kw, "'%s' is not TCP or UDP", st->words[1]);
        return 0;
    }
    return ka_fail(p, st->line, kw, "unknown keyword in virtual_server");
}

/* A server's port as IPVS takes it: DR and TUN cannot change the port, so
 * it is the service's (or 0 on a fwmark service). */
static int dest_port(struct ka_parser *p, const struct ka_virtual_server *vs, int line, const char *kw,
                     uint16_t *port)
{
    bool keeps_port = vs->fwd == IPVS_FWD_DROUTE || vs->fwd == IPVS_FWD_TUNNEL;
    if (vs->fwmark) {
        if (keeps_port)
            *port = 0;
        return 0;
    }
    if (!*port)
        *port = vs->port;
    else if (keeps_port && *port != vs->port)
        return ka_fail(p, line, kw, "port %u differs from the virtual server's %u, which %s cannot change", *port,
                       vs->port, vs->fwd == IPVS_FWD_DROUTE ? "DR" : "TUN");
    return 0;
}

static void merge(struct ka_inherit *rs, const struct ka_inherit *vs)
{
    if (rs->delay_loop == KA_UNSET_TIME)
        rs->delay_loop = vs->delay_loop;
    if (rs->connect_timeout == KA_UNSET_TIME)
        rs->connect_timeout = vs->connect_timeout;
    if (rs->delay_before_retry == KA_UNSET_TIME)
        rs->delay_before_retry = vs->delay_before_retry;
    if (rs->warmup == KA_UNSET_TIME)
        rs->warmup = vs->warmup;
    if (rs->retry == KA_UNSET_UINT)
        rs->retry = vs->retry;
    if (rs->alpha < 0)
        rs->alpha = vs->alpha;
    if (rs->inhibit < 0)
        rs->inhibit = vs->inhibit;
}

static int finish_vs(struct ka_parser *p, struct vs_state *vst, int line)
{
    struct ka_virtual_server *vs = vst->vs;
    if (p->nunknown)
        return 0;              /* the file fails on its unknown keywords first */
    if (!vst->has_sched)
        return ka_fail(p, line, "virtual_server", "no lb_algo");
    if (!vst->has_fwd)
        return ka_fail(p, line, "virtual_server", "no lb_kind");
    if (vst->own.delay_loop == KA_UNSET_TIME)
        vst->own.delay_loop = 60 * SIM_S;       /* KEEPALIVED_DEFAULT_DELAY */
    if (vst->own.connect_timeout == KA_UNSET_TIME)
        vst->own.connect_timeout = 5 * SIM_S;
    vs->delay_loop = vst->own.delay_loop;
    vst->own.alpha = vs->alpha;
    vst->own.inhibit = vs->inhibit_on_failure;
    unsigned long total = 0;
    for (int i = 0; i < vs->nrs; i++) {
        struct ka_real_server *rs = &vs->rs[i];
        struct rs_state *rst = &vst->rs[i];
        merge(&rst->own, &vst->own);
        rs->inhibit_on_failure = rst->own.inhibit > 0;
        if (rs->weight < 0)
            rs->weight = 1;
        total += (unsigned long)rs->weight;
        rs->check_port = rs->port ? rs->port : vs->port;
        if (dest_port(p, vs, rs->line, "real_server", &rs->port) < 0)
            return -1;
        for (int k = 0; k < rs->ncheckers; k++) {
            struct ka_checker_conf *c = &rs->checkers[k];
            ka_checker_resolve(c, &rst->checkers[k], &rst->own, vs->delay_loop, rs->addr, rs->check_port);
            if (!c->connect_port)
                return ka_fail(p, c->line, c->kind == KA_CHECK_HTTP ? "HTTP_GET" : "TCP_CHECK",
                               "no port to connect to (give connect_port)");
        }
    }
    if (vs->has_sorry_server && dest_port(p, vs, vst->sorry_line, "sorry_server", &vs->sorry_port) < 0)
        return -1;
    if (vs->nrs && vs->quorum > total)
        return ka_fail(p, line, "quorum", "%u is more than the real servers' total weight %lu", vs->quorum, total);
    if (vs->hysteresis >= vs->quorum)
        return ka_fail(p, line, "hysteresis", "%u is not below the quorum %u", vs->hysteresis, vs->quorum);
    return 0;
}

int ka_parse_virtual_server(struct ka_parser *p, const struct ka_stmt *st, struct ka_conf *conf)
{
    if (ka_want_block(p, st) < 0)
        return -1;
    struct ka_virtual_server vs = {
        .line = st->line, .protocol = IPPROTO_TCP, .persistence_granularity = 0xffffffffu, .quorum = 1,
    };
    if (st->nwords == 3 && !strcmp(st->words[1], "fwmark")) {
        unsigned long mark;
        if (ka_uint(p, st, 2, 1, 0xffffffffUL, &mark) < 0)
            return -1;
        vs.fwmark = (uint32_t)mark;
        vs.protocol = 0;
    } else {
        if (addr_port(p, st, &vs.addr, &vs.port) < 0)
            return -1;
    }
    struct vs_state vst = { .vs = &vs };
    ka_inherit_unset(&vst.own);
    int r = ka_block(p, st, vs_stmt, &vst);
    if (r == 0)
        r = finish_vs(p, &vst, st->line);
    free(vst.rs);
    if (r < 0) {
        free(vs.rs);
        return -1;
    }
    for (int i = 0; i < conf->nvs; i++) {
        const struct ka_virtual_server *o = &conf->vs[i];
        if (o->fwmark == vs.fwmark && o->protocol == vs.protocol && o->addr == vs.addr && o->port == vs.port) {
            free(vs.rs);
            return ka_fail(p, st->line, "virtual_server", "defined twice (first at line %d)", o->line);
        }
    }
    conf->vs = xrealloc(conf->vs, (size_t)(conf->nvs + 1) * sizeof *conf->vs);
    conf->vs[conf->nvs++] = vs;
    return 0;
}
