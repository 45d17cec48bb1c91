/*
 * A node's CPU: frames that reach a host wait for one of its cores and are
 * dropped when the backlog is full, so a director (or a server) saturates
 * as a real one does. Two models:
 * - flat: each frame costs per_packet + per_byte x size before the stack
 *   sees it; frames leave the CPU in arrival order.
 * - by work (a cost profile): the stack handles each frame as it arrives,
 *   counting what it did (net/work.h); the frame costs the sum of those
 *   operations' costs, and the frames the handling sent wait on the CPU
 *   until that work is done, in order. Work done between frames (timers)
 *   is charged with the next frame.
 */
#ifndef SIM_CPU_H
#define SIM_CPU_H

#include "sim/world.h"

struct sim_nic;

struct sim_cpu_stats {
    uint64_t handled, dropped;
    sim_time_t busy;           /* core time used, all cores */
    /* by work: the core time of each operation (enum host_work, then
     * enum scn_cost), and the frames the handling sent */
    double busy_ns_by[SCN_COSTS];
    uint64_t sent;
};

struct sim_cpu *sim_cpu_new(struct sim_world *w, const struct sim_cpu_params *p);
void sim_cpu_free(struct sim_cpu *c);
/* A frame for nif, to be handled when a core has done its work; takes ownership. */
void sim_cpu_input(struct sim_cpu *c, struct netif *nif, struct pkt *frame);
/* A frame the host sends on nic: true when the CPU holds it (by work,
 * while it handles a frame) and sends it once the work is done. */
bool sim_cpu_hold(struct sim_cpu *c, struct sim_nic *nic, struct pkt *frame);
/* Whether the backlog is full: the next frame given would be dropped. */
bool sim_cpu_backlog_full(struct sim_cpu *c);
const struct sim_cpu_stats *sim_cpu_stats(const struct sim_cpu *c);
bool sim_cpu_by_work(const struct sim_cpu *c);

#endif
