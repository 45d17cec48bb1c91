/*
 * TOA, the Alibaba FULLNAT option that carries the client's address to the
 * real server: TCP option kind 254, length 8, the client's port then its
 * IPv4 address, both in network order. The director inserts it here; a real
 * server's TCP reads it back (tcp_sock_toa in net/tcp.h).
 */
#ifndef LVS_TOA_H
#define LVS_TOA_H

#include <stdbool.h>
#include <stdint.h>

struct pkt;

/* Insert a TOA option into a TCP segment (data at the IPv4 header, the
 * whole TCP header there; not GSO) right after its 20-byte fixed header,
 * the other options and the payload moving down 8 bytes, as the patch's
 * tcp_opt_add_toa. Which segments take it is the caller's business. False,
 * and the segment unchanged, when the header has no room left (60 bytes at
 * most) or the packet would no longer fit mtu. The checksums are updated
 * incrementally: what moved keeps its 16-bit alignment, so only the header
 * length word, the option's words and the lengths change the sums (a
 * partial TCP checksum, which holds the pseudo-header only, for the
 * length). */
bool ipvs_toa_insert(struct pkt *p, uint32_t caddr, uint16_t cport, uint32_t mtu);

#endif
