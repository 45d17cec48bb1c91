/* The analytic bound: frames per request each way, and each resource's capacity. */
#include "scenario/bound.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/http_wire.h"
#include "apps/msg_frame.h"
#include "apps/udp_rr.h"
#include "engine/dist.h"
#include "engine/rng.h"
#include "scenario/bound_shares.h"
#include "scenario/bound_proxy.h"
#include "scenario/paths.h"

#define TCP_QUICKACKS 16       /* Linux's TCP_MAX_QUICKACKS */
/* Segments a socket sends before TCP Small Queues weighs its limit
 * (net/tcp_tsq.c: two GSO packets of two segments, with their overhead) */
#define TSQ_FREE_SEGS 4
#define TCP_FRAME 66           /* Ethernet 14 + IPv4 20 + TCP 20 + timestamps 12 */
#define SYN_FRAME 74           /* with MSS, SACK permitted, timestamps and window scale */
#define SYNACK_NO_TS_FRAME 66  /* MSS, NOP, NOP, SACK permitted, NOP, window scale */
#define UDP_FRAME 42           /* Ethernet 14 + IPv4 20 + UDP 8 */
#define TS_OPTION 12
#define IPIP_OUTER 20
#define TOA_BYTES 8
#define WIRE_OVERHEAD 24       /* FCS, preamble, inter-frame gap */
#define SAMPLES 100000
#define REPRESENTATIVE_ID 0x0a000002u   /* 10.0.0.2: an id of 9 digits */

/* One request's average traffic, client to server and back (frames, frame bytes). */
struct traffic {
    double c2s_pkts, c2s_bytes, s2c_pkts, s2c_bytes;
    double payload;            /* bytes delivered: the response (the upload) */
    double toa_frames;         /* client frames that take FULLNAT's TOA */
};

struct resource {
    double rps;                /* requests per second it allows */
    const char *name;
    char detail[200];
};

static double segments(double bytes, double per_segment) { return bytes > 0 ? ceil(bytes / per_segment) : 0; }

/* The shape of a mode's TCP connections: the largest segment each way, and
 * whether they carry timestamps. FULLNAT, as the Alibaba patch, takes the
 * timestamps out of the client's SYN (so the connection has none), lowers
 * the server's MSS by the TOA option's 8 bytes, and puts TOA on the SYN and
 * on the client segments sent before any of the server's data. */
struct tcp_shape {
    double mss_c2s, mss_s2c;
    bool ts, toa;
};

/* ACKs for n data segments received: Linux's receiver (net/tcp_delack.c)
 * answers each of the first 16 of a new connection at once (quickack) and
 * every second one after that; a kept-alive connection, whose ends answer
 * within the delayed-ACK timeout (pingpong), every second one. */
static double acks_for(double n, bool quick)
{
    double q = quick ? fmin(n, TCP_QUICKACKS) : 0;
    return q + ceil((n - q) / 2);
}

/* A TCP exchange on a new connection (one per request or transfer): SYN,
 * SYN-ACK, the handshake's last ACK, the request (each segment acknowledged
 * by the server at once, in quickack mode, before its answer is ready), the
 * response with the client's ACKs (acks_for), and the server closing first
 * (its FIN, the client's FIN+ACK, the last ACK), as the stack's pcaps show.
 * Kept-alive requests skip the handshake and the close, and their ACKs are
 * delayed (the request acknowledges the last response, the response the
 * request; with no think time between them, the client's delayed ACK of
 * the response's tail rides the next request). TOA goes on the SYN and on the client's segments that
 * acknowledge only the server's SYN (the handshake's ACK and the request);
 * it counts on the whole path, though only the director's side towards the
 * servers sees it. */
