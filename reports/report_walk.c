/* The packet walk of each mode, from its captures (see report_walk.h). */
#include "reports/report_walk.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "net/hdr.h"
#include "reports/pcap_file.h"
#include "reports/report_int.h"

#define WALK_HOPS 96
#define WALK_NODES 16
#define PROTO_IPIP 4

enum { K_SYN, K_SYNACK, K_DATA, K_KINDS };
static const char *const kind_name[K_KINDS] = { "SYN", "SYN-ACK", "first data" };

struct hop {
    int64_t t_ns;
    int kind, dir;              /* dir: 1 in, 2 out, 0 unknown */
    char iface[64], node[64];
    char eth[40], outer[48], ip[40], ports[16], toa[32];
    int ttl;
};

struct walk {
    struct hop hops[WALK_HOPS];
    int n;
    uint32_t isn, server_isn;
    int have_isn, have_server;
};

struct tcp_view {
    const struct ipv4_hdr *outer, *ip;
    const struct tcp_hdr *th;
    uint32_t payload, optlen;
    const uint8_t *opt;
};

/* The TCP segment of an Ethernet frame, through one IP-in-IP header; 0 or -1. */
static int view(const uint8_t *p, uint32_t len, struct tcp_view *v)
{
    memset(v, 0, sizeof *v);
    if (len < ETH_HLEN + IPV4_HLEN || ntohs(((const struct eth_hdr *)p)->type) != ETH_P_IP)
        return -1;
    const uint8_t *end = p + len;
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(p + ETH_HLEN);
    if (ip->proto == PROTO_IPIP) {
        v->outer = ip;
        ip = (const struct ipv4_hdr *)((const uint8_t *)ip + ipv4_hdr_len(ip));
        if ((const uint8_t *)ip + IPV4_HLEN > end)
            return -1;
    }
    const uint8_t *l4 = (const uint8_t *)ip + ipv4_hdr_len(ip);
    if (ip->proto != 6 || l4 + TCP_HLEN > end)
        return -1;
    v->ip = ip;
    v->th = (const struct tcp_hdr *)l4;
    unsigned thl = tcp_hdr_len(v->th), ihl = ipv4_hdr_len(ip), tot = ntohs(ip->tot_len);
    v->payload = tot > ihl + thl ? tot - ihl - thl : 0;
    if (thl > TCP_HLEN && l4 + thl <= end) {
        v->opt = l4 + TCP_HLEN;
        v->optlen = thl - TCP_HLEN;
    }
    return 0;
}

static void ntoa(uint32_t be, char *buf) { inet_ntop(AF_INET, &be, buf, INET_ADDRSTRLEN); }

