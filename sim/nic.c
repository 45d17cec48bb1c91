/* NIC transmit queues, serialization, propagation, loss, delivery; a
 * frame's transmit completion (pkt_orphan) when it has left the NIC. */
#include "sim/nic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "sim/cpu.h"
#include "scenario/pcap.h"
#include "sim/switch.h"

static void nic_receive(struct sim_nic *nic, struct pkt *p)
{
    nic->stats.rx_packets++;
    nic->stats.rx_bytes += p->len;
    struct sim_node *n = nic->node;
    if (n->failed) {
        nic->stats.down_drops++;
        pkt_free(p);
        return;
    }
    /* the receive tap sees what the stack is given, as Linux's does
     * (__netif_receive_skb): a frame the CPU's backlog drops never */
    if (!n->cpu || !sim_cpu_backlog_full(n->cpu))
        scn_pcap_write(nic->pcap, p, sched_now(&n->w->sched), SCN_PCAP_IN);
    if (n->sw)
        sim_switch_input(n->sw, nic, p);
    else if (n->cpu)
        sim_cpu_input(n->cpu, nic->nif, p);
    else
        netif_input(nic->nif, p);
}

static void arrive(void *arg)
{
    struct sim_dir *d = arg;
    sim_time_t now = sched_now(&d->from->node->w->sched);
    struct pkt *p;
    while ((p = d->flight.first) && p->stamp <= now) {
        pkt_queue_pop(&d->flight);
        nic_receive(d->to, p);
    }
    if (p)
        rt_timer_arm(sched_rt(&d->from->node->w->sched), &d->arrive, p->stamp);
}

static void start_next(struct sim_nic *nic);

static void tx_done(void *arg)
{
    struct sim_nic *nic = arg;
    struct pkt *p = nic->sending;
    nic->sending = NULL;
    /* the next frame goes on the wire first; then the transmit completion
     * gives the sender its charge back (TCP Small Queues), and what it
     * sends then queues behind */
    start_next(nic);
    pkt_orphan(p);
    struct sim_dir *d = nic->out;
    struct sim_world *w = nic->node->w;
    sim_time_t now = sched_now(&w->sched);
    if (!d->link->up) {
        nic->stats.down_drops++;
        pkt_free(p);
    } else if (d->link->p.loss > 0 && rng_unit(&d->rng) < d->link->p.loss) {
        nic->stats.loss_drops++;
        pkt_free(p);
    } else {
        sim_time_t at = now + d->link->p.delay;
        if (d->link->p.jitter)
            at += (sim_time_t)rng_below(&d->rng, (uint64_t)d->link->p.jitter + 1);
        if (at < d->last_arrival)
            at = d->last_arrival;        /* jitter never reorders */
        d->last_arrival = at;
        p->stamp = at;
        bool idle = !d->flight.first;
        pkt_queue_push(&d->flight, p);
        if (idle)
            rt_timer_arm(sched_rt(&w->sched), &d->arrive, at);
    }
}

static void start_next(struct sim_nic *nic)
{
    struct pkt *p = pkt_queue_pop(&nic->txq);
    if (!p)
        return;
    struct sim_world *w = nic->node->w;
    nic->sending = p;
    nic->stats.tx_packets++;
    nic->stats.tx_bytes += p->len;
    /* the transmit tap: the frame leaves the queue for the wire, as Linux's
     * dev_queue_xmit_nit sees it when the driver takes it; a frame the full
     * queue dropped never got here */
    scn_pcap_write(nic->pcap, p, sched_now(&w->sched), SCN_PCAP_OUT);
    /* on the wire: the frame, its FCS, preamble and inter-frame gap */
    uint64_t bits = (uint64_t)(p->len + 24) * 8;
    sim_time_t t = (sim_time_t)((bits * (uint64_t)SIM_S + nic->out->link->p.rate_bps - 1) /
                                nic->out->link->p.rate_bps);
    rt_timer_arm_in(sched_rt(&w->sched), &nic->tx_done, t);
}

void sim_nic_send(struct sim_nic *nic, struct pkt *frame)
{
    if (nic->node->failed || !nic->out) {
        nic->stats.down_drops++;
        pkt_free(frame);
        return;
    }
    if (nic->txq.count >= nic->txq_limit) {
        nic->stats.queue_drops++;
        pkt_free(frame);
        return;
    }
    pkt_queue_push(&nic->txq, frame);
    if (nic->txq.count > nic->stats.queue_max)
        nic->stats.queue_max = nic->txq.count;
    if (!nic->sending)
        start_next(nic);
}

struct sim_nic *sim_nic_new(struct sim_node *node, const char *ifname)
{
    struct sim_nic *nic = xcalloc(1, sizeof *nic);
    snprintf(nic->name, sizeof nic->name, "%s-%s", node->name, ifname);
    nic->node = node;
    nic->txq_limit = 100;
    rt_timer_init(&nic->tx_done, tx_done, nic);
    return nic;
}

void sim_nic_free(struct sim_nic *nic)
{
    struct rt *rt = sched_rt(&nic->node->w->sched);
    rt_timer_cancel(rt, &nic->tx_done);
    pkt_queue_purge(&nic->txq);
    pkt_free(nic->sending);
    scn_pcap_close(nic->pcap);
    free(nic);
}

struct sim_link *sim_link_new(struct sim_world *w, struct sim_nic *a, struct sim_nic *b,
                              const struct sim_link_params *p)
{
    struct sim_link *l = xcalloc(1, sizeof *l);
    l->p = *p;
    l->up = true;
    l->nic[0] = a;
    l->nic[1] = b;
    for (int i = 0; i < 2; i++) {
        struct sim_dir *d = &l->dir[i];
        d->link = l;
        d->from = l->nic[i];
        d->to = l->nic[!i];
        char stream[6 * SIM_NAME_MAX];
        snprintf(stream, sizeof stream, "link:%s>%s", d->from->name, d->to->name);
        rng_init(&d->rng, w->seed, stream);
        rt_timer_init(&d->arrive, arrive, d);
        l->nic[i]->out = d;
        l->nic[i]->txq_limit = p->queue_pkts;
    }
    return l;
}

void sim_link_free(struct sim_link *l)
{
    for (int i = 0; i < 2; i++) {
        rt_timer_cancel(sched_rt(&l->nic[i]->node->w->sched), &l->dir[i].arrive);
        pkt_queue_purge(&l->dir[i].flight);
    }
    free(l);
}
