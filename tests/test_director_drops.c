/*
 * What the director drops, fed frame by frame into its interface: each
 * malformed frame (bad IPv4 checksum, length or version, TCP cut short or
 * with a bad checksum) and each frame for a MAC, an address or a port it
 * does not serve is dropped and counted under exactly one reason, and the
 * status listing (ipvs_counters_print) shows that count; fetches through
 * the VIP work as before afterwards.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "lvs/conn.h"
#include "lvs/director_counters.h"
#include "net/csum.h"
#include "net/ipv4.h"
#include "tests/support/lvs_lab.h"

struct frame_spec {
    const uint8_t *dst_mac;    /* NULL: the director's */
    uint8_t version;           /* 4 unless testing the version check */
    uint16_t tot_len_extra;    /* added to the true total length */
    bool bad_ip_csum, bad_l4_csum;
    uint8_t proto;
    uint32_t dst;
    uint16_t dport;
    unsigned l4_len;           /* bytes after the IPv4 header */
};

/* An Ethernet frame from the client to the director as spec says. */
static struct pkt *make_frame(struct lab *l, const struct frame_spec *s)
{
    struct netif *dir = l->director->nics[0]->nif, *cli = l->client->nics[0]->nif;
    unsigned len = ETH_HLEN + IPV4_HLEN + s->l4_len;
    struct pkt *p = pkt_alloc(l->director->host->pool, len);
    memset(p->data, 0, len);
    struct eth_hdr *eth = (struct eth_hdr *)p->data;
    memcpy(eth->dst, s->dst_mac ? s->dst_mac : dir->mac, 6);
    memcpy(eth->src, cli->mac, 6);
    eth->type = htons(ETH_P_IP);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
    *ip = (struct ipv4_hdr){ .ver_ihl = (uint8_t)(s->version << 4 | 5),
                             .tot_len = htons((uint16_t)(IPV4_HLEN + s->l4_len + s->tot_len_extra)),
                             .ttl = 64, .proto = s->proto, .saddr = htonl(l->client_addr), .daddr = htonl(s->dst) };
    ipv4_set_checksum((uint8_t *)ip);
    if (s->bad_ip_csum)
        ip->check ^= 0x0101;
    uint8_t *l4 = (uint8_t *)(ip + 1);
    if (s->l4_len >= 4) {
        l4[0] = 0x9c, l4[1] = 0x40;                     /* source port 40000 */
        l4[2] = (uint8_t)(s->dport >> 8), l4[3] = (uint8_t)s->dport;
    }
    if (s->proto == IPPROTO_TCP && s->l4_len >= TCP_HLEN) {
        struct tcp_hdr *th = (struct tcp_hdr *)l4;
        th->seq = htonl(1000);
        th->doff = 5 << 4;
        th->flags = TCP_SYN;
        th->window = htons(8192);
        th->check = csum_fold(csum_partial(th, s->l4_len, csum_pseudo(ip->saddr, ip->daddr, IPPROTO_TCP,
                                                                      (uint16_t)s->l4_len)));
    } else if (s->proto == IPPROTO_UDP && s->l4_len >= 8) {
        struct udp_hdr *uh = (struct udp_hdr *)l4;
        uh->len = htons((uint16_t)s->l4_len);
    }
    if (s->bad_l4_csum)
        l4[s->proto == IPPROTO_TCP ? 16 : 6] ^= 0x5a;
    return p;
}

static uint64_t total_drops(const struct host *h)
{
    uint64_t n = 0;
    for (int r = 0; r < DROP_REASONS; r++)
        n += h->drops[r];
    return n;
}

