/*
 * A node's CPU: frames that reach a host wait for one of its cores, each
 * costing per_packet + per_byte x size, and are dropped when the backlog is
 * full, so a director (or a server) saturates as a real one does. Frames
 * leave the CPU in arrival order.
 */
#ifndef SIM_CPU_H
#define SIM_CPU_H

#include "sim/world.h"

struct sim_cpu_stats {
    uint64_t handled, dropped;
    sim_time_t busy;           /* core time used, all cores */
};

struct sim_cpu *sim_cpu_new(struct sim_world *w, const struct sim_cpu_params *p);
void sim_cpu_free(struct sim_cpu *c);
/* A frame for nif, to be handled when a core has done its work; takes ownership. */
void sim_cpu_input(struct sim_cpu *c, struct netif *nif, struct pkt *frame);
/* Whether the backlog is full: the next frame given would be dropped. */
bool sim_cpu_backlog_full(const struct sim_cpu *c);
const struct sim_cpu_stats *sim_cpu_stats(const struct sim_cpu *c);

#endif
