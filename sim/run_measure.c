/* Window counters of the world, and the run's time series. */
#include "sim/run_measure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/timeseries.h"
#include "engine/xalloc.h"
#include "lvs/conn.h"
#include "net/tcp.h"
#include "sim/cpu.h"
#include "sim/nic.h"
#include "sim/run_samples.h"

#define WIRE_OVERHEAD 24       /* FCS, preamble and inter-frame gap, as sim/nic.c serialises */

struct counters {
    sim_time_t t;
    struct sim_nic_stats *nics;    /* every NIC: link k's ends at 2k and 2k + 1 */
    sim_time_t cpu_busy[SCN_MAX_DIRECTORS];
    uint64_t ipvs_pkts;            /* all directors */
    double work_ns[SCN_COSTS];     /* directors whose CPU has a cost profile: core time by operation */
    uint64_t work_frames;          /* and the frames they handled */
    struct tcp_stack_stats tcp;    /* every host's TCP, summed */
};

struct sim_measure {
    struct sim_build *b;
    struct sim_node *directors[SCN_MAX_DIRECTORS];
    int cores[SCN_MAX_DIRECTORS];
    int ndirectors;
    bool cpu_model;                /* some director has one */
    bool cpu_by_work;              /* some director's charges by operation */
    char profile[SCN_PROFILE_NAME_MAX];   /* the first such director's cost profile */
    const struct sim_apps *apps;
    struct counters start, end;
    struct rt_timer window;
    size_t conns_max;
    struct timeseries ts;
    struct sim_samples *samples;   /* per server, per state */
    uint64_t last_bytes, last_completed, last_failed, last_retries;   /* at the previous sample */
    sim_time_t last_busy[SCN_MAX_DIRECTORS];
};

static uint64_t ipvs_pkts(const struct sim_build *b)
{
    uint64_t n = 0;
    for (int i = 0; i < b->nipvs; i++)
        for (const struct ipvs_service *s = b->ipvs[i]->services; s; s = s->next)
            n += s->stats.inpkts + s->stats.outpkts;
    return n;
}

static sim_time_t cpu_busy(const struct sim_node *n)
{
    return n->cpu ? sim_cpu_stats(n->cpu)->busy : 0;
}

static void take(struct sim_measure *m, struct counters *c)
{
    struct sim_world *w = m->b->w;
    c->t = sched_now(&w->sched);
    for (int k = 0; k < w->nlinks; k++)
        for (int e = 0; e < 2; e++)
            c->nics[2 * k + e] = w->links[k]->nic[e]->stats;
    for (int i = 0; i < m->ndirectors; i++)
        c->cpu_busy[i] = cpu_busy(m->directors[i]);
    c->ipvs_pkts = ipvs_pkts(m->b);
    memset(&c->tcp, 0, sizeof c->tcp);
    for (int i = 0; i < w->nnodes; i++) {
        if (!w->nodes[i]->host)
            continue;
        const struct tcp_stack_stats *t = tcp_stack_stats(w->nodes[i]->host);
        c->tcp.segs_out += t->segs_out;
        c->tcp.retransmits += t->retransmits;
        c->tcp.timeouts += t->timeouts;
        c->tcp.loss_probes += t->loss_probes;
        c->tcp.loss_probe_recoveries += t->loss_probe_recoveries;
        c->tcp.recoveries += t->recoveries;
        c->tcp.lost_retransmits += t->lost_retransmits;
        c->tcp.dsack_old_sent += t->dsack_old_sent;
        c->tcp.dsack_ofo_sent += t->dsack_ofo_sent;
        c->tcp.dsack_recv += t->dsack_recv;
        c->tcp.dsack_undos += t->dsack_undos;
        c->tcp.full_undos += t->full_undos;
    }
    memset(c->work_ns, 0, sizeof c->work_ns);
    c->work_frames = 0;
    for (int i = 0; i < m->ndirectors; i++) {
        const struct sim_cpu *cpu = m->directors[i]->cpu;
        if (!cpu || !sim_cpu_by_work(cpu))
            continue;
        const struct sim_cpu_stats *s = sim_cpu_stats(cpu);
        for (int k = 0; k < SCN_COSTS; k++)
            c->work_ns[k] += s->busy_ns_by[k];
        c->work_frames += s->handled;
    }
}

/* A director's share of its cores used over an interval. */
static double util_of(const struct sim_measure *m, int i, sim_time_t busy, sim_time_t dt)
{
    return m->cores[i] > 0 && dt > 0 ? (double)busy / ((double)dt * m->cores[i]) : 0;
}