/* Feed one frame: exactly one drop, under `reason`, and the listing shows it. */
static void expect_drop(struct lab *l, const struct frame_spec *s, enum host_drop reason, const char *what)
{
    struct host *h = l->director->host;
    uint64_t before = h->drops[reason], all = total_drops(h);
    netif_input(l->director->nics[0]->nif, make_frame(l, s));
    sched_run_until(&l->w->sched, sched_now(&l->w->sched) + 10 * SIM_MS);
    cr_assert_eq(h->drops[reason], before + 1, "%s: %s not counted (%llu)", what, host_drop_name(reason),
                 (unsigned long long)h->drops[reason]);
    cr_assert_eq(total_drops(h), all + 1, "%s: counted under more than one reason", what);
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    ipvs_counters_print(&l->ipvs, f);
    fclose(f);
    char want[64];
    snprintf(want, sizeof want, "  %-20s %llu\n", host_drop_name(reason), (unsigned long long)(before + 1));
    cr_assert(strstr(text, want), "%s: the listing lacks '%s':\n%s", what, want, text);
    free(text);
}

Test(director_drops, each_bad_or_unserved_frame_is_dropped_and_counted_once)
{
    struct lab l;
    lab_init(&l, IPVS_FWD_DROUTE, "rr", "");     /* one LAN, the director does not forward */
    sched_run_until(&l.w->sched, 10 * SIM_MS);
    uint32_t vip = l.vip;
    const uint8_t other_mac[6] = { 0x02, 0, 0, 0, 0x99, 0x99 };
    expect_drop(&l, &(struct frame_spec){ .version = 4, .bad_ip_csum = true, .proto = IPPROTO_TCP, .dst = vip,
                                          .dport = 80, .l4_len = 20 }, DROP_IP_CSUM, "bad IPv4 checksum");
    expect_drop(&l, &(struct frame_spec){ .version = 4, .tot_len_extra = 40, .proto = IPPROTO_TCP, .dst = vip,
                                          .dport = 80, .l4_len = 20 }, DROP_IP_LEN, "IPv4 length past the frame");
    expect_drop(&l, &(struct frame_spec){ .version = 6, .proto = IPPROTO_TCP, .dst = vip, .dport = 80,
                                          .l4_len = 20 }, DROP_IP_VERSION, "version 6 in an IPv4 frame");
    expect_drop(&l, &(struct frame_spec){ .version = 4, .proto = IPPROTO_TCP, .dst = vip, .dport = 80,
                                          .l4_len = 12 }, DROP_TCP_SHORT, "TCP header cut short, served port");
    expect_drop(&l, &(struct frame_spec){ .version = 4, .bad_l4_csum = true, .proto = IPPROTO_TCP, .dst = vip,
                                          .dport = 81, .l4_len = 20 }, DROP_TCP_CSUM, "bad TCP checksum, unserved port");
    expect_drop(&l, &(struct frame_spec){ .version = 4, .proto = IPPROTO_TCP, .dst = vip, .dport = 81,
                                          .l4_len = 20 }, DROP_TCP_NO_SOCKET, "TCP to a port not served");
    expect_drop(&l, &(struct frame_spec){ .version = 4, .proto = IPPROTO_UDP, .dst = vip, .dport = 53,
                                          .l4_len = 8 }, DROP_UDP_NO_PORT, "UDP to a port not served");
    expect_drop(&l, &(struct frame_spec){ .version = 4, .proto = IPPROTO_TCP, .dst = IP4(10, 0, 0, 77),
                                          .dport = 80, .l4_len = 20 }, DROP_IP_NOT_FOR_US, "an address not served");
    expect_drop(&l, &(struct frame_spec){ .dst_mac = other_mac, .version = 4, .proto = IPPROTO_TCP, .dst = vip,
                                          .dport = 80, .l4_len = 20 }, DROP_ETH_NOT_FOR_US, "another host's MAC");
    cr_assert_eq(ipvs_conn_count(&l.ipvs), 0, "a dropped frame made a connection");
    sim_time_t now = sched_now(&l.w->sched);
    lab_fetches(&l, 2, now + SIM_MS, SIM_MS);
    lab_fetch_from(&l, now + 5 * SIM_MS, 40000);
    sched_run_until(&l.w->sched, now + SIM_S);
    for (int i = 0; i < l.nfetch; i++)
        cr_assert(l.fetch[i].done && l.fetch[i].got == l.response && !l.fetch[i].bad_byte,
                  "fetch %d after the drops: %zu bytes", i, l.fetch[i].got);
    cr_assert_eq(lab_free(&l), 0, "packets leaked");
}
