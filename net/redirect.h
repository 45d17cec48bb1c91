/*
 * ICMP redirects (RFC 1812 5.2.7.2, RFC 1122 3.2.2.2) as Linux sends and
 * takes them. A forwarding host whose packet leaves by the interface it
 * came in on, from a source on that link, tells the source the better next
 * hop (ip_forward's IPSKB_DOREDIRECT, ip_rt_send_redirect), at most 9
 * times per source at doubling intervals from 20 ms, and again only after
 * 20 s without a packet to redirect (the inet_peer token scheme). A host
 * that does not forward takes a redirect from its current gateway for a
 * destination into a route exception for 300 s (__ip_do_redirect), once
 * the new gateway's neighbour entry is resolved.
 */
#ifndef NET_REDIRECT_H
#define NET_REDIRECT_H

#include "net/host.h"
#include "net/pkt.h"
#include "net/route.h"

struct redirect_state *redirect_state_new(void);
void redirect_state_free(struct redirect_state *r);

/* A packet about to be forwarded by route r (data at its IP header, in_if
 * set), before the FORWARD hooks as in ip_forward: send its source a
 * redirect if due. Only a packet that leaves by its input link costs more
 * than a compare (the route back to its source). */
void redirect_maybe_send(struct host *h, const struct pkt *p, const struct route *r);

/* An ICMP redirect received (data at the ICMP header, checksum checked);
 * takes ownership. True when it went into a route exception. */
bool redirect_input(struct host *h, struct pkt *p);

#endif
