/* The HTTP-like workload between two hosts back to back: closed-loop timing
 * against the wire's arithmetic, keep-alive against one connection per
 * request, sizes against their distributions, a 1-core server saturating,
 * refused connections counted, same seed same numbers, and captures that
 * tshark decodes as HTTP requests and responses, one for each. */
#include <criterion/criterion.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apps/cpu.h"
#include "apps/http_client.h"
#include "apps/http_server.h"
#include "apps/http_wire.h"
#include "net/tcp.h"
#include "support/leak_check.h"
#include "support/wire.h"

WIRE_SUITE(apps_http);

#define PORT 80
#define DELAY (50 * SIM_US)
#define RATE 1000000000ull
#define FRAME_OVERHEAD (14 + 20 + 32 + 24)   /* Ethernet, IP, TCP with timestamps, wire extras */

struct rig {
    struct wire_pair p;
    struct app_cpu_fifo *fifo;
    struct app_cpu cpu;
    struct http_server *srv;
    struct http_client *cli;
};

static struct http_client_cfg client_cfg(void)
{
    struct http_client_cfg c = {
        .name = "web", .seed = 1, .dst = IP4(10, 0, 0, 2), .dport = PORT,
        .load = { .loop = APP_CLOSED, .users = 1, .start = 0, .stop = 1 * SIM_S },
        .keepalive = true, .timeout = 1 * SIM_S, .win_start = 0, .win_stop = 1 * SIM_S,
    };
    dist_fixed(&c.load.think, 0);
    dist_fixed(&c.req_size, 200);      /* whole HTTP messages, longer than their headers */
    dist_fixed(&c.resp_size, 1000);
    return c;
}

/* Server on b (a CPU model when cores > 0). */
static void rig_setup(struct rig *r, sim_time_t service, int cores, uint32_t backlog)
{
    memset(r, 0, sizeof *r);
    wire_pair(&r->p, &s, pool, DELAY, 3);
    r->p.w.rate_bps = RATE;
    struct http_server_cfg sc = { .name = "web", .seed = 1, .port = PORT };
    dist_fixed(&sc.service, (double)service);
    if (cores) {
        r->fifo = app_cpu_fifo_new(r->p.b->rt, cores, backlog);
        r->cpu = app_cpu_fifo_seam(r->fifo);
        sc.cpu = &r->cpu;
    }
    r->srv = http_server_new(r->p.b, &sc);
    cr_assert_not_null(r->srv);
}

/* Client on a; runs to `until`. */
static void rig_go(struct rig *r, const struct http_client_cfg *cc, sim_time_t until)
{
    r->cli = http_client_new(r->p.a, cc);
    http_client_start(r->cli);
    sched_run_until(&s, until);
}

static void rig_run(struct rig *r, const struct http_client_cfg *cc, sim_time_t service,
                    int cores, uint32_t backlog, sim_time_t until)
{
    rig_setup(r, service, cores, backlog);
    rig_go(r, cc, until);
}

/* Free the apps, let the last frames and timers play out, free the hosts. */
static void rig_free(struct rig *r)
{
    http_client_free(r->cli);
    http_server_free(r->srv);
    sched_run(&s);
    app_cpu_fifo_free(r->fifo);
    wire_pair_free(&r->p);
    sched_destroy(&s);         /* the next run starts again at time 0 */
    sched_init(&s);
}

static sim_time_t ser(uint32_t payload)
{
    return (sim_time_t)((uint64_t)(payload + FRAME_OVERHEAD) * 8 * SIM_S / RATE);
}

/* One user, no think time, kept alive: each request takes one RTT plus the
 * two frames' serialization (request and response fit a segment each; the
 * next request carries the ACK, so neither Nagle nor delayed ACKs add). */
Test(apps_http, closed_loop_back_to_back)
{
    struct http_client_cfg cc = client_cfg();
    struct rig r;
    rig_run(&r, &cc, 0, 0, 0, 1 * SIM_S + 10 * SIM_MS);
    const struct app_stats *st = http_client_stats(r.cli);
    sim_time_t per = 2 * DELAY + ser(200) + ser(1000);
    double expect = (double)SIM_S / (double)per;
    cr_assert_eq(st->failed, 0);
    cr_assert_eq(st->conns_opened, 1, "keep-alive opens one connection, not %llu",
                 (unsigned long long)st->conns_opened);
    /* the first request also pays the handshake: one RTT of the whole second */
    cr_assert(st->win_completed > expect * 0.99 && st->win_completed < expect * 1.01,
              "%llu requests in 1 s, expected %.0f", (unsigned long long)st->win_completed, expect);
    uint64_t p50 = hist_percentile(&st->latency, 50);
    cr_assert(p50 >= (uint64_t)per && p50 < (uint64_t)per * 101 / 100,
              "median latency %llu ns, expected %lld", (unsigned long long)p50, (long long)per);
    cr_assert_eq(st->bad_bytes, 0);
    cr_assert_eq(st->bytes_received, st->completed * 1000);
    cr_assert_eq(app_stats_server_count(st, IP4(10, 0, 0, 2)), st->completed);
    const struct http_server_stats *ss = http_server_stats(r.srv);
    cr_assert_eq(ss->bytes_in, st->bytes_sent);
    rig_free(&r);
}

