/*
 * ipvsadm's command line: the words of one line read as popt reads them
 * (short options grouped as -Ln, arguments attached as -w5 or --weight=5,
 * -p's optional timeout), then ipvsadm's own rules in its order: each
 * option's value, the table of legal command/option combinations, the zero
 * port rule, the default scheduler, DR and TUN taking the service's port.
 * Messages are ipvsadm's (ipvsadm.c 1.31); nothing here touches a table.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "lvs/ipvsadm.h"

#define MAX_TIMEOUT (86400 * 31)              /* ipvsadm: 31 days */
#define DEF_PERSISTENT_TIMEOUT 360            /* libipvs.h's IPVS_SVC_PERSISTENT_TIMEOUT (6*60;
                                                 * ipvsadm(8) says 300) */
#define DEF_SCHED "wlc"

enum arg_kind { ARG_NONE, ARG_REQ, ARG_OPT };

/* Tags for options without a short name, outside the ASCII range as ipvsadm's. */
enum {
    TAG_SET = 128, TAG_TIMEOUT, TAG_STATS, TAG_RATE, TAG_THRESHOLDS, TAG_PERSISTENTCONN,
    TAG_SORT, TAG_NO_SORT, TAG_FULLNAT, TAG_TUN_TYPE, TAG_UNSUPPORTED,
};

struct optdef {
    const char *name;
    char sh;
    unsigned char arg;
    int tag;
};

/* ipvsadm's options; those lvslab does not model parse but are refused. */
static const struct optdef optdefs[] = {
    { "add-service", 'A', ARG_NONE, 'A' },      { "edit-service", 'E', ARG_NONE, 'E' },
    { "delete-service", 'D', ARG_NONE, 'D' },   { "clear", 'C', ARG_NONE, 'C' },
    { "list", 'L', ARG_NONE, 'L' },             { "list", 'l', ARG_NONE, 'l' },
    { "zero", 'Z', ARG_NONE, 'Z' },             { "add-server", 'a', ARG_NONE, 'a' },
    { "edit-server", 'e', ARG_NONE, 'e' },      { "delete-server", 'd', ARG_NONE, 'd' },
    { "set", 0, ARG_NONE, TAG_SET },
    { "tcp-service", 't', ARG_REQ, 't' },       { "udp-service", 'u', ARG_REQ, 'u' },
    { "fwmark-service", 'f', ARG_REQ, 'f' },    { "scheduler", 's', ARG_REQ, 's' },
    { "persistent", 'p', ARG_OPT, 'p' },        { "netmask", 'M', ARG_REQ, 'M' },
    { "real-server", 'r', ARG_REQ, 'r' },       { "masquerading", 'm', ARG_NONE, 'm' },
    { "ipip", 'i', ARG_NONE, 'i' },             { "gatewaying", 'g', ARG_NONE, 'g' },
    { "fullnat", 0, ARG_NONE, TAG_FULLNAT },    { "weight", 'w', ARG_REQ, 'w' },
    { "u-threshold", 'x', ARG_REQ, 'x' },       { "l-threshold", 'y', ARG_REQ, 'y' },
    { "numeric", 'n', ARG_NONE, 'n' },          { "connection", 'c', ARG_NONE, 'c' },
    { "timeout", 0, ARG_NONE, TAG_TIMEOUT },    { "stats", 0, ARG_NONE, TAG_STATS },
    { "rate", 0, ARG_NONE, TAG_RATE },          { "thresholds", 0, ARG_NONE, TAG_THRESHOLDS },
    { "persistent-conn", 0, ARG_NONE, TAG_PERSISTENTCONN },
    { "nosort", 0, ARG_NONE, TAG_NO_SORT },     { "sort", 0, ARG_NONE, TAG_SORT },
    { "exact", 'X', ARG_NONE, 'X' },            { "sched-flags", 'b', ARG_REQ, 'b' },
    { "synproxy", 'j', ARG_REQ, 'j' },
    { "help", 'h', ARG_NONE, TAG_UNSUPPORTED }, { "version", 'v', ARG_NONE, TAG_UNSUPPORTED },
    { "restore", 'R', ARG_NONE, TAG_UNSUPPORTED }, { "save", 'S', ARG_NONE, TAG_UNSUPPORTED },
    { "start-daemon", 0, ARG_REQ, TAG_UNSUPPORTED }, { "stop-daemon", 0, ARG_REQ, TAG_UNSUPPORTED },
    { "sctp-service", 0, ARG_REQ, TAG_UNSUPPORTED }, { "mcast-interface", 0, ARG_REQ, TAG_UNSUPPORTED },
    { "syncid", 0, ARG_REQ, TAG_UNSUPPORTED },  { "daemon", 0, ARG_NONE, TAG_UNSUPPORTED },
    { "ipv6", '6', ARG_NONE, TAG_UNSUPPORTED }, { "ops", 'o', ARG_NONE, TAG_UNSUPPORTED },
    { "pe", 0, ARG_REQ, TAG_UNSUPPORTED },      { "mcast-group", 0, ARG_REQ, TAG_UNSUPPORTED },
    { "mcast-port", 0, ARG_REQ, TAG_UNSUPPORTED }, { "mcast-ttl", 0, ARG_REQ, TAG_UNSUPPORTED },
    { "sync-maxlen", 0, ARG_REQ, TAG_UNSUPPORTED }, { "tun-info", 0, ARG_NONE, TAG_UNSUPPORTED },
    { "tun-type", 0, ARG_REQ, TAG_TUN_TYPE }, { "tun-port", 0, ARG_REQ, TAG_UNSUPPORTED },
    { "tun-nocsum", 0, ARG_NONE, TAG_UNSUPPORTED }, { "tun-csum", 0, ARG_NONE, TAG_UNSUPPORTED },
    { "tun-remcsum", 0, ARG_NONE, TAG_UNSUPPORTED },
};
#define NOPTDEFS (sizeof optdefs / sizeof optdefs[0])

