/* Ethernet II: accept frames for our MAC, broadcast and multicast; hand
 * IPv4 and ARP up; push headers on the way out. */
#include "net/eth.h"

#include <string.h>

#include "net/arp.h"
#include "net/hdr.h"
#include "net/host.h"
#include "net/ipv4.h"

const uint8_t eth_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void eth_mcast_mac(uint32_t group, uint8_t mac[6])
{
    mac[0] = 0x01;
    mac[1] = 0x00;
    mac[2] = 0x5e;
    mac[3] = (uint8_t)((group >> 16) & 0x7f);
    mac[4] = (uint8_t)(group >> 8);
    mac[5] = (uint8_t)group;
}

void eth_input(struct netif *nif, struct pkt *p)
{
    struct host *h = nif->host;
    if (p->len < ETH_HLEN) {
        host_drop(h, p, DROP_ETH_SHORT);
        return;
    }
    const struct eth_hdr *eh = (const struct eth_hdr *)p->data;
    if (!(eh->dst[0] & 1) && memcmp(eh->dst, nif->mac, ETH_ALEN)) {
        host_drop(h, p, DROP_ETH_NOT_FOR_US);   /* another host's unicast (flooded) */
        return;
    }
    uint16_t type = ntohs(eh->type);
    pkt_pull(p, ETH_HLEN);
    p->in_if = nif;
    if (type == ETH_P_IP)
        ipv4_input(h, nif, p);
    else if (type == ETH_P_ARP)
        arp_input(nif, p);
    else
        host_drop(h, p, DROP_ETH_TYPE);
}

__attribute__((cold)) void eth_output_no_room(struct netif *nif, struct pkt *p)
{
    host_drop(nif->host, p, DROP_NO_BUFFER);
}
