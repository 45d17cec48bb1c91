/* The calibration's bench host (cmd/calibrate_rig.h). */
#include "cmd/calibrate_rig.h"

#include <string.h>

#include "lvs/director.h"
#include "net/arp.h"
#include "net/csum.h"
#include "net/hdr.h"
#include "net/ipip.h"
#include "net/ipv4.h"
#include "net/route.h"

static void dev_xmit(struct netif *nif, struct pkt *p)
{
    struct cal_dev *d = nif->xmit_ctx;
    d->frames++;
    if (d->keep) {
        if (d->last)
            pkt_free(d->last);
        d->last = p;
    } else {
        pkt_free(p);
    }
}

static void eth_ip(struct pkt *p, struct netif *nif, uint32_t src, uint32_t dst, uint8_t proto, uint32_t iplen)
{
    struct eth_hdr *eth = (struct eth_hdr *)p->data;
    memcpy(eth->dst, nif->mac, 6);
    memcpy(eth->src, (uint8_t[6]){ 2, 0, 0, 0, 1, 0xfe }, 6);
    eth->type = htons(ETH_P_IP);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(eth + 1);
    memset(ip, 0, IPV4_HLEN);
    ip->ver_ihl = 0x45;
    ip->tot_len = htons((uint16_t)iplen);
    ip->ttl = 64;
    ip->proto = proto;
    ip->saddr = htonl(src);
    ip->daddr = htonl(dst);
    ipv4_set_checksum((uint8_t *)ip);
}

struct pkt *cal_tcp_frame(struct cal_rig *r, struct netif *nif, uint32_t src, uint16_t sport, uint32_t dst,
                          uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t payload)
{
    uint32_t tl = TCP_HLEN + payload, len = ETH_HLEN + IPV4_HLEN + tl;
    struct pkt *p = pkt_alloc(r->pool, len);
    memset(p->data, 0, len);
    eth_ip(p, nif, src, dst, IPPROTO_TCP, IPV4_HLEN + tl);
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(p->data + ETH_HLEN);
    struct tcp_hdr *th = (struct tcp_hdr *)(p->data + ETH_HLEN + IPV4_HLEN);
    th->sport = htons(sport);
    th->dport = htons(dport);
    th->seq = htonl(seq);
    th->ack = htonl(ack);
    th->doff = 5 << 4;
    th->flags = flags;
    th->window = htons(65535);
    th->check = csum_fold(csum_partial(th, tl, csum_pseudo(ip->saddr, ip->daddr, IPPROTO_TCP, (uint16_t)tl)));
    return p;
}

struct pkt *cal_ipip_frame(struct cal_rig *r, struct netif *nif, uint32_t src, uint32_t dst, struct pkt *inner)
{
    uint32_t ilen = inner->len - ETH_HLEN, len = ETH_HLEN + IPV4_HLEN + ilen;
    struct pkt *p = pkt_alloc(r->pool, len);
    eth_ip(p, nif, src, dst, IPPROTO_IPIP, IPV4_HLEN + ilen);
    memcpy(p->data + ETH_HLEN + IPV4_HLEN, inner->data + ETH_HLEN, ilen);
    pkt_free(inner);
    return p;
}

/* A neighbour the host learns from an ARP request it answers. */
static void introduce(struct cal_rig *r, struct netif *nif, uint32_t ip, uint8_t last)
{
    netif_input(nif, arp_request_frame(r->pool, (uint8_t[ETH_ALEN]){ 2, 0, 0, 0, 1, last }, ip, nif->addrs[0].addr));
}

static void host_init(struct cal_rig *r)
{
    memset(r, 0, sizeof *r);
    sched_init(&r->clock);
    r->pool = pkt_pool_new();
    r->h = host_new("director", sched_rt(&r->clock), r->pool, 1);
    r->front = host_add_netif(r->h, "eth0", (uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, dev_xmit, &r->front_dev);
    r->back = host_add_netif(r->h, "eth1", (uint8_t[6]){ 2, 0, 0, 0, 0, 2 }, dev_xmit, &r->back_dev);
    netif_add_addr(r->front, CAL_FRONT, 24);
    netif_add_addr(r->front, CAL_VIP, 24);
    netif_add_addr(r->back, CAL_IP4(10, 2, 0, 1), 24);
    route_add(r->h, 0, 0, CAL_IP4(10, 1, 0, 254), NULL);
    r->h->ip_forward = true;
    introduce(r, r->front, CAL_IP4(10, 1, 0, 254), 0xfe);
    for (int d = 0; d < CAL_DESTS; d++)
        introduce(r, r->back, CAL_RIP(d), (uint8_t)(11 + d));
}

void cal_rig_plain(struct cal_rig *r)
{
    host_init(r);
    struct netif *tun = ipip_add_tunnel(r->h, "tunl0");
    tun->flags |= NETIF_UP;
}

void cal_rig_init(struct cal_rig *r, enum ipvs_fwd fwd, uint32_t svc_flags)
{
    host_init(r);
    ipvs_director_init(&r->ipvs, r->h);
    r->director = true;
    struct ipvs_service_conf svc = { .protocol = IPPROTO_TCP, .addr = CAL_VIP, .port = CAL_PORT,
                                     .flags = svc_flags, .netmask = 0xffffffffu,
                                     .timeout = svc_flags & IPVS_SVC_PERSISTENT ? 300 : 0 };
    strcpy(svc.sched_name, "rr");
    ipvs_service_add(&r->ipvs, &svc);
    for (int d = 0; d < CAL_DESTS; d++) {
        struct ipvs_dest_conf dc = { .addr = CAL_RIP(d), .port = CAL_PORT, .fwd = fwd, .weight = 1 };
        ipvs_dest_add(&r->ipvs, &svc, &dc);
    }
    if (fwd == IPVS_FWD_FULLNAT)
        for (int a = 0; a < IPVS_MAX_LADDRS; a++) {
            netif_add_addr(r->back, CAL_IP4(10, 2, 1, 1 + a), 16);
            ipvs_laddr_add(&r->ipvs, &svc, CAL_IP4(10, 2, 1, 1 + a));
        }
}

void cal_rig_free(struct cal_rig *r)
{
    pkt_free(r->front_dev.last);
    pkt_free(r->back_dev.last);
    if (r->director)
        ipvs_director_destroy(&r->ipvs);
    host_free(r->h);
    pkt_pool_free(r->pool);
    sched_destroy(&r->clock);
}
