/* UDP (RFC 768) sockets: bind, send, a receive callback; port unreachable
 * when nothing listens; checksums checked and made. */
#ifndef NET_UDP_H
#define NET_UDP_H

#include <stddef.h>
#include <stdint.h>

#include "net/host.h"

struct udp_sock;

/* One datagram: who sent it, to which of our addresses, its payload. */
typedef void (*udp_recv_fn)(void *ctx, struct udp_sock *s, uint32_t src, uint16_t sport,
                            uint32_t dst, const uint8_t *data, size_t len);

void udp_stack_init(struct host *h);
void udp_stack_free(struct host *h);

/* Bind addr (0: any) and port (0: an ephemeral one); NULL if taken. */
struct udp_sock *udp_bind(struct host *h, uint32_t addr, uint16_t port, udp_recv_fn fn, void *ctx);
/* Send len bytes to dst:dport from the bound address (or the route's);
 * 0, or -1 when the datagram could not leave. */
int udp_sendto(struct udp_sock *s, uint32_t dst, uint16_t dport, const void *data, size_t len);
/* IP_MULTICAST_IF and IP_MULTICAST_TTL: datagrams to a multicast group
 * leave through dev with this TTL (by default: the route's device, TTL 1). */
void udp_set_multicast(struct udp_sock *s, struct netif *dev, uint8_t ttl);
void udp_close(struct udp_sock *s);

#endif
