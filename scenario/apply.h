/*
 * A scenario's node and director applied to a host stack, the same in
 * either world: the node's sysctls, addresses, firewall marks, ICMP drop
 * rules and routes; a director's VIP (unless VRRP places it), its ipvsadm
 * rules and FULLNAT local addresses. The world supplies the netifs its
 * links became (simulated NICs, TAPs). Errors name the script line.
 */
#ifndef SCENARIO_APPLY_H
#define SCENARIO_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "lvs/ipvs.h"
#include "net/host.h"
#include "scenario/scenario.h"

/* The netif a link-less interface stands for: lo, or a tunnel (made on
 * first use, as tunl0). */
struct netif *scn_apply_local_netif(struct host *h, const struct scn_iface *ifc);

/* The host-wide sysctls (ip_forward, arp_ignore, arp_announce, rp_filter, tcp_*). */
void scn_apply_sysctls(struct host *h, const struct scn_node *node);

/* Addresses of every interface (ifs[i] is the netif of node->ifs[i]), then
 * marks, ICMP drop rules and routes. 0, or -1 with err. */
int scn_apply_node(struct host *h, const struct scn_node *node, struct netif *const *ifs, char *err,
                   size_t errlen);

/* The director's VIP (unless vrrp: VRRP holds it), rules and FULLNAT local
 * addresses on a director made with ipvs_director_init. 0, or -1 with err. */
int scn_apply_director(struct ipvs *ipvs, struct host *h, const struct scn_director *d, bool vrrp, char *err,
                       size_t errlen);

#endif
