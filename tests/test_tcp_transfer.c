/* TCP end to end: 10 MB between two hosts joined back to back (10 Gbit/s,
 * 50 us), without loss and with 1% loss each way: every byte arrives in
 * order and is acked, loss is repaired by (fast) retransmission and there
 * is none without it, both ends see one EOF and close normally, TIME_WAIT
 * runs out, no packet is left; the same when the sender mixes copied, lent
 * (tcp_send_ref) and generated (tcp_send_gen) bytes. With LVSLAB_TCP_PCAP /
 * LVSLAB_TCP_PCAP_LOSS set, the frames go to those pcaps (tests/tcp_pcap.sh
 * checks them with tshark). */
#include <criterion/criterion.h>
#include <pcap/pcap.h>
#include <stdlib.h>

#include "net/tcp.h"
#include "support/wire.h"

#define TOTAL (10u * 1000 * 1000)
#define PORT 5001

static uint8_t pattern(uint64_t i) { return (uint8_t)((i * 2654435761u) >> 13); }

/* The pattern repeats every 2^21 bytes (a byte is bits 13-20 of i * K):
 * lent bytes come from one period of it. */
#define PERIOD (1u << 21)
static uint8_t period[PERIOD];

static void pattern_fill(uint64_t arg, uint64_t off, uint8_t *dst, size_t n)
{
    (void)arg;
    for (size_t i = 0; i < n; i++)
        dst[i] = pattern(off + i);
}

enum how { COPIED, MIXED };

struct xfer {
    enum how how;
    unsigned chunks;
    struct tcp_sock *client;
    uint64_t sent, received, bad_bytes;
    int eofs, closed_normal, closed_other;
    bool shut;
    struct tcp_sock_stats stats;   /* at the closed() callback */
};

static void *on_accept(void *ctx, struct tcp_sock *l, struct tcp_sock *s)
{
    (void)l, (void)s;
    return ctx;
}

static size_t on_recv(void *ctx, struct tcp_sock *s, const uint8_t *data, size_t len)
{
    (void)s;
    struct xfer *x = ctx;
    for (size_t i = 0; i < len; i++)
        x->bad_bytes += data[i] != pattern(x->received + i);
    x->received += len;
    return len;
}

static void on_eof(void *ctx, struct tcp_sock *s)
{
    struct xfer *x = ctx;
    x->eofs++;
    if (!x->client)
        tcp_shutdown(s);      /* the server closes its side when the client is done */
}

/* Copied, lent and generated chunks in turn (MIXED), else all copied. */
static size_t send_chunk(struct xfer *x, uint8_t *buf, size_t n)
{
    static const struct tcp_gen gen = { pattern_fill, 0 };
    unsigned turn = x->how == MIXED ? x->chunks++ % 3 : 0;
    if (turn == 1) {          /* two loans where the chunk crosses the period's end */
        size_t at = x->sent % PERIOD, first = PERIOD - at < n ? PERIOD - at : n;
        size_t took = tcp_send_ref(x->client, period + at, first);
        return took < first ? took : took + tcp_send_ref(x->client, period, n - first);
    }
    if (turn == 2)
        return tcp_send_gen(x->client, &gen, x->sent, n);
    for (size_t i = 0; i < n; i++)
        buf[i] = pattern(x->sent + i);
    return tcp_send(x->client, buf, n);
}

static void pump(struct xfer *x)
{
    uint8_t buf[16384];
    while (x->sent < TOTAL) {
        size_t n = TOTAL - x->sent < sizeof buf ? TOTAL - x->sent : sizeof buf;
        size_t took = send_chunk(x, buf, n);
        x->sent += took;
        if (took < n)
            return;           /* writable() calls back */
    }
    if (!x->shut) {
        x->shut = true;
        tcp_shutdown(x->client);
    }
}

static void on_connected(void *ctx, struct tcp_sock *s)
{
    (void)s;
    pump(ctx);
}

