/* lvslab pcap's flow table: a lossy 10 MB transfer captured to a pcap reads
 * back as one TCP flow whose retransmissions equal the sender's own count
 * and whose bytes match; a file that is no pcap is an error naming it. */
#include <criterion/criterion.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <unistd.h>

#include "net/tcp.h"
#include "reports/report_flows.h"
#include "support/wire.h"

#define TOTAL 10000000u

static uint8_t zeros[65536];
static uint64_t sent;

static void fill(void *ctx, struct tcp_sock *s)
{
    (void)ctx;
    while (sent < TOTAL) {
        size_t want = TOTAL - sent < sizeof zeros ? TOTAL - sent : sizeof zeros;
        size_t n = tcp_send(s, zeros, want);
        sent += n;
        if (n < want)
            return;
    }
}

static void *accepted(void *ctx, struct tcp_sock *l, struct tcp_sock *s)
{
    (void)l, (void)s;
    return ctx;
}

static size_t sink(void *ctx, struct tcp_sock *s, const uint8_t *d, size_t n)
{
    (void)ctx, (void)s, (void)d;
    return n;
}

static void capture(void *ctx, const struct pkt *f, sim_time_t t)
{
    struct pcap_pkthdr h = { .ts = { .tv_sec = t / SIM_S, .tv_usec = (t % SIM_S) / SIM_US },
                             .caplen = f->len, .len = f->len };
    pcap_dump(ctx, &h, f->data);
}

Test(pcap_flows, retransmissions_match_the_senders_count, .timeout = 60)
{
    static struct sched s;
    sched_init(&s);
    struct pkt_pool *pool = pkt_pool_new();
    struct wire_pair p;
    wire_pair(&p, &s, pool, 50 * SIM_US, 7);
    p.w.rate_bps = 10000000000ull;
    p.w.loss = 0.01;
    char path[] = "/tmp/lvslab-flows-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
    pcap_dumper_t *dump = pcap_dump_open(dead, path);
    p.w.capture = capture;
    p.w.capture_ctx = dump;
    static const struct tcp_callbacks scb = { .accepted = accepted, .received = sink };
    static const struct tcp_callbacks ccb = { .connected = fill, .writable = fill };
    sent = 0;
    tcp_listen(p.b, 0, 5001, 8, &scb, NULL);
    struct tcp_sock *c = tcp_connect(p.a, 0, IP4(10, 0, 0, 2), 5001, &ccb, NULL);
    sched_run_until(&s, 5 * SIM_S);
    struct tcp_sock_stats st;
    tcp_sock_stats(c, &st);
    cr_assert_eq(st.bytes_acked, TOTAL);
    tcp_abort(c);
    p.w.capture = NULL;
    sched_run(&s);
    pcap_dump_close(dump);
    pcap_close(dead);

    struct report_flows flows = { 0 };
    char err[512];
    cr_assert_eq(report_flows_read(&flows, path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(flows.n, 1);
    const struct report_flow *f = &flows.v[0];
    cr_assert_eq(f->proto, 6);
    cr_assert_eq(f->addr[0], IP4(10, 0, 0, 1));
    cr_assert_eq(f->port[1], 5001);
    cr_assert_gt(st.retransmits, 0);
    /* a classic pcap says nothing of direction: all in FLOW_UNKNOWN */
    uint64_t retrans = f->retransmits[0][FLOW_UNKNOWN] + f->retransmits[1][FLOW_UNKNOWN];
    cr_assert_eq(retrans, st.retransmits, "pcap says %llu, the sender %llu", (unsigned long long)retrans,
                 (unsigned long long)st.retransmits);
    cr_assert_eq(f->packets[0][FLOW_UNKNOWN], st.segs_out + 1, "segments: %llu in the pcap, %llu sent",
                 (unsigned long long)f->packets[0][FLOW_UNKNOWN], (unsigned long long)st.segs_out);
    report_flows_free(&flows);
    unlink(path);
    wire_pair_free(&p);
    cr_assert_eq(pkt_pool_free(pool), 0);
    sched_destroy(&s);
}

Test(pcap_flows, a_file_that_is_no_pcap_is_named)
{
    char path[] = "/tmp/lvslab-notpcap-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_eq(write(fd, "hello world, no pcap here", 25), 25);
    close(fd);
    struct report_flows flows = { 0 };
    char err[512];
    cr_assert_eq(report_flows_read(&flows, path, err, sizeof err), -1);
    cr_assert(strstr(err, path) == err, "%s", err);
    cr_assert(strstr(err, "neither a pcap nor a pcapng file"), "%s", err);
    unlink(path);
}
