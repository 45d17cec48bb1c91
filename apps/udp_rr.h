/*
 * UDP request/response, DNS-like: each request is one datagram in the
 * framing of apps/msg_frame.h (its length, the answer's length, a sequence
 * number), each answer one datagram carrying the server's id. The client
 * times requests with a closed or open loop (apps/load.h), gives each
 * attempt a timeout and resends a bounded number of times, then counts the
 * request as failed; answers that come after that are counted as late. The
 * server charges a service time on the CPU seam before answering; work the
 * CPU refuses is dropped, as a full socket buffer would. Sizes are whole
 * datagrams, 16..65507 bytes (larger ones go out as IP fragments).
 */
#ifndef APPS_UDP_RR_H
#define APPS_UDP_RR_H

#include <stdint.h>

#include "apps/cpu.h"
#include "apps/load.h"
#include "apps/stats.h"
#include "engine/dist.h"
#include "net/host.h"

#define UDPRR_MAX_LEN 65507

struct udprr_client_cfg {
    const char *name;
    uint64_t seed;
    uint32_t src;              /* 0: any (the route's address) */
    uint32_t dst;
    uint16_t dport;
    struct app_load_cfg load;
    struct dist req_size, resp_size;
    sim_time_t timeout;        /* per attempt; 0: 1 s */
    int retries;
    sim_time_t win_start, win_stop;   /* win_stop 0: never ends */
};

struct udprr_client;

/* NULL if no local port could be bound. Streams "<name>@<host>/load" and
 * "<name>@<host>/sizes". */
struct udprr_client *udprr_client_new(struct host *h, const struct udprr_client_cfg *cfg);
void udprr_client_start(struct udprr_client *c);
const struct app_stats *udprr_client_stats(const struct udprr_client *c);
void udprr_client_free(struct udprr_client *c);

struct udprr_server_cfg {
    const char *name;
    uint64_t seed;
    uint32_t addr;             /* the address answers leave from: the VIP on DR and TUN
                                  real servers; 0: any, answers from the route's */
    uint16_t port;
    uint32_t id;               /* 0: the address the request was sent to (the VIP
                                  behind a DR/TUN director: give each real server an id) */
    struct dist service;
    const struct app_cpu *cpu; /* NULL: infinitely fast */
};

struct udprr_server_stats {
    uint64_t requests, responses, refused, bad;
};

struct udprr_server;

struct udprr_server *udprr_server_new(struct host *h, const struct udprr_server_cfg *cfg);
const struct udprr_server_stats *udprr_server_stats(const struct udprr_server *s);
void udprr_server_free(struct udprr_server *s);

#endif
