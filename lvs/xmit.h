/*
 * The forwarding methods (ip_vs_xmit.c), one transmit function each, bound
 * to a connection when it is made; and the reply rewrites for the methods
 * whose replies come back through the director (NAT, FULLNAT). Every
 * function takes the packet with data at the IPv4 header and passes it on
 * or frees it.
 */
#ifndef LVS_XMIT_H
#define LVS_XMIT_H

#include "lvs/conn.h"

/* The transmit function of a forwarding method. Inline, from a table: the
 * director picks it for every packet. */
extern const ipvs_xmit_fn ipvs_xmit_table[IPVS_FWD_METHODS];
static inline ipvs_xmit_fn ipvs_xmit_for(enum ipvs_fwd fwd) { return ipvs_xmit_table[fwd]; }

/* A reply from the real server: NAT rewrites the source back to the
 * virtual service, FULLNAT both addresses back to the client's tuple. */
void ipvs_xmit_reply(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p);

/* FULLNAT on a client SYN: lower its MSS option by the room the TOA option
 * takes, so that segments carrying it still fit the path. */
void ipvs_fullnat_adjust_mss(struct pkt *p);

#endif
