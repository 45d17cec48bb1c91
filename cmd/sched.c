/*
 * `lvslab sched ALGO --rs NAME:WEIGHT... --picks N`: one service on a
 * director of its own with the given real servers, and the dests that the
 * kernel scheduler ALGO picks for N new connections, one line per pick,
 * then how many each server got. Each pick holds one active connection on
 * its server. Clients come from --clients or --clients-from, in turn, or
 * else 10.1.x.y:port from a fixed-seed RNG stream; dh, lblc and lblcr hash
 * or cache the packet's destination, so for them these addresses are
 * destinations.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/rng.h"
#include "engine/sched.h"
#include "engine/xalloc.h"
#include "lvs/ipvs.h"
#include "lvs/sched.h"
#include "cmd/cmd.h"

#define SCHED_CLI_MAX_RS 254
#define SCHED_CLI_MAX_PICKS 1000000L
#define SCHED_CLI_SEED 1

struct sched_rs {
    char name[64];
    uint32_t addr;
    int weight;
    long picks;
};

struct sched_client {
    uint32_t addr;
    uint16_t port;   /* 0: drawn per pick */
};

struct sched_args {
    const struct ipvs_sched_ops *ops;
    struct sched_rs rs[SCHED_CLI_MAX_RS];
    int nrs, nlabels;
    long picks;
    struct sched_client *clients;
    size_t nclients, cap;
    uint32_t flags;
    const char *remove;        /* --remove: then the picks again without it */
};

static void usage(FILE *f)
{
    fprintf(f, "usage: lvslab sched ALGO --rs NAME:WEIGHT [--rs ...] --picks N\n"
               "                    [--clients ADDR[:PORT],...|--clients-from FILE] [--flags FLAG,...]\n"
               "                    [--remove NAME]\n"
               "  The real servers that kernel scheduler ALGO picks for N new connections to one\n"
               "  service, then how many each got. Each pick holds one active connection.\n"
               "  ALGO: ");
    for (int i = 0; ipvs_schedulers[i]; i++)
        fprintf(f, "%s%s", i ? " " : "", ipvs_schedulers[i]->name);
    fprintf(f, "\n  NAME: an IPv4 address, or a label given 10.0.0.x in order.\n"
               "  Clients (destinations for dh, lblc, lblcr) are taken in turn; without\n"
               "  --clients they are 10.1.x.y from a fixed-seed stream.\n"
               "  FLAG: sh-fallback, sh-port, mh-fallback, mh-port (ipvsadm -b).\n"
               "  --remove NAME: then NAME leaves, the same connections are scheduled again,\n"
               "  and the last line says how many of those on other servers moved.\n");
}

static bool parse_addr(const char *s, uint32_t *addr)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1)
        return false;
    *addr = ntohl(a.s_addr);
    return true;
}

static bool parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max || !isdigit((unsigned char)*s))
        return false;
    *out = v;
    return true;
}

static const char *fmt_addr(uint32_t addr, char *buf)
{
    snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255, addr & 255);
    return buf;
}

static bool is_label(const char *s)
{
    if (!isalpha((unsigned char)*s))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
            return false;
    return true;
}

static int add_rs(struct sched_args *a, const char *arg, FILE *err)
{
    const char *colon = strrchr(arg, ':');
    long w;
    if (!colon || colon == arg) {
        fprintf(err, "lvslab sched: --rs %s: expected NAME:WEIGHT\n", arg);
        return -1;
    }
    if (!parse_long(colon + 1, 0, 65535, &w)) {
        fprintf(err, "lvslab sched: --rs %s: bad weight \"%s\" (0 to 65535)\n", arg, colon + 1);
        return -1;
    }
    size_t len = (size_t)(colon - arg);
    struct sched_rs *rs = &a->rs[a->nrs];
    if (a->nrs == SCHED_CLI_MAX_RS || len >= sizeof rs->name) {
        fprintf(err, "lvslab sched: --rs %s: too many real servers or too long a name\n", arg);
        return -1;
    }
    memcpy(rs->name, arg, len);
    rs->name[len] = '\0';
    if (!parse_addr(rs->name, &rs->addr)) {
        if (!is_label(rs->name)) {
            fprintf(err, "lvslab sched: --rs %s: bad address or label \"%s\"\n", arg, rs->name);
            return -1;
        }
        /* the next 10.0.0.x that no earlier real server has */
        bool used;
        do {
            rs->addr = 0x0a000000u + (uint32_t)++a->nlabels;
            used = false;
            for (int i = 0; i < a->nrs; i++)
                used |= a->rs[i].addr == rs->addr;
        } while (used);
    }
    for (int i = 0; i < a->nrs; i++)
        if (a->rs[i].addr == rs->addr || !strcmp(a->rs[i].name, rs->name)) {
            fprintf(err, "lvslab sched: --rs %s: the same real server as --rs %s\n", arg, a->rs[i].name);
            return -1;
        }
    rs->weight = (int)w;
    a->nrs++;
    return 0;
}