static void window_opens(void *arg)
{
    struct sim_measure *m = arg;
    struct sim_world *w = m->b->w;
    for (int k = 0; k < w->nlinks; k++)     /* queue high-water marks count from here */
        for (int e = 0; e < 2; e++)
            w->links[k]->nic[e]->stats.queue_max = w->links[k]->nic[e]->txq.count;
    for (int i = 0; i < m->b->nipvs; i++)
        ipvs_conn_count_max_reset(m->b->ipvs[i]);
    take(m, &m->start);
}

static double interval_s(const struct sim_measure *m) { return sim_time_to_s(m->ts.interval); }

static double sample_goodput(void *arg)
{
    struct sim_measure *m = arg;
    uint64_t now = sim_apps_delivered(m->apps), d = now - m->last_bytes;
    m->last_bytes = now;
    return (double)d * 8 / interval_s(m) / 1e6;
}

static double sample_requests(void *arg)
{
    struct sim_measure *m = arg;
    uint64_t now = sim_apps_completed(m->apps), d = now - m->last_completed;
    m->last_completed = now;
    return (double)d / interval_s(m);
}

static double sample_failed(void *arg)
{
    struct sim_measure *m = arg;
    uint64_t retries, now = sim_apps_failed(m->apps, &retries), d = now - m->last_failed;
    m->last_failed = now;
    return (double)d / interval_s(m);
}

static double sample_retries(void *arg)
{
    struct sim_measure *m = arg;
    uint64_t retries;
    sim_apps_failed(m->apps, &retries);
    uint64_t d = retries - m->last_retries;
    m->last_retries = retries;
    return (double)d / interval_s(m);
}

/* The directors' connection tables at the sample: ActiveConn and InActConn
 * summed over every real server of every service, as ipvsadm -L shows them. */
static double director_conns(const struct sim_measure *m, bool active)
{
    uint64_t n = 0;
    for (int i = 0; i < m->b->nipvs; i++)
        for (const struct ipvs_service *s = m->b->ipvs[i]->services; s; s = s->next)
            for (const struct ipvs_dest *d = s->dests; d; d = d->next)
                n += active ? d->activeconns : d->inactconns;
    return (double)n;
}

static double sample_active(void *arg) { return director_conns(arg, true); }
static double sample_inactive(void *arg) { return director_conns(arg, false); }

/* The busiest director's CPU over the interval. */
static double sample_cpu(void *arg)
{
    struct sim_measure *m = arg;
    double most = 0;
    for (int i = 0; i < m->ndirectors; i++) {
        sim_time_t now = cpu_busy(m->directors[i]);
        most = fmax(most, util_of(m, i, now - m->last_busy[i], m->ts.interval));
        m->last_busy[i] = now;
    }
    return most;
}

struct sim_measure *sim_measure_start(struct sim_build *b, const struct scn_topo *topo,
                                      const struct sim_apps *apps, sim_time_t warmup, sim_time_t interval)
{
    struct sim_measure *m = xcalloc(1, sizeof *m);
    m->b = b;
    m->apps = apps;
    for (int i = 0; i < topo->ndirectors; i++) {
        m->directors[i] = b->nodes[topo->directors[i].node];
        m->cores[i] = topo->nodes[topo->directors[i].node].cpu.cores;
        m->cpu_model |= m->directors[i]->cpu != NULL;
        if (m->directors[i]->cpu && sim_cpu_by_work(m->directors[i]->cpu) && !m->cpu_by_work) {
            m->cpu_by_work = true;
            snprintf(m->profile, sizeof m->profile, "%s", topo->nodes[topo->directors[i].node].cpu.profile.source);
        }
        m->ndirectors++;
    }
    size_t nnics = 2 * (size_t)b->w->nlinks + 1;
    m->start.nics = xcalloc(nnics, sizeof *m->start.nics);
    m->end.nics = xcalloc(nnics, sizeof *m->end.nics);
    rt_timer_init(&m->window, window_opens, m);
    rt_timer_arm(sim_world_rt(b->w), &m->window, warmup);
    ts_init(&m->ts, sim_world_rt(b->w), interval);
    ts_add_gauge(&m->ts, "goodput_mbps", sample_goodput, m);
    ts_add_gauge(&m->ts, "requests_per_s", sample_requests, m);
    ts_add_gauge(&m->ts, "failed_per_s", sample_failed, m);
    ts_add_gauge(&m->ts, "retries_per_s", sample_retries, m);
    ts_add_gauge(&m->ts, "director_active_conns", sample_active, m);
    ts_add_gauge(&m->ts, "director_inactive_conns", sample_inactive, m);
    if (m->cpu_model)
        ts_add_gauge(&m->ts, "director_cpu_util", sample_cpu, m);
    m->samples = sim_samples_new(b, topo, apps);
    ts_on_sample(&m->ts, sim_samples_take, m->samples);
    ts_start(&m->ts);
    return m;
}

