/*
 * TOA, the Alibaba FULLNAT option that carries the client's address to the
 * real server: TCP option kind 254, length 8, the client's port then its
 * IPv4 address, both in network order. The director inserts it here; a real
 * server's TCP reads it back (tcp_sock_toa in net/tcp.h).
 */
#ifndef LVS_TOA_H
#define LVS_TOA_H

#include <stdint.h>

struct pkt;

/* Insert a TOA option into a client segment (data at the IPv4 header) that
 * has ACK and neither SYN nor RST, if the header has room and the packet
 * still fits mtu. Checksums are made right (a partial one becomes whole;
 * the packet must not be GSO). Returns 1 when the segment
 * carried payload (the option is then known to arrive with data), 2 for a
 * bare ACK, 0 when the segment is not one that takes it, -1 when it would
 * not fit. */
int ipvs_toa_insert(struct pkt *p, uint32_t caddr, uint16_t cport, uint32_t mtu);

#endif
