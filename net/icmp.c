/* ICMP for a host: input, errors out, ping. */
#include "net/icmp.h"

#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "net/csum.h"
#include "net/hdr.h"
#include "net/ipv4.h"
#include "net/redirect.h"
#include "net/route.h"

#define ICMP_HLEN 8
/* An error quotes as much of the offending datagram as fits in a 576-byte
 * datagram (RFC 1812 4.3.2.3; Linux icmp_send: 576 less the IP and ICMP
 * headers), not only its header and 8 bytes. */
#define ICMP_ERR_DGRAM_MAX 576
#define QUOTE_MAX (ICMP_ERR_DGRAM_MAX - IPV4_HLEN - ICMP_HLEN)

struct icmp_state {
    icmp_echo_fn echo_cb;
    void *echo_ctx;
    struct icmp_stats stats;
};

const struct icmp_stats *icmp_stats(const struct host *h) { return &h->icmp->stats; }

void icmp_set_echo_handler(struct host *h, icmp_echo_fn cb, void *ctx)
{
    h->icmp->echo_cb = cb;
    h->icmp->echo_ctx = ctx;
}

static bool is_error_type(uint8_t type)
{
    return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED || type == 4 /* quench */ ||
           type == 5 /* redirect */ || type == 12 /* parameter problem */;
}

void icmp_send_error(struct host *h, const struct pkt *orig, uint8_t type, uint8_t code, uint32_t info)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)orig->data;
    unsigned ihl = ipv4_hdr_len(ip);
    uint32_t src = ntohl(ip->saddr), dst = ntohl(ip->daddr);
    if (!src || src == 0xffffffff || (src >> 28) == 0xe || (dst >> 28) == 0xe || dst == 0xffffffff ||
        (ntohs(ip->frag_off) & IPV4_OFFMASK))
        return;
    if (ip->proto == 1 && orig->len >= ihl + 1 && is_error_type(orig->data[ihl]))
        return;               /* never an error about an error */
    uint32_t quote = orig->len < QUOTE_MAX ? orig->len : QUOTE_MAX;
    struct pkt *p = pkt_alloc(h->pool, ICMP_HLEN + quote);
    if (!p)
        return;
    struct icmp_hdr *ic = (struct icmp_hdr *)p->data;
    memset(ic, 0, ICMP_HLEN);
    ic->type = type;
    ic->code = code;
    if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
        ic->un.frag.mtu = htons((uint16_t)info);
    if (type == ICMP_REDIRECT) {
        ic->un.gateway = htonl(info);
        h->icmp->stats.redirects_sent++;
    }
    memcpy(p->data + ICMP_HLEN, orig->data, quote);
    ic->check = csum_buf(p->data, p->len);
    /* from the address the packet came to on its interface, as Linux */
    uint32_t from = 0;
    if (orig->in_if && orig->in_if->naddrs && !(orig->in_if->flags & NETIF_LOOPBACK))
        from = orig->in_if->addrs[0].addr;
    if (host_is_local(h, dst))
        from = dst;
    h->icmp->stats.errors_sent++;
    ipv4_send(h, p, from, src, 1, 0xc0, false);
}

int icmp_ping(struct host *h, uint32_t dst, uint16_t id, uint16_t seq, uint32_t size, bool df)
{
    if (size < 8)
        size = 8;
    struct pkt *p = pkt_alloc(h->pool, ICMP_HLEN + size);
    if (!p)
        return -1;
    struct icmp_hdr *ic = (struct icmp_hdr *)p->data;
    memset(p->data, 0, p->len);
    ic->type = ICMP_ECHO;
    ic->un.echo.id = htons(id);
    ic->un.echo.seq = htons(seq);
    int64_t sent = rt_now(h->rt);
    memcpy(p->data + ICMP_HLEN, &sent, sizeof sent);
    ic->check = csum_buf(p->data, p->len);
    return ipv4_send(h, p, 0, dst, 1, 0, df);
}

