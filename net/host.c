/* A host: its interfaces, protocol table, hooks, drop counters, and the
 * life cycle of every protocol module's state. */
#include "net/host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "net/arp.h"
#include "net/icmp.h"
#include "net/ipip.h"
#include "net/ipv4.h"
#include "net/ipv4_frag.h"
#include "net/redirect.h"
#include "net/filter.h"
#include "net/mark.h"
#include "net/route.h"
#include "net/tcp.h"
#include "net/udp.h"

static const char *const drop_names[DROP_REASONS] = {
    [DROP_ETH_SHORT] = "eth_short",           [DROP_ETH_NOT_FOR_US] = "eth_not_for_us",
    [DROP_ETH_TYPE] = "eth_type",             [DROP_ARP_BAD] = "arp_bad",
    [DROP_ARP_QUEUE_FULL] = "arp_queue_full", [DROP_ARP_UNRESOLVED] = "arp_unresolved",
    [DROP_IP_SHORT] = "ip_short",             [DROP_IP_VERSION] = "ip_version",
    [DROP_IP_HDR_LEN] = "ip_hdr_len",         [DROP_IP_LEN] = "ip_len",
    [DROP_IP_CSUM] = "ip_csum",               [DROP_IP_OPTIONS] = "ip_options",
    [DROP_IP_NOT_FOR_US] = "ip_not_for_us",   [DROP_IP_NO_ROUTE] = "ip_no_route",
    [DROP_IP_TTL] = "ip_ttl",                 [DROP_IP_RP_FILTER] = "ip_rp_filter",
    [DROP_IP_FRAG_OVERLAP] = "ip_frag_overlap", [DROP_IP_FRAG_TIMEOUT] = "ip_frag_timeout",
    [DROP_IP_FRAG_TOO_BIG] = "ip_frag_too_big", [DROP_IP_DF_TOO_BIG] = "ip_df_too_big",
    [DROP_IP_NO_PROTO] = "ip_no_proto",       [DROP_IP_MARTIAN] = "ip_martian",
    [DROP_ICMP_SHORT] = "icmp_short",         [DROP_ICMP_CSUM] = "icmp_csum",
    [DROP_ICMP_TYPE] = "icmp_type",           [DROP_ICMP_REDIRECT] = "icmp_redirect_refused",
              [DROP_UDP_SHORT] = "udp_short",
    [DROP_UDP_CSUM] = "udp_csum",             [DROP_UDP_NO_PORT] = "udp_no_port",
    [DROP_TCP_SHORT] = "tcp_short",           [DROP_TCP_CSUM] = "tcp_csum",
    [DROP_TCP_BAD_OFF] = "tcp_bad_off",       [DROP_TCP_NO_SOCKET] = "tcp_no_socket",
    [DROP_TCP_OUT_OF_WINDOW] = "tcp_out_of_window", [DROP_TCP_BAD_RST] = "tcp_bad_rst",
    [DROP_TCP_BAD_ACK] = "tcp_bad_ack",       [DROP_TCP_BACKLOG] = "tcp_backlog",
    [DROP_TCP_BAD_FLAGS] = "tcp_bad_flags",   [DROP_IPIP_BAD] = "ipip_bad",
    [DROP_HOOK] = "hook",                     [DROP_NO_BUFFER] = "no_buffer",
    [DROP_IF_DOWN] = "if_down",               [DROP_GSO_BAD] = "gso_bad",
};

const char *host_drop_name(enum host_drop reason)
{
    return reason < DROP_REASONS && drop_names[reason] ? drop_names[reason] : "?";
}

void host_drop(struct host *h, struct pkt *p, enum host_drop reason)
{
    h->drops[reason]++;
    pkt_free(p);
}

static void lo_xmit(struct netif *nif, struct pkt *frame)
{
    pkt_free(frame);          /* lo never sends frames: local packets skip Ethernet */
    nif->stats.tx_dropped++;
}

static struct netif *netif_new(struct host *h, const char *name, uint32_t flags)
{
    if (h->nifs == h->cap_ifs) {
        h->cap_ifs = h->cap_ifs ? 2 * h->cap_ifs : 4;
        h->ifs = xrealloc(h->ifs, (size_t)h->cap_ifs * sizeof *h->ifs);
    }
    struct netif *nif = xcalloc(1, sizeof *nif);
    snprintf(nif->name, sizeof nif->name, "%s", name);
    nif->host = h;
    nif->index = h->nifs + 1;
    nif->mtu = 1500;
    nif->flags = NETIF_UP | flags;
    h->ifs[h->nifs++] = nif;
    return nif;
}

struct host *host_new(const char *name, struct rt *rt, struct pkt_pool *pool, uint64_t seed)
{
    struct host *h = xcalloc(1, sizeof *h);
    snprintf(h->name, sizeof h->name, "%s", name);
    h->rt = rt;
    h->pool = pool;
    rng_init(&h->rng, seed, name);
    h->ip_ident = xmalloc(sizeof *h->ip_ident);
    ip_ident_init(h->ip_ident, rng_next(&h->rng));
    h->dst_gen = 1;
    h->send_redirects = h->accept_redirects = true;
    h->redirects = redirect_state_new();
    h->local_bits = HOST_LOCAL_MIN_BITS;
    h->local_hash = xcalloc((size_t)1 << h->local_bits, sizeof *h->local_hash);
    h->routes = route_table_new();
    h->arp = arp_cache_new(h);
    h->reasm = ipv4_reasm_new(h);
    h->lo = netif_new(h, "lo", NETIF_LOOPBACK | NETIF_NOARP);
    h->lo->mtu = 65536;
    h->lo->xmit = lo_xmit;
    netif_add_addr(h->lo, 0x7f000001, 8);
    ipv4_loopback_init(h);
    icmp_init(h);
    udp_stack_init(h);
    tcp_stack_init(h);
    ipip_init(h);
    return h;
}

