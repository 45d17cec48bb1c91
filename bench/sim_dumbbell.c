/*
 * Simulated-network benchmark of the shape of ../shared/bench/ns3/lvs_dumbbell.cc:
 * 4 clients and 8 servers, each on its own 1 Gbit/s, 50 us link to one router
 * (100-packet drop-tail queues), 32 bulk TCP flows from the servers to the
 * clients (flow f: server f % 8 to client (f / 8) % 4, started 10 ms + 100 us x f),
 * for 5 simulated seconds; once without and once with pcap on every link.
 * The senders run Reno (not the default CUBIC), as the twin runs NewReno.
 *   sim_dumbbell [--sim-s=S] [--pcap=0|1]   one case; without --pcap both cases
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/route.h"
#include "net/tcp.h"
#include "sim/nic.h"
#include "sim/world.h"

#define CLIENTS 4
#define SERVERS 8
#define FLOWS 32
#define PORT 9000
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static uint8_t chunk[1448 * 16];
static uint64_t delivered;

static void *accepted(void *ctx, struct tcp_sock *l, struct tcp_sock *s)
{
    (void)l, (void)s;
    return ctx;
}

static size_t sink(void *ctx, struct tcp_sock *s, const uint8_t *d, size_t len)
{
    (void)ctx, (void)s, (void)d;
    delivered += len;
    return len;
}

static void fill(void *ctx, struct tcp_sock *s)
{
    (void)ctx;
    while (tcp_send_ref(s, chunk, sizeof chunk) == sizeof chunk)
        ;
}

static const struct tcp_callbacks sink_cb = { .accepted = accepted, .received = sink };
static const struct tcp_callbacks bulk_cb = { .connected = fill, .writable = fill };

struct start {
    struct sim_node *server;
    uint32_t client_addr;
};

static void start_flow(void *arg)
{
    struct start *st = arg;
    tcp_connect(st->server->host, 0, st->client_addr, PORT, &bulk_cb, NULL);
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int run(double sim_s, int pcap)
{
    struct sim_world *w = sim_world_new(1);
    char dir[] = "/tmp/lvslab-dumbbell-XXXXXX";
    if (pcap) {
        if (!mkdtemp(dir))
            return 1;
        sim_world_capture(w, dir);
    }
    const struct sim_link_params link = { .rate_bps = 1000000000, .delay = 50 * SIM_US, .mtu = 1500,
                                          .queue_pkts = 100 };
    struct sim_node *r = sim_add_router(w, "router");
    struct sim_node *c[CLIENTS], *s[SERVERS];
    char name[SIM_NAME_MAX];
    for (int i = 0; i < CLIENTS; i++) {
        snprintf(name, sizeof name, "client%d", i + 1);
        c[i] = sim_add_host(w, name);
        sim_connect(w, c[i], r, &link);
        netif_add_addr(c[i]->nics[0]->nif, IP4(10, 1, i + 1, 1), 24);
        netif_add_addr(r->nics[r->nnics - 1]->nif, IP4(10, 1, i + 1, 2), 24);
        route_add(c[i]->host, 0, 0, IP4(10, 1, i + 1, 2), NULL);
        tcp_listen(c[i]->host, 0, PORT, 64, &sink_cb, NULL);
    }
    for (int j = 0; j < SERVERS; j++) {
        snprintf(name, sizeof name, "server%d", j + 1);
        s[j] = sim_add_host(w, name);
        sim_connect(w, s[j], r, &link);
        netif_add_addr(s[j]->nics[0]->nif, IP4(10, 2, j + 1, 1), 24);
        netif_add_addr(r->nics[r->nnics - 1]->nif, IP4(10, 2, j + 1, 2), 24);
        route_add(s[j]->host, 0, 0, IP4(10, 2, j + 1, 2), NULL);
        strcpy(tcp_stack_config(s[j]->host)->cc, "reno");   /* as the ns-3 twin's TcpNewReno */
    }
    static struct start starts[FLOWS];
    for (int f = 0; f < FLOWS; f++) {
        starts[f] = (struct start){ s[f % SERVERS], IP4(10, 1, (f / SERVERS) % CLIENTS + 1, 1) };
        sched_call_at(&w->sched, 10 * SIM_MS + f * 100 * SIM_US, start_flow, &starts[f]);
    }
    delivered = 0;
    double t0 = wall_now();
    sched_run_until(&w->sched, (sim_time_t)(sim_s * SIM_S));
    double wall = wall_now() - t0;
    unsigned long long events = sched_executed(&w->sched);
    /* teardown closes the taps: what is still buffered or in flight reaches the file */
    sim_world_free(w);
    double teardown = wall_now() - t0 - wall;
    printf("sim dumbbell pcap=%d sim_s=%.3f wall_s=%.3f teardown_s=%.3f events=%llu goodput_mbps=%.1f\n", pcap,
           sim_s, wall, teardown, events, (double)delivered * 8 / (sim_s - 0.01) / 1e6);
    fflush(stdout);
    if (pcap) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        if (system(cmd) != 0)
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    double sim_s = 5;
    int pcap = -1;
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--sim-s=", 8))
            sim_s = atof(argv[i] + 8);
        else if (!strncmp(argv[i], "--pcap=", 7))
            pcap = atoi(argv[i] + 7);
        else {
            fprintf(stderr, "usage: sim_dumbbell [--sim-s=S] [--pcap=0|1]\n");
            return 2;
        }
    }
    if (pcap >= 0)
        return run(sim_s, pcap);
    return run(sim_s, 0) || run(sim_s, 1);
}