/* One client "ADDR" or "ADDR:PORT"; `where` names it in an error. */
static int add_client(struct sched_args *a, const char *s, const char *where, FILE *err)
{
    char buf[32];
    struct sched_client c = { 0 };
    const char *colon = strchr(s, ':');
    size_t len = colon ? (size_t)(colon - s) : strlen(s);
    long port = 0;
    if (len >= sizeof buf) {
        fprintf(err, "lvslab sched: %s: bad address \"%s\"\n", where, s);
        return -1;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (!parse_addr(buf, &c.addr)) {
        fprintf(err, "lvslab sched: %s: bad address \"%s\"\n", where, s);
        return -1;
    }
    if (colon && !parse_long(colon + 1, 1, 65535, &port)) {
        fprintf(err, "lvslab sched: %s: bad port in \"%s\"\n", where, s);
        return -1;
    }
    c.port = (uint16_t)port;
    if (a->nclients == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 64;
        a->clients = xrealloc(a->clients, a->cap * sizeof *a->clients);
    }
    a->clients[a->nclients++] = c;
    return 0;
}

static int parse_clients(struct sched_args *a, const char *list, FILE *err)
{
    char *copy = xstrdup(list), *save = NULL;
    int rc = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save))
        rc = add_client(a, tok, "--clients", err);
    free(copy);
    if (!rc && !a->nclients) {
        fprintf(err, "lvslab sched: --clients: no address\n");
        rc = -1;
    }
    return rc;
}

/* One address per line; blank lines and # comments are skipped. */
static int read_clients(struct sched_args *a, const char *path, FILE *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(err, "lvslab sched: --clients-from %s: %s\n", path, strerror(errno));
        return -1;
    }
    char line[256], where[300];
    int rc = 0;
    for (int n = 1; !rc && fgets(line, sizeof line, f); n++) {
        char *s = line, *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        while (isspace((unsigned char)*s))
            s++;
        char *e = s + strlen(s);
        while (e > s && isspace((unsigned char)e[-1]))
            *--e = '\0';
        if (!*s)
            continue;
        snprintf(where, sizeof where, "%s:%d", path, n);
        rc = add_client(a, s, where, err);
    }
    fclose(f);
    if (!rc && !a->nclients) {
        fprintf(err, "lvslab sched: --clients-from %s: no address\n", path);
        rc = -1;
    }
    return rc;
}

static int parse_flags(struct sched_args *a, const char *list, FILE *err)
{
    static const struct { const char *name; uint32_t flag; } names[] = {
        { "sh-fallback", IPVS_SCHED_FLAG_1 }, { "sh-port", IPVS_SCHED_FLAG_2 },
        { "mh-fallback", IPVS_SCHED_FLAG_1 }, { "mh-port", IPVS_SCHED_FLAG_2 },
    };
    char *copy = xstrdup(list), *save = NULL;
    int rc = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < sizeof names / sizeof *names && strcmp(names[i].name, tok))
            i++;
        if (i == sizeof names / sizeof *names) {
            fprintf(err, "lvslab sched: --flags: unknown flag \"%s\" (sh-fallback, sh-port, mh-fallback, mh-port)\n", tok);
            rc = -1;
        } else {
            a->flags |= names[i].flag;
        }
    }
    free(copy);
    return rc;
}