void host_free(struct host *h)
{
    if (!h)
        return;
    tcp_stack_free(h);
    udp_stack_free(h);
    ipip_free(h);
    mark_free(h);
    filter_free(h);
    icmp_free(h);
    ipv4_loopback_free(h);
    ipv4_reasm_free(h->reasm);
    arp_cache_free(h->arp);
    route_table_free(h->routes);
    free(h->ip_ident);
    redirect_state_free(h->redirects);
    for (int i = 0; i < h->nifs; i++)
        free(h->ifs[i]);
    free(h->ifs);
    free(h->local);
    free(h->local_hash);
    free(h);
}

struct netif *host_add_netif(struct host *h, const char *name, const uint8_t mac[6],
                             netif_xmit_fn xmit, void *xmit_ctx)
{
    struct netif *nif = netif_new(h, name, 0);
    if (!nif)
        return NULL;
    memcpy(nif->mac, mac, 6);
    nif->xmit = xmit;
    nif->xmit_ctx = xmit_ctx;
    return nif;
}

struct netif *host_netif(struct host *h, const char *name)
{
    for (int i = 0; i < h->nifs; i++)
        if (!strcmp(h->ifs[i]->name, name))
            return h->ifs[i];
    return NULL;
}

void host_set_proto(struct host *h, uint8_t proto, host_proto_input_fn input,
                    host_proto_error_fn error, void *ctx)
{
    h->proto[proto] = (struct host_proto){ .input = input, .error = error, .ctx = ctx };
}

bool host_add_hook(struct host *h, enum host_hook_point at, host_hook_fn fn, void *ctx)
{
    for (int i = 0; i < HOST_MAX_HOOKS; i++)
        if (!h->hooks[at][i].fn) {
            h->hooks[at][i] = (struct host_hook){ .fn = fn, .ctx = ctx };
            return true;
        }
    return false;
}

enum host_verdict host_run_later_hooks(struct host *h, enum host_hook_point at, struct pkt *p)
{
    for (int i = 1; i < HOST_MAX_HOOKS && h->hooks[at][i].fn; i++) {
        enum host_verdict v = h->hooks[at][i].fn(h->hooks[at][i].ctx, h, p);
        if (v != VERDICT_ACCEPT)
            return v;
    }
    return VERDICT_ACCEPT;
}

/* The hash of h->local afresh: addresses come and go rarely, and a
 * rebuild spares linear probing its deletions (an emptied slot would cut
 * the probe chains through it). */
static void local_hash_rebuild(struct host *h)
{
    unsigned bits = h->local_bits;
    while ((size_t)h->nlocal * 2 > (size_t)1 << bits)
        bits++;
    if (bits != h->local_bits) {
        free(h->local_hash);
        h->local_hash = xmalloc(((size_t)1 << bits) * sizeof *h->local_hash);
        h->local_bits = bits;
    }
    const unsigned mask = (1u << bits) - 1;
    memset(h->local_hash, 0, ((size_t)1 << bits) * sizeof *h->local_hash);
    for (int k = 0; k < h->nlocal; k++) {
        unsigned i = host_local_slot_of(h->local[k], bits);
        while (h->local_hash[i].used && h->local_hash[i].addr != h->local[k])
            i = (i + 1) & mask;
        h->local_hash[i] = (struct host_local_slot){ .addr = h->local[k], .used = true };
    }
}

void host_add_local(struct host *h, uint32_t addr)
{
    h->dst_gen++;
    if (h->nlocal == h->cap_local) {
        h->cap_local = h->cap_local ? 2 * h->cap_local : 8;
        h->local = xrealloc(h->local, (size_t)h->cap_local * sizeof *h->local);
    }
    h->local[h->nlocal++] = addr;
    local_hash_rebuild(h);
}

void host_forget_local(struct host *h, uint32_t addr)
{
    h->dst_gen++;
    for (int i = 0; i < h->nlocal; i++)
        if (h->local[i] == addr) {
            h->local[i] = h->local[--h->nlocal];
            local_hash_rebuild(h);
            return;
        }
}

bool host_join_group(struct host *h, uint32_t group)
{
    if ((group >> 28) != 0xe || h->ngroups == HOST_MAX_GROUPS)
        return false;
    if (!host_in_group(h, group))
        h->groups[h->ngroups++] = group;
    return true;
}

void host_leave_group(struct host *h, uint32_t group)
{
    for (int i = 0; i < h->ngroups; i++)
        if (h->groups[i] == group) {
            h->groups[i] = h->groups[--h->ngroups];
            return;
        }
}

bool host_in_group(const struct host *h, uint32_t group)
{
    for (int i = 0; i < h->ngroups; i++)
        if (h->groups[i] == group)
            return true;
    return false;
}
