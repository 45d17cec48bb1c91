/* The calibration's paths, their timing, and the costs by difference. */
#include "cmd/calibrate_paths.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/calibrate_rig.h"
#include "engine/rng.h"
#include "lvs/conn.h"
#include "lvs/sched.h"
#include "lvs/sync.h"
#include "lvs/toa.h"
#include "net/csum.h"
#include "net/hdr.h"

#define BATCH 32               /* a burst, as bench/director.c feeds */
#define CHUNK 2048             /* frames built before the timer starts */
#define PAYLOAD 64
#define LARGE 1400

/* This thread's CPU time: what the neighbours of a shared machine do while
 * it waits is not counted, as it would be in wall time. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A path's time per frame and what each frame cost in operations: the
 * counts of each kind (enum host_work), one frame in, the frames sent and
 * the bytes in. */
struct path {
    const char *name;
    double ns;
    double per_frame[SCN_COSTS];
};

struct source;
typedef struct pkt *(*make_fn)(struct source *s, uint64_t i);

/* Where a path's frames come from. */
struct source {
    struct cal_rig *r;
    struct netif *in;
    make_fn make;
    struct rng rng;
    uint32_t conns;            /* established connections 0..conns-1 */
    uint32_t payload;
    uint32_t *cookies;         /* SYN proxy: the cookie of new client i */
    uint32_t *laddr, *daddr;   /* replies: each connection's local and real server's address */
    uint16_t *lport;
};

/* n frames of the source fed in bursts, built a chunk at a time before
 * the chunk's bursts are timed; the host's work counted over them. */
static void run_path(struct path *p, struct source *s, uint64_t n)
{
    struct cal_rig *r = s->r;
    memset(&r->h->work, 0, sizeof r->h->work);
    uint64_t sent0 = r->front_dev.frames + r->back_dev.frames, bytes = 0;
    double timed = 0;
    static struct pkt *chunk[CHUNK];
    for (uint64_t done = 0; done < n; done += CHUNK) {
        unsigned k = n - done < CHUNK ? (unsigned)(n - done) : CHUNK;
        for (unsigned i = 0; i < k; i++) {
            chunk[i] = s->make(s, done + i);
            bytes += chunk[i]->len;
        }
        double t0 = cpu_now();
        for (unsigned i = 0; i < k; i += BATCH)
            netif_input_burst(s->in, chunk + i, k - i < BATCH ? k - i : BATCH);
        timed += cpu_now() - t0;
    }
    p->ns = timed * 1e9 / (double)n;
    for (int k = 0; k < WORK_KINDS; k++)
        p->per_frame[k] = (double)r->h->work.n[k] / (double)n;
    p->per_frame[SCN_COST_FRAME_IN] = 1;
    p->per_frame[SCN_COST_FRAME_OUT] = (double)(r->front_dev.frames + r->back_dev.frames - sent0) / (double)n;
    p->per_frame[SCN_COST_FRAME_BYTE] = (double)bytes / (double)n;
}

static struct pkt *established(struct source *s, uint64_t i)
{
    (void)i;
    uint32_t k = (uint32_t)rng_below(&s->rng, s->conns);
    return cal_tcp_frame(s->r, s->in, cal_client(k), cal_cport(k), CAL_VIP, CAL_PORT, TCP_ACK | TCP_PSH, 1001, 1,
                         s->payload);
}

/* Through the host to a real server: forwarded, no director's. */
static struct pkt *routed(struct source *s, uint64_t i)
{
    uint32_t k = (uint32_t)(i % 65536);
    return cal_tcp_frame(s->r, s->in, cal_client(k), cal_cport(k), CAL_RIP(0), CAL_PORT, TCP_ACK, 1001, 1,
                         s->payload);
}

static struct pkt *new_syn(struct source *s, uint64_t i)
{
    uint32_t k = s->conns + (uint32_t)i;
    return cal_tcp_frame(s->r, s->in, cal_client(k), cal_cport(k), CAL_VIP, CAL_PORT, TCP_SYN, 1000, 0, 0);
}