void sim_measure_close_window(struct sim_measure *m)
{
    take(m, &m->end);
    for (int i = 0; i < m->b->nipvs; i++)
        if (ipvs_conn_count_max(m->b->ipvs[i]) > m->conns_max)
            m->conns_max = ipvs_conn_count_max(m->b->ipvs[i]);
}

void sim_measure_finish(struct sim_measure *m) { ts_stop(&m->ts); }

static double seconds(const struct sim_measure *m) { return sim_time_to_s(m->end.t - m->start.t); }

/* The fraction of a link direction's capacity that bytes and frames used. */
static double util(uint64_t bytes, uint64_t pkts, uint64_t rate_bps, double s)
{
    return (double)(bytes + WIRE_OVERHEAD * pkts) * 8 / ((double)rate_bps * s);
}

static int nic_index(const struct sim_world *w, const struct sim_nic *nic)
{
    for (int k = 0; k < w->nlinks; k++)
        for (int e = 0; e < 2; e++)
            if (w->links[k]->nic[e] == nic)
                return 2 * k + e;
    return -1;
}

/* Where the directors' CPU time went, per frame they handled, by
 * operation; and the frames a core handles per second at that mix (its
 * rate at saturation). */
static json_t *cpu_work(const struct sim_measure *m)
{
    uint64_t frames = m->end.work_frames - m->start.work_frames;
    json_t *by = json_object();
    double total = 0;
    for (int k = 0; k < SCN_COSTS; k++) {
        double ns = frames ? (m->end.work_ns[k] - m->start.work_ns[k]) / (double)frames : 0;
        total += ns;
        json_object_set_new(by, scn_cost_name(k), json_real(ns));
    }
    return json_pack("{s:s, s:I, s:f, s:o, s:o}", "profile", m->profile, "frames", (json_int_t)frames,
                     "ns_per_frame", total,
                     "pkts_per_s_per_core", total > 0 ? json_real(1e9 / total) : json_null(),
                     "ns_per_frame_by_op", by);
}

/* The directors together: packets and bits through all of them, the
 * busiest one's CPU and NIC, the largest connection table. */
json_t *sim_measure_director(const struct sim_measure *m)
{
    double s = seconds(m);
    if (!m->ndirectors || s <= 0)
        return json_pack("{s:n, s:n, s:n, s:n, s:n}", "pkts_per_s", "mbps", "cpu_util", "conns_max", "nic_util");
    double bits = 0, nic_util = 0, cpu = 0;
    for (int d = 0; d < m->ndirectors; d++) {
        const struct sim_node *n = m->directors[d];
        for (int i = 0; i < n->nnics; i++) {
            int k = nic_index(m->b->w, n->nics[i]);
            if (k < 0)
                continue;
            const struct sim_nic_stats *a = &m->start.nics[k], *z = &m->end.nics[k];
            uint64_t rate = m->b->w->links[k / 2]->p.rate_bps;
            nic_util = fmax(nic_util, util(z->tx_bytes - a->tx_bytes, z->tx_packets - a->tx_packets, rate, s));
            nic_util = fmax(nic_util, util(z->rx_bytes - a->rx_bytes, z->rx_packets - a->rx_packets, rate, s));
            bits += (double)(z->tx_bytes - a->tx_bytes) * 8;
        }
        cpu = fmax(cpu, util_of(m, d, m->end.cpu_busy[d] - m->start.cpu_busy[d], m->end.t - m->start.t));
    }
    json_t *d = json_pack("{s:f, s:f, s:o, s:I, s:f}", "pkts_per_s", (double)(m->end.ipvs_pkts - m->start.ipvs_pkts) / s,
                          "mbps", bits / s / 1e6, "cpu_util", m->cpu_model ? json_real(cpu) : json_null(),
                          "conns_max", (json_int_t)m->conns_max, "nic_util", nic_util);
    if (m->cpu_by_work)
        json_object_set_new(d, "cpu_work", cpu_work(m));
    return d;
}

