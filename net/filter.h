/*
 * The filter table's DROP rules for ICMP on a host's FORWARD hook, as
 * `iptables -A FORWARD -p icmp --icmp-type TYPE[/CODE] -j DROP`: the
 * firewall that, dropping fragmentation-needed, breaks path-MTU discovery.
 * A forwarded ICMP message of a listed type (and code) is dropped and
 * counted as a hook drop.
 */
#ifndef NET_FILTER_H
#define NET_FILTER_H

#include "net/host.h"

#define FILTER_MAX_RULES 16

/* Drop forwarded ICMP of type (0-255) and code (0-255, or -1 for any).
 * 0, or -1 when the table is full or the hooks are. */
int filter_icmp_drop_add(struct host *h, int type, int code);
void filter_free(struct host *h);

#endif
