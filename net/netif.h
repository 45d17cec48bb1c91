/*
 * The device seam (lwIP's netif): a network interface of a host. The world
 * sets how frames leave (xmit); it hands each frame that comes in to
 * netif_input(). The stack never knows whether a link, a TAP or a test's
 * fake device is behind it.
 */
#ifndef NET_NETIF_H
#define NET_NETIF_H

#include <stdbool.h>
#include <stdint.h>

#include "net/pkt.h"

#define NETIF_NAME_MAX 16
#define NETIF_MAX_ADDRS 8

enum netif_flags {
    NETIF_UP       = 1u << 0,
    NETIF_NOARP    = 1u << 1,  /* holds addresses but never answers ARP (lo, dummy) */
    NETIF_LOOPBACK = 1u << 2,  /* no wire: what is sent comes back in (lo) */
    NETIF_TUNNEL   = 1u << 3,  /* IP-in-IP endpoint (tunl0): no Ethernet */
    NETIF_OFFLOAD  = 1u << 4,  /* takes partial checksums and TCP/IPv4 GSO packets (a TAP) */
};

struct netif_addr {
    uint32_t addr;             /* host byte order */
    uint8_t prefix_len;
};

struct netif_stats {
    uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
    uint64_t rx_dropped, tx_dropped;
};

struct host;
struct netif;

/* Takes ownership of a whole Ethernet frame (data at the Ethernet header). */
typedef void (*netif_xmit_fn)(struct netif *nif, struct pkt *frame);

struct netif {
    char name[NETIF_NAME_MAX];
    struct host *host;
    int index;                 /* position in the host, from 1 */
    uint8_t mac[6];
    uint32_t mtu;              /* IP MTU: bytes after the Ethernet header */
    uint32_t flags;
    struct netif_addr addrs[NETIF_MAX_ADDRS];
    int naddrs;
    /* Linux sysctls, per interface (net.ipv4.conf.<if>.*) */
    int arp_ignore;            /* 0 or 1 */
    int arp_announce;          /* 0 or 2 */
    int rp_filter;             /* 0 off, 1 strict */
    /* set by the world */
    netif_xmit_fn xmit;
    void *xmit_ctx;
    struct netif_stats stats;
};

/* The world hands an incoming Ethernet frame to the interface's host. */
void netif_input(struct netif *nif, struct pkt *frame);
/* Several frames that arrived together (a TAP read loop, a NIC ring): the
 * host's prefetch hook sees them all first, so the table lookups they will
 * need overlap instead of waiting for memory one after another. */
void netif_input_burst(struct netif *nif, struct pkt **frames, unsigned n);

/* Add an address; false when the table is full or it is there already. */
bool netif_add_addr(struct netif *nif, uint32_t addr, uint8_t prefix_len);
bool netif_del_addr(struct netif *nif, uint32_t addr);
bool netif_has_addr(const struct netif *nif, uint32_t addr);

#endif