static void mac(const uint8_t *m, char *buf)
{
    snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void toa_of(const struct tcp_view *v, char *buf, size_t len)
{
    snprintf(buf, len, "-");
    for (uint32_t i = 0; v->opt && i + 1 < v->optlen;) {
        uint8_t k = v->opt[i], l = v->opt[i + 1];
        if (k == 0)
            return;
        if (k == 1) {
            i++;
            continue;
        }
        if (l < 2 || i + l > v->optlen)
            return;
        if (k == 254 && l == 8) {
            char a[INET_ADDRSTRLEN];
            uint32_t addr;
            memcpy(&addr, v->opt + i + 4, 4);
            ntoa(addr, a);
            snprintf(buf, len, "%s:%u", a, (unsigned)(v->opt[i + 2] << 8 | v->opt[i + 3]));
            return;
        }
        i += l;
    }
}

/* The kind of the walked connection's packet v is, or -1. */
static int kind_of(struct walk *w, const struct tcp_view *v)
{
    uint8_t fl = v->th->flags;
    uint32_t seq = ntohl(v->th->seq), ack = ntohl(v->th->ack);
    if ((fl & (TCP_SYN | TCP_ACK)) == TCP_SYN && seq == w->isn)
        return K_SYN;
    if ((fl & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) && ack == w->isn + 1) {
        w->server_isn = seq;
        w->have_server = 1;
        return K_SYNACK;
    }
    if (!(fl & TCP_SYN) && v->payload && seq == w->isn + 1 && w->have_server && ack == w->server_isn + 1)
        return K_DATA;
    return -1;
}

static void add_hop(struct walk *w, const struct pcap_file *pf, const struct pcap_file_frame *fr,
                    const struct tcp_view *v, int kind)
{
    const char *name = fr->iface < pf->nifaces ? pf->ifaces[fr->iface].name : "";
    for (int i = 0; i < w->n; i++)
        if (w->hops[i].kind == kind && !strcmp(w->hops[i].iface, name) && w->hops[i].dir == fr->dir)
            return;             /* sent again: the first is the walk */
    if (w->n == WALK_HOPS)
        return;
    struct hop *h = &w->hops[w->n++];
    *h = (struct hop){ .t_ns = fr->t_ns, .kind = kind, .dir = fr->dir, .ttl = v->ip->ttl };
    snprintf(h->iface, sizeof h->iface, "%s", name);
    snprintf(h->node, sizeof h->node, "%s", name);
    char *dash = strrchr(h->node, '-');
    if (dash)
        *dash = '\0';
    char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], m1[18], m2[18];
    mac(fr->data + 6, m1);
    mac(fr->data, m2);
    snprintf(h->eth, sizeof h->eth, "%s > %s", m1, m2);
    ntoa(v->ip->saddr, a);
    ntoa(v->ip->daddr, b);
    snprintf(h->ip, sizeof h->ip, "%s > %s", a, b);
    snprintf(h->ports, sizeof h->ports, "%u > %u", ntohs(v->th->sport), ntohs(v->th->dport));
    if (v->outer) {
        ntoa(v->outer->saddr, a);
        ntoa(v->outer->daddr, b);
        snprintf(h->outer, sizeof h->outer, "%s > %s ttl %u", a, b, v->outer->ttl);
    } else {
        snprintf(h->outer, sizeof h->outer, "-");
    }
    toa_of(v, h->toa, sizeof h->toa);
}

static int by_kind_then_time(const void *x, const void *y)
{
    const struct hop *a = x, *b = y;
    if (a->kind != b->kind)
        return a->kind - b->kind;
    return a->t_ns < b->t_ns ? -1 : a->t_ns > b->t_ns;
}

/* The walk of run: the connection of the earliest SYN-ACK of all its
 * captures (a SYN lost on the way, to a full ARP queue say, has none),
 * then its hops. 0 or -1. */
static int walk_run(json_t *run, const char *dir, struct walk *w)
{
    memset(w, 0, sizeof *w);
    json_t *pcaps = json_object_get(run, "pcaps");
    size_t i;
    json_t *e;
    int64_t first = INT64_MAX;
    json_array_foreach(pcaps, i, e) {
        char path[1024], err[256];
        snprintf(path, sizeof path, "%s/%s", dir, json_string_value(e));
        struct pcap_file pf;
        struct pcap_file_frame fr;
        struct tcp_view v;
        if (pcap_file_open(&pf, path, err, sizeof err) < 0)
            continue;
        while (pcap_file_next(&pf, &fr, err, sizeof err) == 1 && fr.t_ns < first)
            if (!view(fr.data, fr.caplen, &v) && (v.th->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK)) {
                first = fr.t_ns;
                w->isn = ntohl(v.th->ack) - 1;
                w->have_isn = 1;
                break;
            }
        pcap_file_close(&pf);
    }
    if (!w->have_isn)
        return -1;
    for (int pass = 0; pass < 2; pass++)    /* the SYN-ACK tells which data segment is the first */
        json_array_foreach(pcaps, i, e) {
            char path[1024], err[256];
            snprintf(path, sizeof path, "%s/%s", dir, json_string_value(e));
            struct pcap_file pf;
            struct pcap_file_frame fr;
            struct tcp_view v;
            if (pcap_file_open(&pf, path, err, sizeof err) < 0)
                continue;
            while (pcap_file_next(&pf, &fr, err, sizeof err) == 1 && fr.t_ns < first + 3000000000LL) {
                int k;
                if (!view(fr.data, fr.caplen, &v) && (k = kind_of(w, &v)) >= 0 && (pass == 1 || k != K_DATA))
                    add_hop(w, &pf, &fr, &v, k);
            }
            pcap_file_close(&pf);
        }
    qsort(w->hops, (size_t)w->n, sizeof *w->hops, by_kind_then_time);
    return 0;
}

