/* Internal to the IPv4 files: the last step of every output path. */
#ifndef NET_IPV4_INT_H
#define NET_IPV4_INT_H

#include "net/host.h"

/* Send a complete packet out dev to the next hop nh, fragmenting when it
 * does not fit and DF is clear. forwarded: too big with DF answers ICMP
 * fragmentation-needed to the source. Takes ownership; 0 or -1. */
int ipv4_transmit(struct host *h, struct pkt *p, struct netif *dev, uint32_t nh, bool forwarded);

static inline int ipv4_eff(int all, int iface) { return all > iface ? all : iface; }

#endif