static struct pkt *cookie_ack(struct source *s, uint64_t i)
{
    uint32_t k = s->conns + (uint32_t)i;
    return cal_tcp_frame(s->r, s->in, cal_client(k), cal_cport(k), CAL_VIP, CAL_PORT, TCP_ACK, 1001,
                         s->cookies[i] + 1, 0);
}

static struct pkt *reply(struct source *s, uint64_t i)
{
    (void)i;
    uint32_t k = (uint32_t)rng_below(&s->rng, s->conns);
    uint32_t to = s->laddr ? s->laddr[k] : cal_client(k);
    uint16_t port = s->laddr ? s->lport[k] : cal_cport(k);
    return cal_tcp_frame(s->r, s->in, s->daddr[k], CAL_PORT, to, port, TCP_ACK | TCP_PSH, 1, 1001, s->payload);
}

static struct pkt *tunnelled(struct source *s, uint64_t i)
{
    struct pkt *inner = routed(s, i);
    return cal_ipip_frame(s->r, s->in, CAL_IP4(10, 1, 0, 50), CAL_FRONT, inner);
}

/* Connections 0..n-1 opened by a SYN and an ACK each (untimed). */
static void open_conns(struct cal_rig *r, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        netif_input(r->front, cal_tcp_frame(r, r->front, cal_client(k), cal_cport(k), CAL_VIP, CAL_PORT, TCP_SYN,
                                            1000, 0, 0));
        netif_input(r->front, cal_tcp_frame(r, r->front, cal_client(k), cal_cport(k), CAL_VIP, CAL_PORT, TCP_ACK,
                                            1001, 1, 0));
    }
}

static void source_init(struct source *s, struct cal_rig *r, struct netif *in, make_fn make, uint32_t conns,
                        uint32_t payload)
{
    memset(s, 0, sizeof *s);
    s->r = r;
    s->in = in;
    s->make = make;
    s->conns = conns;
    s->payload = payload;
    rng_init(&s->rng, 1, "calibrate");
}

/* ---- the paths ---- */

enum path_id {
    P_IN, P_FWD, P_FWD_LARGE, P_EST_NAT, P_EST_TUN, P_EST_DR, P_EST_FULLNAT, P_REPLY_NAT, P_REPLY_FULLNAT, P_SYN,
    P_SYN_PERSIST, P_SYNPROXY_SYN, P_SYNPROXY_ACK, P_IPIP, P_FRAME_PATHS
};
/* calls, not frames */
enum call_id { C_HIT, C_MISS, C_SCHEDULE, C_TOA, C_SYNC, C_CSUM, C_CALLS };

static const enum ipvs_fwd est_modes[4] = { IPVS_FWD_MASQ, IPVS_FWD_TUNNEL, IPVS_FWD_DROUTE, IPVS_FWD_FULLNAT };

static void plain_paths(const struct cal_opts *o, struct path *p)
{
    struct cal_rig r;
    struct source s;
    cal_rig_plain(&r);
    source_init(&s, &r, r.front, routed, 0, PAYLOAD);
    run_path(&p[P_FWD], &s, o->pkts);
    s.payload = LARGE;
    run_path(&p[P_FWD_LARGE], &s, o->pkts);
    source_init(&s, &r, r.front, tunnelled, 0, PAYLOAD);
    run_path(&p[P_IPIP], &s, o->pkts);
    r.h->ip_forward = false;               /* taken in, then dropped: not for this host */
    source_init(&s, &r, r.front, routed, 0, PAYLOAD);
    run_path(&p[P_IN], &s, o->pkts);
    cal_rig_free(&r);
}

/* New connections to a NAT service with svc_flags, on a table of o->conns
 * (the same for each flag: the difference is the flag's). */