static void tcp_exchange(struct traffic *t, double req, double resp, const struct tcp_shape *sh, bool keepalive,
                         bool next_at_once)
{
    double opt = sh->ts ? TS_OPTION : 0, frame = TCP_FRAME - TS_OPTION + opt;
    double up = segments(req, sh->mss_c2s - opt), down = segments(resp, sh->mss_s2c - opt);
    double up_acks = acks_for(down, !keepalive);
    if (keepalive && next_at_once && up_acks > 0)
        up_acks--;             /* the delayed ACK of the response's tail rides the next request */
    double down_acks = keepalive ? (up > 1 ? ceil(up / 2) : 0) : acks_for(up, true);
    double c2s = up + up_acks, s2c = down + down_acks;
    double c2s_bytes = req + frame * c2s, s2c_bytes = resp + frame * s2c;
    if (!keepalive) {
        /* a response of more than TSQ_FREE_SEGS segments still has its tail
         * unsent when the server closes (tcp_send_fin): the FIN rides it,
         * and the client's FIN is its ACK of both, one frame fewer each way */
        double closing = down > TSQ_FREE_SEGS ? 1 : 2;
        c2s += 1 + closing;    /* SYN, the handshake's ACK, FIN; less the tail's own ACK when it rides */
        s2c += 1 + closing;    /* SYN-ACK, FIN unless it rides, the last ACK */
        c2s_bytes += SYN_FRAME + closing * frame;
        s2c_bytes += (sh->ts ? SYN_FRAME : SYNACK_NO_TS_FRAME) + closing * frame;
        if (sh->toa) {
            c2s_bytes += TOA_BYTES * (2 + up);
            t->toa_frames += 2 + up;
        }
    }
    t->c2s_pkts += c2s, t->c2s_bytes += c2s_bytes;
    t->s2c_pkts += s2c, t->s2c_bytes += s2c_bytes;
}

static void udp_exchange(struct traffic *t, double req, double resp, double mtu)
{
    double per_frag = floor((mtu - 20) / 8) * 8;
    double up = segments(req + 8, per_frag), down = segments(resp + 8, per_frag);
    t->c2s_pkts += up, t->c2s_bytes += req + UDP_FRAME + (UDP_FRAME - 8) * (up - 1);
    t->s2c_pkts += down, t->s2c_bytes += resp + UDP_FRAME + (UDP_FRAME - 8) * (down - 1);
}

/* The average over sampled sizes; false when the workload is not modelled. */
static bool average_traffic(const struct scn_workload *w, enum scn_mode mode, double mtu, uint64_t seed,
                            struct traffic *avg)
{
    struct dist req, resp;
    char err[160];
    if (dist_parse(w->request, DIST_SIZE, &req, err, sizeof err) < 0 ||
        dist_parse(w->response, DIST_SIZE, &resp, err, sizeof err) < 0)
        return false;
    struct rng r;
    rng_init(&r, seed, "bound");
    bool fullnat = mode == SCN_FULLNAT;
    const struct tcp_shape sh = { .mss_c2s = fullnat ? mtu - 40 - TOA_BYTES : mtu - 40, .mss_s2c = mtu - 40,
                                  .ts = !fullnat, .toa = fullnat };
    memset(avg, 0, sizeof *avg);
    int n = w->kind == SCN_LOAD_BULK_DOWN || w->kind == SCN_LOAD_BULK_UP ? 1 : SAMPLES;
    for (int i = 0; i < n; i++) {
        double q = dist_sample(&req, &r), a = dist_sample(&resp, &r);
        switch (w->kind) {
        case SCN_LOAD_HTTP_CLOSED:
        case SCN_LOAD_HTTP_OPEN: {
            /* whole HTTP messages, at least their header: sequence numbers
             * as the run's first requests, the server's id an address */
            struct http_msg m = { .seq = (uint32_t)i + 1, .resp_len = http_len_clamp(a),
                                  .id = REPRESENTATIVE_ID, .close = !w->keepalive };
            q = http_wire_len(HTTP_REQUEST, &m, http_len_clamp(q));
            a = http_wire_len(HTTP_RESPONSE, &m, m.resp_len);
            tcp_exchange(avg, q, a, &sh, w->keepalive, w->kind == SCN_LOAD_HTTP_CLOSED && !strcmp(w->think, "0"));
            avg->payload += a;
            break;
        }
        case SCN_LOAD_BULK_DOWN:
            tcp_exchange(avg, 24, 8 + dist_mean(&resp), &sh, false, false);
            avg->payload += dist_mean(&resp);
            break;
        case SCN_LOAD_BULK_UP: {
            struct traffic up = { 0 };     /* the data goes client to server */
            tcp_exchange(&up, 24 + dist_mean(&resp), 16, &sh, false, false);
            avg->c2s_pkts += up.c2s_pkts, avg->c2s_bytes += up.c2s_bytes, avg->toa_frames += up.toa_frames;
            avg->s2c_pkts += up.s2c_pkts, avg->s2c_bytes += up.s2c_bytes;
            avg->payload += dist_mean(&resp);
            break;
        }
        case SCN_LOAD_UDP:
            q = msg_frame_len_clamp(q, UDPRR_MAX_LEN), a = msg_frame_len_clamp(a, UDPRR_MAX_LEN);
            udp_exchange(avg, q, a, mtu);
            avg->payload += a;
            break;
        }
    }
    avg->c2s_pkts /= n, avg->c2s_bytes /= n, avg->s2c_pkts /= n, avg->s2c_bytes /= n, avg->payload /= n;
    avg->toa_frames /= n;
    return true;
}