/* The first run of each mode with captures, in the order of the runs. */
static int first_runs(json_t *root, json_t **runs, int max)
{
    int n = 0;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        if (!json_array_size(json_object_get(r, "pcaps")) || n == max)
            continue;
        int seen = 0;
        for (int k = 0; k < n; k++)
            seen |= !strcmp(report_str(runs[k], "mode"), report_str(r, "mode")) &&
                    !strcmp(report_str(runs[k], "world"), report_str(r, "world"));
        if (!seen)
            runs[n++] = r;
    }
    return n;
}

/* "rs1-eth0 391, ..." of the run's links whose transmit queue dropped
 * frames (none of them in a capture), or "none". */
static void queue_drops(FILE *f, json_t *run)
{
    size_t i;
    json_t *l;
    int n = 0;
    fputs("Frames the transmit queues dropped in the measured window, which no capture holds: ", f);
    json_array_foreach(json_object_get(run, "links"), i, l) {
        json_int_t d = json_integer_value(json_object_get(l, "queue_drops"));
        if (d > 0)
            fprintf(f, "%s%s %lld", n++ ? ", " : "", report_str(l, "name"), (long long)d);
    }
    fputs(n ? ".\n" : "none.\n", f);
}

static const char *dir_name(int d) { return d == 1 ? "in" : d == 2 ? "out" : "?"; }

void report_walk_md(FILE *f, json_t *root, const char *dir)
{
    fputs("\n## Packet walk\n\n", f);
    json_t *runs[16];
    int n = first_runs(root, runs, 16);
    if (!n) {
        fputs("No captures: run with `--pcap` (`lvslab run SCENARIO --pcap`) to see each mode's first "
              "connection (SYN, SYN-ACK, first data) hop by hop, as its captures saw it.\n", f);
        return;
    }
    fputs("The first connection answered in each mode's first run, hop by hop in time order, as the captures saw it.\n", f);
    for (int r = 0; r < n; r++) {
        struct walk *w = xmalloc(sizeof *w);
        fprintf(f, "\n### %s (%s)\n\n", report_str(runs[r], "mode"), report_str(runs[r], "world"));
        if (walk_run(runs[r], dir, w) < 0) {
            fputs("No SYN-ACK in the captures.\n", f);
            free(w);
            continue;
        }
        queue_drops(f, runs[r]);
        fputs("\n| packet | time (s) | capture | dir | Ethernet | outer IP (tunnel) | IP | ports | TTL | TOA |\n"
              "|---|---|---|---|---|---|---|---|---|---|\n", f);
        for (int i = 0; i < w->n; i++) {
            const struct hop *h = &w->hops[i];
            fprintf(f, "| %s | %.6f | %s | %s | %s | %s | %s | %s | %d | %s |\n", kind_name[h->kind],
                    (double)h->t_ns / 1e9, h->iface, dir_name(h->dir), h->eth, h->outer, h->ip, h->ports, h->ttl,
                    h->toa);
        }
        free(w);
    }
}

/* The sequence diagram: a lifeline per node, an arrow for each frame sent
 * by one capture and received by the next. */