json_t *sim_measure_links(const struct sim_measure *m)
{
    json_t *links = json_array();
    double s = seconds(m);
    const struct sim_world *w = m->b->w;
    for (int k = 0; k < w->nlinks; k++)
        for (int e = 0; e < 2; e++) {
            const struct sim_nic *nic = w->links[k]->nic[e];
            const struct sim_nic_stats *a = &m->start.nics[2 * k + e], *z = &m->end.nics[2 * k + e];
            uint64_t drops = (z->queue_drops - a->queue_drops) + (z->loss_drops - a->loss_drops) +
                             (z->down_drops - a->down_drops);
            json_array_append_new(links, json_pack(
                "{s:s, s:o, s:I, s:I, s:I}", "name", nic->name,
                "util", s > 0 ? json_real(util(z->tx_bytes - a->tx_bytes, z->tx_packets - a->tx_packets,
                                              w->links[k]->p.rate_bps, s)) : json_null(),
                "drops", (json_int_t)drops, "queue_drops", (json_int_t)(z->queue_drops - a->queue_drops),
                "queue_max_pkts", (json_int_t)z->queue_max));
        }
    return links;
}

json_t *sim_measure_tcp(const struct sim_measure *m)
{
    const struct tcp_stack_stats *a = &m->start.tcp, *z = &m->end.tcp;
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                     "OutSegs", (json_int_t)(z->segs_out - a->segs_out),
                     "RetransSegs", (json_int_t)(z->retransmits - a->retransmits),
                     "TCPTimeouts", (json_int_t)(z->timeouts - a->timeouts),
                     "TCPLossProbes", (json_int_t)(z->loss_probes - a->loss_probes),
                     "TCPLossProbeRecovery", (json_int_t)(z->loss_probe_recoveries - a->loss_probe_recoveries),
                     "TCPRecoveries", (json_int_t)(z->recoveries - a->recoveries),
                     "TCPLostRetransmit", (json_int_t)(z->lost_retransmits - a->lost_retransmits),
                     "TCPDSACKOldSent", (json_int_t)(z->dsack_old_sent - a->dsack_old_sent),
                     "TCPDSACKOfoSent", (json_int_t)(z->dsack_ofo_sent - a->dsack_ofo_sent),
                     "TCPDSACKRecv", (json_int_t)(z->dsack_recv - a->dsack_recv),
                     "TCPDSACKUndo", (json_int_t)(z->dsack_undos - a->dsack_undos),
                     "TCPFullUndo", (json_int_t)(z->full_undos - a->full_undos));
}

json_t *sim_measure_timeseries(const struct sim_measure *m)
{
    const struct timeseries *ts = &m->ts;
    static const char *const more[] = { "failed_per_s", "retries_per_s", "director_active_conns",
                                        "director_inactive_conns" };
    json_t *t = json_array(), *good = json_array(), *rps = json_array(), *cpu = json_array(), *extra[4];
    int cpu_series = ts_find(ts, "director_cpu_util");
    for (int k = 0; k < 4; k++)
        extra[k] = json_array();
    for (size_t i = 0; i < ts->n; i++) {
        json_array_append_new(t, json_real(sim_time_to_s(ts->t[i] - ts->interval)));
        json_array_append_new(good, json_real(ts->series[0].values[i]));
        json_array_append_new(rps, json_real(ts->series[1].values[i]));
        json_array_append_new(cpu, cpu_series >= 0 ? json_real(ts->series[cpu_series].values[i]) : json_null());
        for (int k = 0; k < 4; k++)
            json_array_append_new(extra[k], json_real(ts->series[ts_find(ts, more[k])].values[i]));
    }
    json_t *o = json_pack("{s:f, s:o, s:o, s:o, s:o}", "interval_s", interval_s(m), "t_s", t, "goodput_mbps", good,
                          "requests_per_s", rps, "director_cpu_util", cpu);
    for (int k = 0; k < 4; k++)
        json_object_set_new(o, more[k], extra[k]);
    sim_samples_json(m->samples, o);
    return o;
}

void sim_measure_free(struct sim_measure *m)
{
    if (!m)
        return;
    rt_timer_cancel(sim_world_rt(m->b->w), &m->window);
    ts_free(&m->ts);
    sim_samples_free(m->samples);
    free(m->start.nics);
    free(m->end.nics);
    free(m);
}
