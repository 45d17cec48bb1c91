/*
 * The HTTP-like client on one host: HTTP/1.1 POST requests (apps/http_wire.h)
 * timed by a closed or open loop (apps/load.h), each with request and
 * response lengths drawn from distributions, sent over a kept-alive
 * connection ("Connection: keep-alive") or a new one per request
 * ("Connection: close", the server closing after its answer). Each answer is
 * matched to its request by sequence number, checked byte by byte and
 * counted for the server id it names. Every attempt has a timeout; a failed
 * attempt (refused, reset, timed out, no route, bad answer) is retried a
 * bounded number of times, then counted as failed, so the generator never
 * hangs. Draws come from the streams "<name>@<host>/load" and
 * "<name>@<host>/sizes" of the seed.
 */
#ifndef APPS_HTTP_CLIENT_H
#define APPS_HTTP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "apps/load.h"
#include "apps/stats.h"
#include "engine/dist.h"
#include "net/host.h"

struct http_client_cfg {
    const char *name;          /* the workload's name */
    uint64_t seed;
    uint32_t src;              /* 0: the route's source address */
    uint32_t dst;              /* the server or the VIP */
    uint16_t dport;
    struct app_load_cfg load;
    struct dist req_size, resp_size;   /* whole messages, header included, bytes; a
                                          size below the header gives the header alone */
    bool keepalive;            /* reuse idle connections; else one per request */
    sim_time_t timeout;        /* per attempt, connection set-up included; 0: 10 s */
    int retries;               /* attempts again after a failure */
    sim_time_t win_start, win_stop;    /* measurement window (win_stop 0: never ends) */
};

struct http_client;

struct http_client *http_client_new(struct host *h, const struct http_client_cfg *cfg);
/* Arm the load; requests start at cfg->load.start. */
void http_client_start(struct http_client *c);
const struct app_stats *http_client_stats(const struct http_client *c);
/* Abort its connections and free; before the host is freed. */
void http_client_free(struct http_client *c);

#endif
