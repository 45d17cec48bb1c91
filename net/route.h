/*
 * A host's routing table: longest-prefix match over routes with an
 * optional gateway, connected routes added with each address, multipath
 * routes (ECMP: several next hops, one picked per flow as Linux's
 * fib_select_multipath does), the path-MTU cache fed by ICMP
 * fragmentation-needed, and the exceptions ICMP redirects make.
 */
#ifndef NET_ROUTE_H
#define NET_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "net/host.h"

#define ROUTE_MAX_NEXTHOPS 8

/* Linux's net.ipv4.fib_multipath_hash_policy: 0 hashes the addresses, 1
 * the 5-tuple (addresses alone for fragments and other protocols). */
enum route_hash { ROUTE_HASH_L3 = 0, ROUTE_HASH_L4 = 1 };

struct route_nexthop {
    uint32_t gateway;
    struct netif *dev;
};

struct route {
    uint32_t prefix;
    uint8_t prefix_len;
    uint32_t gateway;          /* 0: on-link; a multipath route: its first next hop's */
    struct netif *dev;
    uint32_t src;              /* preferred source; 0: the device's first address */
    struct route_nexthop nh[ROUTE_MAX_NEXTHOPS];   /* a multipath route's next hops (nnh > 1) */
    int nnh;
    enum route_hash hash;
};

struct route_table *route_table_new(void);
void route_table_free(struct route_table *t);

/* Add a route through gateway (0: on-link) on dev; dev NULL picks the
 * interface whose subnet holds the gateway. 0, or -1 when no interface
 * reaches the gateway (the table grows as routes come). */
int route_add(struct host *h, uint32_t prefix, uint8_t prefix_len, uint32_t gateway, struct netif *dev);
/* A multipath route through n gateways (2..ROUTE_MAX_NEXTHOPS, each on the
 * interface whose subnet holds it) picked per flow with the hash policy.
 * 0, or -1 when no interface reaches a gateway. */
int route_add_multipath(struct host *h, uint32_t prefix, uint8_t prefix_len, const uint32_t *gateways, int n,
                        enum route_hash hash);
/* Replace every route through a gateway to exactly prefix/len by one
 * through gateways[0..n) (n 1: a single-path route), as `ip route
 * replace`. 0, or -1 as route_add and route_add_multipath. */
int route_replace(struct host *h, uint32_t prefix, uint8_t prefix_len, const uint32_t *gateways, int n,
                  enum route_hash hash);
/* The next hop of r for the IPv4 packet at ip (len bytes): r's own for a
 * single-path route; for a multipath one, the live next hop (device up)
 * the flow's hash falls to, by hash-threshold (RFC 2992) over the live
 * ones as Linux's fib_select_multipath. false when none is alive. */
bool route_select(const struct route *r, const uint8_t *ip, uint32_t len, uint32_t *gateway, struct netif **dev);

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