/* Without keep-alive every request opens a connection and pays its
 * handshake: two RTTs each; the server closes first. The server's TIME_WAIT
 * is cut to 100 us (MSL 50 us), shorter than a request: with Linux's 60 s,
 * 4700 connections a second on random ephemeral ports would meet their own
 * TIME_WAITs and wait out SYN retries, which is not what this test measures. */
Test(apps_http, one_connection_per_request)
{
    struct http_client_cfg cc = client_cfg();
    cc.keepalive = false;
    struct rig r;
    rig_setup(&r, 0, 0, 0);
    tcp_stack_config(r.p.b)->msl = 50 * SIM_US;
    rig_go(&r, &cc, 1 * SIM_S + 10 * SIM_MS);
    const struct app_stats *st = http_client_stats(r.cli);
    cr_assert_eq(st->failed, 0);
    cr_assert_eq(st->conns_opened, st->issued);
    cr_assert_geq(st->completed, st->issued - 1);
    uint64_t p50 = hist_percentile(&st->latency, 50);
    cr_assert(p50 > (uint64_t)(4 * DELAY) && p50 < (uint64_t)(4 * DELAY) * 11 / 10,
              "median latency %llu ns, two RTTs are %lld", (unsigned long long)p50,
              (long long)(4 * DELAY));
    cr_assert_eq(st->bad_bytes, 0);
    cr_assert_eq(http_server_stats(r.srv)->accepted, st->conns_opened);
    rig_free(&r);
}

/* 8 users, sizes from distributions: 20000+ requests put the sample means
 * within 3% (exp: sd = mean, the sample mean's sd is 0.7%; lognormal sd
 * half the mean: 0.35%). Both ends see the same bytes. */
Test(apps_http, sizes_follow_distributions)
{
    struct http_client_cfg cc = client_cfg();
    cc.load.users = 8;
    cc.load.stop = 2 * SIM_S;
    cc.win_stop = 3 * SIM_S;
    dist_exp(&cc.req_size, 2000);
    dist_lognormal(&cc.resp_size, 10000, 5000);
    struct rig r;
    rig_run(&r, &cc, 0, 0, 0, 3 * SIM_S);
    const struct app_stats *st = http_client_stats(r.cli);
    const struct http_server_stats *ss = http_server_stats(r.srv);
    cr_assert_gt(st->completed, 20000, "only %llu requests", (unsigned long long)st->completed);
    cr_assert_eq(st->failed, 0);
    cr_assert_eq(st->bad_bytes, 0);
    cr_assert_eq(ss->bad, 0);
    double req_mean = (double)ss->bytes_in / (double)ss->requests;
    double resp_mean = (double)st->bytes_received / (double)st->completed;
    cr_assert(req_mean > 2000 * 0.97 && req_mean < 2000 * 1.03, "request mean %.1f", req_mean);
    cr_assert(resp_mean > 10000 * 0.97 && resp_mean < 10000 * 1.03, "response mean %.1f", resp_mean);
    cr_assert_eq(ss->bytes_out, st->bytes_received);
    cr_assert_eq(ss->bytes_in, st->bytes_sent);
    rig_free(&r);
}

static struct http_client_cfg open_cfg(double rate)
{
    struct http_client_cfg cc = client_cfg();
    cc.load = (struct app_load_cfg){ .loop = APP_OPEN, .rate = rate, .start = 0, .stop = 4 * SIM_S };
    cc.win_start = 1 * SIM_S;      /* warm-up left out */
    cc.win_stop = 4 * SIM_S;
    return cc;
}

/* Service time 1 ms on one core: at 500 req/s offered every request is
 * served in about 1 ms plus an RTT; at 2000 req/s the server completes
 * ~1000 req/s, its backlog fills (refused requests reset their connection)
 * and latency climbs to the backlog's length in service times. */
