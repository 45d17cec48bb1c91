/*
 * Bulk transfers, as iperf: a client connects and asks the server to send
 * (download) or to receive (upload) a byte count or for a duration. The
 * client's 24-byte request says which (network byte order: magic "LVB1",
 * direction, bytes, duration in ns); a download starts with the server's
 * 8-byte hello (magic "LVBS", its id) and ends with its FIN; an upload ends
 * with the client's FIN and the server's 16-byte receipt (magic "LVBE", its
 * id, the bytes it got), so both ends agree on every byte. Data bytes follow
 * app_pattern(0, offset) and are checked where they arrive. The sender
 * looks at the clock whenever the socket takes data, so a timed transfer
 * ends within one send buffer of its duration.
 */
#ifndef APPS_BULK_H
#define APPS_BULK_H

#include <stdint.h>

#include "apps/stats.h"
#include "net/host.h"

enum bulk_dir { BULK_DOWN, BULK_UP };

struct bulk_client_cfg {
    const char *name;
    uint32_t src;              /* 0: the route's source address */
    uint32_t dst;
    uint16_t dport;
    enum bulk_dir dir;
    uint64_t bytes;            /* data bytes to move; 0: until duration */
    sim_time_t duration;       /* used when bytes is 0 */
    int streams;               /* parallel connections; 0: 1 */
    sim_time_t start;
    sim_time_t timeout;        /* a stream not done by then is aborted; 0: never */
    sim_time_t win_start, win_stop;   /* goodput window (win_stop 0: never ends) */
};

struct bulk_client;

/* Downloads count received bytes in the client's stats (goodput there);
 * uploads count sent bytes, and the server's stats hold what arrived. A
 * stream's time from connect to done goes into the latency histogram. */
struct bulk_client *bulk_client_new(struct host *h, const struct bulk_client_cfg *cfg);
void bulk_client_start(struct bulk_client *c);
const struct app_stats *bulk_client_stats(const struct bulk_client *c);
void bulk_client_free(struct bulk_client *c);

struct bulk_server_cfg {
    uint32_t addr;             /* 0: any */
    uint16_t port;
    uint32_t id;               /* 0: the connection's local address (the VIP on DR/TUN) */
    sim_time_t win_start, win_stop;   /* goodput window of uploads (win_stop 0: never) */
};

struct bulk_server;

/* NULL if the port is taken. Its stats count transfers served, upload
 * bytes received (bytes_received, win_bytes) and bytes sent. */
struct bulk_server *bulk_server_new(struct host *h, const struct bulk_server_cfg *cfg);
const struct app_stats *bulk_server_stats(const struct bulk_server *s);
void bulk_server_free(struct bulk_server *s);

#endif
