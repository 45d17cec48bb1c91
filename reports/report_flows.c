/* Reading pcaps with libpcap and folding their frames into flows. */
#include "reports/report_flows.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "net/hdr.h"

static int seq_after(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

static struct report_flow *find(struct report_flows *f, uint8_t proto, uint32_t sa, uint16_t sp,
                              uint32_t da, uint16_t dp, int *side)
{
    for (size_t i = 0; i < f->n; i++) {
        struct report_flow *x = &f->v[i];
        if (x->proto != proto)
            continue;
        if (x->addr[0] == sa && x->port[0] == sp && x->addr[1] == da && x->port[1] == dp) {
            *side = 0;
            return x;
        }
        if (x->addr[1] == sa && x->port[1] == sp && x->addr[0] == da && x->port[0] == dp) {
            *side = 1;
            return x;
        }
    }
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->v = xrealloc(f->v, f->cap * sizeof *f->v);
    }
    struct report_flow *x = &f->v[f->n++];
    *x = (struct report_flow){ .proto = proto, .addr = { sa, da }, .port = { sp, dp } };
    *side = 0;
    return x;
}

static void frame(struct report_flows *f, const uint8_t *p, uint32_t len, double t)
{
    f->frames++;
    if (len < ETH_HLEN + IPV4_HLEN || ntohs(((const struct eth_hdr *)p)->type) != ETH_P_IP) {
        f->other++;
        return;
    }
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(p + ETH_HLEN);
    unsigned ihl = ipv4_hdr_len(ip);
    uint32_t ip_len = ntohs(ip->tot_len);
    if ((ip->ver_ihl >> 4) != 4 || ihl < IPV4_HLEN || ip_len < ihl || ETH_HLEN + ip_len > len ||
        (ip->proto != 6 && ip->proto != 17) || (ntohs(ip->frag_off) & IPV4_OFFMASK)) {
        f->other++;
        return;
    }
    const uint8_t *l4 = (const uint8_t *)ip + ihl;
    uint32_t l4_len = ip_len - ihl;
    if (l4_len < (ip->proto == 6 ? TCP_HLEN : 8u)) {
        f->other++;
        return;
    }
    uint16_t ports[2];
    memcpy(ports, l4, sizeof ports);
    uint16_t sp = ntohs(ports[0]), dp = ntohs(ports[1]);
    int side;
    struct report_flow *x = find(f, ip->proto, ntohl(ip->saddr), sp, ntohl(ip->daddr), dp, &side);
    if (!x->packets[0] && !x->packets[1])
        x->first = t;
    x->last = t;
    x->packets[side]++;
    x->bytes[side] += ip_len;
    if (ip->proto != 6)
        return;
    const struct tcp_hdr *th = (const struct tcp_hdr *)l4;
    unsigned thl = tcp_hdr_len(th);
    if (thl < TCP_HLEN || thl > l4_len)
        return;
    uint32_t payload = l4_len - thl + ((th->flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
    if (!payload)
        return;
    uint32_t seq = ntohl(th->seq), end = seq + payload;
    if (x->seq_known[side] && !seq_after(end, x->next_seq[side]))
        x->retransmits[side]++;        /* nothing new in it: sent before */
    if (!x->seq_known[side] || seq_after(end, x->next_seq[side])) {
        x->next_seq[side] = end;
        x->seq_known[side] = 1;
    }
}

int report_flows_read(struct report_flows *f, const char *path, char *err, size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, perr);
    if (!pc) {
        snprintf(err, errlen, "%s: %s", path, perr);
        return -1;
    }
    if (pcap_datalink(pc) != DLT_EN10MB) {
        snprintf(err, errlen, "%s: link type %s, not Ethernet", path,
                 pcap_datalink_val_to_name(pcap_datalink(pc)));
        pcap_close(pc);
        return -1;
    }
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc;
    while ((rc = pcap_next_ex(pc, &h, &data)) == 1)
        frame(f, data, h->caplen, (double)h->ts.tv_sec + (double)h->ts.tv_usec * 1e-9);
    if (rc == PCAP_ERROR) {
        snprintf(err, errlen, "%s: %s", path, pcap_geterr(pc));
        pcap_close(pc);
        return -1;
    }
    pcap_close(pc);
    return 0;
}

static const char *endpoint(uint32_t a, uint16_t port, char *buf, size_t len)
{
    struct in_addr in = { .s_addr = htonl(a) };
    char ip[INET_ADDRSTRLEN];
    snprintf(buf, len, "%s:%u", inet_ntop(AF_INET, &in, ip, sizeof ip), port);
    return buf;
}

void report_flows_print(const struct report_flows *f, FILE *out)
{
    fprintf(out, "%-5s %-21s %-21s %9s %12s %9s %12s %10s %7s\n", "proto", "A", "B", "pkts A>B",
            "bytes A>B", "pkts B>A", "bytes B>A", "duration", "retrans");
    for (size_t i = 0; i < f->n; i++) {
        const struct report_flow *x = &f->v[i];
        char a[32], b[32];
        fprintf(out, "%-5s %-21s %-21s %9llu %12llu %9llu %12llu %9.6fs %7llu\n",
                x->proto == 6 ? "tcp" : "udp", endpoint(x->addr[0], x->port[0], a, sizeof a),
                endpoint(x->addr[1], x->port[1], b, sizeof b), (unsigned long long)x->packets[0],
                (unsigned long long)x->bytes[0], (unsigned long long)x->packets[1],
                (unsigned long long)x->bytes[1], x->last - x->first,
                (unsigned long long)(x->retransmits[0] + x->retransmits[1]));
    }
    fprintf(out, "%zu flows, %llu frames, %llu not TCP or UDP over IPv4\n", f->n,
            (unsigned long long)f->frames, (unsigned long long)f->other);
}

void report_flows_free(struct report_flows *f)
{
    free(f->v);
    memset(f, 0, sizeof *f);
}
