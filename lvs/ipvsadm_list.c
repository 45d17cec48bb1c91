/*
 * The listings of `ipvsadm -L`: the table (plain, --stats, --rate,
 * --thresholds, --persistent-conn, with or without --exact and -n), one
 * service, --timeout and -c, with ipvsadm's formats and column widths
 * (print_title, print_service_entry, print_largenum, list_conn) and its
 * sort of services and real servers (libipvs's ipvs_cmp_services and
 * ipvs_cmp_dests, int differences included).
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "lvs/est.h"
#include "lvs/ipvsadm.h"
#include "lvs/sched.h"

#define IPVS_VERSION_TEXT "1.2.1"
#define IPVS_CONN_TAB_SIZE 4096

static const char *protocol_name(uint8_t proto)
{
    switch (proto) {
    case IPPROTO_TCP: return "TCP";
    case IPPROTO_UDP: return "UDP";
    case 0: return "IP";              /* ip_vs_proto_name: a fwmark service's templates */
    default: return "?";
    }
}

/* addrport_to_anyname: "a.b.c.d:port"; without -n the port by its name for
 * the protocol when it has one (addresses stay numeric: lvslab does no
 * reverse DNS). */
static void addrport(char *buf, size_t len, uint32_t addr, uint16_t port, uint8_t protocol, unsigned format)
{
    const char *name = format & IPVSADM_FMT_NUMERIC ? NULL : ipvsadm_port_service(port, protocol);
    if (name)
        snprintf(buf, len, "%u.%u.%u.%u:%s", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255,
                 addr & 255, name);
    else
        snprintf(buf, len, "%u.%u.%u.%u:%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255,
                 addr & 255, port);
}

static void print_largenum(FILE *out, uint64_t i, unsigned format)
{
    unsigned long long v = i;
    if (format & IPVSADM_FMT_EXACT) {
        char tmp[32];
        int len = snprintf(tmp, sizeof tmp, "%llu", v);
        fprintf(out, "%*llu", len <= 8 ? 9 : len + 1, v);
    } else if (v < 100000000ULL) {
        fprintf(out, "%9llu", v);
    } else if (v < 1000000000ULL) {
        fprintf(out, "%8lluK", v / 1000);
    } else if (v < 100000000000ULL) {
        fprintf(out, "%8lluM", v / 1000000);
    } else if (v < 100000000000000ULL) {
        fprintf(out, "%8lluG", v / 1000000000ULL);
    } else {
        fprintf(out, "%8lluT", v / 1000000000000ULL);
    }
}

static void print_sched_flags(FILE *out, const struct ipvs_service *s)
{
    const char *name = s->sched ? s->sched->name : "none";
    const char *f1 = "flag-1", *f2 = "flag-2";
    if (!strcmp(name, "sh")) {
        f1 = "sh-fallback";
        f2 = "sh-port";
    } else if (!strcmp(name, "mh")) {
        f1 = "mh-fallback";
        f2 = "mh-port";
    }
    const char *sep = "";
    if (s->flags & IPVS_SCHED_FLAG_1) {
        fprintf(out, "%s", f1);
        sep = ",";
    }
    if (s->flags & IPVS_SCHED_FLAG_2) {
        fprintf(out, "%s%s", sep, f2);
        sep = ",";
    }
    /* sh and mh have no third flag: ipvsadm prints nothing for it */
    if ((s->flags & IPVS_SCHED_FLAG_3) && strcmp(name, "sh") && strcmp(name, "mh"))
        fprintf(out, "%sflag-3", sep);
}