Test(apps_http, one_core_saturates_at_1000_per_s)
{
    struct rig r;
    struct http_client_cfg cc = open_cfg(500);
    rig_run(&r, &cc, 1 * SIM_MS, 1, 64, 5 * SIM_S);
    const struct app_stats *st = http_client_stats(r.cli);
    double rps = (double)st->win_completed / 3.0;
    cr_assert(rps > 450 && rps < 550, "%.0f req/s at 500 offered", rps);
    cr_assert_eq(st->failed, 0, "%llu failed: %llu reset %llu timeout", (unsigned long long)st->failed,
                 (unsigned long long)st->fails[APP_FAIL_RESET], (unsigned long long)st->fails[APP_FAIL_TIMEOUT]);
    uint64_t light_p50 = hist_percentile(&st->latency, 50);
    cr_assert_lt(light_p50, 5 * SIM_MS, "p50 %llu ns under light load", (unsigned long long)light_p50);
    rig_free(&r);

    cc = open_cfg(2000);
    rig_run(&r, &cc, 1 * SIM_MS, 1, 64, 5 * SIM_S);
    st = http_client_stats(r.cli);
    rps = (double)st->win_completed / 3.0;
    cr_assert(rps > 950 && rps <= 1001, "%.0f req/s at 2000 offered on a 1 ms, 1-core server", rps);
    cr_assert_gt(app_cpu_fifo_stats(r.fifo)->refused, 0);
    cr_assert_eq(app_cpu_fifo_stats(r.fifo)->queued_max, 64);
    cr_assert_gt(st->fails[APP_FAIL_RESET], 0);
    cr_assert_eq(st->fails[APP_FAIL_RESET], http_server_stats(r.srv)->refused);
    uint64_t p99 = hist_percentile(&st->latency, 99);
    cr_assert_gt(p99, 50 * SIM_MS, "p99 %llu ns with a full backlog of 64", (unsigned long long)p99);
    cr_assert_eq(st->bad_bytes, 0);
    rig_free(&r);
}

/* Nothing listens: every attempt is refused, retried twice, then failed;
 * the user goes on (no hang) and the counts add up. */
Test(apps_http, refused_is_counted_and_retried)
{
    struct http_client_cfg cc = client_cfg();
    cc.dport = 81;
    cc.retries = 2;
    cc.load.stop = 10 * SIM_MS;
    struct rig r;
    rig_run(&r, &cc, 0, 0, 0, 1 * SIM_S);
    const struct app_stats *st = http_client_stats(r.cli);
    cr_assert_gt(st->issued, 10);
    cr_assert_eq(st->failed, st->issued);
    cr_assert_eq(st->completed, 0);
    cr_assert_eq(st->fails[APP_FAIL_REFUSED], 3 * st->issued);
    cr_assert_eq(st->retries, 2 * st->issued);
    rig_free(&r);
}

static void run_once(uint64_t seed, struct app_stats *out)
{
    struct http_client_cfg cc = open_cfg(3000);
    cc.seed = seed;
    cc.load.stop = 2 * SIM_S;
    dist_exp(&cc.resp_size, 5000);
    struct rig r;
    rig_run(&r, &cc, 200 * SIM_US, 1, 16, 3 * SIM_S);
    *out = *http_client_stats(r.cli);
    rig_free(&r);
}

Test(apps_http, same_seed_same_numbers)
{
    static struct app_stats a, b, c;
    run_once(42, &a);
    run_once(42, &b);
    run_once(43, &c);
    cr_assert_eq(a.issued, b.issued);
    cr_assert_eq(a.completed, b.completed);
    cr_assert_eq(a.failed, b.failed);
    cr_assert_eq(a.bytes_received, b.bytes_received);
    cr_assert_eq(memcmp(&a.latency, &b.latency, sizeof a.latency), 0, "histograms differ");
    cr_assert(a.issued != c.issued || a.bytes_received != c.bytes_received,
              "another seed should give other numbers");
}

struct raw {
    const uint8_t *req;        /* sent once connected */
    size_t len;
    int closed_reset;
    char got[512];             /* what came back */
    size_t ngot;
    bool eof;
};

static size_t raw_received(void *ctx, struct tcp_sock *s, const uint8_t *data, size_t len)
{
    (void)s;
    struct raw *r = ctx;
    size_t n = len < sizeof r->got - 1 - r->ngot ? len : sizeof r->got - 1 - r->ngot;
    memcpy(r->got + r->ngot, data, n);
    r->ngot += n;
    r->got[r->ngot] = '\0';
    return len;
}

static void raw_eof(void *ctx, struct tcp_sock *s)
{
    struct raw *r = ctx;
    r->eof = true;
    tcp_close(s);
}

