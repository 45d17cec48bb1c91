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
 * virtual service, FULLNAT both addresses back to the client's tuple (and
 * lowers the MSS of the server's SYN-ACK by the TOA option's room). */
void ipvs_xmit_reply(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p);

#endif
