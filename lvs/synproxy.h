/*
 * The director's SYN proxy, as the Alibaba FULLNAT patch has it
 * (ip_vs_synproxy.c), for NAT and FULLNAT services with `ipvsadm -j enable`:
 *  1. a client's SYN is answered by the director with a SYN-cookie SYN-ACK;
 *     nothing is kept;
 *  2. the client's ACK with a good cookie makes the connection (the
 *     scheduler picks the real server) and the director sends the real
 *     server its own SYN, with the client's ISN and the options the cookie
 *     kept; the ACK (and up to three more client packets) wait;
 *  3. the real server's SYN-ACK sets the delta between the cookie and the
 *     server's ISN, is taken by the director, and the waiting packets go on;
 *  4. from then on every packet has its sequence numbers moved by the delta:
 *     the server's seq towards the client, the client's ack and SACK blocks
 *     towards the server.
 * Packets take the data at the IPv4 header, as the director's hooks have it.
 */
#ifndef LVS_SYNPROXY_H
#define LVS_SYNPROXY_H

#include <stdbool.h>

#include "lvs/conn.h"
#include "net/host.h"

/* What the director does with a TCP packet to a SYN-proxy service that no
 * connection holds. */
enum ipvs_synproxy_step {
    IPVS_SYNPROXY_TAKEN,     /* answered, or dropped and counted: the packet is gone */
    IPVS_SYNPROXY_CONNECT,   /* an ACK with a good cookie: schedule, then ipvs_synproxy_connect */
    IPVS_SYNPROXY_PASS,      /* neither SYN nor plain ACK: the host's own stack answers */
};

/* Step 1 (a SYN: the cookie SYN-ACK goes back) or the cookie check of step
 * 2 (opts filled for CONNECT). */
enum ipvs_synproxy_step ipvs_synproxy_new(struct ipvs *ipvs, struct pkt *p, struct ipvs_syncookie_opts *opts);

/* Step 2 after scheduling: c becomes a SYN-proxy connection in SYN_SENT,
 * the real server gets the director's SYN, and the client's ACK p waits. */
void ipvs_synproxy_connect(struct ipvs *ipvs, struct ipvs_conn *c, struct pkt *p,
                           const struct ipvs_syncookie_opts *opts);

/* A client packet of a SYN-proxy connection: true to forward it (its ack
 * and SACK blocks translated), false when it was held or dropped. */
bool ipvs_synproxy_in(struct ipvs *ipvs, struct ipvs_conn *c, struct pkt *p);

/* A real server's packet of a SYN-proxy connection: true to forward it to
 * the client (its seq translated), false when it was taken (the SYN-ACK)
 * or dropped. */
bool ipvs_synproxy_out(struct ipvs *ipvs, struct ipvs_conn *c, struct pkt *p, uint8_t tcp_flags);

/* The connection leaves the table: packets still held are freed. */
void ipvs_synproxy_forget(struct ipvs_conn *c);

#endif
