/*
 * Stack benchmark: the back-to-back 10 MB TCP transfer (two hosts, a wire
 * with no rate limit and 50 us each way, no loss), timed in wall-clock
 * seconds from connect to the last byte delivered. One line.
 *   stack_tcp                  Linux's buffers, autotuned (3 MB in flight here)
 *   stack_tcp --fixed-buffers  256 KB of window and send buffer, no autotuning:
 *                              the workload of the stack before autotuning
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "net/tcp.h"
#include "../tests/support/wire.h"

#define TOTAL (10u * 1000 * 1000)

struct bench {
    struct tcp_sock *client;
    uint64_t sent, received;
    struct sched *s;
    bool shut;
};

static uint8_t chunk[65536];

static void *on_accept(void *ctx, struct tcp_sock *l, struct tcp_sock *s)
{
    (void)l, (void)s;
    return ctx;
}

static size_t on_recv(void *ctx, struct tcp_sock *s, const uint8_t *data, size_t len)
{
    (void)s, (void)data;
    struct bench *b = ctx;
    b->received += len;
    if (b->received == TOTAL)
        sched_stop(b->s);
    return len;
}

static void pump(void *ctx, struct tcp_sock *s)
{
    (void)s;
    struct bench *b = ctx;
    while (b->sent < TOTAL) {
        size_t n = TOTAL - b->sent < sizeof chunk ? TOTAL - b->sent : sizeof chunk;
        size_t took = tcp_send(b->client, chunk, n);
        b->sent += took;
        if (took < n)
            return;
    }
    if (!b->shut) {
        b->shut = true;
        tcp_shutdown(b->client);
    }
}

static const struct tcp_callbacks server_cb = { .accepted = on_accept, .received = on_recv };
static const struct tcp_callbacks client_cb = { .connected = pump, .writable = pump };

static void fix_buffers(struct host *h)
{
    struct tcp_config *c = tcp_stack_config(h);
    c->rmem[1] = c->rmem[2] = 512 * 1024;    /* half of it is window */
    c->wmem[1] = c->wmem[2] = 256 * 1024;
    c->moderate_rcvbuf = false;
}

int main(int argc, char **argv)
{
    bool fixed = argc > 1 && !strcmp(argv[1], "--fixed-buffers");
    if (argc > 1 && !fixed) {
        fprintf(stderr, "usage: stack_tcp [--fixed-buffers]\n");
        return 2;
    }
    static struct sched s;
    sched_init(&s);
    struct pkt_pool *pool = pkt_pool_new();
    struct wire_pair pair;
    wire_pair(&pair, &s, pool, 50 * SIM_US, 1);
    struct host *a = pair.a, *b = pair.b;
    if (fixed) {
        fix_buffers(a);
        fix_buffers(b);
    }
    struct bench server = { .s = &s }, client = { .s = &s };
    tcp_listen(b, 0, 5001, 16, &server_cb, &server);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    client.client = tcp_connect(a, 0, IP4(10, 0, 0, 2), 5001, &client_cb, &client);
    sched_run(&s);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("stack tcp bytes=%llu wall_s=%.4f gbit_per_s=%.2f\n", (unsigned long long)server.received,
           wall, (double)server.received * 8 / wall / 1e9);
    int ok = server.received == TOTAL;
    sched_run(&s);            /* let both ends finish before freeing */
    wire_pair_free(&pair);
    pkt_pool_free(pool);
    sched_destroy(&s);
    return ok ? 0 : 1;
}
