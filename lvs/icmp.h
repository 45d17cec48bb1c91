/*
 * ICMP errors that belong to a connection (ip_vs_in_icmp, ip_vs_out_icmp):
 * found through the packet they quote, rewritten on both the outer and the
 * quoted headers as the connection's own packets are, and sent on.
 */
#ifndef LVS_ICMP_H
#define LVS_ICMP_H

#include "lvs/ipvs.h"
#include "net/host.h"

/* At LOCAL_IN: an error about a reply the director sent from a VIP (to the
 * real server) or, under FULLNAT, about a request it sent from a local
 * address (to the client). ACCEPT when it belongs to no connection. */
enum host_verdict ipvs_icmp_in(struct ipvs *ipvs, struct pkt *p);
/* At FORWARD: a NAT real server's error about a request, to the client. */
enum host_verdict ipvs_icmp_forward(struct ipvs *ipvs, struct pkt *p);

#endif
