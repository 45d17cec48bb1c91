/*
 * Director benchmark: the per-packet path on established connections, in
 * each forwarding mode, with no links and no event loop. A director host
 * with a front and a back interface whose devices only free what they are
 * given; N connections are opened with a SYN and an ACK each; then batches
 * of client segments for connections drawn at random are built (untimed)
 * and fed to the front interface as one burst (timed): the prefetch look
 * ahead, Ethernet and IPv4 input, the
 * director's lookup, state and statistics, the rewrite or encapsulation,
 * routing, the neighbour and the device. One line per case.
 *   director [CONNS [PKTS]]   default: 1,000 and 1,000,000 connections, 10,000,000 packets
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/rng.h"
#include "engine/sched.h"
#include "lvs/conn.h"
#include "lvs/director.h"
#include "net/csum.h"
#include "net/hdr.h"
#include "net/host.h"
#include "net/ipip.h"
#include "net/ipv4.h"
#include "net/route.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define DESTS 8
#define BATCH 32                 /* a DPDK-sized burst: its buffers stay in cache */
#define PAYLOAD 64
#define FRAME (ETH_HLEN + IPV4_HLEN + TCP_HLEN + PAYLOAD)

static const uint32_t vip = IP4(10, 1, 0, 100), gw = IP4(10, 1, 0, 254);

static void drop_frame(struct netif *nif, struct pkt *p)
{
    nif->stats.tx_packets++;
    pkt_free(p);
}

/* The frame of a client segment: 172.16.0.0/12 clients behind the front router. */
static struct pkt *segment(struct pkt_pool *pool, const struct netif *front, uint32_t k, uint8_t flags)
{
    uint32_t caddr = IP4(172, 16, 0, 0) + (k >> 12), len = flags & TCP_SYN ? FRAME - PAYLOAD : FRAME;
    uint16_t cport = (uint16_t)(1024 + (k & 0xfff));
    struct pkt *p = pkt_alloc(pool, len);
    memset(p->data, 0, len);
    struct eth_hdr *eth = (struct eth_hdr *)p->data;
    memcpy(eth->dst, front->mac, 6);
    memcpy(eth->src, (uint8_t[6]){ 2, 0, 0, 0, 0, 0xfe }, 6);
    eth->type = htons(ETH_P_IP);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(eth + 1);
    ip->ver_ihl = 0x45;
    ip->tot_len = htons((uint16_t)(len - ETH_HLEN));
    ip->ttl = 64;
    ip->proto = IPPROTO_TCP;
    ip->saddr = htonl(caddr);
    ip->daddr = htonl(vip);
    ipv4_set_checksum((uint8_t *)ip);
    struct tcp_hdr *th = (struct tcp_hdr *)(ip + 1);
    th->sport = htons(cport);
    th->dport = htons(80);
    th->seq = htonl(k);
    th->doff = 5 << 4;
    th->flags = flags;
    th->window = htons(65535);
    uint16_t tl = (uint16_t)(len - ETH_HLEN - IPV4_HLEN);
    th->check = csum_fold(csum_partial(th, tl, csum_pseudo(ip->saddr, ip->daddr, IPPROTO_TCP, tl)));
    return p;
}