/* The first interface of a node on a link: its link, and its first address. */
static const struct scn_link *node_link(const struct scn_topo *topo, int node, uint32_t *addr)
{
    const struct scn_node *n = &topo->nodes[node];
    for (int i = 0; i < n->nifs; i++)
        if (n->ifs[i].link >= 0 && n->ifs[i].naddrs > 0) {
            if (addr)
                *addr = n->ifs[i].addr[0];
            return &topo->links[n->ifs[i].link];
        }
    return NULL;
}

static bool same_shape(const struct scn_workload *a, const struct scn_workload *b)
{
    return a->kind == b->kind && a->keepalive == b->keepalive && !strcmp(a->request, b->request) &&
           !strcmp(a->response, b->response);
}

/* Wire bytes per request on every link direction (link k sent by end e at 2k + e). */
struct leg {
    double *load;
    double bytes;
};

static void load_link(void *ctx, int link, int from_end)
{
    struct leg *g = ctx;
    g->load[2 * link + from_end] += g->bytes;
}

static bool leg(const struct scn_topo *topo, int from, uint32_t to, int arrive, double bytes, double *load)
{
    struct leg g = { load, bytes };
    int at = scn_path_trace(topo, from, to, load_link, &g);
    return at >= 0 && (arrive < 0 || at == arrive);
}

static bool is_server(const struct scn_topo *topo, int node)
{
    for (int i = 0; i < topo->nrealservers; i++)
        if (topo->realservers[i].node == node)
            return true;
    return false;
}

static bool has_addr(const struct scn_node *n, uint32_t addr)
{
    for (int f = 0; f < n->nifs; f++)
        for (int a = 0; a < n->ifs[f].naddrs; a++)
            if (n->ifs[f].addr[a] == addr)
                return true;
    return false;
}

/* A proxy on the node taking the workload's port relays each of its
 * requests to its upstreams (taken evenly), the request and the response
 * as the client's: share of them on the node's links and the back ends'. */
static bool upstream_legs(const struct scn_topo *topo, const struct scn_workload *w, int node, double share,
                          double c2s, double s2c, double *load)
{
    for (int i = 0; i < topo->napps; i++) {
        const struct scn_server_app *app = &topo->apps[i];
        if (app->node != node || app->kind != SCN_APP_PROXY || app->port != w->dport || !app->proxy.nupstream)
            continue;
        double each = share / app->proxy.nupstream;
        for (int k = 0; k < app->proxy.nupstream; k++) {
            int backend = -1;
            for (int n = 0; n < topo->nnodes && backend < 0; n++)
                if (has_addr(&topo->nodes[n], app->proxy.upstream_addr[k]))
                    backend = n;
            uint32_t from;
            if (backend < 0 || !node_link(topo, node, &from) ||
                !leg(topo, node, app->proxy.upstream_addr[k], backend, each * c2s, load) ||
                !leg(topo, backend, from, node, each * s2c, load))
                return false;
        }
    }
    return true;
}

