/* The send-time log of new data (one entry per segment), for per-ACK RTT samples. */
#include "net/tcp_txlog.h"

#include <stdlib.h>

#include "engine/xalloc.h"
#include "net/tcp_seq.h"

void tcp_txlog_free(struct tcp_txlog *l)
{
    free(l->e);
    *l = (struct tcp_txlog){ 0 };
}

void tcp_txlog_push(struct tcp_txlog *l, uint32_t end, sim_time_t t)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? 2 * l->cap : 64;
        struct tcp_txlog_entry *e = xmalloc(cap * sizeof *e);
        for (uint32_t i = 0; i < l->n; i++)
            e[i] = l->e[(l->head + i) & (l->cap - 1)];
        free(l->e);
        l->e = e;
        l->cap = cap;
        l->head = 0;
    }
    l->e[(l->head + l->n) & (l->cap - 1)] = (struct tcp_txlog_entry){ .end = end, .t = t };
    l->n++;
}

sim_time_t tcp_txlog_ack(struct tcp_txlog *l, uint32_t ack)
{
    sim_time_t t = -1;
    while (l->n && tcp_seq_leq(l->e[l->head].end, ack)) {
        t = l->e[l->head].t;
        l->head = (l->head + 1) & (l->cap - 1);
        l->n--;
    }
    return t;
}