static int parse(struct sched_args *a, int argc, char **argv, FILE *err)
{
    a->ops = ipvs_sched_find(argv[1]);
    if (!a->ops) {
        fprintf(err, "lvslab sched: unknown scheduler \"%s\" (lvslab sched --help lists them)\n", argv[1]);
        return -1;
    }
    bool have_clients = false;
    for (int i = 2; i < argc; i++) {
        const char *opt = argv[i];
        if (i + 1 >= argc) {
            fprintf(err, "lvslab sched: %s: missing value\n", opt);
            return -1;
        }
        const char *val = argv[++i];
        int rc = 0;
        if (!strcmp(opt, "--rs")) {
            rc = add_rs(a, val, err);
        } else if (!strcmp(opt, "--picks")) {
            if (!parse_long(val, 1, SCHED_CLI_MAX_PICKS, &a->picks)) {
                fprintf(err, "lvslab sched: --picks: bad count \"%s\" (1 to %ld)\n", val, SCHED_CLI_MAX_PICKS);
                rc = -1;
            }
        } else if (!strcmp(opt, "--clients") || !strcmp(opt, "--clients-from")) {
            if (have_clients) {
                fprintf(err, "lvslab sched: %s: clients given twice\n", opt);
                return -1;
            }
            have_clients = true;
            rc = opt[9] ? read_clients(a, val, err) : parse_clients(a, val, err);
        } else if (!strcmp(opt, "--flags")) {
            rc = parse_flags(a, val, err);
        } else if (!strcmp(opt, "--remove")) {
            a->remove = val;
        } else {
            fprintf(err, "lvslab sched: unknown option \"%s\"\n", opt);
            return -1;
        }
        if (rc)
            return -1;
    }
    if (!a->nrs) {
        fprintf(err, "lvslab sched: no real server (--rs NAME:WEIGHT)\n");
        return -1;
    }
    if (!a->picks) {
        fprintf(err, "lvslab sched: no pick count (--picks N)\n");
        return -1;
    }
    bool known = !a->remove;
    for (int i = 0; !known && i < a->nrs; i++)
        known = !strcmp(a->rs[i].name, a->remove);
    if (!known) {
        fprintf(err, "lvslab sched: --remove %s: not one of the --rs\n", a->remove);
        return -1;
    }
    return 0;
}

/* The --rs of a dest (every dest comes from one). */
static struct sched_rs *rs_of(struct sched_args *a, const struct ipvs_dest *d)
{
    int i = 0;
    while (a->rs[i].addr != d->addr)
        i++;
    return &a->rs[i];
}

static bool by_destination(const struct ipvs_sched_ops *ops)
{
    return !strcmp(ops->name, "dh") || !strcmp(ops->name, "lblc") || !strcmp(ops->name, "lblcr");
}

/* --remove: the server leaves (ipvsadm -d), the same connections are
 * scheduled again, and how many of those that were on other servers now
 * land elsewhere: what a hash scheduler's consistency is worth (Maglev
 * moves few, sh many). */
static void report_moves(struct sched_args *a, struct ipvs *ipvs, const struct ipvs_service_conf *sc,
                         const struct ipvs_tuple *tuples, const uint32_t *picked, FILE *out)
{
    uint32_t gone = 0;
    for (int i = 0; i < a->nrs; i++)
        if (!strcmp(a->rs[i].name, a->remove))
            gone = a->rs[i].addr;
    ipvs_dest_del(ipvs, sc, &(struct ipvs_dest_conf){ .addr = gone, .port = 80 });
    struct ipvs_service *svc = ipvs->services;
    long stayed = 0, moved = 0;
    for (long i = 0; i < a->picks; i++) {
        if (!picked[i] || picked[i] == gone)
            continue;
        struct ipvs_dest *d = svc->sched->schedule(svc, &tuples[i]);
        stayed++;
        moved += !d || d->addr != picked[i];
    }
    fprintf(out, "removed %s: %ld of the %ld connections on other servers moved (%.1f%%)\n", a->remove, moved,
            stayed, stayed ? 100.0 * (double)moved / (double)stayed : 0);
}