static void walk_svg(FILE *f, const struct walk *w)
{
    char nodes[WALK_NODES][64];
    int nn = 0;
    for (int i = 0; i < w->n; i++) {
        int k = 0;
        while (k < nn && strcmp(nodes[k], w->hops[i].node))
            k++;
        if (k == nn && nn < WALK_NODES)
            snprintf(nodes[nn++], sizeof nodes[0], "%s", w->hops[i].node);
    }
    int arrows = 0;
    for (int i = 0; i + 1 < w->n; i++)
        arrows += w->hops[i].dir == 2 && w->hops[i + 1].dir == 1 && w->hops[i].kind == w->hops[i + 1].kind;
    int col = 190, width = col * nn + 40, height = 60 + 34 * arrows + 20;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
               "font-size=\"11\">\n", width, height);
    for (int k = 0; k < nn; k++) {
        int x = 20 + col * k + col / 2;
        fprintf(f, "<text x=\"%d\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">%s</text>\n", x, nodes[k]);
        fprintf(f, "<line x1=\"%d\" y1=\"28\" x2=\"%d\" y2=\"%d\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n", x, x,
                height - 10);
    }
    static const char *const colour[K_KINDS] = { "#1f77b4", "#d62728", "#2ca02c" };
    int y = 60;
    for (int i = 0; i + 1 < w->n; i++) {
        const struct hop *a = &w->hops[i], *b = &w->hops[i + 1];
        if (a->dir != 2 || b->dir != 1 || a->kind != b->kind)
            continue;
        int ka = 0, kb = 0;
        while (ka < nn && strcmp(nodes[ka], a->node))
            ka++;
        while (kb < nn && strcmp(nodes[kb], b->node))
            kb++;
        int x1 = 20 + col * ka + col / 2, x2 = 20 + col * kb + col / 2, mid = (x1 + x2) / 2;
        int tip = x2 > x1 ? -6 : 6;
        fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\"/>\n", x1, y, x2, y,
                colour[a->kind]);
        fprintf(f, "<polygon points=\"%d,%d %d,%d %d,%d\" fill=\"%s\"/>\n", x2, y, x2 + tip, y - 4, x2 + tip, y + 4,
                colour[a->kind]);
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">%s %s:%s%s%s%s%s</text>\n", mid, y - 5,
                colour[a->kind], kind_name[a->kind], b->ip, strchr(b->ports, '>') ? "" : "", b->ports,
                strcmp(b->outer, "-") ? " in IPIP " : "", strcmp(b->outer, "-") ? b->outer : "",
                strcmp(b->toa, "-") ? " TOA " : "");
        if (strcmp(b->toa, "-"))
            fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">TOA %s</text>\n", mid, y + 12,
                    colour[a->kind], b->toa);
        y += 34;
    }
    fputs("</svg>\n", f);
}

void report_walk_html(FILE *f, json_t *root, const char *dir)
{
    fputs("<h2>Packet walk</h2>\n", f);
    json_t *runs[16];
    int n = first_runs(root, runs, 16);
    if (!n) {
        fputs("<p>No captures: run with <code>--pcap</code> to see each mode's first connection (SYN, SYN-ACK, "
              "first data) hop by hop, as its captures saw it.</p>\n", f);
        return;
    }
    fputs("<p>The first connection answered in each mode's first run, hop by hop in time order, drawn from the captures: "
          "an arrow for each frame one capture saw leave and the next saw arrive, labelled with the addresses "
          "and ports the receiving hop saw (the tunnel's outer header, the TOA option where there is one). "
          "summary.md has the full table (MACs, TTLs).</p>\n", f);
    for (int r = 0; r < n; r++) {
        struct walk *w = xmalloc(sizeof *w);
        fprintf(f, "<h3>%s (%s)</h3>\n", report_str(runs[r], "mode"), report_str(runs[r], "world"));
        if (walk_run(runs[r], dir, w) < 0)
            fputs("<p>No SYN-ACK in the captures.</p>\n", f);
        else
            walk_svg(f, w);
        fputs("<p>", f);
        queue_drops(f, runs[r]);
        fputs("</p>\n", f);
        free(w);
    }
}
