/* Routing: routes kept sorted by prefix length (longest first) so the first
 * match is the longest; multipath next-hop selection; a small path-MTU
 * cache and the exceptions ICMP redirects made beside them. */
#include "net/route.h"

#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "net/hdr.h"

#define PMTU_SLOTS 64
#define PMTU_LIFETIME (600 * SIM_S)
#define EXCEPTION_SLOTS 64

struct pmtu_entry {
    uint32_t dst;
    uint32_t mtu;
    sim_time_t expires;
};

/* A redirected destination: a host route through another gateway, as the
 * kernel's nexthop exception (fib_nh_exception) until it expires. */
struct route_exception {
    struct route r;
    sim_time_t expires;
};

/* Sized on demand: a simulation holds a thousand hosts of two or three
 * routes each, and few ever take a redirect. */
struct route_table {
    struct route *r;           /* n of them, room for cap (grown as routes come) */
    int n, cap;
    struct pmtu_entry pmtu[PMTU_SLOTS];
    int nexceptions;           /* slots ever filled: 0 spares the lookup a probe */
    struct route_exception *exceptions;   /* EXCEPTION_SLOTS, from the first redirect taken */
};

static struct route_exception *exception_slot(struct route_table *t, uint32_t dst)
{
    return &t->exceptions[(dst * 2654435761u) >> 26];
}

struct route_table *route_table_new(void) { return xcalloc(1, sizeof(struct route_table)); }

void route_table_free(struct route_table *t)
{
    if (!t)
        return;
    free(t->r);
    free(t->exceptions);
    free(t);
}

int route_add(struct host *h, uint32_t prefix, uint8_t len, uint32_t gateway, struct netif *dev)
{
    struct route_table *t = h->routes;
    h->dst_gen++;
    if (!dev && gateway) {
        for (int i = 0; i < t->n && !dev; i++)
            if (!t->r[i].gateway && ((gateway ^ t->r[i].prefix) & route_mask(t->r[i].prefix_len)) == 0)
                dev = t->r[i].dev;
    }
    if (!dev || len > 32)
        return -1;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 4;
        t->r = xrealloc(t->r, (size_t)t->cap * sizeof *t->r);
    }
    struct route nr = { .prefix = prefix & route_mask(len), .prefix_len = len, .gateway = gateway,
                        .dev = dev };
    int i = t->n;
    while (i > 0 && t->r[i - 1].prefix_len < len) {
        t->r[i] = t->r[i - 1];
        i--;
    }
    t->r[i] = nr;
    t->n++;
    return 0;
}

int route_add_multipath(struct host *h, uint32_t prefix, uint8_t len, const uint32_t *gateways, int n,
                        enum route_hash hash)
{
    struct route_table *t = h->routes;
    if (n < 2 || n > ROUTE_MAX_NEXTHOPS)
        return -1;
    struct route_nexthop nh[ROUTE_MAX_NEXTHOPS];
    for (int k = 0; k < n; k++) {
        nh[k] = (struct route_nexthop){ .gateway = gateways[k] };
        for (int i = 0; i < t->n && !nh[k].dev; i++)
            if (!t->r[i].gateway && t->r[i].nnh < 2 &&
                ((gateways[k] ^ t->r[i].prefix) & route_mask(t->r[i].prefix_len)) == 0)
                nh[k].dev = t->r[i].dev;
        if (!nh[k].dev)
            return -1;
    }
    if (route_add(h, prefix, len, gateways[0], nh[0].dev) < 0)
        return -1;
    for (int i = 0; i < t->n; i++)
        if (t->r[i].prefix == (prefix & route_mask(len)) && t->r[i].prefix_len == len && !t->r[i].nnh &&
            t->r[i].gateway == gateways[0] && t->r[i].dev == nh[0].dev) {
            memcpy(t->r[i].nh, nh, sizeof nh[0] * (size_t)n);
            t->r[i].nnh = n;
            t->r[i].hash = hash;
            break;
        }
    return 0;
}

int route_replace(struct host *h, uint32_t prefix, uint8_t len, const uint32_t *gateways, int n, enum route_hash hash)
{
    struct route_table *t = h->routes;
    int w = 0;
    for (int i = 0; i < t->n; i++)
        if (!(t->r[i].gateway && t->r[i].prefix_len == len && t->r[i].prefix == (prefix & route_mask(len))))
            t->r[w++] = t->r[i];
    t->n = w;
    h->dst_gen++;
    return n > 1 ? route_add_multipath(h, prefix, len, gateways, n, hash) : route_add(h, prefix, len, gateways[0], NULL);
}

/* A fixed-seed mix of the flow's fields (the kernel keys its hash with a
 * per-boot secret, so only the fields hashed, not the values, can agree),
 * reduced to 31 bits as fib_multipath_hash's. */
static uint32_t mix(uint32_t h, uint32_t v)
{
    h ^= v * 0x9e3779b1u;
    h = (h << 13 | h >> 19) * 5u + 0xe6546b64u;
    return h;
}

