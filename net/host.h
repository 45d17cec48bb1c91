/*
 * One host's network stack: its interfaces, and the state of each protocol
 * module, reached from here and nowhere else (no global state: a simulation
 * holds hundreds of hosts). The protocol modules keep their own state behind
 * the opaque pointers; host.c creates and frees them.
 *
 * Packet path: netif_input() -> Ethernet -> ARP or IPv4 -> hooks ->
 * transport handler registered with host_set_proto(). A handler is given the
 * packet with data at the transport header (pkt_l3() gives the IP header) and
 * owns it from then on.
 */
#ifndef NET_HOST_H
#define NET_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/rng.h"
#include "net/ip_ident.h"
#include "engine/runtime.h"
#include "net/netif.h"
#include "net/pkt.h"
#include "net/work.h"

#define HOST_NAME_MAX_ 32
#define HOST_MAX_HOOKS 4

/* Why a packet was dropped; counted per host in host->drops[]. */
enum host_drop {
    DROP_ETH_SHORT, DROP_ETH_NOT_FOR_US, DROP_ETH_TYPE,
    DROP_ARP_BAD, DROP_ARP_QUEUE_FULL, DROP_ARP_UNRESOLVED,
    DROP_IP_SHORT, DROP_IP_VERSION, DROP_IP_HDR_LEN, DROP_IP_LEN, DROP_IP_CSUM,
    DROP_IP_OPTIONS, DROP_IP_NOT_FOR_US, DROP_IP_NO_ROUTE, DROP_IP_TTL, DROP_IP_RP_FILTER,
    DROP_IP_FRAG_OVERLAP, DROP_IP_FRAG_TIMEOUT, DROP_IP_FRAG_TOO_BIG, DROP_IP_DF_TOO_BIG,
    DROP_IP_NO_PROTO, DROP_IP_MARTIAN,
    DROP_ICMP_SHORT, DROP_ICMP_CSUM, DROP_ICMP_TYPE, DROP_ICMP_REDIRECT,
    DROP_UDP_SHORT, DROP_UDP_CSUM, DROP_UDP_NO_PORT,
    DROP_TCP_SHORT, DROP_TCP_CSUM, DROP_TCP_BAD_OFF, DROP_TCP_NO_SOCKET, DROP_TCP_OUT_OF_WINDOW,
    DROP_TCP_BAD_RST, DROP_TCP_BAD_ACK, DROP_TCP_BACKLOG, DROP_TCP_BAD_FLAGS,
    DROP_IPIP_BAD, DROP_HOOK, DROP_NO_BUFFER, DROP_IF_DOWN, DROP_GSO_BAD,
    DROP_REASONS
};

const char *host_drop_name(enum host_drop reason);

/* Netfilter-like hook points, where the director plugs in (IPVS uses LOCAL_IN
 * for requests to a virtual service and FORWARD for NAT replies). */
enum host_hook_point { HOOK_PRE_ROUTING, HOOK_LOCAL_IN, HOOK_FORWARD, HOOK_LOCAL_OUT, HOOK_POINTS };
enum host_verdict { VERDICT_ACCEPT, VERDICT_STOLEN, VERDICT_DROP };

/* Called with data at the IPv4 header. STOLEN: the hook now owns the packet;
 * DROP: the stack frees and counts it; ACCEPT: the stack goes on. */
typedef enum host_verdict (*host_hook_fn)(void *ctx, struct host *h, struct pkt *p);

/* A transport protocol's input (data at its header) and its ICMP error input
 * (the quoted IP header and at least 8 bytes of its payload, for PMTU and
 * unreachable handling). */
typedef void (*host_proto_input_fn)(void *ctx, struct host *h, struct pkt *p);
typedef void (*host_proto_error_fn)(void *ctx, struct host *h, uint8_t type, uint8_t code,
                                    uint32_t info, const uint8_t *quoted, uint32_t quoted_len);

struct host_proto {
    host_proto_input_fn input;
    host_proto_error_fn error;
    void *ctx;
};

struct host_hook {
    host_hook_fn fn;
    void *ctx;
};

/* A look ahead at the frames of a burst (HOST_BURST_MAX at most), before
 * any is processed: it prefetches what their processing will read, each
 * step over every frame back to back so the misses are in flight at once,
 * and leaves in each frame a hint (pkt->hint, 0 for none; say, the
 * reference of the entry it fetched) so the hook need not look again for
 * what it found. It sees the frames alone (data at the Ethernet header)
 * and changes nothing else. Earlier frames of the burst are processed
 * between the look ahead and a frame's own processing: a hint must stay
 * safe to follow (an index into a table that only grows, an entry of a
 * pool that keeps its memory), and is never something to trust. */
#define HOST_BURST_MAX 64
struct host_prefetch {
    void (*fn)(void *ctx, struct pkt *const *frames, unsigned n);
    void *ctx;
};

struct route_table;
struct arp_cache;
struct ipv4_reasm;
struct icmp_state;
struct udp_stack;
struct tcp_stack;
struct ipip_state;
struct mark_table;

#define HOST_MAX_GROUPS 8

/* A host's addresses in an open-addressed hash (linear probing) of 2^bits
 * slots, at most half full so that a probe meets an empty slot soon: it
 * starts at HOST_LOCAL_MIN_BITS and doubles when addresses outgrow it. */
#define HOST_LOCAL_MIN_BITS 8
struct host_local_slot {
    uint32_t addr;
    bool used;
};

static inline unsigned host_local_slot_of(uint32_t addr, unsigned bits)
{
    return (addr * 2654435761u) >> (32 - bits);   /* Knuth's multiplicative hash */
}

