/* Capture files folded into flows: a hash table of the conversations of
 * each capture, in the order they were first seen (see report_flows.h). */
#include "reports/report_flows.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "net/hdr.h"
#include "reports/pcap_file.h"

#define PROTO_IPIP 4
#define TCPOPT_TOA 254
#define TCPOLEN_TOA 8

static int seq_after(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

/* What identifies a flow: the capture and the (inner) flow either way
 * round; a tunnel it came through is told, not part of it. */
struct flow_key {
    int capture;
    uint8_t proto, tunnelled;
    uint32_t sa, da, osa, oda;
    uint16_t sp, dp;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

/* The same for both directions: the two ends are ordered before hashing. */
static uint64_t key_hash(const struct flow_key *k)
{
    uint64_t a = (uint64_t)k->sa << 16 | k->sp, b = (uint64_t)k->da << 16 | k->dp;
    uint64_t h = mix(mix((uint64_t)k->capture, k->proto), a < b ? a : b);
    h = mix(h, a < b ? b : a);
    return h ^ (h >> 31);
}

/* Which side of x sent a frame of k: 0, 1, or -1 if k is not x's. */
static int side_of(const struct report_flow *x, const struct flow_key *k)
{
    if (x->capture != k->capture || x->proto != k->proto)
        return -1;
    if (x->addr[0] == k->sa && x->port[0] == k->sp && x->addr[1] == k->da && x->port[1] == k->dp)
        return 0;
    if (x->addr[1] == k->sa && x->port[1] == k->sp && x->addr[0] == k->da && x->port[0] == k->dp)
        return 1;
    return -1;
}

static void rehash(struct report_flows *f)
{
    free(f->buckets);
    f->nbuckets = f->nbuckets ? f->nbuckets * 2 : 1024;
    f->buckets = xcalloc(f->nbuckets, sizeof *f->buckets);
    for (size_t i = 0; i < f->n; i++) {
        struct report_flow *x = &f->v[i];
        const struct flow_key k = { .capture = x->capture, .proto = x->proto, .sa = x->addr[0],
                                    .da = x->addr[1], .sp = x->port[0], .dp = x->port[1] };
        size_t b = key_hash(&k) & (f->nbuckets - 1);
        x->next = f->buckets[b];
        f->buckets[b] = (uint32_t)i + 1;
    }
}

static struct report_flow *find(struct report_flows *f, const struct flow_key *k, int *side)
{
    if (f->nbuckets) {
        for (uint32_t i = f->buckets[key_hash(k) & (f->nbuckets - 1)]; i; i = f->v[i - 1].next)
            if ((*side = side_of(&f->v[i - 1], k)) >= 0)
                return &f->v[i - 1];
    }
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 1024;
        f->v = xrealloc(f->v, f->cap * sizeof *f->v);
    }
    if (f->n >= f->nbuckets / 2 + 1 || !f->nbuckets) {
        rehash(f);
    }
    struct report_flow *x = &f->v[f->n];
    *x = (struct report_flow){ .capture = k->capture, .proto = k->proto, .addr = { k->sa, k->da },
                               .port = { k->sp, k->dp } };
    size_t b = key_hash(k) & (f->nbuckets - 1);
    x->next = f->buckets[b];
    f->buckets[b] = (uint32_t)++f->n;
    *side = 0;
    return x;
}

/* The TOA option among len bytes of TCP options, if any, into x. */
static void find_toa(struct report_flow *x, const uint8_t *opt, unsigned len)
{
    for (unsigned i = 0; i < len;) {
        if (opt[i] == 0)
            return;
        if (opt[i] == 1 || i + 1 >= len) {
            i++;
            continue;
        }
        unsigned olen = opt[i + 1];
        if (olen < 2 || i + olen > len)
            return;
        if (opt[i] == TCPOPT_TOA && olen == TCPOLEN_TOA) {
            uint16_t port;
            uint32_t addr;
            memcpy(&port, opt + i + 2, 2);
            memcpy(&addr, opt + i + 4, 4);
            x->has_toa = 1;
            x->toa_port = ntohs(port);
            x->toa_addr = ntohl(addr);
            return;
        }
        i += olen;
    }
}

/* The IPv4 header at ip (len bytes captured from it) if it is whole and not
 * a later fragment; NULL otherwise. */
static const struct ipv4_hdr *ipv4(const uint8_t *p, uint32_t len)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p;
    if (len < IPV4_HLEN || (ip->ver_ihl >> 4) != 4 || ipv4_hdr_len(ip) < IPV4_HLEN || ipv4_hdr_len(ip) > len ||
        (ntohs(ip->frag_off) & IPV4_OFFMASK))
        return NULL;
    return ip;
}

