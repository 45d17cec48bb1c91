/*
 * The HTTP-like server on one host: reads an HTTP/1.1 request
 * (apps/http_wire.h), charges a service time drawn from a distribution on
 * the node's CPU (apps/cpu.h), then answers "200 OK" with the total length
 * the request asked for and its id in the X-Lvslab field, so clients behind
 * a VIP count each real server's share. Kept-alive connections serve
 * requests one after another; a request with "Connection: close" is
 * answered likewise and the server closes first. A plain GET (a health
 * checker's, apps/http_wire.h) is served like a request, CPU time
 * included, and answered with the health page: its status and body when
 * the path (the target up to any '?') is the health path or no health
 * path is set, else 404 Not Found. A malformed request or
 * body resets the connection, and so does work the CPU refuses (backlog
 * full), as an overloaded server's dropped accept queue would. Service times
 * draw from the stream "<name>@<host>".
 */
#ifndef APPS_HTTP_SERVER_H
#define APPS_HTTP_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "apps/cpu.h"
#include "engine/dist.h"
#include "net/host.h"

struct http_server_cfg {
    const char *name;
    uint64_t seed;
    uint32_t addr;             /* 0: any local address */
    uint16_t port;
    int backlog;               /* handshakes in progress; 0: 128 */
    uint32_t id;               /* sent in each response; 0: the connection's local
                                  address (the VIP on DR/TUN servers: set the RIP) */
    struct dist service;       /* CPU time per request, ns */
    const struct app_cpu *cpu; /* NULL: infinitely fast; must outlive the server */
    const char *health_path;   /* the page GET finds; NULL or "": every path */
    int health_status;         /* its status, 200-599; 0: 200 */
    const char *health_body;   /* its body; NULL: HTTP_SERVER_HEALTH_BODY */
};

#define HTTP_SERVER_HEALTH_BODY "OK\n"   /* MD5 d36f8f9425c4a8000ad9c4a97185aca5 */

#define HTTP_SERVER_MAX_SEEN 64

/* Distinct client addresses, as many as fit. */
struct http_seen {
    uint32_t addr[HTTP_SERVER_MAX_SEEN];
    int n;
    uint64_t beyond;           /* addresses not kept: the table was full */
};

struct http_server_stats {
    uint64_t accepted, requests, responses;
    struct http_seen peers;    /* the source addresses connections came from */
    struct http_seen toa;      /* client addresses a FULLNAT director passed in TOA */
    uint64_t refused;          /* requests the CPU refused (connection reset) */
    uint64_t bad;              /* malformed requests or bodies (connection reset) */
    uint64_t gets;             /* GETs answered (health checks): not in the counts above */
    uint64_t bytes_in, bytes_out;   /* bytes_out: the workload's responses, not pages */
};

struct http_server;

/* NULL if the port is taken. */
struct http_server *http_server_new(struct host *h, const struct http_server_cfg *cfg);
const struct http_server_stats *http_server_stats(const struct http_server *s);
/* The process dies: the listener and every connection closed as Linux
 * closes a dead process's sockets (FIN, or RST when unread data is left;
 * new SYNs meet no listener and get RST), CPU work cancelled; counts stay. */
void http_server_stop(struct http_server *s);
/* Listen again after a stop; false if the port is taken meanwhile. */
bool http_server_start(struct http_server *s);
bool http_server_running(const struct http_server *s);
/* Stop listening, cancel CPU work, abort connections, free; before the host. */
void http_server_free(struct http_server *s);

#endif