/* Every request's packets along their paths, clients taken evenly and
 * real server i for share[i] of the requests: to the VIP, on to the real server (in IP-in-IP for TUN), and the
 * reply back (through the director's local address for FULLNAT; NAT's
 * routes take it through the director anyway), and a proxy's relaying to
 * its upstreams. */
static bool load_paths(const struct scn_topo *topo, enum scn_mode mode, const struct scn_workload *w,
                       const struct traffic *t, const double *shares, double *load)
{
    int director = topo->directors[0].node, nservers = 0;
    for (int i = 0; i < topo->nrealservers; i++)
        nservers += node_link(topo, topo->realservers[i].node, NULL) != NULL;
    if (mode == SCN_FULLNAT && topo->directors[0].nladdrs == 0)
        return false;
    double c2s = t->c2s_bytes + WIRE_OVERHEAD * t->c2s_pkts, s2c = t->s2c_bytes + WIRE_OVERHEAD * t->s2c_pkts;
    if (nservers == 0) {       /* no LVS: the VIP's holder answers (keepalived in front of a proxy) */
        for (int c = 0; c < w->nfrom; c++) {
            uint32_t client;
            if (!node_link(topo, w->from[c], &client) ||
                !leg(topo, w->from[c], w->dst, director, c2s / w->nfrom, load) ||
                !leg(topo, director, client, w->from[c], s2c / w->nfrom, load) ||
                !upstream_legs(topo, w, director, 1.0 / w->nfrom, c2s, s2c, load))
                return false;
        }
        return true;
    }
    double outer = mode == SCN_TUN ? IPIP_OUTER * t->c2s_pkts : 0;
    for (int c = 0; c < w->nfrom; c++) {
        uint32_t client;
        if (!node_link(topo, w->from[c], &client))
            return false;
        for (int i = 0; i < topo->nrealservers; i++) {
            int rs = topo->realservers[i].node;
            uint32_t rip;
            double share = shares[i] / w->nfrom;
            if (share <= 0)
                continue;
            if (!node_link(topo, rs, &rip))
                continue;
            bool ok = leg(topo, w->from[c], w->dst, director, share * c2s, load) &&
                      leg(topo, director, rip, rs, share * (c2s + outer), load);
            if (mode == SCN_FULLNAT)
                ok = ok && leg(topo, rs, topo->directors[0].laddrs[0], director, share * s2c, load) &&
                     leg(topo, director, client, w->from[c], share * s2c, load);
            else
                ok = ok && leg(topo, rs, client, w->from[c], share * s2c, load);
            if (!ok || !upstream_legs(topo, w, rs, share, c2s, s2c, load))
                return false;
        }
    }
    return true;
}

/* Which resource a link direction is, for the report: the director's NIC,
 * the servers', the clients' links, or another link on the way. */
static int link_rank(const struct scn_topo *topo, const struct scn_workload *w, int from, int to, const char **name)
{
    static const char *const names[] = { "director NIC", "servers", "client links", "a link on the way" };
    int rank = 3;
    for (int i = 0; i < w->nfrom; i++)
        if (w->from[i] == from || w->from[i] == to)
            rank = 2;
    if (is_server(topo, from) || is_server(topo, to))
        rank = 1;
    if (from == topo->directors[0].node || to == topo->directors[0].node)
        rank = 0;
    *name = names[rank];
    return rank;
}

/* The link direction that allows the fewest requests per second; of equal
 * ones, the director's first, then the servers', then the clients'. */
