/*
 * IPv4 fragmentation (RFC 791) and reassembly, as Linux does it:
 * fragments of a datagram are held up to 30 s, a fragment that overlaps
 * another drops the whole datagram (an exact duplicate is just dropped),
 * and all held fragments together stay under a memory limit.
 */
#ifndef NET_IPV4_FRAG_H
#define NET_IPV4_FRAG_H

#include "net/host.h"

#define IPV4_REASM_TIMEOUT (30 * SIM_S)
#define IPV4_REASM_MAX_BYTES (4u << 20)

struct ipv4_reasm *ipv4_reasm_new(struct host *h);
void ipv4_reasm_free(struct ipv4_reasm *r);

/* Add a fragment (data at its IP header); returns the whole datagram once
 * complete, else NULL (kept, or dropped and counted). */
struct pkt *ipv4_reasm_add(struct host *h, struct pkt *p);
/* Datagrams waiting for fragments. */
int ipv4_reasm_pending(const struct host *h);

/* Cut p (data at its IP header) into fragments of at most mtu bytes and
 * hand each to out; takes ownership. Options not marked "copied" go only in
 * the first fragment. */
int ipv4_fragment(struct host *h, struct pkt *p, uint32_t mtu,
                  void (*out)(struct host *h, struct pkt *frag, void *ctx), void *ctx);

#endif
