/* The CPU model: cores as a pool of finish times, a FIFO of frames in work
 * (flat: frames in, by work: frames out). */
#include "sim/cpu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "sim/nic.h"

#define MAX_CORES 64

struct sim_cpu {
    struct sim_world *w;
    struct sim_cpu_params p;
    sim_time_t free_at[MAX_CORES];
    struct pkt_queue work;     /* pkt->stamp: when done; pkt->in_if: for whom (flat) or whence (by work) */
    struct rt_timer done;
    struct sim_cpu_stats stats;
    /* by work: the frames sent while a frame is handled, and the end times
     * of the frames in work (a ring, in order), for the backlog */
    bool handling;
    struct pkt_queue held;
    sim_time_t *ends;
    uint32_t ends_cap, ends_head, ends_n;
    sim_time_t last_end;
};

static void finish(void *arg)
{
    struct sim_cpu *c = arg;
    sim_time_t now = sched_now(&c->w->sched);
    struct pkt *p;
    while ((p = c->work.first) && p->stamp <= now) {
        pkt_queue_pop(&c->work);
        struct netif *nif = p->in_if;
        p->in_if = NULL;
        if (c->p.by_work)
            sim_nic_send(nif->xmit_ctx, p);
        else
            netif_input(nif, p);
    }
    if (p)
        rt_timer_arm(sched_rt(&c->w->sched), &c->done, p->stamp);
}

struct sim_cpu *sim_cpu_new(struct sim_world *w, const struct sim_cpu_params *p)
{
    struct sim_cpu *c = xcalloc(1, sizeof *c);
    c->w = w;
    c->p = *p;
    if (c->p.cores > MAX_CORES)
        c->p.cores = MAX_CORES;
    rt_timer_init(&c->done, finish, c);
    return c;
}

void sim_cpu_free(struct sim_cpu *c)
{
    if (!c)
        return;
    rt_timer_cancel(sched_rt(&c->w->sched), &c->done);
    pkt_queue_purge(&c->work);
    pkt_queue_purge(&c->held);
    free(c->ends);
    free(c);
}

/* The core that is free first, and when it starts a frame that comes now. */
static int pick_core(const struct sim_cpu *c, sim_time_t now, sim_time_t *start)
{
    int core = 0;
    for (int i = 1; i < c->p.cores; i++)
        if (c->free_at[i] < c->free_at[core])
            core = i;
    *start = c->free_at[core] > now ? c->free_at[core] : now;
    return core;
}

/* Into the work FIFO, done at end or after the frame before it. */
static void push_work(struct sim_cpu *c, struct pkt *frame, struct netif *nif, sim_time_t end)
{
    /* in arrival order: a frame never overtakes the one before it */
    if (c->work.last && c->work.last->stamp > end)
        end = c->work.last->stamp;
    frame->stamp = end;
    frame->in_if = nif;
    bool idle = !c->work.first;
    pkt_queue_push(&c->work, frame);
    if (idle)
        rt_timer_arm(sched_rt(&c->w->sched), &c->done, end);
}

static void input_flat(struct sim_cpu *c, struct netif *nif, struct pkt *frame)
{
    if (sim_cpu_backlog_full(c)) {
        c->stats.dropped++;
        pkt_free(frame);
        return;
    }
    sim_time_t now = sched_now(&c->w->sched), start;
    int core = pick_core(c, now, &start);
    sim_time_t cost = c->p.per_packet + (sim_time_t)(c->p.per_byte_ns * frame->len);
    sim_time_t end = start + cost;
    c->free_at[core] = end;
    c->stats.busy += cost;
    c->stats.handled++;
    push_work(c, frame, nif, end);
}

/* The frames in work by now, their end times kept in order. */
static uint32_t in_work(struct sim_cpu *c, sim_time_t now)
{
    while (c->ends_n && c->ends[c->ends_head] <= now) {
        c->ends_head = (c->ends_head + 1) % c->ends_cap;
        c->ends_n--;
    }
    return c->ends_n;
}

bool sim_cpu_backlog_full(struct sim_cpu *c)
{
    if (c->p.by_work)
        return in_work(c, sched_now(&c->w->sched)) >= c->p.backlog;
    return c->work.count >= c->p.backlog;
}

static void remember_end(struct sim_cpu *c, sim_time_t end)
{
    if (c->ends_n == c->ends_cap) {
        uint32_t cap = c->ends_cap ? 2 * c->ends_cap : 64;
        sim_time_t *ends = xcalloc(cap, sizeof *ends);
        for (uint32_t i = 0; i < c->ends_n; i++)
            ends[i] = c->ends[(c->ends_head + i) % c->ends_cap];
        free(c->ends);
        c->ends = ends;
        c->ends_cap = cap;
        c->ends_head = 0;
    }
    c->ends[(c->ends_head + c->ends_n++) % c->ends_cap] = end;
}

/* What handling the frame did, read from the host and cleared: its cost
 * in ns, each operation's share added to the split. */
static double charge(struct sim_cpu *c, struct host *h, uint32_t len, uint64_t sent)
{
    double n[SCN_COSTS];
    for (int k = 0; k < WORK_KINDS; k++)
        n[k] = h->work.n[k];
    memset(&h->work, 0, sizeof h->work);
    n[SCN_COST_FRAME_IN] = 1;
    n[SCN_COST_FRAME_OUT] = (double)sent;
    n[SCN_COST_FRAME_BYTE] = len;
    double total = 0;
    for (int k = 0; k < SCN_COSTS; k++) {
        double ns = n[k] * c->p.cost_ns[k];
        c->stats.busy_ns_by[k] += ns;
        total += ns;
    }
    return total;
}

static void input_by_work(struct sim_cpu *c, struct netif *nif, struct pkt *frame)
{
    sim_time_t now = sched_now(&c->w->sched);
    if (sim_cpu_backlog_full(c)) {
        c->stats.dropped++;
        pkt_free(frame);
        return;
    }
    uint32_t len = frame->len;
    c->handling = true;
    netif_input(nif, frame);
    c->handling = false;
    uint64_t sent = c->held.count;
    sim_time_t start, cost = (sim_time_t)llround(charge(c, nif->host, len, sent));
    int core = pick_core(c, now, &start);
    sim_time_t end = start + cost;
    c->free_at[core] = end;
    c->stats.busy += cost;
    c->stats.handled++;
    c->stats.sent += sent;
    if (end < c->last_end)
        end = c->last_end;               /* frames leave in arrival order */
    c->last_end = end;
    remember_end(c, end);
    struct pkt *p;
    while ((p = pkt_queue_pop(&c->held))) {
        struct netif *out = p->in_if;
        push_work(c, p, out, end);
    }
}

void sim_cpu_input(struct sim_cpu *c, struct netif *nif, struct pkt *frame)
{
    if (c->p.by_work)
        input_by_work(c, nif, frame);
    else
        input_flat(c, nif, frame);
}

bool sim_cpu_hold(struct sim_cpu *c, struct sim_nic *nic, struct pkt *frame)
{
    if (!c->handling)
        return false;
    frame->in_if = nic->nif;
    pkt_queue_push(&c->held, frame);
    return true;
}

const struct sim_cpu_stats *sim_cpu_stats(const struct sim_cpu *c) { return &c->stats; }

bool sim_cpu_by_work(const struct sim_cpu *c) { return c->p.by_work; }
