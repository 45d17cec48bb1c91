/*
 * IP-in-IP (RFC 2003): the tunnel interface of a TUN-mode real server
 * (Linux's tunl0) that takes protocol-4 packets addressed to this host and
 * feeds their inner packet to IPv4 input as if it arrived on the tunnel,
 * and the encapsulation the director's TUN transmit uses.
 */
#ifndef NET_IPIP_H
#define NET_IPIP_H

#include <stdint.h>

#include "net/host.h"

void ipip_init(struct host *h);
void ipip_free(struct host *h);

/* Create the tunnel interface (UP, NOARP, MTU 1480); NULL if it exists or
 * the host is full. Without one, protocol 4 is answered "protocol
 * unreachable", as a kernel without the ipip module does. */
struct netif *ipip_add_tunnel(struct host *h, const char *name);

/* Push an outer IPv4 header (protocol 4, TOS and DF copied from the inner
 * header, TTL 64) onto p, whose data is at the inner header; 0, or -1 when
 * the headroom is too small (p is left as it was). */
int ipip_encap(struct host *h, struct pkt *p, uint32_t outer_src, uint32_t outer_dst);

#endif