static uint32_t flow_hash(enum route_hash policy, const uint8_t *ip, uint32_t len)
{
    const struct ipv4_hdr *h = (const struct ipv4_hdr *)ip;
    uint32_t v = mix(mix(0x4c56534cu, ntohl(h->saddr)), ntohl(h->daddr));
    uint32_t ihl = (uint32_t)(h->ver_ihl & 15) * 4;
    bool first = (ntohs(h->frag_off) & 0x1fff) == 0, more = ntohs(h->frag_off) & 0x2000;
    if (policy == ROUTE_HASH_L4 && first && !more && (h->proto == IPPROTO_TCP || h->proto == IPPROTO_UDP) &&
        len >= ihl + 4) {
        uint16_t sport, dport;
        memcpy(&sport, ip + ihl, 2);
        memcpy(&dport, ip + ihl + 2, 2);
        v = mix(mix(v, h->proto), (uint32_t)ntohs(sport) << 16 | ntohs(dport));
    }
    v ^= v >> 16;
    v *= 0x85ebca6bu;
    v ^= v >> 13;
    return v >> 1;
}

bool route_select(const struct route *r, const uint8_t *ip, uint32_t len, uint32_t *gateway, struct netif **dev)
{
    if (r->nnh < 2) {
        *gateway = r->gateway;
        *dev = r->dev;
        return true;
    }
    int alive = 0;
    for (int k = 0; k < r->nnh; k++)
        alive += (r->nh[k].dev->flags & NETIF_UP) != 0;
    if (!alive)
        return false;
    /* fib_rebalance: the k-th live next hop (equal weights) owns hashes up
     * to round((k+1) * 2^31 / alive) - 1; the first whose bound holds the
     * hash is taken */
    uint32_t hash = flow_hash(r->hash, ip, len);
    int k = 0;
    for (int i = 0; i < r->nnh; i++) {
        if (!(r->nh[i].dev->flags & NETIF_UP))
            continue;
        uint64_t bound = (((uint64_t)(k + 1) << 31) + (uint64_t)alive / 2) / (uint64_t)alive - 1;
        k++;
        if (hash <= bound || k == alive) {
            *gateway = r->nh[i].gateway;
            *dev = r->nh[i].dev;
            return true;
        }
    }
    return false;
}

void route_del(struct host *h, uint32_t prefix, uint8_t len, struct netif *dev)
{
    struct route_table *t = h->routes;
    int w = 0;
    h->dst_gen++;
    for (int i = 0; i < t->n; i++)
        if (!(t->r[i].dev == dev && t->r[i].prefix_len == len &&
              t->r[i].prefix == (prefix & route_mask(len)) && !t->r[i].gateway))
            t->r[w++] = t->r[i];
    t->n = w;
}

__attribute__((noinline)) static const struct route *exception_lookup(struct host *h, uint32_t dst)
{
    const struct route_exception *e = exception_slot(h->routes, dst);
    if (e->r.dev && e->r.prefix == dst && e->expires > rt_now(h->rt) && (e->r.dev->flags & NETIF_UP))
        return &e->r;
    return NULL;
}

/* A route is usable while its device (or one of its next hops') is up. */
static bool route_alive(const struct route *r)
{
    if (r->nnh < 2)
        return r->dev->flags & NETIF_UP;
    for (int k = 0; k < r->nnh; k++)
        if (r->nh[k].dev->flags & NETIF_UP)
            return true;
    return false;
}

const struct route *route_lookup(struct host *h, uint32_t dst)
{
    struct route_table *t = h->routes;
    if (t->nexceptions) {
        const struct route *e = exception_lookup(h, dst);
        if (e)
            return e;
    }
    for (int i = 0; i < t->n; i++)
        if (((dst ^ t->r[i].prefix) & route_mask(t->r[i].prefix_len)) == 0 && route_alive(&t->r[i]))
            return &t->r[i];
    return NULL;
}

uint32_t route_pmtu_until(struct host *h, uint32_t dst, sim_time_t *expires)
{
    struct pmtu_entry *e = &h->routes->pmtu[(dst * 2654435761u) >> 26];
    if (e->dst != dst || e->expires <= rt_now(h->rt))
        return 0;
    *expires = e->expires;
    return e->mtu;
}

uint32_t route_pmtu(struct host *h, uint32_t dst)
{
    sim_time_t expires;
    return route_pmtu_until(h, dst, &expires);
}

void route_pmtu_learn(struct host *h, uint32_t dst, uint32_t mtu)
{
    struct pmtu_entry *e = &h->routes->pmtu[(dst * 2654435761u) >> 26];
    *e = (struct pmtu_entry){ .dst = dst, .mtu = mtu, .expires = rt_now(h->rt) + PMTU_LIFETIME };
    h->dst_gen++;                 /* a struct dst_cache holds the path MTU it found */
}

void route_redirect_learn(struct host *h, uint32_t dst, uint32_t gateway, struct netif *dev, sim_time_t expires)
{
    if (!h->routes->exceptions)
        h->routes->exceptions = xcalloc(EXCEPTION_SLOTS, sizeof *h->routes->exceptions);
    struct route_exception *e = exception_slot(h->routes, dst);
    if (!e->r.dev)
        h->routes->nexceptions++;
    *e = (struct route_exception){ .r = { .prefix = dst, .prefix_len = 32, .gateway = gateway, .dev = dev },
                                   .expires = expires };
    h->dst_gen++;
}