static void echo_reply(struct host *h, struct pkt *p)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)pkt_l3(p);
    uint32_t from = ntohl(ip->saddr), to = ntohl(ip->daddr);
    struct icmp_hdr *ic = (struct icmp_hdr *)p->data;
    ic->type = ICMP_ECHOREPLY;
    ic->check = 0;
    ic->check = csum_buf(p->data, p->len);
    h->icmp->stats.echo_requests++;
    /* answer from the address asked, unless that was a broadcast */
    ipv4_send(h, p, host_is_local(h, to) ? to : 0, from, 1, ip->tos, false);
}

static void error_in(struct host *h, struct pkt *p)
{
    const struct icmp_hdr *ic = (const struct icmp_hdr *)p->data;
    h->icmp->stats.errors_received++;
    if (p->len < ICMP_HLEN + IPV4_HLEN + 8) {
        host_drop(h, p, DROP_ICMP_SHORT);
        return;
    }
    const uint8_t *quoted = p->data + ICMP_HLEN;
    const struct ipv4_hdr *qip = (const struct ipv4_hdr *)quoted;
    uint32_t qlen = p->len - ICMP_HLEN;
    if ((qip->ver_ihl >> 4) != 4 || ipv4_hdr_len(qip) < IPV4_HLEN || ipv4_hdr_len(qip) + 8 > qlen) {
        host_drop(h, p, DROP_ICMP_SHORT);
        return;
    }
    uint32_t info = 0;
    if (ic->type == ICMP_DEST_UNREACH && ic->code == ICMP_FRAG_NEEDED) {
        info = ntohs(ic->un.frag.mtu);
        if (info >= 68)
            route_pmtu_learn(h, ntohl(qip->daddr), info);
    }
    const struct host_proto *proto = &h->proto[qip->proto];
    if (proto->error)
        proto->error(proto->ctx, h, ic->type, ic->code, info, quoted, qlen);
    pkt_free(p);
}

static void icmp_input(void *ctx, struct host *h, struct pkt *p)
{
    (void)ctx;
    if (p->len < ICMP_HLEN) {
        host_drop(h, p, DROP_ICMP_SHORT);
        return;
    }
    if (csum_buf(p->data, p->len) != 0) {
        host_drop(h, p, DROP_ICMP_CSUM);
        return;
    }
    const struct icmp_hdr *ic = (const struct icmp_hdr *)p->data;
    switch (ic->type) {
    case ICMP_ECHO:
        echo_reply(h, p);
        return;
    case ICMP_ECHOREPLY: {
        h->icmp->stats.echo_replies++;
        if (h->icmp->echo_cb && p->len >= ICMP_HLEN + 8) {
            int64_t sent;
            memcpy(&sent, p->data + ICMP_HLEN, sizeof sent);
            const struct ipv4_hdr *ip = (const struct ipv4_hdr *)pkt_l3(p);
            h->icmp->echo_cb(h->icmp->echo_ctx, ntohl(ip->saddr), ntohs(ic->un.echo.id),
                             ntohs(ic->un.echo.seq), rt_now(h->rt) - sent);
        }
        pkt_free(p);
        return;
    }
    case ICMP_DEST_UNREACH:
    case ICMP_TIME_EXCEEDED:
        error_in(h, p);
        return;
    case ICMP_REDIRECT:
        h->icmp->stats.errors_received++;
        if (redirect_input(h, p))
            h->icmp->stats.redirects_taken++;
        return;
    default:
        host_drop(h, p, DROP_ICMP_TYPE);
    }
}

void icmp_init(struct host *h)
{
    h->icmp = xcalloc(1, sizeof *h->icmp);
    host_set_proto(h, 1, icmp_input, NULL, NULL);
}

void icmp_free(struct host *h)
{
    free(h->icmp);
    h->icmp = NULL;
}