static void raw_connected(void *ctx, struct tcp_sock *s)
{
    struct raw *r = ctx;
    cr_assert_eq(tcp_send(s, r->req, r->len), r->len);
}

static void raw_closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    (void)s;
    struct raw *r = ctx;
    r->closed_reset += why == TCP_CLOSE_RESET;
}

/* The request's bytes to the server: it resets the connection and counts
 * the request as bad. */
static void refused_with_reset(const uint8_t *req, size_t len)
{
    struct rig r;
    rig_setup(&r, 0, 0, 0);
    static const struct tcp_callbacks cb = { .connected = raw_connected, .closed = raw_closed };
    struct raw raw = { .req = req, .len = len };
    cr_assert_not_null(tcp_connect(r.p.a, 0, IP4(10, 0, 0, 2), PORT, &cb, &raw));
    sched_run_until(&s, 1 * SIM_S);
    cr_assert_eq(http_server_stats(r.srv)->bad, 1);
    cr_assert_eq(http_server_stats(r.srv)->requests, 0);
    cr_assert_eq(raw.closed_reset, 1);
    rig_free(&r);
}

/* A method the server does not know. */
Test(apps_http, bad_request_reset)
{
    static const char req[] = "HEAD / HTTP/1.0\r\n\r\n";
    refused_with_reset((const uint8_t *)req, sizeof req - 1);
}

/* A GET as keepalived's HTTP_GET sends it: `path` answered by a server
 * with health page `hpath` (NULL: any path) and `status`; the answer and the
 * server's close come back, and the workload's counts stay at zero. */
static void get_answered(const char *path, const char *hpath, int status, const char *want)
{
    struct rig r;
    memset(&r, 0, sizeof r);
    wire_pair(&r.p, &s, pool, DELAY, 3);
    struct http_server_cfg sc = { .name = "web", .seed = 1, .port = PORT, .health_path = hpath,
                                  .health_status = status };
    dist_fixed(&sc.service, 0);
    r.srv = http_server_new(r.p.b, &sc);
    cr_assert_not_null(r.srv);
    char req[256];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 10.0.0.2:80\r\n\r\n",
                     path);
    static const struct tcp_callbacks cb = { .connected = raw_connected, .received = raw_received,
                                             .eof = raw_eof, .closed = raw_closed };
    struct raw raw = { .req = (const uint8_t *)req, .len = (size_t)n };
    cr_assert_not_null(tcp_connect(r.p.a, 0, IP4(10, 0, 0, 2), PORT, &cb, &raw));
    sched_run_until(&s, 1 * SIM_S);
    cr_assert_str_eq(raw.got, want);
    cr_assert(raw.eof && raw.closed_reset == 0);
    const struct http_server_stats *st = http_server_stats(r.srv);
    cr_assert(st->gets == 1 && st->requests == 0 && st->responses == 0 && st->bad == 0 && st->bytes_out == 0);
    rig_free(&r);
}

Test(apps_http, get_answered_with_the_health_page)
{
    get_answered("/", NULL, 0,
                 "HTTP/1.1 200 OK\r\nServer: lvslab\r\nConnection: close\r\nContent-Type: text/plain\r\n"
                 "Content-Length: 3\r\n\r\nOK\n");
    get_answered("/healthz?probe=1", "/healthz", 503,
                 "HTTP/1.1 503 Service Unavailable\r\nServer: lvslab\r\nConnection: close\r\n"
                 "Content-Type: text/plain\r\nContent-Length: 3\r\n\r\nOK\n");
    get_answered("/index.html", "/healthz", 200,
                 "HTTP/1.1 404 Not Found\r\nServer: lvslab\r\nConnection: close\r\n"
                 "Content-Type: text/plain\r\nContent-Length: 10\r\n\r\nNot Found\n");
}

/* A well-formed request whose body has one byte changed. */
Test(apps_http, bad_body_byte_reset)
{
    static uint8_t req[600];
    struct http_tx tx;
    http_tx_init(&tx, HTTP_REQUEST, &(struct http_msg){ .seq = 1, .resp_len = 100 }, sizeof req);
    http_tx_bytes(&tx, 0, req, sizeof req);
    req[sizeof req - 10] ^= 1;
    refused_with_reset(req, sizeof req);
}

/* ---- captures ---- */

static void capture(void *ctx, const struct pkt *f, sim_time_t t)
{
    struct pcap_pkthdr h = { .ts = { .tv_sec = t / SIM_S, .tv_usec = (t % SIM_S) / SIM_US },
                             .caplen = f->len, .len = f->len };
    pcap_dump(ctx, &h, f->data);
}

