/* UDP sockets: a small table per host, looked up by port then address. */
#include "net/udp.h"

#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "net/csum.h"
#include "net/hdr.h"
#include "net/icmp.h"
#include "net/ipv4.h"

#define UDP_HLEN 8
#define EPHEMERAL_LOW 32768    /* Linux's ip_local_port_range */
#define EPHEMERAL_HIGH 60999

struct udp_sock {
    struct udp_sock *next;
    struct udp_stack *st;
    uint32_t addr;
    uint16_t port;
    udp_recv_fn fn;
    void *ctx;
    struct netif *mcast_dev;   /* NULL: the route's */
    uint8_t mcast_ttl;
};

struct udp_stack {
    struct host *h;
    struct udp_sock *socks;
};

static struct udp_sock *lookup(struct udp_stack *st, uint32_t addr, uint16_t port)
{
    struct udp_sock *any = NULL;
    for (struct udp_sock *s = st->socks; s; s = s->next)
        if (s->port == port) {
            if (s->addr == addr)
                return s;
            if (!s->addr)
                any = s;
        }
    return any;
}

static void udp_input(void *ctx, struct host *h, struct pkt *p)
{
    struct udp_stack *st = ctx;
    if (p->len < UDP_HLEN) {
        host_drop(h, p, DROP_UDP_SHORT);
        return;
    }
    const struct udp_hdr *uh = (const struct udp_hdr *)p->data;
    uint16_t len = ntohs(uh->len);
    if (len < UDP_HLEN || len > p->len) {
        host_drop(h, p, DROP_UDP_SHORT);
        return;
    }
    pkt_trim(p, len);
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)pkt_l3(p);
    if (uh->check &&
        csum_fold(csum_partial(p->data, len, csum_pseudo(ip->saddr, ip->daddr, 17, len))) != 0) {
        host_drop(h, p, DROP_UDP_CSUM);
        return;
    }
    uint32_t dst = ntohl(ip->daddr);
    struct udp_sock *s = lookup(st, dst, ntohs(uh->dport));
    if (!s) {
        /* the quoted packet starts at the IP header */
        uint32_t ihl = (uint32_t)(p->data - pkt_l3(p));
        pkt_push(p, ihl);
        if (host_is_local(h, dst))
            icmp_send_error(h, p, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
        host_drop(h, p, DROP_UDP_NO_PORT);
        return;
    }
    s->fn(s->ctx, s, ntohl(ip->saddr), ntohs(uh->sport), dst, p->data + UDP_HLEN, len - UDP_HLEN);
    pkt_free(p);
}

void udp_stack_init(struct host *h)
{
    h->udp = xcalloc(1, sizeof *h->udp);
    h->udp->h = h;
    host_set_proto(h, 17, udp_input, NULL, h->udp);
}

void udp_stack_free(struct host *h)
{
    if (!h->udp)
        return;
    for (struct udp_sock *s = h->udp->socks, *next; s; s = next) {
        next = s->next;
        free(s);
    }
    free(h->udp);
    h->udp = NULL;
}

struct udp_sock *udp_bind(struct host *h, uint32_t addr, uint16_t port, udp_recv_fn fn, void *ctx)
{
    struct udp_stack *st = h->udp;
    if (!port) {
        uint32_t span = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
        uint32_t start = (uint32_t)rng_below(&h->rng, span);
        for (uint32_t i = 0; i < span && !port; i++) {
            uint16_t candidate = (uint16_t)(EPHEMERAL_LOW + (start + i) % span);
            if (!lookup(st, addr, candidate))
                port = candidate;
        }
        if (!port)
            return NULL;
    } else {
        for (struct udp_sock *s = st->socks; s; s = s->next)
            if (s->port == port && (s->addr == addr || !s->addr || !addr))
                return NULL;
    }
    struct udp_sock *s = xcalloc(1, sizeof *s);
    *s = (struct udp_sock){ .next = st->socks, .st = st, .addr = addr, .port = port, .fn = fn, .ctx = ctx,
                            .mcast_ttl = 1 };
    st->socks = s;
    return s;
}

int udp_sendto(struct udp_sock *s, uint32_t dst, uint16_t dport, const void *data, size_t len)
{
    struct host *h = s->st->h;
    if (len > 65507)
        return -1;
    struct pkt *p = pkt_alloc(h->pool, (uint32_t)(UDP_HLEN + len));
    if (!p)
        return -1;
    uint32_t src = s->addr && !(s->addr >> 28 == 0xe) ? s->addr : ipv4_select_src(h, dst);
    struct udp_hdr *uh = (struct udp_hdr *)p->data;
    uh->sport = htons(s->port);
    uh->dport = htons(dport);
    uh->len = htons((uint16_t)(UDP_HLEN + len));
    uh->check = 0;
    memcpy(p->data + UDP_HLEN, data, len);
    uint16_t c = csum_fold(csum_partial(p->data, p->len, csum_pseudo(htonl(src), htonl(dst), 17,
                                                                        (uint16_t)p->len)));
    uh->check = c ? c : 0xffff;
    struct ipv4_tx tx = { .src = src, .dst = dst, .proto = 17 };
    if ((dst >> 28) == 0xe) {
        tx.dev = s->mcast_dev;
        tx.ttl = s->mcast_ttl;
    }
    return ipv4_send_tx(h, p, &tx);
}

void udp_set_multicast(struct udp_sock *s, struct netif *dev, uint8_t ttl)
{
    s->mcast_dev = dev;
    s->mcast_ttl = ttl;
}

void udp_close(struct udp_sock *s)
{
    struct udp_sock **pp = &s->st->socks;
    while (*pp != s)
        pp = &(*pp)->next;
    *pp = s->next;
    free(s);
}
