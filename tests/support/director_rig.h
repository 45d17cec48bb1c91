/*
 * Test and benchmark support: a director host alone, no links and no event
 * loop running. Its front interface (10.1.0.1, the VIP 10.1.0.100) faces
 * clients behind a router (10.1.0.254); its back interface (10.2.0.1)
 * faces the real servers 10.2.0.11 and up. Frames it sends go to a device
 * that counts them and keeps the last one (or frees them all). Segments
 * from client k and replies from a real server are built as frames.
 * Header-only.
 */
#ifndef TESTS_SUPPORT_DIRECTOR_RIG_H
#define TESTS_SUPPORT_DIRECTOR_RIG_H

#include <string.h>

#include "engine/sched.h"
#include "lvs/conn.h"
#include "lvs/director.h"
#include "net/arp.h"
#include "net/csum.h"
#include "net/hdr.h"
#include "net/host.h"
#include "net/ipv4.h"
#include "net/route.h"

#define RIG_IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define RIG_VIP RIG_IP4(10, 1, 0, 100)
#define RIG_GW RIG_IP4(10, 1, 0, 254)
#define RIG_RIP(i) RIG_IP4(10, 2, 0, 11 + (i))
#define RIG_PORT 80

struct rig_dev {
    uint64_t frames;
    struct pkt *last;          /* kept when the rig keeps frames */
    bool keep;
};

struct rig {
    struct sched clock;
    struct pkt_pool *pool;
    struct host *h;
    struct netif *front, *back;
    struct rig_dev front_dev, back_dev;
    struct ipvs ipvs;
    struct ipvs_service_conf svc;
};

static inline void rig_xmit(struct netif *nif, struct pkt *p)
{
    struct rig_dev *d = nif->xmit_ctx;
    d->frames++;
    if (d->keep) {
        if (d->last)
            pkt_free(d->last);
        d->last = p;
    } else {
        pkt_free(p);
    }
}

/* Client k: 172.16.0.0/12 by k / 4096, port 1024 + k % 4096. */
static inline uint32_t rig_client(uint32_t k) { return RIG_IP4(172, 16, 0, 0) + (k >> 12); }
static inline uint16_t rig_cport(uint32_t k) { return (uint16_t)(1024 + (k & 0xfff)); }

static inline struct pkt *rig_frame(struct rig *r, const uint8_t dst_mac[6], uint32_t src, uint16_t sport,
                             uint32_t dst, uint16_t dport, uint8_t proto, uint8_t flags, uint32_t payload)
{
    uint32_t l4 = proto == IPPROTO_TCP ? TCP_HLEN : 8;
    uint32_t len = ETH_HLEN + IPV4_HLEN + l4 + payload;
    struct pkt *p = pkt_alloc(r->pool, len);
    memset(p->data, 0, len);
    struct eth_hdr *eth = (struct eth_hdr *)p->data;
    memcpy(eth->dst, dst_mac, 6);
    memcpy(eth->src, (uint8_t[6]){ 2, 0, 0, 0, 1, 0xfe }, 6);
    eth->type = htons(ETH_P_IP);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(eth + 1);
    ip->ver_ihl = 0x45;
    ip->tot_len = htons((uint16_t)(len - ETH_HLEN));
    ip->ttl = 64;
    ip->proto = proto;
    ip->saddr = htonl(src);
    ip->daddr = htonl(dst);
    ipv4_set_checksum((uint8_t *)ip);
    uint8_t *h4 = (uint8_t *)(ip + 1);
    uint16_t sp = htons(sport), dp = htons(dport), tl = (uint16_t)(l4 + payload);
    memcpy(h4, &sp, 2);
    memcpy(h4 + 2, &dp, 2);
    uint16_t check;
    if (proto == IPPROTO_TCP) {
        struct tcp_hdr *th = (struct tcp_hdr *)h4;
        th->seq = htonl(1000);
        th->doff = 5 << 4;
        th->flags = flags;
        th->window = htons(65535);
        check = csum_fold(csum_partial(h4, tl, csum_pseudo(ip->saddr, ip->daddr, proto, tl)));
        memcpy(h4 + 16, &check, 2);
    } else {
        uint16_t ulen = htons(tl);
        memcpy(h4 + 4, &ulen, 2);
        check = csum_fold(csum_partial(h4, tl, csum_pseudo(ip->saddr, ip->daddr, proto, tl)));
        memcpy(h4 + 6, &check, 2);
    }
    return p;
}

