/*
 * The director on a host: IPVS's packet path (ip_vs_core.c). Requests to a
 * virtual service are taken at LOCAL_IN, matched to a connection or
 * scheduled to a dest (with persistence), their state tracked, and sent by
 * the connection's forwarding method; NAT replies are taken at FORWARD and
 * FULLNAT replies, addressed to a local address, at LOCAL_IN.
 */
#ifndef LVS_DIRECTOR_H
#define LVS_DIRECTOR_H

#include "lvs/ipvs.h"
#include "lvs/ipvsadm.h"

/* Make the host a director: an empty ipvs with the kernel's defaults, its
 * connection table, its hooks on the host, and the rate estimator ticking. The host should forward
 * (ip_forward) when NAT replies pass through it. */
void ipvs_director_init(struct ipvs *ipvs, struct host *host);
/* Frees the connections and services (the hooks stay, inert, until the host goes). */
void ipvs_director_destroy(struct ipvs *ipvs);

/* The connection table as `ipvsadm -L -c` rows (an ipvsadm_conn_walk;
 * arg is the struct ipvs). */
void ipvs_director_conn_rows(void *arg, ipvsadm_conn_emit emit, void *sink);

/* FULLNAT: a local address a service's connections leave from (ipvsadm -P
 * -z); it must be one of the director's addresses. 0 or -errno. */
int ipvs_laddr_add(struct ipvs *ipvs, const struct ipvs_service_conf *svc, uint32_t laddr);

/* The service a packet is for: a firewall-mark service first, then
 * protocol/VIP/port, then the VIP's port-zero service (ip_vs_service_find). */
struct ipvs_service *ipvs_service_lookup(struct ipvs *ipvs, uint32_t fwmark, uint8_t protocol,
                                         uint32_t addr, uint16_t port);

#endif