static void on_writable(void *ctx, struct tcp_sock *s)
{
    (void)s;
    pump(ctx);
}

static void on_closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    struct xfer *x = ctx;
    if (why == TCP_CLOSE_NORMAL)
        x->closed_normal++;
    else
        x->closed_other++;
    tcp_sock_stats(s, &x->stats);
}

static const struct tcp_callbacks server_cb = {
    .accepted = on_accept, .received = on_recv, .eof = on_eof, .closed = on_closed,
};
static const struct tcp_callbacks client_cb = {
    .connected = on_connected, .writable = on_writable, .eof = on_eof, .closed = on_closed,
};

struct capture {
    pcap_dumper_t *dump;
    uint64_t frames;
};

static void capture(void *ctx, const struct pkt *frame, sim_time_t t)
{
    struct capture *c = ctx;
    struct pcap_pkthdr ph = { .ts = { .tv_sec = t / SIM_S, .tv_usec = (t % SIM_S) / SIM_US },
                              .caplen = frame->len, .len = frame->len };
    pcap_dump((u_char *)c->dump, &ph, frame->data);
    c->frames++;
}

static void transfer(double loss, enum how how, const char *pcap_env)
{
    for (uint32_t i = 0; i < PERIOD; i++)
        period[i] = pattern(i);
    static struct sched s;
    sched_init(&s);
    struct pkt_pool *pool = pkt_pool_new();
    struct wire_pair pair;
    wire_pair(&pair, &s, pool, 50 * SIM_US, 7);
    struct host *a = pair.a, *b = pair.b;
    struct wire *w = &pair.w;
    w->rate_bps = 10000000000ull;
    w->loss = loss;
    pcap_t *dead = NULL;
    struct capture cap = { 0 };
    const char *path = getenv(pcap_env);
    if (path) {
        dead = pcap_open_dead(DLT_EN10MB, 65535);
        cap.dump = pcap_dump_open(dead, path);
        cr_assert_not_null(cap.dump, "%s: %s", path, pcap_geterr(dead));
        w->capture = capture;
        w->capture_ctx = &cap;
    }
    struct xfer server = { 0 }, client = { .how = how };
    cr_assert_not_null(tcp_listen(b, 0, PORT, 16, &server_cb, &server));
    client.client = tcp_connect(a, 0, IP4(10, 0, 0, 2), PORT, &client_cb, &client);
    cr_assert_not_null(client.client);
    sched_run(&s);            /* to the end of TIME_WAIT */

    cr_assert_eq(server.received, TOTAL, "received %llu of %u bytes",
                 (unsigned long long)server.received, TOTAL);
    cr_assert_eq(server.bad_bytes, 0, "%llu bytes differ", (unsigned long long)server.bad_bytes);
    cr_assert_eq(server.eofs, 1);
    cr_assert_eq(client.eofs, 1);
    cr_assert(client.closed_normal == 1 && client.closed_other == 0, "client closes: %d normal, %d other",
              client.closed_normal, client.closed_other);
    cr_assert(server.closed_normal == 1 && server.closed_other == 0, "server closes: %d normal, %d other",
              server.closed_normal, server.closed_other);
    cr_assert_eq(client.stats.bytes_acked, TOTAL);
    cr_assert_eq(server.stats.bytes_received, TOTAL);
    if (loss > 0) {
        cr_assert_gt(w->lost[0] + w->lost[1], 0);
        cr_assert_gt(client.stats.retransmits, 0);
        cr_assert_gt(client.stats.fast_retransmits, 0);
    } else {
        cr_assert_eq(client.stats.retransmits, 0);
    }
    /* TIME_WAIT ran out too: no connection left */
    cr_assert_eq(tcp_stack_stats(a)->conns, 0);
    cr_assert_eq(tcp_stack_stats(b)->conns, 1, "the listener");
    if (cap.dump) {
        pcap_dump_close(cap.dump);
        pcap_close(dead);
        cr_assert_gt(cap.frames, 7000);
    }
    wire_pair_free(&pair);
    cr_assert_eq(pkt_pool_free(pool), 0, "packets still live at teardown");
    sched_destroy(&s);
}