static const char *const cmdnames[] = {
    [IPVSADM_CMD_ADD] = "add-service", [IPVSADM_CMD_EDIT] = "edit-service",
    [IPVSADM_CMD_DEL] = "delete-service", [IPVSADM_CMD_FLUSH] = "flush",
    [IPVSADM_CMD_LIST] = "list", [IPVSADM_CMD_ADDDEST] = "add-server",
    [IPVSADM_CMD_DELDEST] = "delete-server", [IPVSADM_CMD_EDITDEST] = "edit-server",
    [IPVSADM_CMD_TIMEOUT] = "set", [IPVSADM_CMD_ZERO] = "zero",
};

static const char *const optnames[IPVSADM_NUM_OPTS] = {
    "numeric", "connection", "service-address", "scheduler", "persistent", "netmask",
    "real-server", "forwarding-method", "weight", "u-threshold", "l-threshold",
    "mcast-interface", "timeout", "daemon", "stats", "rate", "thresholds",
    "persistent-conn", "nosort", "syncid", "exact", "ops", "pe", "sched-flags", "synproxy",
};

/* ipvsadm's commands_v_options: '+' compulsory, 'x' illegal, '1' exclusive,
 * ' ' optional; one column per option number above. */
static const char *const cmd_v_opts[] = {
    /*                        -n-c svc  -s-p-M -r fwd-w-x-y mc tot dmn st rt thr pc srt sid ex ops pe -b -j */
    [IPVSADM_CMD_ADD]      = "xx+   xxxxxxxxxxxxxxx    ",
    [IPVSADM_CMD_EDIT]     = "xx+   xxxxxxxxxxxxxxx    ",
    [IPVSADM_CMD_DEL]      = "xx+xxxxxxxxxxxxxxxxxxxxxx",
    [IPVSADM_CMD_FLUSH]    = "xxxxxxxxxxxxxxxxxxxxxxxxx",
    [IPVSADM_CMD_LIST]     = " 11xxxxxxxxx11       xxxx",
    [IPVSADM_CMD_ADDDEST]  = "xx+xxx+    xxxxxxxxxxxxxx",
    [IPVSADM_CMD_DELDEST]  = "xx+xxx+xxxxxxxxxxxxxxxxxx",
    [IPVSADM_CMD_EDITDEST] = "xx+xxx+    xxxxxxxxxxxxxx",
    [IPVSADM_CMD_TIMEOUT]  = "xxxxxxxxxxxxxxxxxxxxxxxxx",
    [IPVSADM_CMD_ZERO]     = "xx xxxxxxxxxxxxxxxxxxxxxx",
};

