/*
 * The device seam on an existing interface through libpcap (AF_PACKET): a
 * netif whose frames are read with pcap_dispatch(), a batch per wake-up of
 * an ev_io on pcap_get_selectable_fd(), only those coming in (PCAP_D_IN:
 * not its own), and written with pcap_inject(). The interface is made
 * elsewhere (a veth end, a NIC) and must be up; the netif has a MAC of its
 * own, so the interface is put in promiscuous mode. Offloads: GRO, LRO,
 * TSO and GSO are turned off on the interface for the run
 * (emu/iface_offload.h). What the other end sends is not in its hands: a
 * frame larger than the MTU (a veth peer's TSO) is dropped and counted
 * (rx_oversize), the first one with a message; a TCP or UDP checksum left
 * partial by a local sender on the other end of a veth (its
 * tx-checksumming) is recognised and carried as a partial checksum
 * (rx_partial), as the TAP's virtio header would say. Frames leave whole,
 * never above the MTU: the netif takes no offloads.
 */
#ifndef EMU_PCAP_DEV_H
#define EMU_PCAP_DEV_H

#include <ev.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "emu/iface_offload.h"
#include "net/netif.h"

#define EMU_PCAP_DEV_BATCH 64  /* frames read per wake-up at most */

/* Sees every frame that crosses the interface, in (inbound true) or out. */
typedef void (*emu_pcap_dev_capture_fn)(void *ctx, const struct pkt *frame, int inbound);

struct emu_pcap_dev {
    pcap_t *pcap;
    char name[IFNAMSIZ];
    unsigned mtu;              /* the interface's */
    struct emu_iface_offload offload;
    struct ev_loop *loop;
    ev_io io;
    struct netif *nif;
    emu_pcap_dev_capture_fn capture;
    void *capture_ctx;
    uint64_t rx_frames, tx_frames, rx_errors, tx_errors;
    uint64_t rx_oversize, rx_partial;
};

/* Open the existing interface `name` (up, Ethernet) and turn its offloads
 * off; 0, or -1 with a message in err naming the interface and the reason
 * (no such interface, down, no permission: CAP_NET_RAW and CAP_NET_ADMIN). */
int emu_pcap_dev_open(struct emu_pcap_dev *dev, const char *name, char *err, size_t errlen);
/* Join the interface to a host's netif: frames the netif sends are
 * injected, frames read go to netif_input_burst(). */
void emu_pcap_dev_bind(struct emu_pcap_dev *dev, struct ev_loop *loop, struct netif *nif);
/* Stop reading, close, and turn back on the offloads that were on. */
void emu_pcap_dev_close(struct emu_pcap_dev *dev);
/* Frame p (data at the Ethernet header, as read) carries a TCP or UDP
 * checksum a local sender left partial (the field holds the pseudo-header
 * sum): mark p->off so, and true; else false, p untouched. */
bool emu_pcap_dev_mark_partial(struct pkt *p);
/* One line of counters: "NAME: rx=... tx=... rx_partial=... rx_oversize=...
 * rx_ring_drops=... rx_errors=... tx_errors=...", rx_ring_drops from
 * pcap_stats(): frames lost because the kernel's ring was full. */
void emu_pcap_dev_print_counters(const struct emu_pcap_dev *dev, FILE *out);

#endif
