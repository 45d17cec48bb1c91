/* An L2 learning switch: a MAC table with ageing, forwarding to the learnt
 * port, flooding broadcasts and unknown destinations. */
#ifndef SIM_SWITCH_H
#define SIM_SWITCH_H

#include "sim/nic.h"

#define SIM_SWITCH_AGEING (300 * SIM_S)

struct sim_switch;

struct sim_switch_stats {
    uint64_t forwarded, flooded, filtered;   /* filtered: to the port it came from */
};

struct sim_switch *sim_switch_new(struct sim_node *node);
void sim_switch_free(struct sim_switch *sw);
void sim_switch_input(struct sim_switch *sw, struct sim_nic *in, struct pkt *frame);
const struct sim_switch_stats *sim_switch_stats(const struct sim_switch *sw);
/* The port a MAC was learnt on (still fresh), or -1. */
int sim_switch_port_of(struct sim_switch *sw, const uint8_t mac[6]);

#endif