Test(tcp_transfer, ten_megabytes_without_loss, .timeout = 60) { transfer(0, COPIED, "LVSLAB_TCP_PCAP"); }

Test(tcp_transfer, ten_megabytes_with_one_percent_loss, .timeout = 120)
{
    transfer(0.01, COPIED, "LVSLAB_TCP_PCAP_LOSS");
}

/* Retransmissions read back lent and generated bytes, across their seams. */
Test(tcp_transfer, ten_megabytes_copied_lent_and_made_with_one_percent_loss, .timeout = 120)
{
    transfer(0.01, MIXED, "LVSLAB_TCP_PCAP_MIXED");
}

/* The other way: the connecting side only receives. Its advertised window
 * must follow what it has taken in from the SYN-ACK on, whatever the
 * server's ISN; four connections draw four ISNs. */
struct download {
    uint64_t sent, received, bad_bytes;
    struct tcp_sock *server_sock;
    bool done;
};

static void download_pump(struct download *d)
{
    uint8_t buf[16384];
    while (d->sent < TOTAL) {
        size_t n = TOTAL - d->sent < sizeof buf ? TOTAL - d->sent : sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = pattern(d->sent + i);
        size_t took = tcp_send(d->server_sock, buf, n);
        d->sent += took;
        if (took < n)
            return;
    }
    tcp_shutdown(d->server_sock);
}

static void *download_accept(void *ctx, struct tcp_sock *l, struct tcp_sock *s)
{
    (void)l;
    struct download *d = ctx;
    d->server_sock = s;
    download_pump(d);
    return ctx;
}

static void download_writable(void *ctx, struct tcp_sock *s)
{
    (void)s;
    download_pump(ctx);
}

static size_t download_recv(void *ctx, struct tcp_sock *s, const uint8_t *data, size_t len)
{
    (void)s;
    struct download *d = ctx;
    for (size_t i = 0; i < len; i++)
        d->bad_bytes += data[i] != pattern(d->received + i);
    d->received += len;
    return len;
}

static void download_eof(void *ctx, struct tcp_sock *s)
{
    ((struct download *)ctx)->done = true;
    tcp_close(s);
}

static const struct tcp_callbacks download_server_cb = { .accepted = download_accept,
                                                         .writable = download_writable };
static const struct tcp_callbacks download_client_cb = { .received = download_recv, .eof = download_eof };

Test(tcp_transfer, ten_megabytes_to_the_connecting_side, .timeout = 120)
{
    static struct sched s;
    sched_init(&s);
    struct pkt_pool *pool = pkt_pool_new();
    struct wire_pair pair;
    wire_pair(&pair, &s, pool, 50 * SIM_US, 7);
    pair.w.rate_bps = 10000000000ull;
    for (int round = 0; round < 4; round++) {
        struct download d = { 0 };
        struct tcp_sock *l = tcp_listen(pair.b, 0, (uint16_t)(PORT + round), 16, &download_server_cb, &d);
        cr_assert_not_null(l);
        cr_assert_not_null(tcp_connect(pair.a, 0, IP4(10, 0, 0, 2), (uint16_t)(PORT + round),
                                       &download_client_cb, &d));
        sched_run_until(&s, sched_now(&s) + 10 * SIM_S);
        cr_assert(d.done && d.received == TOTAL, "round %d: received %llu of %u bytes", round,
                  (unsigned long long)d.received, TOTAL);
        cr_assert_eq(d.bad_bytes, 0);
        tcp_close(l);
    }
    sched_run(&s);
    wire_pair_free(&pair);
    cr_assert_eq(pkt_pool_free(pool), 0, "packets still live at teardown");
    sched_destroy(&s);
}