static void busiest_link(const struct scn_topo *topo, const struct scn_workload *w, const struct traffic *t,
                         const double *load, struct resource *r)
{
    int best = -1, best_rank = 0;
    for (int k = 0; k < 2 * topo->nlinks; k++) {
        if (load[k] <= 0)
            continue;
        const struct scn_link *l = &topo->links[k / 2];
        const char *name;
        double rps = (double)l->rate_bps / 8 / load[k];
        int rank = link_rank(topo, w, l->node[k % 2], l->node[1 - k % 2], &name);
        bool tie = best >= 0 && fabs(rps - r->rps) <= 1e-9 * r->rps;
        if (best < 0 || (!tie && rps < r->rps) || (tie && rank < best_rank))
            best = k, best_rank = rank, r->rps = rps, r->name = name;
    }
    const struct scn_link *l = &topo->links[best / 2];
    int from = l->node[best % 2], to = l->node[1 - best % 2];
    snprintf(r->detail, sizeof r->detail, "the %s-%s link (%.3g Gbit/s) carries %.1f KB on the wire per request "
             "of %.1f KB", topo->nodes[from].name, topo->nodes[to].name, (double)l->rate_bps / 1e9,
             load[best] / 1000, t->payload / 1000);
}

static void director_cpu(const struct scn_topo *topo, enum scn_mode mode, const struct traffic *t,
                         struct resource *r)
{
    const struct scn_cpu *c = &topo->nodes[topo->directors[0].node].cpu;
    if (!topo->nrealservers) {  /* keepalived holds the VIP, no LVS rules: nothing to forward */
        r->name = "director CPU";
        r->rps = INFINITY;
        snprintf(r->detail, sizeof r->detail, "no LVS director");
        return;
    }
    bool both_ways = mode == SCN_NAT || mode == SCN_FULLNAT;
    double pkts = t->c2s_pkts + (both_ways ? t->s2c_pkts : 0);
    double bytes = t->c2s_bytes + (both_ways ? t->s2c_bytes : 0);
    double cost_ns = (double)c->per_packet * pkts + c->per_byte_ns * bytes;
    r->name = "director CPU";
    r->rps = c->cores > 0 && cost_ns > 0 ? c->cores * 1e9 / cost_ns : INFINITY;
    snprintf(r->detail, sizeof r->detail, "the director's %d core(s) handle %.1f packets per request at %.3g us each",
             c->cores, pkts, pkts > 0 ? cost_ns / pkts / 1e3 : 0);
}

/* The director's CPU with a cost profile: each frame through it costs what
 * is done to it (sim/cpu.c): in and out, a lookup (FULLNAT's replies two:
 * the client-side table misses first), the mode's rewrite or encapsulation
 * one way and NAT's or FULLNAT's reply rewrite the other, its bytes; each
 * new connection a miss instead of a hit, a scheduler's pick and a new
 * entry; FULLNAT's TOA on the SYN, the handshake's ACK and the request. */
static void director_cpu_profile(const struct scn_topo *topo, enum scn_mode mode, const struct scn_workload *w,
                                 const struct traffic *t, struct resource *r)
{
    const struct scn_cpu *c = &topo->nodes[topo->directors[0].node].cpu;
    const double *ns = c->profile.ns;
    static const enum host_work xmit[] = { [SCN_NAT] = WORK_XMIT_NAT, [SCN_TUN] = WORK_XMIT_TUN,
                                           [SCN_DR] = WORK_XMIT_DR, [SCN_FULLNAT] = WORK_XMIT_FULLNAT };
    bool both_ways = mode == SCN_NAT || mode == SCN_FULLNAT;
    double back = both_ways ? t->s2c_pkts : 0;
    double pkts = t->c2s_pkts + back, bytes = t->c2s_bytes + (both_ways ? t->s2c_bytes : 0);
    double conns = w->keepalive ? 0 : 1;
    double cost = pkts * (ns[SCN_COST_FRAME_IN] + ns[SCN_COST_FRAME_OUT] + ns[WORK_CONN_HIT]) +
                  bytes * ns[SCN_COST_FRAME_BYTE] + t->c2s_pkts * ns[xmit[mode]] +
                  conns * (ns[WORK_CONN_MISS] - ns[WORK_CONN_HIT] + ns[WORK_SCHEDULE] + ns[WORK_CONN_NEW]);
    if (mode == SCN_NAT)
        cost += back * ns[WORK_REPLY_NAT];
    if (mode == SCN_FULLNAT)
        cost += back * (ns[WORK_REPLY_FULLNAT] + ns[WORK_CONN_MISS]) + t->toa_frames * ns[WORK_TOA];
    cost /= c->speed;
    r->name = "director CPU";
    r->rps = c->cores > 0 && cost > 0 ? c->cores * 1e9 / cost : INFINITY;
    snprintf(r->detail, sizeof r->detail, "the director's %d core(s) handle %.1f packets per request at %.3g ns "
             "each (cost profile)", c->cores, pkts, pkts > 0 ? cost / pkts : 0);
}