static void new_conns(const struct cal_opts *o, uint32_t svc_flags, struct path *p)
{
    struct cal_rig r;
    struct source s;
    cal_rig_init(&r, IPVS_FWD_MASQ, svc_flags);
    open_conns(&r, o->conns);
    source_init(&s, &r, r.front, new_syn, o->conns, 0);
    run_path(p, &s, o->pkts);
    cal_rig_free(&r);
}

static void director_paths(const struct cal_opts *o, struct path *p)
{
    for (int m = 0; m < 4; m++) {
        struct cal_rig r;
        struct source s;
        cal_rig_init(&r, est_modes[m], 0);
        open_conns(&r, o->conns);
        source_init(&s, &r, r.front, established, o->conns, PAYLOAD);
        run_path(&p[P_EST_NAT + m], &s, o->pkts);
        if (est_modes[m] == IPVS_FWD_MASQ || est_modes[m] == IPVS_FWD_FULLNAT) {
            bool fullnat = est_modes[m] == IPVS_FWD_FULLNAT;
            source_init(&s, &r, r.back, reply, o->conns, PAYLOAD);
            s.daddr = calloc(o->conns, sizeof *s.daddr);
            if (fullnat) {
                s.laddr = calloc(o->conns, sizeof *s.laddr);
                s.lport = calloc(o->conns, sizeof *s.lport);
            }
            for (uint32_t k = 0; k < o->conns; k++) {
                struct ipvs_conn *c = ipvs_conn_in_get(&r.ipvs, 0, IPPROTO_TCP, cal_client(k), cal_cport(k),
                                                       CAL_VIP, CAL_PORT);
                s.daddr[k] = c->daddr;
                if (fullnat) {
                    s.laddr[k] = c->laddr;
                    s.lport[k] = c->lport;
                }
            }
            run_path(&p[fullnat ? P_REPLY_FULLNAT : P_REPLY_NAT], &s, o->pkts);
            free(s.daddr);
            free(s.laddr);
            free(s.lport);
        }
        cal_rig_free(&r);
    }
    new_conns(o, 0, &p[P_SYN]);
    new_conns(o, IPVS_SVC_PERSISTENT, &p[P_SYN_PERSIST]);
}

/* The SYN proxy: cookies answered (timed), then the ACKs that carry them
 * (timed), each making a connection. */
static void synproxy_paths(const struct cal_opts *o, struct path *p)
{
    struct cal_rig r;
    struct source s;
    cal_rig_init(&r, IPVS_FWD_MASQ, IPVS_SVC_SYNPROXY);
    source_init(&s, &r, r.front, new_syn, 0, 0);
    run_path(&p[P_SYNPROXY_SYN], &s, o->pkts);
    s.cookies = calloc(o->pkts, sizeof *s.cookies);
    r.front_dev.keep = true;
    for (uint64_t i = 0; i < o->pkts; i++) {
        netif_input(r.front, new_syn(&s, i));
        const struct pkt *synack = r.front_dev.last;
        const struct tcp_hdr *th = (const struct tcp_hdr *)(synack->data + ETH_HLEN + IPV4_HLEN);
        s.cookies[i] = ntohl(th->seq);
    }
    r.front_dev.keep = false;
    s.make = cookie_ack;
    run_path(&p[P_SYNPROXY_ACK], &s, o->pkts);
    free(s.cookies);
    cal_rig_free(&r);
}

/* ---- the calls ---- */

static double time_lookups(const struct cal_opts *o, bool hit)
{
    struct cal_rig r;
    cal_rig_init(&r, IPVS_FWD_MASQ, 0);
    open_conns(&r, o->conns);
    struct rng rng;
    rng_init(&rng, 1, "calibrate-lookup");
    uint64_t found = 0;
    double t0 = cpu_now();
    for (uint64_t i = 0; i < o->pkts; i++) {
        uint32_t k = (uint32_t)rng_below(&rng, o->conns) + (hit ? 0 : o->conns);
        found += ipvs_conn_in_get(&r.ipvs, 0, IPPROTO_TCP, cal_client(k), cal_cport(k), CAL_VIP, CAL_PORT) != NULL;
    }
    double ns = (cpu_now() - t0) * 1e9 / (double)o->pkts;
    cal_rig_free(&r);
    return found == (hit ? o->pkts : 0) ? ns : -1;
}

