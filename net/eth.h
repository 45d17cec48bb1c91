/* Ethernet II framing: input demultiplexing by EtherType, output with a
 * pushed header. */
#ifndef NET_ETH_H
#define NET_ETH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "net/hdr.h"
#include "net/netif.h"

extern const uint8_t eth_broadcast[6];

/* A frame from the wire (data at the Ethernet header); takes ownership. */
void eth_input(struct netif *nif, struct pkt *p);
/* eth_output's drop when the header does not fit in p's headroom. */
void eth_output_no_room(struct netif *nif, struct pkt *p);

/* Push the header onto p (data at the payload) and transmit; takes
 * ownership. Inline: it is the last step of every forwarded packet, and
 * a call would cost more than its few stores. */
static inline __attribute__((always_inline)) void eth_output(struct netif *nif, struct pkt *p,
                                                             const uint8_t dst[6], uint16_t type)
{
    struct eth_hdr *eh = (struct eth_hdr *)pkt_push(p, ETH_HLEN);
    if (!eh) {
        eth_output_no_room(nif, p);
        return;
    }
    memcpy(eh->dst, dst, ETH_ALEN);
    memcpy(eh->src, nif->mac, ETH_ALEN);
    eh->type = htons(type);
    nif->stats.tx_packets++;
    nif->stats.tx_bytes += p->len;
    nif->xmit(nif, p);
}
/* The multicast MAC of an IPv4 group (01:00:5e + low 23 bits). */
void eth_mcast_mac(uint32_t group, uint8_t mac[6]);

#endif
