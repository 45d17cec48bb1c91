/* Routing: routes kept sorted by prefix length (longest first) so the first
 * match is the longest; a small path-MTU cache and the exceptions ICMP
 * redirects made beside them. */
#include "net/route.h"

#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"

#define ROUTES_MAX 256
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

struct route_table {
    struct route r[ROUTES_MAX];
    int n;
    struct pmtu_entry pmtu[PMTU_SLOTS];
    int nexceptions;           /* slots ever filled: 0 spares the lookup a probe */
    struct route_exception exceptions[EXCEPTION_SLOTS];
};

static struct route_exception *exception_slot(struct route_table *t, uint32_t dst)
{
    return &t->exceptions[(dst * 2654435761u) >> 26];
}

struct route_table *route_table_new(void) { return xcalloc(1, sizeof(struct route_table)); }

void route_table_free(struct route_table *t) { free(t); }

int route_add(struct host *h, uint32_t prefix, uint8_t len, uint32_t gateway, struct netif *dev)
{
    struct route_table *t = h->routes;
    h->dst_gen++;
    if (!dev && gateway) {
        for (int i = 0; i < t->n && !dev; i++)
            if (!t->r[i].gateway && ((gateway ^ t->r[i].prefix) & route_mask(t->r[i].prefix_len)) == 0)
                dev = t->r[i].dev;
    }
    if (!dev || t->n == ROUTES_MAX || len > 32)
        return -1;
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

const struct route *route_lookup(struct host *h, uint32_t dst)
{
    struct route_table *t = h->routes;
    if (t->nexceptions) {
        const struct route *e = exception_lookup(h, dst);
        if (e)
            return e;
    }
    for (int i = 0; i < t->n; i++)
        if (((dst ^ t->r[i].prefix) & route_mask(t->r[i].prefix_len)) == 0 &&
            (t->r[i].dev->flags & NETIF_UP))
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
    struct route_exception *e = exception_slot(h->routes, dst);
    if (!e->r.dev)
        h->routes->nexceptions++;
    *e = (struct route_exception){ .r = { .prefix = dst, .prefix_len = 32, .gateway = gateway, .dev = dev },
                                   .expires = expires };
    h->dst_gen++;
}