static void frame(struct report_flows *f, int capture, const struct pcap_file_frame *fr)
{
    const uint8_t *p = fr->data;
    uint32_t len = fr->caplen;
    f->frames++;
    const struct ipv4_hdr *ip;
    if (len < ETH_HLEN || ntohs(((const struct eth_hdr *)p)->type) != ETH_P_IP ||
        !(ip = ipv4(p + ETH_HLEN, len - ETH_HLEN))) {
        f->other++;
        return;
    }
    struct flow_key k = { .capture = capture };
    const uint8_t *end = p + len;
    if (ip->proto == PROTO_IPIP) {
        const struct ipv4_hdr *inner = ipv4((const uint8_t *)ip + ipv4_hdr_len(ip),
                                            (uint32_t)(end - ((const uint8_t *)ip + ipv4_hdr_len(ip))));
        if (!inner) {
            f->other++;
            return;
        }
        k.tunnelled = 1;
        k.osa = ntohl(ip->saddr);
        k.oda = ntohl(ip->daddr);
        ip = inner;
    }
    const uint8_t *l4 = (const uint8_t *)ip + ipv4_hdr_len(ip);
    if ((ip->proto != 6 && ip->proto != 17) || end - l4 < 4) {
        f->other++;
        return;
    }
    uint16_t ports[2];
    memcpy(ports, l4, sizeof ports);
    k.proto = ip->proto;
    k.sa = ntohl(ip->saddr);
    k.da = ntohl(ip->daddr);
    k.sp = ntohs(ports[0]);
    k.dp = ntohs(ports[1]);
    int side, d = fr->dir == 1 ? FLOW_IN : fr->dir == 2 ? FLOW_OUT : FLOW_UNKNOWN;
    struct report_flow *x = find(f, &k, &side);
    if (k.tunnelled && !x->tunnelled) {     /* the tunnel as side 0 would send through it */
        x->tunnelled = 1;
        x->outer[side] = k.osa;
        x->outer[!side] = k.oda;
    }
    if (!x->first_ns && !x->last_ns)
        x->first_ns = fr->t_ns;
    x->last_ns = fr->t_ns;
    x->packets[side][d]++;
    x->bytes[side][d] += fr->len;
    if (ip->proto != 6 || end - l4 < TCP_HLEN)
        return;
    const struct tcp_hdr *th = (const struct tcp_hdr *)l4;
    unsigned thl = tcp_hdr_len(th);
    uint32_t ip_len = ntohs(ip->tot_len), ihl = ipv4_hdr_len(ip);
    if (thl < TCP_HLEN || ip_len < ihl + thl)
        return;
    if (!x->has_toa && end - l4 >= (long)thl && thl > TCP_HLEN)
        find_toa(x, l4 + TCP_HLEN, thl - TCP_HLEN);
    uint32_t payload = ip_len - ihl - thl + ((th->flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
    if (!payload)
        return;
    uint32_t seq = ntohl(th->seq), stop = seq + payload;
    if (x->seq_known[side][d] && !seq_after(stop, x->next_seq[side][d]))
        x->retransmits[side][d]++;        /* nothing new in it: sent before, or out of order */
    if (!x->seq_known[side][d] || seq_after(stop, x->next_seq[side][d])) {
        x->next_seq[side][d] = stop;
        x->seq_known[side][d] = 1;
    }
}

int report_flows_read(struct report_flows *f, const char *path, char *err, size_t errlen)
{
    struct pcap_file pf;
    if (pcap_file_open(&pf, path, err, errlen) < 0)
        return -1;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    int first = f->ncaptures, seen = 0;
    struct pcap_file_frame fr;
    int rc;
    while ((rc = pcap_file_next(&pf, &fr, err, errlen)) == 1) {
        while (seen < pf.nifaces || (!pf.ng && !seen)) {      /* each interface is a capture */
            f->captures = xrealloc(f->captures, (size_t)(f->ncaptures + 1) * sizeof *f->captures);
            const char *name = pf.nifaces > seen ? pf.ifaces[seen].name : "";
            snprintf(f->captures[f->ncaptures++], sizeof *f->captures, "%.100s%s%.50s", base, *name ? " " : "",
                     name);
            seen++;
        }
        frame(f, first + fr.iface, &fr);
    }
    pcap_file_close(&pf);
    return rc < 0 ? -1 : 0;
}

static const char *endpoint(uint32_t a, uint16_t port, char *buf, size_t len)
{
    struct in_addr in = { .s_addr = htonl(a) };
    char ip[INET_ADDRSTRLEN];
    snprintf(buf, len, "%s:%u", inet_ntop(AF_INET, &in, ip, sizeof ip), port);
    return buf;
}

static const char *addr(uint32_t a, char *buf)
{
    struct in_addr in = { .s_addr = htonl(a) };
    return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/* A row of a flow: all its frames, or those that came in or went out. */
struct row {
    const char *dir;
    uint64_t packets[2], bytes[2], retrans;
};

static int rows_of(const struct report_flow *x, struct row rows[2])
{
    /* it forwards when a direction of the flow came in and went out */
    int fwd = (x->packets[0][FLOW_IN] && x->packets[0][FLOW_OUT]) ||
              (x->packets[1][FLOW_IN] && x->packets[1][FLOW_OUT]);
    int n = fwd ? 2 : 1;
    for (int r = 0; r < n; r++) {
        rows[r] = (struct row){ .dir = !fwd ? "both" : r == 0 ? "in" : "out" };
        for (int d = 0; d < FLOW_DIRS; d++) {
            if (fwd && d != (r == 0 ? FLOW_IN : FLOW_OUT))
                continue;
            for (int s = 0; s < 2; s++) {
                rows[r].packets[s] += x->packets[s][d];
                rows[r].bytes[s] += x->bytes[s][d];
                rows[r].retrans += x->retransmits[s][d];
            }
        }
    }
    return n;
}

void report_flows_print(const struct report_flows *f, FILE *out)
{
    fprintf(out, "bytes are whole frames as captured on the wire (Ethernet header on, no FCS), as tshark counts;\n"
                 "\"via\" is the IP-in-IP tunnel a flow came through, \"toa\" the client TCP option 254 carried\n");
    fprintf(out, "%-28s %-4s %-5s %-21s %-21s %9s %12s %9s %12s %10s %7s %-31s %s\n", "capture", "dir", "proto", "A",
            "B", "pkts A>B", "bytes A>B", "pkts B>A", "bytes B>A", "duration", "retrans", "via", "toa");
    for (size_t i = 0; i < f->n; i++) {
        const struct report_flow *x = &f->v[i];
        struct row rows[2];
        int n = rows_of(x, rows);
        for (int r = 0; r < n; r++) {
            char a[32], b[32], via[40] = "-", toa[32] = "-", o1[INET_ADDRSTRLEN], o2[INET_ADDRSTRLEN];
            if (x->tunnelled)
                snprintf(via, sizeof via, "%s>%s", addr(x->outer[0], o1), addr(x->outer[1], o2));
            if (x->has_toa)
                endpoint(x->toa_addr, x->toa_port, toa, sizeof toa);
            fprintf(out, "%-28s %-4s %-5s %-21s %-21s %9llu %12llu %9llu %12llu %9.6fs %7llu %-31s %s\n",
                    f->captures[x->capture], rows[r].dir, x->proto == 6 ? "tcp" : "udp",
                    endpoint(x->addr[0], x->port[0], a, sizeof a), endpoint(x->addr[1], x->port[1], b, sizeof b),
                    (unsigned long long)rows[r].packets[0], (unsigned long long)rows[r].bytes[0],
                    (unsigned long long)rows[r].packets[1], (unsigned long long)rows[r].bytes[1],
                    (double)(x->last_ns - x->first_ns) / 1e9, (unsigned long long)rows[r].retrans, via, toa);
        }
    }
    fprintf(out, "%zu flows, %llu frames, %llu not TCP or UDP over IPv4\n", f->n, (unsigned long long)f->frames,
            (unsigned long long)f->other);
}

void report_flows_json(const struct report_flows *f, FILE *out)
{
    fprintf(out, "{\"bytes\": \"frame\", \"frames\": %llu, \"other\": %llu, \"flows\": [", (unsigned long long)f->frames,
            (unsigned long long)f->other);
    const char *sep = "\n";
    for (size_t i = 0; i < f->n; i++) {
        const struct report_flow *x = &f->v[i];
        struct row rows[2];
        int n = rows_of(x, rows);
        for (int r = 0; r < n; r++) {
            char a[32], b[32], o1[INET_ADDRSTRLEN], o2[INET_ADDRSTRLEN], via[64] = "null", toa[40] = "null";
            if (x->tunnelled)
                snprintf(via, sizeof via, "{\"src\": \"%s\", \"dst\": \"%s\"}", addr(x->outer[0], o1),
                         addr(x->outer[1], o2));
            if (x->has_toa)
                snprintf(toa, sizeof toa, "\"%s\"", endpoint(x->toa_addr, x->toa_port, a, sizeof a));
            fprintf(out,
                    "%s  {\"capture\": \"%s\", \"dir\": \"%s\", \"proto\": \"%s\", \"a\": \"%s\", \"b\": \"%s\", "
                    "\"packets_ab\": %llu, \"bytes_ab\": %llu, \"packets_ba\": %llu, \"bytes_ba\": %llu, "
                    "\"first_s\": %.9f, \"duration_s\": %.9f, \"retransmissions\": %llu, \"via\": %s, \"toa\": %s}",
                    sep, f->captures[x->capture], rows[r].dir, x->proto == 6 ? "tcp" : "udp",
                    endpoint(x->addr[0], x->port[0], a, sizeof a), endpoint(x->addr[1], x->port[1], b, sizeof b),
                    (unsigned long long)rows[r].packets[0], (unsigned long long)rows[r].bytes[0],
                    (unsigned long long)rows[r].packets[1], (unsigned long long)rows[r].bytes[1],
                    (double)x->first_ns / 1e9, (double)(x->last_ns - x->first_ns) / 1e9,
                    (unsigned long long)rows[r].retrans, via, toa);
            sep = ",\n";
        }
    }
    fprintf(out, "\n]}\n");
}

void report_flows_free(struct report_flows *f)
{
    free(f->v);
    free(f->buckets);
    free(f->captures);
    memset(f, 0, sizeof *f);
}
