/*
 * keepalived on a simulated director: the director's keepalived.conf read
 * and applied (its virtual servers and real servers in the IPVS table, the
 * health checkers on the director's host) and its vrrp_instance blocks
 * started. What they report (a real server down or up, quorum, a VRRP
 * state change) goes to the build's event sink once the run listens.
 */
#ifndef SIM_BUILD_KEEPALIVED_H
#define SIM_BUILD_KEEPALIVED_H

#include <stdbool.h>

#include "sim/build.h"

/* Director i's keepalived; *vrrp is true when VRRP decides who holds the
 * VIP (the world must not put it on the director itself). 0, or -1 with
 * "file:line: ..." in err. */
int sim_keepalived_start(struct sim_build *b, const struct scn_topo *topo, int i, bool *vrrp, char *err,
                         size_t errlen);
/* Stops and frees director i's checkers and VRRP. */
void sim_keepalived_free(struct sim_build *b, int i);

#endif