/* The real servers' CPUs, server i taking share[i] of the requests: the
 * first to saturate bounds them all. */
static void server_cpus(const struct scn_topo *topo, const double *share, const double *capacity,
                        struct resource *r)
{
    int n = 0;
    r->rps = INFINITY;
    for (int i = 0; i < topo->nrealservers; i++)
        if (share[i] > 0) {
            n++;
            r->rps = fmin(r->rps, capacity[i] / share[i]);
        }
    r->name = "servers";
    snprintf(r->detail, sizeof r->detail, "the %d real servers' CPUs are busy with their service time, each "
             "with its share of the requests", n);
}

/* The back ends behind an L7 proxy tier, each taking an even share of the
 * requests (the proxies balance them; LVS's weights are the proxies'). */
static void backend_cpus(const struct scn_topo *topo, const struct scn_workload *w, struct resource *r)
{
    double slowest = INFINITY;
    int n = 0;
    for (int i = 0; i < topo->napps; i++) {
        const struct scn_server_app *app = &topo->apps[i];
        const struct scn_cpu *c = &topo->nodes[app->node].cpu;
        struct dist service;
        char err[160];
        if (!scn_bound_is_backend(topo, w, app))
            continue;
        n++;
        if (c->cores > 0 && dist_parse(app->service_time, DIST_TIME, &service, err, sizeof err) == 0 &&
            dist_mean(&service) > 0)
            slowest = fmin(slowest, c->cores * 1e9 / dist_mean(&service));
    }
    r->name = "servers";
    r->rps = n * slowest;
    snprintf(r->detail, sizeof r->detail, "the %d back ends' CPUs behind the proxies are busy with their service "
             "time", n);
}


/* How many directors share the workload's VIP actively: 1 for one
 * director, or a keepalived group (VRRP gives it to one: the bound takes
 * the first declared); n for n directors without VRRP that an ECMP route
 * lists as its next hops (the flows hash evenly over them). 0 with why
 * for what the bound does not model: directors behind directors
 * (cascading), or several directors sharing the VIP otherwise. A director
 * that is a FULLNAT real server of its own VIP serves it itself (local-node
 * delivery) or for its VRRP peer: one tier. */
static int active_directors(const struct scn_topo *topo, uint32_t vip, char *why, size_t len)
{
    int n = 0;
    bool vrrp = false;
    for (int i = 0; i < topo->ndirectors; i++) {
        for (int k = 0; k < topo->nrealservers; k++)
            if (topo->realservers[k].node == topo->directors[i].node && topo->realservers[k].mode != SCN_NAT &&
                !(topo->realservers[k].mode == SCN_FULLNAT && topo->realservers[k].vip == topo->directors[i].vip)) {
                snprintf(why, len, "director %s is a real server of another (cascading): the bound models one "
                         "tier of directors", topo->nodes[topo->directors[i].node].name);
                return 0;
            }
        if (topo->directors[i].vip == vip)
            n++, vrrp |= topo->directors[i].keepalived[0] != '\0';
    }
    if (n <= 1 || vrrp)
        return 1;
    for (int i = 0; i < topo->nnodes; i++)
        for (int r = 0; r < topo->nodes[i].nroutes; r++) {
            const struct scn_route *rt = &topo->nodes[i].routes[r];
            int listed = 0;
            for (int k = 0; k < rt->nvias; k++)
                for (int d = 0; d < topo->ndirectors; d++)
                    listed += topo->directors[d].vip == vip && has_addr(&topo->nodes[topo->directors[d].node],
                                                                        rt->vias[k]);
            if (rt->nvias > 1 && listed == rt->nvias && listed == n &&
                has_addr(&topo->nodes[topo->directors[0].node], rt->via))
                return n;
        }
    snprintf(why, len, "%d directors share the VIP without VRRP and no ECMP route lists them all first to last", n);
    return 0;
}

