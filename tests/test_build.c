/* The frames the stack builds (ARP request, IPv4+UDP, ICMP echo, TCP SYN
 * with options) are byte for byte what libnet's builders make of the same
 * fields, checksums included. */
#include <criterion/criterion.h>
#include <libnet.h>

#include "net/hdr.h"
#include "net/icmp.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "support/wire.h"

#define MAX_FRAMES 16

static struct {
    uint8_t data[MAX_FRAMES][1600];
    uint32_t len[MAX_FRAMES];
    int n;
} seen;

static void keep(void *ctx, const struct pkt *frame, sim_time_t t)
{
    (void)ctx, (void)t;
    if (seen.n < MAX_FRAMES && frame->len <= sizeof seen.data[0]) {
        memcpy(seen.data[seen.n], frame->data, frame->len);
        seen.len[seen.n++] = frame->len;
    }
}

/* The first kept frame of an EtherType and IP protocol (0: any). */
static int find(uint16_t type, uint8_t proto)
{
    for (int i = 0; i < seen.n; i++) {
        const struct eth_hdr *eh = (const struct eth_hdr *)seen.data[i];
        if (ntohs(eh->type) == type && (!proto || seen.data[i][ETH_HLEN + 9] == proto))
            return i;
    }
    cr_assert_fail("no frame of type %04x protocol %u", type, proto);
    return -1;
}

static void same_as_libnet(libnet_t *l, int i, const char *what)
{
    uint8_t *built;
    uint32_t size;
    cr_assert_neq(libnet_pblock_coalesce(l, &built, &size), -1, "%s: %s", what, libnet_geterror(l));
    cr_assert_eq(size, seen.len[i], "%s: libnet made %u bytes, the stack %u", what, size, seen.len[i]);
    for (uint32_t k = 0; k < size; k++)
        cr_assert_eq(built[k], seen.data[i][k], "%s: byte %u is %02x, libnet says %02x", what, k,
                     seen.data[i][k], built[k]);
    free(built);
}

static size_t sink(void *ctx, struct tcp_sock *s, const uint8_t *data, size_t len)
{
    (void)ctx, (void)s, (void)data;
    return len;
}

static void quiet(void *ctx, struct udp_sock *u, uint32_t src, uint16_t sport, uint32_t dst,
                  const uint8_t *data, size_t len)
{
    (void)ctx, (void)u, (void)src, (void)sport, (void)dst, (void)data, (void)len;
}

