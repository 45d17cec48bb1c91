/*
 * The virtio_net_hdr in front of each frame on a TAP opened with
 * IFF_VNET_HDR: the kernel's offload work for the frame (a partial
 * checksum, GSO), as a packet's struct pkt_offload and back. Its fields
 * are little-endian (a legacy virtio header on a little-endian host).
 */
#ifndef EMU_VNET_HDR_H
#define EMU_VNET_HDR_H

#include <linux/virtio_net.h>

#include "net/pkt.h"

/* Set frame->off (data at the Ethernet header) from hdr. A partial
 * checksum that is not the TCP or UDP one of an unfragmented IPv4 packet
 * (the only ones the director rewrites) is completed here in software.
 * 0, or -1 when hdr asks for what no one can do here (a checksum outside
 * the frame; GSO of anything but TCP over IPv4): drop the frame. */
int emu_vnet_hdr_to_pkt(const struct virtio_net_hdr *hdr, struct pkt *frame);

/* The header for sending frame (data at the Ethernet header). */
void emu_vnet_hdr_from_pkt(const struct pkt *frame, struct virtio_net_hdr *hdr);

#endif
