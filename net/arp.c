/* The ARP cache and protocol: entries hashed by address, one timer each for
 * probing, packets queued while an entry is incomplete. */
#include "net/arp.h"

#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "net/eth.h"
#include "net/hdr.h"

#define ARP_BUCKETS 256
#define ARP_PLEN 28

struct arp_cache {
    struct host *h;
    struct arp_entry *buckets[ARP_BUCKETS];
};

static unsigned bucket_of(uint32_t ip) { return (ip * 2654435761u) >> 24; }

struct arp_cache *arp_cache_new(struct host *h)
{
    struct arp_cache *c = xcalloc(1, sizeof *c);
    c->h = h;
    return c;
}

static void entry_free(struct arp_entry *e)
{
    e->cache->h->dst_gen++;       /* a struct dst_cache may point at it */
    rt_timer_cancel(e->cache->h->rt, &e->timer);
    pkt_queue_purge(&e->queue);
    free(e);
}

void arp_cache_free(struct arp_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < ARP_BUCKETS; i++)
        for (struct arp_entry *e = c->buckets[i], *next; e; e = next) {
            next = e->next;
            entry_free(e);
        }
    free(c);
}

static struct arp_entry *find(struct arp_cache *c, uint32_t ip)
{
    for (struct arp_entry *e = c->buckets[bucket_of(ip)]; e; e = e->next)
        if (e->ip == ip)
            return e;
    return NULL;
}

static void unlink_entry(struct arp_entry *e)
{
    struct arp_entry **pp = &e->cache->buckets[bucket_of(e->ip)];
    while (*pp != e)
        pp = &(*pp)->next;
    *pp = e->next;
}

static int eff(int all, int iface) { return all > iface ? all : iface; }

/* ---- sending ---- */

static void arp_fill(struct arp_hdr *a, uint16_t op, const uint8_t *sha, uint32_t sip, const uint8_t *tha,
                     uint32_t tip)
{
    a->hrd = htons(ARP_HRD_ETHER);
    a->pro = htons(ETH_P_IP);
    a->hln = ETH_ALEN;
    a->pln = 4;
    a->op = htons(op);
    memcpy(a->sha, sha, ETH_ALEN);
    a->spa = htonl(sip);
    memcpy(a->tha, tha, ETH_ALEN);
    a->tpa = htonl(tip);
}

static void send_arp(struct netif *nif, uint16_t op, const uint8_t *tha, uint32_t tip, uint32_t sip,
                     const uint8_t *eth_dst)
{
    struct host *h = nif->host;
    struct pkt *p = pkt_alloc(h->pool, ARP_PLEN);
    if (!p) {
        h->drops[DROP_NO_BUFFER]++;
        return;
    }
    arp_fill((struct arp_hdr *)p->data, op, nif->mac, sip, tha, tip);
    eth_output(nif, p, eth_dst, ETH_P_ARP);
}

struct pkt *arp_request_frame(struct pkt_pool *pool, const uint8_t mac[ETH_ALEN], uint32_t sip, uint32_t tip)
{
    static const uint8_t unknown[ETH_ALEN], broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    struct pkt *p = pkt_alloc(pool, ETH_HLEN + ARP_PLEN);
    if (!p)
        return NULL;
    struct eth_hdr *eth = (struct eth_hdr *)p->data;
    memcpy(eth->dst, broadcast, ETH_ALEN);
    memcpy(eth->src, mac, ETH_ALEN);
    eth->type = htons(ETH_P_ARP);
    arp_fill((struct arp_hdr *)(eth + 1), ARP_OP_REQUEST, mac, sip, unknown, tip);
    return p;
}

/* The sender address of a request for tip (arp_announce). */
static uint32_t request_source(struct netif *nif, uint32_t tip, uint32_t packet_src)
{
    struct host *h = nif->host;
    if (eff(h->arp_announce_all, nif->arp_announce) < 2 && packet_src && host_is_local(h, packet_src))
        return packet_src;
    for (int i = 0; i < nif->naddrs; i++) {
        uint32_t m = nif->addrs[i].prefix_len ? ~0u << (32 - nif->addrs[i].prefix_len) : 0;
        if (((tip ^ nif->addrs[i].addr) & m) == 0)
            return nif->addrs[i].addr;
    }
    return nif->naddrs ? nif->addrs[0].addr : packet_src;
}

static void send_request(struct arp_entry *e)
{
    static const uint8_t zero[ETH_ALEN];
    /* re-probing a known neighbour goes unicast first, as Linux does */
    const uint8_t *dst = e->state == ARP_STALE && e->probes < 2 ? e->mac : eth_broadcast;
    send_arp(e->nif, ARP_OP_REQUEST, zero, e->ip, e->probe_src, dst);
    e->probes++;
}

static void flush_queue(struct arp_entry *e)
{
    struct pkt *p;
    while ((p = pkt_queue_pop(&e->queue)))
        eth_output(e->nif, p, e->mac, ETH_P_IP);
}

static void entry_timer(void *arg)
{
    struct arp_entry *e = arg;
    struct host *h = e->cache->h;
    if (e->probes >= ARP_MAX_PROBES) {
        /* no answer: drop what waited, forget the neighbour */
        struct pkt *p;
        while ((p = pkt_queue_pop(&e->queue)))
            host_drop(h, p, DROP_ARP_UNRESOLVED);
        unlink_entry(e);
        entry_free(e);
        return;
    }
    send_request(e);
    rt_timer_arm_in(h->rt, &e->timer, ARP_RETRANS_TIME);
}