/* A segment from client k to the VIP, arriving at the front. */
static inline struct pkt *rig_segment(struct rig *r, uint32_t k, uint8_t flags, uint32_t payload)
{
    return rig_frame(r, r->front->mac, rig_client(k), rig_cport(k), RIG_VIP, RIG_PORT, IPPROTO_TCP,
                     flags, payload);
}

static inline void rig_send(struct rig *r, uint32_t k, uint8_t flags)
{
    netif_input(r->front, rig_segment(r, k, flags, 0));
}

/* A NAT reply from real server i to client k, arriving at the back. */
static inline void rig_reply(struct rig *r, int i, uint32_t k, uint8_t flags)
{
    netif_input(r->back, rig_frame(r, r->back->mac, RIG_RIP(i), RIG_PORT, rig_client(k), rig_cport(k),
                                   IPPROTO_TCP, flags, 0));
}

/* A neighbour the director learns from an ARP request it answers. */
static inline void rig_introduce(struct rig *r, struct netif *nif, uint32_t ip, uint8_t last)
{
    netif_input(nif, arp_request_frame(r->pool, (uint8_t[ETH_ALEN]){ 2, 0, 0, 0, 1, last }, ip, nif->addrs[0].addr));
}

/* The director with one TCP service VIP:80 on sched and `dests` real
 * servers of weight 1 in mode fwd (FULLNAT: local addresses 10.2.1.1-8). */
static inline void rig_init(struct rig *r, enum ipvs_fwd fwd, int dests, const char *sched, bool keep)
{
    memset(r, 0, sizeof *r);
    sched_init(&r->clock);
    r->pool = pkt_pool_new();
    r->h = host_new("director", sched_rt(&r->clock), r->pool, 1);
    r->front_dev.keep = r->back_dev.keep = keep;
    r->front = host_add_netif(r->h, "eth0", (uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, rig_xmit, &r->front_dev);
    r->back = host_add_netif(r->h, "eth1", (uint8_t[6]){ 2, 0, 0, 0, 0, 2 }, rig_xmit, &r->back_dev);
    netif_add_addr(r->front, RIG_IP4(10, 1, 0, 1), 24);
    netif_add_addr(r->front, RIG_VIP, 24);
    netif_add_addr(r->back, RIG_IP4(10, 2, 0, 1), 24);
    route_add(r->h, 0, 0, RIG_GW, NULL);
    r->h->ip_forward = true;
    rig_introduce(r, r->front, RIG_GW, 0xfe);
    ipvs_director_init(&r->ipvs, r->h);
    r->svc = (struct ipvs_service_conf){ .protocol = IPPROTO_TCP, .addr = RIG_VIP, .port = RIG_PORT };
    strcpy(r->svc.sched_name, sched);
    ipvs_service_add(&r->ipvs, &r->svc);
    for (int d = 0; d < dests; d++) {
        struct ipvs_dest_conf dc = { .addr = RIG_RIP(d), .port = RIG_PORT, .fwd = fwd, .weight = 1 };
        ipvs_dest_add(&r->ipvs, &r->svc, &dc);
        rig_introduce(r, r->back, RIG_RIP(d), (uint8_t)(11 + d));
    }
    if (fwd == IPVS_FWD_FULLNAT)
        for (int a = 0; a < IPVS_MAX_LADDRS; a++) {
            netif_add_addr(r->back, RIG_IP4(10, 2, 1, 1 + a), 16);
            ipvs_laddr_add(&r->ipvs, &r->svc, RIG_IP4(10, 2, 1, 1 + a));
        }
}

/* Frees everything; the packets still live (0 expected). */
static inline size_t rig_free(struct rig *r)
{
    if (r->front_dev.last)
        pkt_free(r->front_dev.last);
    if (r->back_dev.last)
        pkt_free(r->back_dev.last);
    ipvs_director_destroy(&r->ipvs);
    host_free(r->h);
    size_t live = pkt_pool_free(r->pool);
    sched_destroy(&r->clock);
    return live;
}

#endif
