/*
 * ARP (RFC 826) with the Linux behaviours the DR mode depends on: a cache
 * with reachable time and re-probing, a queue of packets waiting for
 * resolution, gratuitous ARP, arp_ignore (0: answer for any local address,
 * 1: only for addresses on the asking interface) and arp_announce (0: the
 * packet's own source, 2: the best address of the outgoing interface), each
 * the maximum of the host-wide ("all") and the interface's value.
 */
#ifndef NET_ARP_H
#define NET_ARP_H

#include <stdbool.h>
#include <stdint.h>

#include "net/host.h"

#define ARP_REACHABLE_TIME (30 * SIM_S)
#define ARP_RETRANS_TIME SIM_S
#define ARP_MAX_PROBES 3
#define ARP_QUEUE_MAX 101      /* Linux's unres_qlen */

struct arp_cache *arp_cache_new(struct host *h);
void arp_cache_free(struct arp_cache *c);

/* An ARP packet (data at the ARP header); takes ownership. */
void arp_input(struct netif *nif, struct pkt *p);
/* Send p (data at its IPv4 header) to the next hop nh on nif, resolving it
 * first if needed; takes ownership. */
void arp_output(struct netif *nif, struct pkt *p, uint32_t nh);
/* The same, given a hint at nh's entry (a struct dst_cache's, valid while
 * its generation is the host's): a reachable entry sends at once; anything
 * else goes through arp_output and the hint is renewed. */
struct arp_entry;
void arp_output_hint(struct netif *nif, struct pkt *p, uint32_t nh, struct arp_entry **hint);
/* Announce addr on nif (a request with sender = target = addr). */
void arp_announce_gratuitous(struct netif *nif, uint32_t addr);
/* The cached MAC for ip, if resolved. */
bool arp_lookup(struct host *h, uint32_t ip, uint8_t mac[6]);

#endif
