/*
 * A simulated world from one run of a scenario: its nodes (hosts, routers,
 * switches, CPU models), links, addresses, routes and sysctls, the director
 * with its ipvsadm rules and FULLNAT local addresses, and each real
 * server's set-up for its mode (the VIP on lo or tunl0 with the ARP fix for
 * DR and TUN). Errors name the script line that declared the culprit.
 */
#ifndef SIM_BUILD_H
#define SIM_BUILD_H

#include "lvs/ipvs.h"
#include "sim/scenario.h"
#include "sim/world.h"

struct sim_build {
    struct sim_world *w;
    struct sim_node **nodes;   /* by the scenario's node index */
    int nnodes;
    struct sim_link **links;   /* by the scenario's link index */
    struct ipvs **ipvs;        /* each director's table, in the scenario's order */
    int nipvs;
};

/* Build the world of topo with seed; pcap_dir non-empty captures every NIC
 * there. 0, or -1 with "file:line: message" in err (b is then empty). */
int sim_build(struct sim_build *b, const struct scn_topo *topo, uint64_t seed, const char *pcap_dir,
              char *err, size_t errlen);
/* Frees the world; returns the packets still live (0 expected). */
size_t sim_build_free(struct sim_build *b);

#endif