#define SERVICE_ADDR 0x1
#define SERVICE_PORT 0x2

/* The words of the line, and popt's reading position in them. */
struct lexer {
    char **argv;
    int argc, next;
    const char *group;       /* the rest of a short-option group ("-Ln") */
    bool only_args;          /* after "--" */
    char **left;             /* arguments that are not options, in order */
    int nleft, leftpos;
};

struct pctx {
    struct lexer lx;
    char *err;
    size_t errlen;
    bool tun_type;           /* --tun-type given (ipvsadm -S writes it for every -i dest) */
};

__attribute__((format(printf, 2, 3)))
static int fail(struct pctx *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, p->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static const struct optdef *find_long(const char *name, size_t len)
{
    for (size_t i = 0; i < NOPTDEFS; i++)
        if (strlen(optdefs[i].name) == len && !strncmp(optdefs[i].name, name, len))
            return &optdefs[i];
    return NULL;
}

static const struct optdef *find_short(char c)
{
    for (size_t i = 0; i < NOPTDEFS; i++)
        if (optdefs[i].sh && optdefs[i].sh == c)
            return &optdefs[i];
    return NULL;
}

/* An option's argument from the next word, as popt takes it: a required
 * argument is the next word whatever it is; an optional one only if the
 * next word does not start with '-'. */
static int take_arg(struct pctx *p, const struct optdef *d, const char *spelled, const char **optarg)
{
    struct lexer *lx = &p->lx;
    *optarg = NULL;
    if (lx->next >= lx->argc) {
        if (d->arg == ARG_REQ)
            return fail(p, "%s: missing argument", spelled);
        return 0;
    }
    if (d->arg == ARG_OPT && lx->argv[lx->next][0] == '-')
        return 0;
    *optarg = lx->argv[lx->next++];
    return 0;
}

/* The next option: 1 with *d and *optarg set, 0 at the end, -1 on error.
 * Words that are not options are kept for later, as popt's leftovers. */
static int next_opt(struct pctx *p, const struct optdef **d, const char **optarg, char *spelled,
                    size_t splen)
{
    struct lexer *lx = &p->lx;
    for (;;) {
        if (lx->group && *lx->group) {
            char c = *lx->group++;
            snprintf(spelled, splen, "-%c", c);
            if (!(*d = find_short(c)))
                return fail(p, "%s: unknown option", spelled);
            if ((*d)->arg == ARG_NONE) {
                *optarg = NULL;
                return 1;
            }
            if (*lx->group) {             /* -w5 */
                *optarg = lx->group;
                lx->group = NULL;
                return 1;
            }
            lx->group = NULL;
            return take_arg(p, *d, spelled, optarg) < 0 ? -1 : 1;
        }
        lx->group = NULL;
        if (lx->next >= lx->argc)
            return 0;
        char *a = lx->argv[lx->next++];
        if (lx->only_args || a[0] != '-' || a[1] == '\0') {
            lx->left[lx->nleft++] = a;
            continue;
        }
        if (a[1] != '-') {
            lx->group = a + 1;
            continue;
        }
        if (a[2] == '\0') {
            lx->only_args = true;
            continue;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        snprintf(spelled, splen, "--%.*s", (int)(len > 40 ? 40 : len), name);
        if (!(*d = find_long(name, len)))
            return fail(p, "%s: unknown option", spelled);
        if (eq) {
            if ((*d)->arg == ARG_NONE)
                return fail(p, "%s: option does not take an argument", spelled);
            *optarg = eq + 1;
            return 1;
        }
        if ((*d)->arg == ARG_NONE) {
            *optarg = NULL;
            return 1;
        }
        return take_arg(p, *d, spelled, optarg) < 0 ? -1 : 1;
    }
}

/* ipvsadm's string_to_number: a whole decimal number in [min, max], or -1. */
static long string_to_number(const char *s, long min, long max)
{
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (*end == '\0' && end != s && errno != ERANGE && min <= n && n <= max)
        return n;
    return -1;
}

static bool str_is_digit(const char *s)
{
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* ipvsadm's parse_service on a word we own: address (numbers and dots, as
 * inet_aton; no host names) and an optional :port, a number or a service
 * name for the protocol given so far (ipvsadm's service_to_port: none
 * before -t or -u, tcp after -f). */
static int parse_service(char *buf, uint8_t protocol, uint32_t *addr, uint16_t *port)
{
    struct in_addr in;
    if (str_is_digit(buf) || buf[0] == '[')
        return 0;
    char *portp = strrchr(buf, ':');
    if (portp)
        *portp = '\0';
    if (inet_aton(buf, &in) == 0)
        return 0;
    *addr = ntohl(in.s_addr);
    if (!portp)
        return SERVICE_ADDR;
    long n = string_to_number(portp + 1, 0, 65535);
    if (n < 0 && ((protocol != IPPROTO_TCP && protocol != IPPROTO_UDP) ||
                  (n = ipvsadm_service_port(portp + 1, protocol)) < 0))
        return 0;
    *port = (uint16_t)n;
    return SERVICE_ADDR | SERVICE_PORT;
}

static int parse_timeout(struct pctx *p, const char *buf, long min, long max, uint32_t *out)
{
    if (!buf) {
        *out = DEF_PERSISTENT_TIMEOUT;
        return 0;
    }
    long n = string_to_number(buf, min, max);
    if (n < 0)
        return fail(p, "invalid timeout value `%s' specified", buf);
    *out = (uint32_t)n;
    return 0;
}

static int parse_fwmark(struct pctx *p, const char *buf, uint32_t *out)
{
    char *end;
    errno = 0;
    long long l = strtoll(buf, &end, 10);
    if (*end != '\0' || end == buf || errno == ERANGE || l <= 0 || l > UINT_MAX)
        return fail(p, "invalid fwmark value `%s' specified", buf);
    *out = (uint32_t)l;
    return 0;
}

/* ipvsadm's parse_sched_flags: comma-separated, checked against the
 * scheduler given (or wlc). */
static int parse_sched_flags(struct pctx *p, const char *sched, const char *arg, uint32_t *flags)
{
    static const struct { const char *name; uint32_t flag; const char *sched; } table[] = {
        { "flag-1", IPVS_SCHED_FLAG_1, NULL }, { "flag-2", IPVS_SCHED_FLAG_2, NULL },
        { "flag-3", IPVS_SCHED_FLAG_3, NULL },
        { "sh-fallback", IPVS_SCHED_FLAG_1, "sh" }, { "sh-port", IPVS_SCHED_FLAG_2, "sh" },
        { "mh-fallback", IPVS_SCHED_FLAG_1, "mh" }, { "mh-port", IPVS_SCHED_FLAG_2, "mh" },
    };
    sched = *sched ? sched : DEF_SCHED;
    const char *s = arg;
    bool any = false;
    *flags = 0;
    while (*s) {
        size_t len = strcspn(s, ",");
        if (len) {
            size_t i = 0;
            while (i < sizeof table / sizeof table[0] &&
                   !(strlen(table[i].name) == len && !strncmp(table[i].name, s, len)))
                i++;
            if (i == sizeof table / sizeof table[0])
                return fail(p, "invalid scheduler flag `%.*s'", (int)(len > 40 ? 40 : len), s);
            *flags |= table[i].flag;
            if (table[i].sched && strcmp(sched, table[i].sched))
                return fail(p, "incompatible scheduler flag `%s'", table[i].name);
            any = true;
        }
        s += len + (s[len] == ',');
    }
    if (!any)   /* ipvsadm's strtok finds no flag here and crashes */
        return fail(p, "invalid scheduler flag `%s'", arg);
    return 0;
}

static int set_option(struct pctx *p, struct ipvsadm_cmd *c, enum ipvsadm_opt o)
{
    if (c->options & (1u << o))
        return fail(p, "multiple '%s' options specified", optnames[o]);
    c->options |= 1u << o;
    return 0;
}

static enum ipvsadm_cmd_kind command_of(int tag)
{
    switch (tag) {
    case 'A': return IPVSADM_CMD_ADD;
    case 'E': return IPVSADM_CMD_EDIT;
    case 'D': return IPVSADM_CMD_DEL;
    case 'C': return IPVSADM_CMD_FLUSH;
    case 'L': case 'l': return IPVSADM_CMD_LIST;
    case 'Z': return IPVSADM_CMD_ZERO;
    case 'a': return IPVSADM_CMD_ADDDEST;
    case 'e': return IPVSADM_CMD_EDITDEST;
    case 'd': return IPVSADM_CMD_DELDEST;
    case TAG_SET: return IPVSADM_CMD_TIMEOUT;
    default: return IPVSADM_CMD_NONE;
    }
}

static int set_fwd(struct pctx *p, struct ipvsadm_cmd *c, enum ipvs_fwd fwd)
{
    if (set_option(p, c, IPVSADM_OPT_FORWARD) < 0)
        return -1;
    c->dest.fwd = fwd;
    return 0;
}

static int set_format(struct pctx *p, struct ipvsadm_cmd *c, enum ipvsadm_opt o, unsigned fmt)
{
    if (set_option(p, c, o) < 0)
        return -1;
    c->format |= fmt;
    return 0;
}

static int parse_number_opt(struct pctx *p, struct ipvsadm_cmd *c, enum ipvsadm_opt o,
                            const char *arg, long max, const char *what, long *out)
{
    if (set_option(p, c, o) < 0)
        return -1;
    if ((*out = string_to_number(arg, 0, max)) < 0)
        return fail(p, "illegal %s specified", what);
    return 0;
}

/* One option after the command, as ipvsadm's parse_options loop. */
static int parse_one(struct pctx *p, struct ipvsadm_cmd *c, const struct optdef *d, const char *arg,
                     const char *spelled, const char **sched_flags)
{
    long n;
    switch (d->tag) {
    case 't':
    case 'u': {
        if (set_option(p, c, IPVSADM_OPT_SERVICE) < 0)
            return -1;
        c->svc.protocol = d->tag == 't' ? IPPROTO_TCP : IPPROTO_UDP;
        char *buf = xstrdup(arg);
        int r = parse_service(buf, c->svc.protocol, &c->svc.addr, &c->svc.port);
        free(buf);
        if (!(r & SERVICE_ADDR))
            return fail(p, "illegal virtual server address[:port] specified");
        return 0;
    }
    case 'f':
        if (set_option(p, c, IPVSADM_OPT_SERVICE) < 0)
            return -1;
        c->svc.protocol = IPPROTO_TCP;    /* a sane value, even though unused */
        return parse_fwmark(p, arg, &c->svc.fwmark);
    case 's':
        if (set_option(p, c, IPVSADM_OPT_SCHEDULER) < 0)
            return -1;
        snprintf(c->svc.sched_name, sizeof c->svc.sched_name, "%s", arg);
        return 0;
    case 'p':
        if (set_option(p, c, IPVSADM_OPT_PERSISTENT) < 0)
            return -1;
        c->svc.flags |= IPVS_SVC_PERSISTENT;
        return parse_timeout(p, arg, 1, MAX_TIMEOUT, &c->svc.timeout);
    case 'M': {
        struct in_addr in;
        if (set_option(p, c, IPVSADM_OPT_NETMASK) < 0)
            return -1;
        if (inet_aton(arg, &in) == 0)
            return fail(p, "illegal virtual server persistent mask specified");
        c->svc.netmask = ntohl(in.s_addr);
        return 0;
    }
    case 'r': {
        if (set_option(p, c, IPVSADM_OPT_SERVER) < 0)
            return -1;
        uint16_t port = c->svc.port;
        char *buf = xstrdup(arg);
        int r = parse_service(buf, c->svc.protocol, &c->dest.addr, &port);
        free(buf);
        if (!(r & SERVICE_ADDR))
            return fail(p, "illegal real server address[:port] specified");
        c->dest.port = r == SERVICE_ADDR ? c->svc.port : port;   /* vport if none given */
        return 0;
    }
    case 'm': return set_fwd(p, c, IPVS_FWD_MASQ);
    case 'i': return set_fwd(p, c, IPVS_FWD_TUNNEL);
    case 'g': return set_fwd(p, c, IPVS_FWD_DROUTE);
    case TAG_FULLNAT: return set_fwd(p, c, IPVS_FWD_FULLNAT);
    case 'w':
        if (parse_number_opt(p, c, IPVSADM_OPT_WEIGHT, arg, 65535, "weight", &n) < 0)
            return -1;
        c->dest.weight = (int)n;
        return 0;
    case 'x':
        if (parse_number_opt(p, c, IPVSADM_OPT_UTHRESHOLD, arg, INT_MAX, "u_threshold", &n) < 0)
            return -1;
        c->dest.u_threshold = (uint32_t)n;
        return 0;
    case 'y':
        if (parse_number_opt(p, c, IPVSADM_OPT_LTHRESHOLD, arg, INT_MAX, "l_threshold", &n) < 0)
            return -1;
        c->dest.l_threshold = (uint32_t)n;
        return 0;
    case 'c': return set_option(p, c, IPVSADM_OPT_CONNECTION);
    case 'n': return set_format(p, c, IPVSADM_OPT_NUMERIC, IPVSADM_FMT_NUMERIC);
    case TAG_TIMEOUT: return set_option(p, c, IPVSADM_OPT_TIMEOUT);
    case TAG_STATS: return set_format(p, c, IPVSADM_OPT_STATS, IPVSADM_FMT_STATS);
    case TAG_RATE: return set_format(p, c, IPVSADM_OPT_RATE, IPVSADM_FMT_RATE);
    case TAG_THRESHOLDS: return set_format(p, c, IPVSADM_OPT_THRESHOLDS, IPVSADM_FMT_THRESHOLDS);
    case TAG_PERSISTENTCONN:
        return set_format(p, c, IPVSADM_OPT_PERSISTENTCONN, IPVSADM_FMT_PERSISTENTCONN);
    case TAG_NO_SORT: return set_format(p, c, IPVSADM_OPT_NOSORT, IPVSADM_FMT_NOSORT);
    case TAG_SORT: return 0;              /* the default; a no-op in ipvsadm */
    case 'X': return set_format(p, c, IPVSADM_OPT_EXACT, IPVSADM_FMT_EXACT);
    case 'b':
        if (set_option(p, c, IPVSADM_OPT_SCHED_FLAGS) < 0)
            return -1;
        *sched_flags = arg;
        return 0;
    case 'j':
        if (set_option(p, c, IPVSADM_OPT_SYNPROXY) < 0)
            return -1;
        if (!strcmp(arg, "enable"))
            c->svc.flags |= IPVS_SVC_SYNPROXY;
        else if (!strcmp(arg, "disable"))
            c->svc.flags &= ~IPVS_SVC_SYNPROXY;
        else
            return fail(p, "synproxy switch must be enable or disable (not `%s')", arg);
        return 0;
    case TAG_TUN_TYPE:
        /* ipvsadm 1.31: ipip (the default), gue or gre; lvslab's tunnels are ipip */
        if (p->tun_type)
            return fail(p, "multiple 'tun-type' options specified");
        p->tun_type = true;
        if (!strcmp(arg, "gue") || !strcmp(arg, "gre"))
            return fail(p, "tunnel type `%s' is not supported by lvslab (only ipip)", arg);
        if (strcmp(arg, "ipip"))
            return fail(p, "illegal tunnel type specified");
        return 0;
    case TAG_UNSUPPORTED:
        return fail(p, "option `%s' is not supported by lvslab", spelled);
    default:   /* a second command */
        return fail(p, "invalid option `%s'", spelled);
    }
}

/* ipvsadm's generic_opt_check. */
static int check_options(struct pctx *p, const struct ipvsadm_cmd *c)
{
    const char *row = cmd_v_opts[c->cmd];
    int last = -1;
    for (int j = 0; j < IPVSADM_NUM_OPTS; j++) {
        bool given = c->options & (1u << j);
        if (!given && row[j] == '+')
            return fail(p, "You need to supply the '%s' option for the '%s' command", optnames[j],
                        cmdnames[c->cmd]);
        if (given && row[j] == 'x')
            return fail(p, "Illegal '%s' option with the '%s' command", optnames[j], cmdnames[c->cmd]);
        if (given && row[j] == '1') {
            if (last >= 0)
                return fail(p, "The option '%s' conflicts with the '%s' option in the '%s' command",
                            optnames[j], optnames[last], cmdnames[c->cmd]);
            last = j;
        }
    }
    return 0;
}

/* What ipvsadm's process_options checks and fills in after parsing. */
static int finish(struct pctx *p, struct ipvsadm_cmd *c)
{
    if (check_options(p, c) < 0)
        return -1;
    if (p->tun_type && c->cmd != IPVSADM_CMD_ADDDEST && c->cmd != IPVSADM_CMD_EDITDEST)
        return fail(p, "Illegal 'tun-type' option with the '%s' command", cmdnames[c->cmd]);
    uint32_t o = c->options;
    if (c->cmd == IPVSADM_CMD_ADD || c->cmd == IPVSADM_CMD_EDIT) {
        if (!c->svc.fwmark && !c->svc.port && !(c->svc.flags & IPVS_SVC_PERSISTENT))
            return fail(p, "Zero port specified for non-persistent service");
        if (!c->svc.sched_name[0])
            snprintf(c->svc.sched_name, sizeof c->svc.sched_name, "%s", DEF_SCHED);
    }
    if ((c->cmd == IPVSADM_CMD_ADDDEST || c->cmd == IPVSADM_CMD_EDITDEST) && !c->svc.fwmark &&
        (c->dest.fwd == IPVS_FWD_TUNNEL || c->dest.fwd == IPVS_FWD_DROUTE))
        c->dest.port = c->svc.port;        /* no port mapping without NAT */
#define OPT(x) (1u << IPVSADM_OPT_##x)
    if (c->cmd == IPVSADM_CMD_LIST &&
        (((o & (OPT(CONNECTION) | OPT(TIMEOUT))) && (o & (OPT(STATS) | OPT(RATE) | OPT(THRESHOLDS)))) ||
         ((o & OPT(TIMEOUT)) && (o & OPT(PERSISTENTCONN)))))
        return fail(p, "options conflicts in the list command");
#undef OPT
    return 0;
}

static int parse_words(struct pctx *p, struct ipvsadm_cmd *c)
{
    const struct optdef *d;
    const char *arg = NULL, *sched_flags = NULL;
    char spelled[48];
    int r = next_opt(p, &d, &arg, spelled, sizeof spelled);
    if (r < 0)
        return -1;
    if (r == 0 && p->lx.nleft == 0) {      /* "ipvsadm" alone lists the table */
        c->cmd = IPVSADM_CMD_LIST;
        return 0;
    }
    if (r == 0 || d->tag == TAG_UNSUPPORTED || command_of(d->tag) == IPVSADM_CMD_NONE) {
        if (r == 1 && d->tag == TAG_UNSUPPORTED)
            return fail(p, "option `%s' is not supported by lvslab", spelled);
        return fail(p, "no command: the first option must be one of -A -E -D -C -L -Z -a -e -d --set "
                       "(Try `ipvsadm -h' or 'ipvsadm --help' for more information.)");
    }
    c->cmd = command_of(d->tag);
    while ((r = next_opt(p, &d, &arg, spelled, sizeof spelled)) == 1)
        if (parse_one(p, c, d, arg, spelled, &sched_flags) < 0)
            return -1;
    if (r < 0)
        return -1;
    struct lexer *lx = &p->lx;
    if (c->cmd == IPVSADM_CMD_TIMEOUT) {
        if (lx->nleft < 3)
            return fail(p, "--set option requires 3 timeout values");
        if (parse_timeout(p, lx->left[0], 0, MAX_TIMEOUT, &c->timeouts.tcp) < 0 ||
            parse_timeout(p, lx->left[1], 0, MAX_TIMEOUT, &c->timeouts.tcpfin) < 0 ||
            parse_timeout(p, lx->left[2], 0, MAX_TIMEOUT, &c->timeouts.udp) < 0)
            return -1;
        lx->leftpos = 3;
    }
    if (lx->leftpos < lx->nleft)
        return fail(p, "unexpected argument %s", lx->left[lx->leftpos]);
    if (sched_flags) {
        uint32_t flags;
        if (parse_sched_flags(p, c->svc.sched_name, sched_flags, &flags) < 0)
            return -1;
        c->svc.flags = (c->svc.flags & ~(IPVS_SCHED_FLAG_1 | IPVS_SCHED_FLAG_2 | IPVS_SCHED_FLAG_3)) | flags;
    }
    return finish(p, c);
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\v' || ch == '\f';
}

int ipvsadm_parse(const char *line, struct ipvsadm_cmd *cmd, char *err, size_t errlen)
{
    *cmd = (struct ipvsadm_cmd){
        .dest = { .weight = 1, .fwd = IPVS_FWD_DROUTE },   /* ipvsadm's defaults */
        .svc = { .netmask = 0xffffffffu },
    };
    if (errlen)
        err[0] = '\0';
    char *buf = xstrdup(line);
    size_t len = strlen(buf);
    char **words = xcalloc(len / 2 + 2, sizeof *words);
    char **left = xcalloc(len / 2 + 2, sizeof *left);
    int n = 0;
    for (char *s = buf; *s;) {
        while (is_space(*s))
            *s++ = '\0';
        if (!*s)
            break;
        words[n++] = s;
        while (*s && !is_space(*s))
            s++;
    }
    int first = 0;
    if (n > 0) {
        const char *slash = strrchr(words[0], '/');
        if (!strcmp(slash ? slash + 1 : words[0], "ipvsadm"))
            first = 1;
    }
    struct pctx p = { .lx = { .argv = words + first, .argc = n - first, .left = left }, .err = err,
                      .errlen = errlen };
    int r = parse_words(&p, cmd);
    free(left);
    free(words);
    free(buf);
    return r;
}