struct host {
    char name[HOST_NAME_MAX_];
    struct rt *rt;             /* the clock seam */
    struct pkt_pool *pool;     /* shared with the world */
    struct rng rng;            /* ISNs, ephemeral ports, the IP ids' secret */
    struct netif **ifs;        /* nifs of them, room for cap_ifs (grown as interfaces come) */
    int nifs, cap_ifs;
    /* every interface's addresses in one array (an address on two
     * interfaces twice), and the same addresses hashed, which
     * host_is_local on each packet probes instead of scanning the array:
     * the hash is rebuilt from the array whenever an address comes or goes */
    uint32_t *local;           /* nlocal of them, room for cap_local */
    int nlocal, cap_local;
    struct host_local_slot *local_hash;   /* 1 << local_bits slots */
    unsigned local_bits;
    bool ip_forward;           /* net.ipv4.ip_forward */
    /* net.ipv4.conf.all.*: the kernel applies max(all, interface) */
    int arp_ignore_all, arp_announce_all, rp_filter_all;
    /* net.ipv4.conf.all.send_redirects and accept_redirects (both 1 by
     * default; redirects are taken only when not forwarding) */
    bool send_redirects, accept_redirects;
    struct redirect_state *redirects;   /* the sources redirected (net/redirect.h) */
    struct ip_ident *ip_ident; /* the IP identification of what it sends */
    uint32_t groups[HOST_MAX_GROUPS];   /* multicast groups joined (VRRP, IPVS sync) */
    int ngroups;
    struct netif *lo;
    struct pkt_queue lo_queue;          /* sent to ourselves, delivered next */
    struct rt_timer lo_timer;
    struct route_table *routes;
    struct arp_cache *arp;
    struct ipv4_reasm *reasm;
    struct icmp_state *icmp;
    struct udp_stack *udp;
    struct tcp_stack *tcp;
    struct ipip_state *ipip;
    struct mark_table *marks;           /* firewall-mark rules (net/mark.h) */
    struct filter_table *filters;       /* ICMP drop rules (net/filter.h) */
    struct host_proto proto[256];
    struct host_hook hooks[HOOK_POINTS][HOST_MAX_HOOKS];
    struct host_prefetch prefetch;      /* the director's, on a director */
    uint32_t dst_gen;                   /* bumped when a struct dst_cache may be stale */
    uint64_t drops[DROP_REASONS];
    struct host_work_tally work;        /* counted as done; the world's CPU model reads and clears it */
};

/* A host named `name` on the clock `rt`, drawing packets from `pool`, its RNG
 * stream derived from (seed, name). It starts with a loopback interface "lo"
 * holding 127.0.0.1/8. */
struct host *host_new(const char *name, struct rt *rt, struct pkt_pool *pool, uint64_t seed);
void host_free(struct host *h);

/* A new Ethernet interface (UP, MTU 1500) whose frames leave through xmit;
 * a host takes any number (the array grows). */
struct netif *host_add_netif(struct host *h, const char *name, const uint8_t mac[6],
                             netif_xmit_fn xmit, void *xmit_ctx);
struct netif *host_netif(struct host *h, const char *name);

void host_set_proto(struct host *h, uint8_t proto, host_proto_input_fn input,
                    host_proto_error_fn error, void *ctx);
bool host_add_hook(struct host *h, enum host_hook_point at, host_hook_fn fn, void *ctx);

/* Count n of a kind of work done (net/work.h). */
static inline void host_work_add(struct host *h, enum host_work w, uint32_t n) { h->work.n[w] += n; }

/* Count a drop and free the packet. */
void host_drop(struct host *h, struct pkt *p, enum host_drop reason);

/* Is addr one of this host's addresses (on any interface, lo included)?
 * Inline: every packet received asks. */
static inline bool host_is_local(const struct host *h, uint32_t addr)
{
    if ((addr >> 24) == 127)
        return h->lo != NULL;
    const struct host_local_slot *slots = h->local_hash;
    const unsigned mask = (1u << h->local_bits) - 1;
    for (unsigned i = host_local_slot_of(addr, h->local_bits); slots[i].used; i = (i + 1) & mask)
        if (slots[i].addr == addr)
            return true;
    return false;
}
/* An address came to or left an interface (netif_add_addr and
 * netif_del_addr keep h->local in step). */
void host_add_local(struct host *h, uint32_t addr);
void host_forget_local(struct host *h, uint32_t addr);
/* Join a multicast group (224.0.0.0/4): its packets are delivered locally. */
bool host_join_group(struct host *h, uint32_t group);
void host_leave_group(struct host *h, uint32_t group);
bool host_in_group(const struct host *h, uint32_t group);
/* Is any hook at this point? (host_add_hook fills the first free slot.) */
static inline bool host_has_hooks(const struct host *h, enum host_hook_point at)
{
    return h->hooks[at][0].fn != NULL;
}
/* The hooks at a point after the first, in turn (host_run_hooks). */
enum host_verdict host_run_later_hooks(struct host *h, enum host_hook_point at, struct pkt *p);
/* Run the hooks at a point: VERDICT_ACCEPT when all accept. Inline: every
 * packet passes two or three points, most of them with no hook or one
 * (a single module: the director, the filter), whose call is made here;
 * only when it accepts do the others run, out of line. */
static inline enum host_verdict host_run_hooks(struct host *h, enum host_hook_point at, struct pkt *p)
{
    const struct host_hook *first = &h->hooks[at][0];
    if (!first->fn)
        return VERDICT_ACCEPT;
    enum host_verdict v = first->fn(first->ctx, h, p);
    if (v != VERDICT_ACCEPT)
        return v;
    return host_run_later_hooks(h, at, p);
}

#endif