/* The service's scheduler (rr over CAL_DESTS) picking for new clients. */
static double time_schedule(const struct cal_opts *o)
{
    struct cal_rig r;
    cal_rig_init(&r, IPVS_FWD_MASQ, 0);
    struct ipvs_service *svc = ipvs_service_find(&r.ipvs, IPPROTO_TCP, CAL_VIP, CAL_PORT, 0);
    uint64_t picked = 0;
    double t0 = cpu_now();
    for (uint64_t i = 0; i < o->pkts; i++) {
        struct ipvs_tuple t = { .protocol = IPPROTO_TCP, .saddr = cal_client((uint32_t)i),
                                .sport = cal_cport((uint32_t)i), .daddr = CAL_VIP, .dport = CAL_PORT };
        picked += svc->sched->schedule(svc, &t) != NULL;
    }
    double ns = (cpu_now() - t0) * 1e9 / (double)o->pkts;
    cal_rig_free(&r);
    return picked == o->pkts ? ns : -1;
}

static double time_toa(const struct cal_opts *o)
{
    struct cal_rig r;
    cal_rig_plain(&r);
    static struct pkt *chunk[CHUNK];
    double timed = 0;
    uint64_t done_ok = 0;
    for (uint64_t done = 0; done < o->pkts; done += CHUNK) {
        for (int i = 0; i < CHUNK; i++) {
            chunk[i] = cal_tcp_frame(&r, r.back, CAL_IP4(10, 2, 1, 1), 5000, CAL_RIP(0), CAL_PORT, TCP_ACK, 1, 1, 0);
            pkt_pull(chunk[i], ETH_HLEN);
        }
        double t0 = cpu_now();
        for (int i = 0; i < CHUNK; i++)
            done_ok += ipvs_toa_insert(chunk[i], cal_client(7), cal_cport(7), 1500);
        timed += cpu_now() - t0;
        for (int i = 0; i < CHUNK; i++)
            pkt_free(chunk[i]);
    }
    cal_rig_free(&r);
    uint64_t n = (o->pkts + CHUNK - 1) / CHUNK * CHUNK;
    return done_ok == n ? timed * 1e9 / (double)n : -1;
}

static double time_sync(const struct cal_opts *o)
{
    uint8_t buf[1500];
    size_t len = ipvs_sync_msg_init(buf, 1);
    struct ipvs_sync_entry e = { .protocol = IPPROTO_TCP, .state = 1, .cport = 1024, .vport = 80, .dport = 80,
                                 .timeout_s = 900, .caddr = CAL_IP4(172, 16, 0, 1), .vaddr = CAL_VIP,
                                 .daddr = CAL_RIP(0) };
    double t0 = cpu_now();
    for (uint64_t i = 0; i < o->pkts; i++) {
        e.cport = (uint16_t)(1024 + (i & 0xfff));
        size_t next = ipvs_sync_msg_add(buf, len, sizeof buf, &e);
        len = next ? next : ipvs_sync_msg_add(buf, ipvs_sync_msg_init(buf, 1), sizeof buf, &e);
    }
    double ns = (cpu_now() - t0) * 1e9 / (double)o->pkts;
    return len ? ns : -1;
}

static double time_csum_byte(const struct cal_opts *o)
{
    static uint8_t buf[LARGE];
    for (int i = 0; i < LARGE; i++)
        buf[i] = (uint8_t)(i * 7);
    volatile uint32_t sink = 0;
    double t0 = cpu_now();
    for (uint64_t i = 0; i < o->pkts; i++)
        sink += csum_partial(buf, LARGE, (uint32_t)i);
    (void)sink;
    return (cpu_now() - t0) * 1e9 / (double)o->pkts / LARGE;
}

