/*
 * A host's routing table: longest-prefix match over routes with an
 * optional gateway, connected routes added with each address, the
 * path-MTU cache fed by ICMP fragmentation-needed, and the exceptions
 * ICMP redirects make.
 */
#ifndef NET_ROUTE_H
#define NET_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "net/host.h"

struct route {
    uint32_t prefix;
    uint8_t prefix_len;
    uint32_t gateway;          /* 0: on-link */
    struct netif *dev;
    uint32_t src;              /* preferred source; 0: the device's first address */
};

struct route_table *route_table_new(void);
void route_table_free(struct route_table *t);

/* Add a route through gateway (0: on-link) on dev; dev NULL picks the
 * interface whose subnet holds the gateway. 0, or -1 when no interface
 * reaches the gateway or the table is full. */
int route_add(struct host *h, uint32_t prefix, uint8_t prefix_len, uint32_t gateway, struct netif *dev);
/* Remove every route through dev for the prefix (addresses going away). */
void route_del(struct host *h, uint32_t prefix, uint8_t prefix_len, struct netif *dev);
/* The longest-prefix route to dst, or NULL. */
const struct route *route_lookup(struct host *h, uint32_t dst);

/* Path MTU learnt for dst (0: none), and learning it. Entries last 10 min;
 * learning bumps the host's dst_gen (a struct dst_cache keeps what
 * route_pmtu_until found). */
uint32_t route_pmtu(struct host *h, uint32_t dst);
/* route_pmtu, and when it is not 0, the time at which it lapses. */
uint32_t route_pmtu_until(struct host *h, uint32_t dst, sim_time_t *expires);
void route_pmtu_learn(struct host *h, uint32_t dst, uint32_t mtu);

/* An ICMP redirect taken: dst goes through gateway on dev until expires
 * (a host route that route_lookup prefers); bumps the host's dst_gen. */
void route_redirect_learn(struct host *h, uint32_t dst, uint32_t gateway, struct netif *dev, sim_time_t expires);

static inline uint32_t route_mask(uint8_t len) { return len ? ~0u << (32 - len) : 0; }

#endif