static int run(struct sched_args *a, FILE *out, FILE *err)
{
    struct sched clock;
    struct ipvs ipvs;
    sched_init(&clock);
    ipvs_init(&ipvs, NULL, sched_rt(&clock));
    struct ipvs_service_conf sc = { .protocol = 6, .addr = 0xc0a80001u, .port = 80, .flags = a->flags };
    snprintf(sc.sched_name, sizeof sc.sched_name, "%s", a->ops->name);
    int rc = ipvs_service_add(&ipvs, &sc);
    for (int i = 0; !rc && i < a->nrs; i++) {
        struct ipvs_dest_conf dc = { .addr = a->rs[i].addr, .port = 80, .weight = a->rs[i].weight };
        rc = ipvs_dest_add(&ipvs, &sc, &dc);
    }
    if (rc) {
        fprintf(err, "lvslab sched: %s\n", ipvs_strerror(IPVS_OP_ADD_DEST, rc));
        ipvs_destroy(&ipvs);
        sched_destroy(&clock);
        return CMD_FAILED;
    }
    struct ipvs_service *svc = ipvs.services;
    char ab[16], cb[16];
    fprintf(out, "# %s: %d real servers in the kernel's list order (newest first):\n", a->ops->name, a->nrs);
    for (struct ipvs_dest *d = svc->dests; d; d = d->next) {
        const char *name = rs_of(a, d)->name;
        bool label = strcmp(name, fmt_addr(d->addr, ab)) != 0;
        fprintf(out, "#   %s%s%s weight %d\n", name, label ? " " : "", label ? ab : "", d->weight);
    }
    fprintf(out, "# each pick holds one active connection on its server (lc, wlc, sed, nq, ovf, twos,\n"
                 "# lblc and lblcr count them)%s\n",
            by_destination(a->ops) ? "; the address is the packet's destination" : "");
    fprintf(out, "pick %s server\n", by_destination(a->ops) ? "destination" : "client");
    struct rng r;
    rng_init(&r, SCHED_CLI_SEED, "lvslab-sched-clients");
    long none = 0;
    struct ipvs_tuple *tuples = xcalloc((size_t)a->picks, sizeof *tuples);
    uint32_t *picked = xcalloc((size_t)a->picks, sizeof *picked);
    for (long i = 0; i < a->picks; i++) {
        struct sched_client c;
        if (a->nclients) {
            c = a->clients[(size_t)i % a->nclients];
        } else {
            c.addr = 0x0a010000u | (uint32_t)rng_below(&r, 256) << 8 | (uint32_t)(1 + rng_below(&r, 254));
            c.port = 0;
        }
        if (!c.port)
            c.port = (uint16_t)(1024 + rng_below(&r, 64512));
        struct ipvs_tuple t = { .protocol = 6, .saddr = c.addr, .sport = c.port,
                                .daddr = sc.addr, .dport = 80 };
        if (by_destination(a->ops)) {
            t.daddr = c.addr;
            t.saddr = 0x0a010001u;
        }
        struct ipvs_dest *d = svc->sched->schedule(svc, &t);
        tuples[i] = t;
        picked[i] = d ? d->addr : 0;
        if (d) {
            d->activeconns++;
            rs_of(a, d)->picks++;
        } else {
            none++;
        }
        fprintf(out, "%ld %s:%u %s\n", i + 1, fmt_addr(c.addr, cb), c.port, d ? rs_of(a, d)->name : "-");
    }
    fprintf(out, "summary server picks\n");
    for (int i = 0; i < a->nrs; i++)
        fprintf(out, "%s %ld\n", a->rs[i].name, a->rs[i].picks);
    if (none)
        fprintf(out, "- %ld (no destination available)\n", none);
    if (a->remove)
        report_moves(a, &ipvs, &sc, tuples, picked, out);
    free(tuples);
    free(picked);
    ipvs_destroy(&ipvs);
    sched_destroy(&clock);
    return CMD_OK;
}

static int sched_main(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? err : out);
        return argc < 2 ? CMD_USAGE : CMD_OK;
    }
    struct sched_args *a = xcalloc(1, sizeof *a);
    int rc = parse(a, argc, argv, err) ? CMD_USAGE : run(a, out, err);
    free(a->clients);
    free(a);
    return rc;
}

const struct cmd_command cmd_sched = {
    .name = "sched",
    .summary = "the real servers a kernel IPVS scheduler picks for N new connections",
    .main = sched_main,
};
