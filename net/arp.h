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

#include "net/eth.h"
#include "net/host.h"

#define ARP_REACHABLE_TIME (30 * SIM_S)
#define ARP_RETRANS_TIME SIM_S
#define ARP_MAX_PROBES 3
#define ARP_QUEUE_MAX 101      /* Linux's unres_qlen */

struct arp_cache *arp_cache_new(struct host *h);
void arp_cache_free(struct arp_cache *c);

/* An ARP packet (data at the ARP header); takes ownership. */
void arp_input(struct netif *nif, struct pkt *p);
/* The frame (data at its Ethernet header) a neighbour with this MAC and
 * address sip sends to ask for tip: what a host learns the neighbour from. */
struct pkt *arp_request_frame(struct pkt_pool *pool, const uint8_t mac[ETH_ALEN], uint32_t sip, uint32_t tip);
/* Send p (data at its IPv4 header) to the next hop nh on nif, resolving it
 * first if needed; takes ownership. */
void arp_output(struct netif *nif, struct pkt *p, uint32_t nh);
/* A neighbour: the cache's entry for one address. Its fields are arp.c's
 * to change; arp_output_hint reads them inline (as the kernel's
 * neigh_output reads struct neighbour). */
enum arp_state { ARP_INCOMPLETE, ARP_REACHABLE, ARP_STALE };

struct arp_entry {
    struct arp_entry *next;
    struct arp_cache *cache;
    uint32_t ip;
    uint8_t mac[ETH_ALEN];
    struct netif *nif;
    enum arp_state state;
    sim_time_t confirmed;      /* last time the neighbour answered */
    int probes;                /* requests sent since */
    uint32_t probe_src;        /* source address for the requests */
    struct pkt_queue queue;
    struct rt_timer timer;
};

/* arp_output, then the hint set to nh's entry (or NULL). */
void arp_output_renew_hint(struct netif *nif, struct pkt *p, uint32_t nh, struct arp_entry **hint);

/* arp_output given a hint at nh's entry (a struct dst_cache's, valid
 * while its generation is the host's): an entry still reachable on nif
 * sends at once, as arp_output's first case with nothing to change;
 * anything else goes through arp_output and the hint is renewed. Inline:
 * the cached send of every forwarded packet ends here. */
static inline void arp_output_hint(struct netif *nif, struct pkt *p, uint32_t nh, struct arp_entry **hint)
{
    struct arp_entry *e = *hint;
    if (e && e->ip == nh && e->nif == nif && e->state == ARP_REACHABLE &&
        rt_now(nif->host->rt) - e->confirmed <= ARP_REACHABLE_TIME) {
        eth_output(nif, p, e->mac, ETH_P_IP);
        return;
    }
    arp_output_renew_hint(nif, p, nh, hint);
}
/* Announce addr on nif (a request with sender = target = addr). */
void arp_announce_gratuitous(struct netif *nif, uint32_t addr);
/* Start resolving ip on nif if nothing is known of it (the kernel's
 * neigh_event_send without a packet). */
void arp_solicit(struct netif *nif, uint32_t ip);
/* The cached MAC for ip, if resolved. */
bool arp_lookup(struct host *h, uint32_t ip, uint8_t mac[6]);

#endif