static void print_title(FILE *out, unsigned format)
{
    if (format & IPVSADM_FMT_STATS)
        fprintf(out, "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
                "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
    else if (format & IPVSADM_FMT_RATE)
        fprintf(out, "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
                "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
    else if (format & IPVSADM_FMT_THRESHOLDS)
        fprintf(out, "%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
                "Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
    else if (format & IPVSADM_FMT_PERSISTENTCONN)
        fprintf(out, "%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
                "Weight", "PersistConn", "ActiveConn", "InActConn");
    else
        fprintf(out, "Prot LocalAddress:Port Scheduler Flags\n"
                     "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
}

static void print_counters(FILE *out, const struct ipvs_stats *st, unsigned format)
{
    print_largenum(out, st->conns, format);
    print_largenum(out, st->inpkts, format);
    print_largenum(out, st->outpkts, format);
    print_largenum(out, st->inbytes, format);
    print_largenum(out, st->outbytes, format);
}

static void print_service_line(FILE *out, const struct ipvs_service *s, unsigned format)
{
    char name[64];
    if (s->fwmark) {
        snprintf(name, sizeof name, "FWM  %u", s->fwmark);
    } else {
        char v[40];
        addrport(v, sizeof v, s->addr, s->port, s->protocol, format);
        snprintf(name, sizeof name, "%-4s %s", protocol_name(s->protocol), v);
        name[33] = '\0';
    }
    struct ipvs_rates r;
    if (format & IPVSADM_FMT_STATS) {
        fprintf(out, "%-33s", name);
        print_counters(out, &s->stats, format);
    } else if (format & IPVSADM_FMT_RATE) {
        ipvs_est_read(&s->est, &r);
        fprintf(out, "%-33s", name);
        print_largenum(out, r.cps, format);
        print_largenum(out, r.inpps, format);
        print_largenum(out, r.outpps, format);
        print_largenum(out, r.inbps, format);
        print_largenum(out, r.outbps, format);
    } else {
        fprintf(out, "%s %s", name, s->sched ? s->sched->name : "none");
        if (s->flags & (IPVS_SCHED_FLAG_1 | IPVS_SCHED_FLAG_2 | IPVS_SCHED_FLAG_3)) {
            fprintf(out, " (");
            print_sched_flags(out, s);
            fprintf(out, ")");
        }
        if (s->flags & IPVS_SVC_PERSISTENT) {
            fprintf(out, " persistent %u", s->timeout);
            if (s->netmask != 0xffffffffu)
                fprintf(out, " mask %u.%u.%u.%u", s->netmask >> 24, (s->netmask >> 16) & 255,
                        (s->netmask >> 8) & 255, s->netmask & 255);
        }
        if (s->flags & IPVS_SVC_SYNPROXY)
            fprintf(out, " synproxy");
    }
    fprintf(out, "\n");
}

static void print_dest_line(FILE *out, const struct ipvs_dest *d, unsigned format)
{
    char name[40];
    addrport(name, sizeof name, d->addr, d->port, d->svc->protocol, format);
    name[28] = '\0';
    struct ipvs_rates r;
    if (format & IPVSADM_FMT_STATS) {
        fprintf(out, "  -> %-28s", name);
        print_counters(out, &d->stats, format);
        fprintf(out, "\n");
    } else if (format & IPVSADM_FMT_RATE) {
        ipvs_est_read(&d->est, &r);
        fprintf(out, "  -> %-28s %8llu %8llu %8llu", name, (unsigned long long)r.cps,
                (unsigned long long)r.inpps, (unsigned long long)r.outpps);
        print_largenum(out, r.inbps, format);
        print_largenum(out, r.outbps, format);
        fprintf(out, "\n");
    } else if (format & IPVSADM_FMT_THRESHOLDS) {
        fprintf(out, "  -> %-28s %-10u %-10u %-10u %-10u\n", name, d->u_threshold, d->l_threshold,
                d->activeconns, d->inactconns);
    } else if (format & IPVSADM_FMT_PERSISTENTCONN) {
        fprintf(out, "  -> %-28s %-9d %-11u %-10u %-10u\n", name, d->weight, d->persistconns,
                d->activeconns, d->inactconns);
    } else {
        fprintf(out, "  -> %-28s %-7s %-6d %-10u %-10u\n", name, ipvs_fwd_name(d->fwd), d->weight,
                d->activeconns, d->inactconns);
    }
}

/* libipvs compares by int differences of unsigned values, so addresses
 * more than 2^31 apart compare the "wrong" way; ipvsadm's order is kept. */
static int cmp_services(const void *a, const void *b)
{
    const struct ipvs_service *s1 = *(const struct ipvs_service *const *)a;
    const struct ipvs_service *s2 = *(const struct ipvs_service *const *)b;
    int r = (int)(s1->fwmark - s2->fwmark);
    if (r)
        return r;
    /* ipvsadm reports a fwmark service as TCP */
    int p1 = s1->fwmark ? IPPROTO_TCP : s1->protocol, p2 = s2->fwmark ? IPPROTO_TCP : s2->protocol;
    if ((r = p1 - p2))
        return r;
    if ((r = (int)(s1->addr - s2->addr)))
        return r;
    return (int)s1->port - (int)s2->port;
}

static int cmp_dests(const void *a, const void *b)
{
    const struct ipvs_dest *d1 = *(const struct ipvs_dest *const *)a;
    const struct ipvs_dest *d2 = *(const struct ipvs_dest *const *)b;
    int r = (int)(d1->addr - d2->addr);
    return r ? r : (int)d1->port - (int)d2->port;
}

/* print_service_entry: the service, then its real servers. */
static void print_entry(FILE *out, const struct ipvs_service *svc, unsigned format)
{
    print_service_line(out, svc, format);
    size_t n = 0;
    const struct ipvs_dest **v = xcalloc((size_t)svc->num_dests + 1, sizeof *v);
    for (const struct ipvs_dest *d = svc->dests; d; d = d->next)
        v[n++] = d;
    if (!(format & IPVSADM_FMT_NOSORT))
        qsort(v, n, sizeof *v, cmp_dests);
    for (size_t i = 0; i < n; i++)
        print_dest_line(out, v[i], format);
    free(v);
}

void ipvsadm_list_service(const struct ipvs_service *svc, unsigned format, FILE *out)
{
    print_title(out, format);
    print_entry(out, svc, format);
}

void ipvsadm_list_all(struct ipvs *ipvs, unsigned format, FILE *out)
{
    fprintf(out, "IP Virtual Server version %s (size=%d)\n", IPVS_VERSION_TEXT, IPVS_CONN_TAB_SIZE);
    size_t n = 0;
    const struct ipvs_service **v = xcalloc((size_t)ipvs->num_services + 1, sizeof *v);
    for (const struct ipvs_service *s = ipvs->services; s; s = s->next)
        v[n++] = s;
    if (!(format & IPVSADM_FMT_NOSORT))
        qsort(v, n, sizeof *v, cmp_services);
    print_title(out, format);
    for (size_t i = 0; i < n; i++)
        print_entry(out, v[i], format);
    free(v);
}

void ipvsadm_list_timeout(const struct ipvs *ipvs, FILE *out)
{
    fprintf(out, "Timeout (tcp tcpfin udp): %u %u %u\n", ipvs->timeouts.tcp, ipvs->timeouts.tcpfin,
            ipvs->timeouts.udp);
}

struct conn_sink {
    FILE *out;
    unsigned format;
};

static void print_conn(void *arg, const struct ipvsadm_conn_row *row)
{
    const struct conn_sink *sink = arg;
    char c[40], v[40], d[40], expire[24];
    addrport(c, sizeof c, row->caddr, row->cport, row->protocol, sink->format);
    addrport(v, sizeof v, row->vaddr, row->vport, row->protocol, sink->format);
    addrport(d, sizeof d, row->daddr, row->dport, row->protocol, sink->format);
    snprintf(expire, sizeof expire, "%02u:%02u", row->expire_s / 60, row->expire_s % 60);
    fprintf(sink->out, "%-3s %-6s %-11s %-18s %-18s %s\n", protocol_name(row->protocol), expire,
            row->state ? row->state : "", c, v, d);
}

void ipvsadm_list_conns(ipvsadm_conn_walk walk, void *arg, unsigned format, FILE *out)
{
    fprintf(out, "IPVS connection entries\n");
    if (format & IPVSADM_FMT_PERSISTENTCONN)
        fprintf(out, "pro expire %-11s %-18s %-18s %-18s %-16s %s\n", "state", "source", "virtual",
                "destination", "pe name", "pe_data");
    else
        fprintf(out, "pro expire %-11s %-18s %-18s %s\n", "state", "source", "virtual", "destination");
    struct conn_sink sink = { .out = out, .format = format };
    if (walk)
        walk(arg, print_conn, &sink);
}
