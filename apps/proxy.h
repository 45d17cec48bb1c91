/*
 * An L7 reverse proxy on one host, modelled on nginx's proxy_pass to an
 * upstream group: it reads a client's HTTP/1.1 request (apps/http_wire.h)
 * whole, as nginx buffers a request body, charges its CPU cost, picks a
 * peer (apps/proxy_peers.h: round_robin, least_conn, ip_hash; passive
 * health by max_fails and fail_timeout) and passes the request on with an
 * "X-Forwarded-For: <client>" field, over a kept-alive upstream connection
 * when one to that peer is idle (nginx's "keepalive N": at most N idle
 * connections cached, the least recently used closed beyond that; without
 * it every request opens one and asks the peer to close it). The answer is
 * relayed to the client as it arrives, its header rewritten for the
 * client's connection (see docs/fidelity.md). An upstream that refuses or
 * cannot be reached before the request is sent counts as a failure and the
 * next peer is tried (proxy_next_upstream error timeout); once the request
 * was sent (a POST is not idempotent) an error answers 502 Bad Gateway, a
 * timeout 504, and so does finding no peer at all (502). A plain GET (a
 * health checker's) is answered by the proxy itself with 200 "OK\n". Its
 * own measurements: requests, answers, upstream errors, 502/504s, upstream
 * connections opened and reused, and the latency it adds (time the request
 * spends in the proxy outside the upstream's answer).
 */
#ifndef APPS_PROXY_H
#define APPS_PROXY_H

#include <stdbool.h>
#include <stdint.h>

#include "apps/cpu.h"
#include "apps/proxy_peers.h"
#include "engine/histogram.h"
#include "net/host.h"

struct proxy_cfg {
    uint32_t addr;             /* 0: any local address */
    uint16_t port;
    int backlog;               /* 0: 128 */
    enum proxy_balance balance;
    uint32_t upstream_addr[PROXY_MAX_PEERS];
    uint16_t upstream_port[PROXY_MAX_PEERS];
    int nupstream;             /* at least 1 */
    int keepalive;             /* idle upstream connections kept; 0: one per request */
    uint32_t max_fails;        /* nginx's default 1; 0: no accounting */
    sim_time_t fail_timeout;   /* nginx's default 10 s */
    sim_time_t timeout;        /* connect and read timeout upstream; 0: 60 s as nginx */
    sim_time_t cpu_per_request;
    double cpu_per_byte_ns;    /* for each byte of request and response relayed */
    const struct app_cpu *cpu; /* NULL: infinitely fast; must outlive the proxy */
};

struct proxy_stats {
    uint64_t accepted, requests, responses;   /* requests read, answers relayed */
    uint64_t bad_gateway, gateway_timeout;    /* 502s and 504s sent */
    uint64_t upstream_errors;  /* attempts that failed (refused, reset, timed out, bad answer) */
    uint64_t upstream_conns, upstream_reused; /* connections opened; requests on a cached one */
    uint64_t bad, refused;     /* malformed client requests; work the CPU refused (reset) */
    uint64_t gets;             /* GETs answered by the proxy itself */
    uint64_t bytes_in, bytes_out;   /* from and to clients */
    struct histogram added;    /* ns the proxy added to each relayed request */
};

struct proxy;

/* NULL if the port is taken or the group empty. */
struct proxy *proxy_new(struct host *h, const struct proxy_cfg *cfg);
const struct proxy_stats *proxy_stats(const struct proxy *p);
const struct proxy_peers *proxy_group(const struct proxy *p);
/* The process dies: every socket closed as Linux closes a dead process's
 * (FIN, or RST with unread data), new connections refused; counts stay. */
void proxy_stop(struct proxy *p);
/* Runs again with fresh upstream state; false if the port is taken. */
bool proxy_start(struct proxy *p);
bool proxy_running(const struct proxy *p);
void proxy_free(struct proxy *p);

#endif
