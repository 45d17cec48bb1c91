/*
 * The work a NIC finishes for a packet with offloads (net/pkt.h's struct
 * pkt_offload), done in software where it cannot be left to the device: a
 * partial checksum completed (the kernel's skb_checksum_help) and a
 * TCP/IPv4 GSO packet cut into its segments (tcp4_gso_segment).
 */
#ifndef NET_SW_OFFLOAD_H
#define NET_SW_OFFLOAD_H

#include <stdint.h>

#include "net/host.h"
#include "net/pkt.h"

/* Complete a partial checksum in place (a complete one is left alone). */
void sw_csum_complete(struct pkt *p);

/* p's segments as the device would cut them, each with complete checksums,
 * appended to out: the IPv4 header at p->data + l3_off (the bytes before it
 * are copied to every segment). 0, or -1 with nothing appended when p's
 * headers are not TCP over IPv4 or a buffer is missing. p is not changed. */
int sw_gso_segment(const struct pkt *p, uint32_t l3_off, struct pkt_queue *out);

/* Data at the IPv4 header: the length of the longest IP packet p turns into
 * on the wire, one segment's for a GSO packet (skb_gso_network_seglen). */
uint32_t sw_gso_network_len(const struct pkt *p);
static inline uint32_t sw_wire_len(const struct pkt *p)
{
    return pkt_is_gso(p) ? sw_gso_network_len(p) : p->len;
}

/* Data at the IPv4 header: p as packets that need nothing from the device,
 * appended to out (its segments for a GSO packet, else p with its checksum
 * complete). Takes ownership; -1 when p was dropped (DROP_GSO_BAD: headers
 * that cannot be segmented; DROP_NO_BUFFER). */
int sw_offload_resolve(struct host *h, struct pkt *p, struct pkt_queue *out);

#endif
