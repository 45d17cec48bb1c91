/*
 * The upstream group of the L7 proxy, as nginx's ngx_http_upstream module
 * keeps it: the peers, how the next one is chosen (round_robin: nginx's
 * smooth weighted round robin; least_conn: fewest requests in progress per
 * weight, ties by smooth round robin; ip_hash: a hash of the client's first
 * three octets, rehashed past unavailable peers, round robin after 20
 * tries) and passive health: a failed attempt counts against the peer, and
 * max_fails failures within fail_timeout make it unavailable for
 * fail_timeout, after which one request tries it again; a success after
 * that trial forgets the failures. As nginx, times are whole seconds of the
 * clock (ngx_time()), a group of one peer never counts failures, and
 * max_fails 0 turns the accounting off. Pure logic, no sockets: the proxy
 * (apps/proxy.c) asks for a peer and reports how the attempt went.
 */
#ifndef APPS_PROXY_PEERS_H
#define APPS_PROXY_PEERS_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/simtime.h"

#define PROXY_MAX_PEERS 32

enum proxy_balance { PROXY_ROUND_ROBIN, PROXY_LEAST_CONN, PROXY_IP_HASH };

struct proxy_peer {
    uint32_t addr;
    uint16_t port;
    int weight, effective_weight, current_weight;
    uint32_t conns;            /* requests in progress */
    uint32_t fails;
    int64_t accessed, checked; /* whole seconds, as nginx's time_t */
    uint64_t chosen, failures; /* counts for the results */
};

struct proxy_peers {
    enum proxy_balance balance;
    struct proxy_peer peer[PROXY_MAX_PEERS];
    int n;
    int total_weight;
    uint32_t max_fails;
    int64_t fail_timeout_s;
};

/* One request's choices: the peers already tried, its ip_hash state. */
struct proxy_pick {
    uint32_t tried;            /* bit per peer */
    int tries_left;            /* nginx's pc->tries: the peers, then 0 */
    uint32_t hash;             /* ip_hash: where the last rehash stopped */
    int hash_tries;
    uint8_t client[3];         /* ip_hash: the client's first three octets */
};

/* "round_robin", "least_conn", "ip_hash"; -1 if none. */
int proxy_balance_parse(const char *name);
const char *proxy_balance_name(enum proxy_balance b);

void proxy_peers_init(struct proxy_peers *g, enum proxy_balance balance, uint32_t max_fails,
                      sim_time_t fail_timeout);
/* Add a peer of weight 1; false when the group is full. */
bool proxy_peers_add(struct proxy_peers *g, uint32_t addr, uint16_t port);

void proxy_pick_init(struct proxy_pick *p, const struct proxy_peers *g, uint32_t client);
/* The next peer for this request (its conns counted), or -1: none is
 * available or untried (nginx's NGX_BUSY: "no live upstreams"). */
int proxy_peers_get(struct proxy_peers *g, struct proxy_pick *p, sim_time_t now);
/* The attempt on peer i is over; failed: an error talking to it. */
void proxy_peers_free(struct proxy_peers *g, int i, bool failed, sim_time_t now);
/* Whether peer i is being avoided now (max_fails reached within fail_timeout). */
bool proxy_peers_down(const struct proxy_peers *g, int i, sim_time_t now);

#endif