static struct arp_entry *create(struct arp_cache *c, struct netif *nif, uint32_t ip)
{
    struct arp_entry *e = xcalloc(1, sizeof *e);
    e->cache = c;
    e->ip = ip;
    e->nif = nif;
    e->state = ARP_INCOMPLETE;
    rt_timer_init(&e->timer, entry_timer, e);
    unsigned b = bucket_of(ip);
    e->next = c->buckets[b];
    c->buckets[b] = e;
    return e;
}

void arp_output(struct netif *nif, struct pkt *p, uint32_t nh)
{
    struct host *h = nif->host;
    struct arp_cache *c = h->arp;
    struct arp_entry *e = find(c, nh);
    sim_time_t now = rt_now(h->rt);
    if (e && e->state != ARP_INCOMPLETE && e->nif == nif) {
        if (e->state == ARP_REACHABLE && now - e->confirmed > ARP_REACHABLE_TIME) {
            e->state = ARP_STALE;          /* keep using it, but ask again */
            e->probes = 0;
            e->probe_src = request_source(nif, nh, 0);
            send_request(e);
            rt_timer_arm_in(h->rt, &e->timer, ARP_RETRANS_TIME);
        }
        eth_output(nif, p, e->mac, ETH_P_IP);
        return;
    }
    if (e && e->nif != nif && e->state != ARP_INCOMPLETE) {
        /* the neighbour is now reached through another interface: ask again there */
        e->nif = nif;
        e->state = ARP_INCOMPLETE;
        e->probes = 0;
        e->probe_src = request_source(nif, nh, 0);
        send_request(e);
        rt_timer_arm_in(h->rt, &e->timer, ARP_RETRANS_TIME);
    }
    if (!e) {
        e = create(c, nif, nh);
        const uint8_t *ip = p->data;
        uint32_t src = (uint32_t)ip[12] << 24 | (uint32_t)ip[13] << 16 | (uint32_t)ip[14] << 8 | ip[15];
        e->probe_src = request_source(nif, nh, src);
        send_request(e);
        rt_timer_arm_in(h->rt, &e->timer, ARP_RETRANS_TIME);
    }
    if (e->queue.count >= ARP_QUEUE_MAX) {
        host_drop(h, pkt_queue_pop(&e->queue), DROP_ARP_QUEUE_FULL);
    }
    pkt_queue_push(&e->queue, p);
}

void arp_output_renew_hint(struct netif *nif, struct pkt *p, uint32_t nh, struct arp_entry **hint)
{
    arp_output(nif, p, nh);
    *hint = find(nif->host->arp, nh);
}

void arp_announce_gratuitous(struct netif *nif, uint32_t addr)
{
    send_arp(nif, ARP_OP_REQUEST, eth_broadcast, addr, addr, eth_broadcast);
}

void arp_solicit(struct netif *nif, uint32_t ip)
{
    struct arp_cache *c = nif->host->arp;
    if (find(c, ip))
        return;
    struct arp_entry *e = create(c, nif, ip);
    e->probe_src = request_source(nif, ip, 0);
    send_request(e);
    rt_timer_arm_in(nif->host->rt, &e->timer, ARP_RETRANS_TIME);
}

bool arp_lookup(struct host *h, uint32_t ip, uint8_t mac[6])
{
    struct arp_entry *e = find(h->arp, ip);
    if (!e || e->state == ARP_INCOMPLETE)
        return false;
    memcpy(mac, e->mac, ETH_ALEN);
    return true;
}

/* ---- receiving ---- */

static void learn(struct arp_entry *e, const uint8_t *mac, struct netif *nif)
{
    struct host *h = e->cache->h;
    memcpy(e->mac, mac, ETH_ALEN);
    e->nif = nif;
    e->state = ARP_REACHABLE;
    e->confirmed = rt_now(h->rt);
    e->probes = 0;
    rt_timer_cancel(h->rt, &e->timer);
    flush_queue(e);
}

void arp_input(struct netif *nif, struct pkt *p)
{
    struct host *h = nif->host;
    if (p->len < ARP_PLEN) {
        host_drop(h, p, DROP_ARP_BAD);
        return;
    }
    const struct arp_hdr *a = (const struct arp_hdr *)p->data;
    uint16_t op = ntohs(a->op);
    if (ntohs(a->hrd) != ARP_HRD_ETHER || ntohs(a->pro) != ETH_P_IP || a->hln != ETH_ALEN ||
        a->pln != 4 || (op != ARP_OP_REQUEST && op != ARP_OP_REPLY) || (a->sha[0] & 1)) {
        host_drop(h, p, DROP_ARP_BAD);
        return;
    }
    uint32_t sip = ntohl(a->spa), tip = ntohl(a->tpa);
    uint8_t sha[ETH_ALEN];
    memcpy(sha, a->sha, ETH_ALEN);
    struct arp_entry *e = sip ? find(h->arp, sip) : NULL;
    if (e)
        learn(e, sha, nif);       /* anyone we know who speaks updates us (also gratuitous) */

    bool for_us = host_is_local(h, tip) && !(nif->flags & NETIF_NOARP);
    if (for_us && eff(h->arp_ignore_all, nif->arp_ignore) >= 1 && !netif_has_addr(nif, tip))
        for_us = false;           /* arp_ignore=1: only addresses of this interface */
    if (!for_us || sip == tip || !sip) {
        pkt_free(p);              /* not ours to answer: not an error */
        return;
    }
    if (!e)
        learn(create(h->arp, nif, sip), sha, nif);
    if (op == ARP_OP_REQUEST)
        send_arp(nif, ARP_OP_REPLY, sha, sip, tip, sha);
    pkt_free(p);
}