/* How many frames of the pcap tshark's display filter keeps. */
static long tshark_count(const char *path, const char *filter)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "tshark -r %s -Y '%s' 2>/dev/null | wc -l", path, filter);
    FILE *out = popen(cmd, "r");
    cr_assert_not_null(out);
    long n = -1;
    cr_assert_eq(fscanf(out, "%ld", &n), 1);
    cr_assert_eq(pclose(out), 0, "%s", cmd);
    return n;
}

struct capture_run {
    char path[64];
    long requests;             /* as many as the client issued */
};

/* 20 ms of requests captured on the wire into out->path: every frame passes
 * tshark's checks, and tshark decodes each request and each response, 200
 * OK with the connection option asked for. */
static void exchange_in_pcap(struct capture_run *out, bool keepalive, uint32_t req_size, uint32_t resp_size)
{
    char *path = out->path;
    snprintf(path, sizeof out->path, "/tmp/lvslab-http-XXXXXX.pcap");
    int fd = mkstemps(path, 5);
    cr_assert_geq(fd, 0);
    close(fd);
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
    pcap_dumper_t *dump = pcap_dump_open(dead, path);
    cr_assert_not_null(dump, "%s: %s", path, pcap_geterr(dead));
    struct rig r;
    rig_setup(&r, 0, 0, 0);
    tcp_stack_config(r.p.b)->msl = 50 * SIM_US;   /* as one_connection_per_request */
    r.p.w.capture = capture;
    r.p.w.capture_ctx = dump;
    struct http_client_cfg cc = client_cfg();
    cc.keepalive = keepalive;
    cc.load.stop = 20 * SIM_MS;
    dist_fixed(&cc.req_size, req_size);
    dist_fixed(&cc.resp_size, resp_size);
    rig_go(&r, &cc, 50 * SIM_MS);
    const struct app_stats *st = http_client_stats(r.cli);
    uint64_t issued = st->issued, completed = st->completed, opened = st->conns_opened;
    cr_assert_gt(completed, 10);
    cr_assert_eq(completed, issued);
    cr_assert_eq(st->bad_bytes, 0);
    cr_assert_eq(http_server_stats(r.srv)->bad, 0);
    cr_assert_eq(opened, keepalive ? 1 : issued);
    rig_free(&r);
    pcap_dump_close(dump);
    pcap_close(dead);

    char cmd[256];
    snprintf(cmd, sizeof cmd, "MIN_FRAMES=5 sh scripts/pcap-check.sh %s >/dev/null", path);
    cr_assert_eq(system(cmd), 0, "%s fails tshark's checks", path);
    long requests = tshark_count(path, "http.request"), responses = tshark_count(path, "http.response");
    cr_assert_gt(requests, 0);
    cr_assert_gt(responses, 0);
    cr_assert_eq(requests, (long)issued, "tshark decodes %ld requests of %llu", requests,
                 (unsigned long long)issued);
    cr_assert_eq(responses, (long)completed, "tshark decodes %ld responses of %llu", responses,
                 (unsigned long long)completed);
    cr_assert_eq(tshark_count(path, "http.response.code == 200 && http.content_type == \"application/octet-stream\""),
                 responses);
    cr_assert_eq(tshark_count(path, keepalive ? "http.connection == \"keep-alive\"" : "http.connection == \"close\""),
                 requests + responses);
    out->requests = requests;
}

/* Kept alive, both ways over several segments. The request size is the one
 * total that needs a zero-padded Content-Length ("0999") while sequence
 * numbers have one digit: tshark reads it as 999. */
Test(apps_http, keepalive_exchange_decodes_in_tshark, .timeout = 60)
{
    uint32_t fixed = http_wire_len(HTTP_REQUEST, &(struct http_msg){ .seq = 1, .resp_len = 20000 }, 0) - 1;
    struct capture_run run;
    exchange_in_pcap(&run, true, fixed + 3 + 1000, 20000);
    cr_assert_eq(tshark_count(run.path, "http.request && http.content_length_header == \"0999\" && "
                                        "http.content_length == 999"), 9);
    unlink(run.path);
}

/* One connection per request, each request its header alone (asked 100
 * bytes, less than the header): Content-Length 0 throughout. */
Test(apps_http, one_connection_per_request_decodes_in_tshark, .timeout = 60)
{
    struct capture_run run;
    exchange_in_pcap(&run, false, 100, 1000);
    cr_assert_eq(tshark_count(run.path, "http.request && http.content_length == 0"), run.requests);
    unlink(run.path);
}
