/* The CPU model: cores as a pool of finish times, a FIFO of frames in work. */
#include "sim/cpu.h"

#include <stdlib.h>

#include "engine/xalloc.h"

#define MAX_CORES 64

struct sim_cpu {
    struct sim_world *w;
    struct sim_cpu_params p;
    sim_time_t free_at[MAX_CORES];
    struct pkt_queue work;     /* pkt->stamp: when done; pkt->in_if: for whom */
    struct rt_timer done;
    struct sim_cpu_stats stats;
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
    free(c);
}

bool sim_cpu_backlog_full(const struct sim_cpu *c) { return c->work.count >= c->p.backlog; }

void sim_cpu_input(struct sim_cpu *c, struct netif *nif, struct pkt *frame)
{
    if (sim_cpu_backlog_full(c)) {
        c->stats.dropped++;
        pkt_free(frame);
        return;
    }
    sim_time_t now = sched_now(&c->w->sched);
    int core = 0;
    for (int i = 1; i < c->p.cores; i++)
        if (c->free_at[i] < c->free_at[core])
            core = i;
    sim_time_t start = c->free_at[core] > now ? c->free_at[core] : now;
    sim_time_t cost = c->p.per_packet + (sim_time_t)(c->p.per_byte_ns * frame->len);
    sim_time_t end = start + cost;
    c->free_at[core] = end;
    c->stats.busy += cost;
    c->stats.handled++;
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

const struct sim_cpu_stats *sim_cpu_stats(const struct sim_cpu *c) { return &c->stats; }