/* ---- by difference ---- */

/* The least of the rounds: a neighbour's load and a cold cache only add. */
static double least(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++)
        m = fmin(m, v[i]);
    return m;
}

/* The cost of `target` on path p, the others' costs known; never below 0
 * (noise can make a difference negative). */
static double isolate(const struct path *p, int target, const double *ns)
{
    double rest = 0;
    for (int k = 0; k < SCN_COSTS; k++)
        if (k != target)
            rest += p->per_frame[k] * ns[k];
    double v = (p->ns - rest) / p->per_frame[target];
    return v > 0 ? v : 0;
}

static const char *const path_names[P_FRAME_PATHS] = {
    [P_IN] = "in, dropped", [P_FWD] = "routed", [P_FWD_LARGE] = "routed, 1400 B", [P_EST_NAT] = "nat established",
    [P_EST_TUN] = "tun established", [P_EST_DR] = "dr established", [P_EST_FULLNAT] = "fullnat established",
    [P_REPLY_NAT] = "nat reply", [P_REPLY_FULLNAT] = "fullnat reply", [P_SYN] = "nat new (SYN)",
    [P_SYN_PERSIST] = "nat new, persistent", [P_SYNPROXY_SYN] = "synproxy SYN", [P_SYNPROXY_ACK] = "synproxy ACK",
    [P_IPIP] = "ip-in-ip decap, routed",
};

/* What each path must have done per frame, or the calibration is wrong. */
static int check_paths(const struct path *p, FILE *log)
{
    static const struct { enum path_id id; enum host_work w; } must[] = {
        { P_EST_NAT, WORK_XMIT_NAT }, { P_EST_TUN, WORK_XMIT_TUN }, { P_EST_DR, WORK_XMIT_DR },
        { P_EST_FULLNAT, WORK_XMIT_FULLNAT }, { P_REPLY_NAT, WORK_REPLY_NAT },
        { P_REPLY_FULLNAT, WORK_REPLY_FULLNAT }, { P_SYN, WORK_CONN_NEW }, { P_SYN_PERSIST, WORK_PERSIST },
        { P_SYNPROXY_SYN, WORK_SYNPROXY_SYN }, { P_SYNPROXY_ACK, WORK_SYNPROXY_ACK }, { P_IPIP, WORK_IPIP_DECAP },
    };
    for (size_t i = 0; i < sizeof must / sizeof *must; i++)
        if (p[must[i].id].per_frame[must[i].w] != 1) {
            fprintf(log, "calibrate: path \"%s\" did %s %.3f times a frame, not once: its measurement is void\n",
                    path_names[must[i].id], host_work_name(must[i].w), p[must[i].id].per_frame[must[i].w]);
            return -1;
        }
    if (p[P_IN].per_frame[SCN_COST_FRAME_OUT] != 0 || p[P_FWD].per_frame[SCN_COST_FRAME_OUT] != 1) {
        fprintf(log, "calibrate: the routed paths sent %.3f and %.3f frames a frame, not 0 and 1\n",
                p[P_IN].per_frame[SCN_COST_FRAME_OUT], p[P_FWD].per_frame[SCN_COST_FRAME_OUT]);
        return -1;
    }
    return 0;
}

