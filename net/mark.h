/*
 * Firewall marks, as `iptables -t mangle -A PREROUTING ... -j MARK
 * --set-mark N`: rules matched in order on each packet a host receives
 * (protocol, destination prefix, destination port range); the first that
 * matches sets pkt->mark, which IPVS firewall-mark services select on.
 */
#ifndef NET_MARK_H
#define NET_MARK_H

#include <stdint.h>

#include "net/host.h"

#define MARK_MAX_RULES 32

struct mark_rule {
    uint8_t protocol;          /* 0: any */
    uint32_t daddr;            /* host order */
    uint8_t prefix_len;        /* 0: any destination */
    uint16_t dport_lo, dport_hi;   /* 0, 0: any port (TCP and UDP only otherwise) */
    uint32_t mark;
};

/* Append a rule (the first adds the PRE_ROUTING hook); 0, or -1 when the
 * table is full or the hooks are. */
int mark_rule_add(struct host *h, const struct mark_rule *r);
void mark_free(struct host *h);

#endif
