/* ICMP redirects: sent by a forwarding host, rate limited per source, and
 * taken by hosts into route exceptions. */
#include "net/redirect.h"

#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "net/arp.h"
#include "net/hdr.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/route.h"

#define REDIRECT_NUMBER 9                       /* ip_rt_redirect_number */
#define REDIRECT_LOAD (20 * SIM_MS)             /* ip_rt_redirect_load: HZ/50 */
#define REDIRECT_SILENCE (REDIRECT_LOAD << (REDIRECT_NUMBER + 1))
#define REDIRECT_LIFETIME (300 * SIM_S)         /* ip_rt_gc_timeout */
#define PEER_SLOTS 64
#define ICMP_HLEN 8
#define TCP_SYN_ACK 0x12

/* What Linux keeps in the inet_peer of a source for its redirects. */
struct redirect_peer {
    uint32_t addr;
    int n_redirects;
    sim_time_t rate_last;
};

struct redirect_state {
    struct redirect_peer *peers;   /* PEER_SLOTS, from the first redirect a host considers sending */
};

struct redirect_state *redirect_state_new(void) { return xcalloc(1, sizeof(struct redirect_state)); }

void redirect_state_free(struct redirect_state *r)
{
    if (r)
        free(r->peers);
    free(r);
}

static struct redirect_peer *peer_of(struct redirect_state *r, uint32_t addr)
{
    if (!r->peers)
        r->peers = xcalloc(PEER_SLOTS, sizeof *r->peers);
    struct redirect_peer *e = &r->peers[(addr * 2654435761u) >> 26];
    if (e->addr != addr)
        *e = (struct redirect_peer){ .addr = addr };
    return e;
}

/* ip_rt_send_redirect's token scheme: true when a redirect may go now. */
static bool peer_allows(struct redirect_peer *e, sim_time_t now)
{
    if (e->n_redirects && now > e->rate_last + REDIRECT_SILENCE)
        e->n_redirects = 0;
    if (e->n_redirects >= REDIRECT_NUMBER) {
        e->rate_last = now;                     /* still being ignored: stay silent */
        return false;
    }
    if (e->n_redirects && now <= e->rate_last + (REDIRECT_LOAD << e->n_redirects))
        return false;
    e->rate_last = now;
    e->n_redirects++;
    return true;
}

/* The source on a subnet of the interface (its route back is that link's:
 * what fib_validate_source answers with 1). */
static bool on_link(const struct netif *dev, uint32_t addr)
{
    for (int i = 0; i < dev->naddrs; i++)
        if (((addr ^ dev->addrs[i].addr) & route_mask(dev->addrs[i].prefix_len)) == 0)
            return true;
    return false;
}

void redirect_maybe_send(struct host *h, const struct pkt *p, const struct route *r)
{
    struct netif *in = p->in_if;
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
    if (!in || r->dev != in || ip->ttl <= 1)
        return;                 /* the common case: it leaves by another link */
    uint32_t src = ntohl(ip->saddr), dst = ntohl(ip->daddr);
    if (!on_link(in, src))
        return;
    const struct route *back = route_lookup(h, src);
    if (!back || back->gateway || back->dev != in)
        return;
    uint32_t gw = r->gateway ? r->gateway : dst;
    if (gw == src)
        return;
    if (!peer_allows(peer_of(h->redirects, src), rt_now(h->rt)))
        return;
    icmp_send_error(h, p, ICMP_REDIRECT, ICMP_REDIR_HOST, gw);
}

static bool unicast_gateway(struct host *h, uint32_t gw)
{
    if (!gw || (gw >> 28) == 0xe || gw == 0xffffffff || host_is_local(h, gw))
        return false;
    return route_lookup(h, gw) != NULL;
}

/* __ip_do_redirect with Linux's defaults (shared_media 1): from the
 * current gateway of the quoted destination, to another unicast gateway,
 * once its neighbour entry is resolved (else ARP is started and this one
 * is passed over); true when taken. Linux hears it through the socket its quote belongs to,
 * which a SYN-ACK's (a request's) is not. */
bool redirect_input(struct host *h, struct pkt *p)
{
    const struct icmp_hdr *ic = (const struct icmp_hdr *)p->data;
    const struct ipv4_hdr *outer = (const struct ipv4_hdr *)pkt_l3(p);
    const struct ipv4_hdr *q = (const struct ipv4_hdr *)(p->data + ICMP_HLEN);
    if (h->ip_forward || !h->accept_redirects || ic->code > ICMP_REDIR_HOSTTOS ||
        p->len < ICMP_HLEN + IPV4_HLEN + 8 || (q->ver_ihl >> 4) != 4 || ipv4_hdr_len(q) < IPV4_HLEN ||
        p->len < ICMP_HLEN + ipv4_hdr_len(q) + 8) {
        host_drop(h, p, DROP_ICMP_REDIRECT);
        return false;
    }
    const uint8_t *ql4 = (const uint8_t *)q + ipv4_hdr_len(q);
    uint32_t dst = ntohl(q->daddr), old_gw = ntohl(outer->saddr), new_gw = ntohl(ic->un.gateway);
    const struct route *r = route_lookup(h, dst);
    bool synack = q->proto == IPPROTO_TCP && p->len >= ICMP_HLEN + ipv4_hdr_len(q) + 14 &&
                  (ql4[13] & TCP_SYN_ACK) == TCP_SYN_ACK;
    if (!r || r->gateway != old_gw || new_gw == old_gw || !unicast_gateway(h, new_gw) || synack) {
        host_drop(h, p, DROP_ICMP_REDIRECT);
        return false;
    }
    struct netif *dev = r->dev;
    uint8_t mac[6];
    if (!arp_lookup(h, new_gw, mac)) {
        arp_solicit(dev, new_gw);
        host_drop(h, p, DROP_ICMP_REDIRECT);
        return false;
    }
    route_redirect_learn(h, dst, new_gw, dev, rt_now(h->rt) + REDIRECT_LIFETIME);
    pkt_free(p);
    return true;
}