Test(build, frames_match_libnet)
{
    static struct sched s;
    sched_init(&s);
    struct pkt_pool *pool = pkt_pool_new();
    struct wire_pair pair;
    wire_pair(&pair, &s, pool, 10 * SIM_US, 1);
    struct host *a = pair.a, *b = pair.b;
    struct wire *w = &pair.w;
    w->capture = keep;
    seen.n = 0;
    struct udp_sock *u = udp_bind(a, 0, 4000, quiet, NULL);
    udp_bind(b, 0, 53, quiet, NULL);
    udp_sendto(u, IP4(10, 0, 0, 2), 53, "lvslab!", 7);
    sched_run(&s);
    icmp_ping(a, IP4(10, 0, 0, 2), 0x1234, 7, 24, false);
    static const struct tcp_callbacks cb = { .received = sink };
    tcp_listen(b, 0, 80, 4, &cb, NULL);
    tcp_connect(a, 0, IP4(10, 0, 0, 2), 80, &cb, NULL);
    sched_run_until(&s, sched_now(&s) + SIM_MS);

    char errbuf[LIBNET_ERRBUF_SIZE];
    const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 1 }, mac_b[6] = { 2, 0, 0, 0, 0, 2 };
    const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, zero[6] = { 0 };
    uint32_t ip_a = htonl(IP4(10, 0, 0, 1)), ip_b = htonl(IP4(10, 0, 0, 2));

    /* ARP request */
    libnet_t *l = libnet_init(LIBNET_NONE, NULL, errbuf);
    cr_assert_not_null(l, "%s", errbuf);
    int i = find(ETH_P_ARP, 0);
    libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4, ARPOP_REQUEST, mac_a, (uint8_t *)&ip_a, zero,
                     (uint8_t *)&ip_b, NULL, 0, l, 0);
    libnet_build_ethernet(bcast, mac_a, ETHERTYPE_ARP, NULL, 0, l, 0);
    same_as_libnet(l, i, "ARP request");
    libnet_destroy(l);

    /* IPv4 + UDP: same id, the rest from the stack's own settings */
    l = libnet_init(LIBNET_NONE, NULL, errbuf);
    i = find(ETH_P_IP, 17);
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(seen.data[i] + ETH_HLEN);
    const struct udp_hdr *uh = (const struct udp_hdr *)(seen.data[i] + ETH_HLEN + IPV4_HLEN);
    libnet_build_udp(ntohs(uh->sport), 53, 8 + 7, 0, (const uint8_t *)"lvslab!", 7, l, 0);
    libnet_build_ipv4(IPV4_HLEN + 8 + 7, 0, ntohs(ip->id), 0, 64, IPPROTO_UDP, 0, ip_a, ip_b, NULL, 0,
                      l, 0);
    libnet_build_ethernet(mac_b, mac_a, ETHERTYPE_IP, NULL, 0, l, 0);
    same_as_libnet(l, i, "UDP datagram");
    libnet_destroy(l);

    /* ICMP echo: its payload (the send time) copied over */
    l = libnet_init(LIBNET_NONE, NULL, errbuf);
    i = find(ETH_P_IP, 1);
    ip = (const struct ipv4_hdr *)(seen.data[i] + ETH_HLEN);
    const uint8_t *payload = seen.data[i] + ETH_HLEN + IPV4_HLEN + 8;
    libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, 0x1234, 7, payload, 24, l, 0);
    libnet_build_ipv4(IPV4_HLEN + 8 + 24, 0, ntohs(ip->id), 0, 64, IPPROTO_ICMP, 0, ip_a, ip_b, NULL,
                      0, l, 0);
    libnet_build_ethernet(mac_b, mac_a, ETHERTYPE_IP, NULL, 0, l, 0);
    same_as_libnet(l, i, "ICMP echo");
    libnet_destroy(l);

    /* TCP SYN with its options (MSS, SACK-permitted, timestamps, window scale) */
    l = libnet_init(LIBNET_NONE, NULL, errbuf);
    i = find(ETH_P_IP, 6);
    ip = (const struct ipv4_hdr *)(seen.data[i] + ETH_HLEN);
    const struct tcp_hdr *th = (const struct tcp_hdr *)(seen.data[i] + ETH_HLEN + IPV4_HLEN);
    unsigned thl = tcp_hdr_len(th);
    cr_assert(th->flags & TCP_SYN);
    libnet_build_tcp_options((const uint8_t *)th + TCP_HLEN, thl - TCP_HLEN, l, 0);
    libnet_build_tcp(ntohs(th->sport), 80, ntohl(th->seq), 0, TH_SYN, ntohs(th->window), 0, 0, thl,
                     NULL, 0, l, 0);
    libnet_build_ipv4((uint16_t)(IPV4_HLEN + thl), ip->tos, ntohs(ip->id), ntohs(ip->frag_off), ip->ttl,
                      IPPROTO_TCP, 0, ip_a, ip_b, NULL, 0, l, 0);
    libnet_build_ethernet(mac_b, mac_a, ETHERTYPE_IP, NULL, 0, l, 0);
    same_as_libnet(l, i, "TCP SYN");
    libnet_destroy(l);

    udp_close(u);
    wire_pair_free(&pair);
    cr_assert_eq(pkt_pool_free(pool), 0);
    sched_destroy(&s);
}