/* A neighbour made known to the director by an ARP request it answers. */
static void introduce(struct pkt_pool *pool, struct netif *nif, uint32_t ip, uint8_t last)
{
    struct pkt *p = pkt_alloc(pool, ETH_HLEN + sizeof(struct arp_hdr));
    struct eth_hdr *eth = (struct eth_hdr *)p->data;
    uint8_t mac[6] = { 2, 0, 0, 0, 1, last };
    memset(eth->dst, 0xff, 6);
    memcpy(eth->src, mac, 6);
    eth->type = htons(ETH_P_ARP);
    struct arp_hdr *a = (struct arp_hdr *)(eth + 1);
    *a = (struct arp_hdr){ .hrd = htons(ARP_HRD_ETHER), .pro = htons(ETH_P_IP), .hln = 6, .pln = 4,
                           .op = htons(ARP_OP_REQUEST), .spa = htonl(ip), .tpa = htonl(nif->addrs[0].addr) };
    memcpy(a->sha, mac, 6);
    netif_input(nif, p);
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void run_case(enum ipvs_fwd fwd, uint32_t conns, uint64_t pkts)
{
    static struct sched clock;
    sched_init(&clock);
    struct pkt_pool *pool = pkt_pool_new();
    struct host *h = host_new("director", sched_rt(&clock), pool, 1);
    struct netif *front = host_add_netif(h, "eth0", (uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, drop_frame, NULL);
    struct netif *back = host_add_netif(h, "eth1", (uint8_t[6]){ 2, 0, 0, 0, 0, 2 }, drop_frame, NULL);
    netif_add_addr(front, IP4(10, 1, 0, 1), 24);
    netif_add_addr(front, vip, 24);
    netif_add_addr(back, IP4(10, 2, 0, 1), 24);
    route_add(h, 0, 0, gw, NULL);
    h->ip_forward = true;
    introduce(pool, front, gw, 0xfe);
    static struct ipvs ipvs;
    ipvs_director_init(&ipvs, h);
    struct ipvs_service_conf svc = { .protocol = IPPROTO_TCP, .addr = vip, .port = 80, .sched_name = "rr" };
    ipvs_service_add(&ipvs, &svc);
    for (int d = 0; d < DESTS; d++) {
        uint32_t rip = IP4(10, 2, 0, 11 + d);
        ipvs_dest_add(&ipvs, &svc, &(struct ipvs_dest_conf){ .addr = rip, .port = 80, .fwd = fwd, .weight = 1 });
        introduce(pool, back, rip, (uint8_t)(11 + d));
    }
    for (int a = 0; a < IPVS_MAX_LADDRS; a++) {
        netif_add_addr(back, IP4(10, 2, 1, 1 + a), 16);
        ipvs_laddr_add(&ipvs, &svc, IP4(10, 2, 1, 1 + a));
    }
    size_t base = ipvs_conn_memory(&ipvs);
    for (uint32_t k = 0; k < conns; k++) {
        netif_input(front, segment(pool, front, k, TCP_SYN));
        netif_input(front, segment(pool, front, k, TCP_ACK));
    }
    size_t per_conn = (ipvs_conn_memory(&ipvs) - base) / conns;
    struct rng rng;
    rng_init(&rng, 1, "director-bench");
    static struct pkt *batch[BATCH];
    double timed = 0;
    for (uint64_t done = 0; done < pkts; done += BATCH) {
        for (int i = 0; i < BATCH; i++)
            batch[i] = segment(pool, front, (uint32_t)rng_below(&rng, conns), TCP_ACK | TCP_PSH);
        double t0 = wall_now();
        netif_input_burst(front, batch, BATCH);
        timed += wall_now() - t0;
    }
    uint64_t sent = front->stats.tx_packets + back->stats.tx_packets;
    printf("director mode=%s conns=%u pkts=%llu ns_per_pkt=%.1f bytes_per_conn=%zu\n",
           fwd == IPVS_FWD_MASQ ? "nat" : fwd == IPVS_FWD_DROUTE ? "dr" : fwd == IPVS_FWD_TUNNEL ? "tun" : "fullnat",
           conns, (unsigned long long)pkts, timed * 1e9 / (double)pkts, per_conn);
    if (ipvs_conn_count(&ipvs) != conns || sent < pkts)
        fprintf(stderr, "director bench: %zu connections, %llu packets sent: the path dropped some\n",
                ipvs_conn_count(&ipvs), (unsigned long long)sent);
    fflush(stdout);
    ipvs_director_destroy(&ipvs);
    host_free(h);
    pkt_pool_free(pool);
    sched_destroy(&clock);
}

int main(int argc, char **argv)
{
    uint32_t conns = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 0;
    uint64_t pkts = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000000;
    static const enum ipvs_fwd modes[] = { IPVS_FWD_MASQ, IPVS_FWD_TUNNEL, IPVS_FWD_DROUTE, IPVS_FWD_FULLNAT };
    for (int m = 0; m < 4; m++) {
        if (conns) {
            run_case(modes[m], conns, pkts);
        } else {
            run_case(modes[m], 1000, pkts);
            run_case(modes[m], 1000000, pkts);
        }
    }
    return 0;
}