json_t *scn_bound(const struct scn_topo *topo, enum scn_mode mode, uint64_t seed)
{
    json_t *none = json_pack("{s:n, s:n, s:n}", "goodput_mbps", "limited_by", "detail");
    const struct scn_link *first;
    if (topo->nworkloads == 0 || topo->ndirectors == 0 || !(first = node_link(topo, topo->directors[0].node, NULL)))
        return none;
    const struct scn_workload *w = &topo->workloads[0];
    for (int i = 1; i < topo->nworkloads; i++)
        if (!same_shape(w, &topo->workloads[i]) || topo->workloads[i].dport != w->dport)
            return none;
    if (topo->nrealservers)
        mode = topo->realservers[0].mode;   /* what the director does (a stage may differ from the run's mode) */
    struct traffic t;
    double *load = calloc(2 * (size_t)topo->nlinks + 1, sizeof *load);
    double *share = calloc((size_t)topo->nrealservers + 1, sizeof *share);
    double *capacity = calloc((size_t)topo->nrealservers + 1, sizeof *capacity);
    char why[200];
    int front = active_directors(topo, w->dst, why, sizeof why);
    if (front == 0 ||
        (topo->nrealservers && scn_bound_shares(topo, w->dport, share, capacity, why, sizeof why) < 0)) {
        free(load), free(share), free(capacity);
        json_decref(none);
        return json_pack("{s:n, s:n, s:s}", "goodput_mbps", "limited_by", "detail", why);
    }
    if (!average_traffic(w, mode, first->mtu, seed, &t) || !load_paths(topo, mode, w, &t, share, load)) {
        free(load), free(share), free(capacity);
        return none;
    }
    struct resource res[5] = { 0 };
    int n = 0;
    int front_node = topo->directors[0].node;
    for (int k = 0; k < 2 * topo->nlinks; k++)   /* the first director's links carry its share (ECMP) */
        if (topo->links[k / 2].node[0] == front_node || topo->links[k / 2].node[1] == front_node)
            load[k] /= front;
    busiest_link(topo, w, &t, load, &res[n++]);
    if (topo->nodes[topo->directors[0].node].cpu.profile.set)
        director_cpu_profile(topo, mode, w, &t, &res[n]);
    else
        director_cpu(topo, mode, &t, &res[n]);
    if (front > 1) {
        res[n].rps *= front;
        size_t used = strlen(res[n].detail);
        snprintf(res[n].detail + used, sizeof res[n].detail - used, ", each of %d directors behind ECMP", front);
    }
    n++;
    if (scn_bound_proxied(topo, w))
        backend_cpus(topo, w, &res[n++]);
    else
        server_cpus(topo, share, capacity, &res[n++]);
    free(share), free(capacity);
    if (scn_bound_proxy_cpus(topo, w, t.c2s_bytes - TCP_FRAME * t.c2s_pkts, t.payload, &res[n].rps, res[n].detail,
                             sizeof res[n].detail))
        res[n++].name = "proxy CPU";
    if (w->kind == SCN_LOAD_HTTP_OPEN || w->kind == SCN_LOAD_UDP) {
        double rate = 0;
        for (int i = 0; i < topo->nworkloads; i++)
            rate += topo->workloads[i].rate * topo->workloads[i].nfrom;
        res[n] = (struct resource){ .rps = rate, .name = "offered load" };
        snprintf(res[n].detail, sizeof res[n].detail, "the clients ask for %.0f requests per second", rate);
        n++;
    }
    free(load);
    const struct resource *min = &res[0];
    for (int i = 1; i < n; i++)
        if (res[i].rps < min->rps)
            min = &res[i];
    json_decref(none);
    return json_pack("{s:f, s:s, s:s}", "goodput_mbps", min->rps * t.payload * 8 / 1e6, "limited_by", min->name,
                     "detail", min->detail);
}