int cal_measure(const struct cal_opts *o, struct scn_cpu_profile *out, FILE *log)
{
    int reps = o->repeats;
    struct path *runs = calloc((size_t)reps * P_FRAME_PATHS, sizeof *runs);
    double calls[C_CALLS][64];
    for (int i = 0; i < reps; i++) {
        struct path *p = runs + (size_t)i * P_FRAME_PATHS;
        plain_paths(o, p);
        director_paths(o, p);
        synproxy_paths(o, p);
        calls[C_HIT][i] = time_lookups(o, true);
        calls[C_MISS][i] = time_lookups(o, false);
        calls[C_SCHEDULE][i] = time_schedule(o);
        calls[C_TOA][i] = time_toa(o);
        calls[C_SYNC][i] = time_sync(o);
        calls[C_CSUM][i] = time_csum_byte(o);
        bool calls_ok = calls[C_HIT][i] >= 0 && calls[C_MISS][i] >= 0 && calls[C_SCHEDULE][i] >= 0 &&
                        calls[C_TOA][i] >= 0;
        if (check_paths(p, log) < 0 || !calls_ok) {
            if (!calls_ok)
                fprintf(log, "calibrate: a lookup, a scheduler's pick or a TOA insertion did not do what it should\n");
            free(runs);
            return -1;
        }
        fprintf(log, "calibrate: round %d of %d done\n", i + 1, reps);
    }
    struct path med[P_FRAME_PATHS];
    for (int id = 0; id < P_FRAME_PATHS; id++) {
        double v[64];
        for (int i = 0; i < reps; i++)
            v[i] = runs[(size_t)i * P_FRAME_PATHS + id].ns;
        med[id] = runs[id];                   /* the work per frame is the same in every round */
        med[id].ns = least(v, reps);
        med[id].name = path_names[id];
    }
    free(runs);
    double *ns = out->ns;
    memset(out, 0, sizeof *out);
    out->set = true;
    ns[WORK_CONN_HIT] = least(calls[C_HIT], reps);
    ns[WORK_CONN_MISS] = least(calls[C_MISS], reps);
    ns[WORK_SCHEDULE] = least(calls[C_SCHEDULE], reps);
    ns[WORK_TOA] = least(calls[C_TOA], reps);
    ns[WORK_SYNC_CONN] = least(calls[C_SYNC], reps);
    ns[WORK_CSUM_BYTE] = least(calls[C_CSUM], reps);
    double dbytes = med[P_FWD_LARGE].per_frame[SCN_COST_FRAME_BYTE] - med[P_FWD].per_frame[SCN_COST_FRAME_BYTE];
    ns[SCN_COST_FRAME_BYTE] = fmax(0, (med[P_FWD_LARGE].ns - med[P_FWD].ns) / dbytes);
    ns[SCN_COST_FRAME_IN] = isolate(&med[P_IN], SCN_COST_FRAME_IN, ns);
    ns[SCN_COST_FRAME_OUT] = isolate(&med[P_FWD], SCN_COST_FRAME_OUT, ns);
    static const struct { enum path_id id; enum host_work w; } order[] = {
        { P_EST_NAT, WORK_XMIT_NAT }, { P_EST_TUN, WORK_XMIT_TUN }, { P_EST_DR, WORK_XMIT_DR },
        { P_EST_FULLNAT, WORK_XMIT_FULLNAT }, { P_REPLY_NAT, WORK_REPLY_NAT },
        { P_REPLY_FULLNAT, WORK_REPLY_FULLNAT }, { P_SYN, WORK_CONN_NEW }, { P_SYN_PERSIST, WORK_PERSIST },
        { P_SYNPROXY_SYN, WORK_SYNPROXY_SYN }, { P_SYNPROXY_ACK, WORK_SYNPROXY_ACK }, { P_IPIP, WORK_IPIP_DECAP },
    };
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        ns[order[i].w] = isolate(&med[order[i].id], order[i].w, ns);
    for (int id = 0; id < P_FRAME_PATHS; id++) {
        fprintf(log, "calibrate: path %-24s %7.1f ns/frame:", med[id].name, med[id].ns);
        for (int k = 0; k < SCN_COSTS; k++)
            if (med[id].per_frame[k] && k != SCN_COST_FRAME_IN)
                fprintf(log, " %s %.3g", scn_cost_name(k), med[id].per_frame[k]);
        fputc('\n', log);
    }
    return 0;
}
