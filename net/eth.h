/* Ethernet II framing: input demultiplexing by EtherType, output with a
 * pushed header. */
#ifndef NET_ETH_H
#define NET_ETH_H

#include <stdbool.h>
#include <stdint.h>

#include "net/netif.h"

extern const uint8_t eth_broadcast[6];

/* A frame from the wire (data at the Ethernet header); takes ownership. */
void eth_input(struct netif *nif, struct pkt *p);
/* Push the header onto p (data at the payload) and transmit; takes ownership. */
void eth_output(struct netif *nif, struct pkt *p, const uint8_t dst[6], uint16_t type);
/* The multicast MAC of an IPv4 group (01:00:5e + low 23 bits). */
void eth_mcast_mac(uint32_t group, uint8_t mac[6]);

#endif
