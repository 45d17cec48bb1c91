/* Connection-related ICMP errors: lookup by the quoted packet, rewrite, send. */
#include "lvs/icmp.h"

#include <string.h>

#include "lvs/conn.h"
#include "lvs/xmit.h"
#include "net/csum.h"
#include "net/hdr.h"
#include "net/ipv4.h"

#define ICMP_SOURCE_QUENCH_ 4
#define ICMP_PARAMETERPROB_ 12

/* An ICMP error as the director sees it: where the quoted IP header is,
 * and the quoted packet's tuple (the packet that caused the error). */
struct icmp_err {
    struct ipv4_hdr *outer, *quoted;
    uint8_t *quoted_l4;
    uint8_t proto;
    uint32_t qsrc, qdst;
    uint16_t qsport, qdport;
};

static bool parse_error(struct pkt *p, struct icmp_err *e)
{
    e->outer = (struct ipv4_hdr *)p->data;
    unsigned ihl = ipv4_hdr_len(e->outer);
    if (p->len < ihl + sizeof(struct icmp_hdr) + IPV4_HLEN + 8)
        return false;
    const struct icmp_hdr *ic = (const struct icmp_hdr *)(p->data + ihl);
    if (ic->type != ICMP_DEST_UNREACH && ic->type != ICMP_TIME_EXCEEDED &&
        ic->type != ICMP_SOURCE_QUENCH_ && ic->type != ICMP_PARAMETERPROB_)
        return false;
    e->quoted = (struct ipv4_hdr *)(p->data + ihl + sizeof *ic);
    unsigned qhl = ipv4_hdr_len(e->quoted);
    if (qhl < IPV4_HLEN || p->len < ihl + sizeof *ic + qhl + 8)
        return false;
    e->proto = e->quoted->proto;
    if (e->proto != IPPROTO_TCP && e->proto != IPPROTO_UDP)
        return false;
    e->quoted_l4 = (uint8_t *)e->quoted + qhl;
    e->qsrc = ntohl(e->quoted->saddr);
    e->qdst = ntohl(e->quoted->daddr);
    e->qsport = (uint16_t)(e->quoted_l4[0] << 8 | e->quoted_l4[1]);
    e->qdport = (uint16_t)(e->quoted_l4[2] << 8 | e->quoted_l4[3]);
    return true;
}

/* The new addresses of the message. */
struct icmp_rewrite {
    uint32_t outer_src, outer_dst;
    uint32_t qsrc, qdst;
    uint16_t qsport, qdport;
};

/* The quoted transport checksum, when the quote reaches it, follows the new
 * addresses and ports as netfilter's NAT keeps it (kernel IPVS leaves it
 * stale: docs/fidelity.md); a UDP checksum of 0 means none and stays. */
static void rewrite_quoted_check(const struct pkt *p, struct icmp_err *e, const struct icmp_rewrite *r)
{
    unsigned at = e->proto == IPPROTO_TCP ? 16 : 6;
    if ((size_t)(e->quoted_l4 + at + 2 - p->data) > p->len)
        return;
    uint16_t check;
    memcpy(&check, e->quoted_l4 + at, 2);
    if (e->proto == IPPROTO_UDP && check == 0)
        return;
    csum_replace4(&check, e->quoted->saddr, htonl(r->qsrc));
    csum_replace4(&check, e->quoted->daddr, htonl(r->qdst));
    uint16_t sport, dport;
    memcpy(&sport, e->quoted_l4, 2);
    memcpy(&dport, e->quoted_l4 + 2, 2);
    csum_replace2(&check, sport, htons(r->qsport));
    csum_replace2(&check, dport, htons(r->qdport));
    if (e->proto == IPPROTO_UDP && check == 0)
        check = 0xffff;
    memcpy(e->quoted_l4 + at, &check, 2);
}

static void rewrite(struct pkt *p, struct icmp_err *e, const struct icmp_rewrite *r)
{
    rewrite_quoted_check(p, e, r);
    e->outer->saddr = htonl(r->outer_src);
    e->outer->daddr = htonl(r->outer_dst);
    e->quoted->saddr = htonl(r->qsrc);
    e->quoted->daddr = htonl(r->qdst);
    uint16_t sport = htons(r->qsport), dport = htons(r->qdport);
    memcpy(e->quoted_l4, &sport, 2);
    memcpy(e->quoted_l4 + 2, &dport, 2);
    ipv4_set_checksum((uint8_t *)e->quoted);
    unsigned ihl = ipv4_hdr_len(e->outer);
    struct icmp_hdr *ic = (struct icmp_hdr *)(p->data + ihl);
    ic->check = 0;
    ic->check = csum_buf(ic, ntohs(e->outer->tot_len) - ihl);
    ipv4_set_checksum((uint8_t *)e->outer);
}

enum host_verdict ipvs_icmp_in(struct ipvs *ipvs, struct pkt *p)
{
    struct icmp_err e;
    if (!parse_error(p, &e))
        return VERDICT_ACCEPT;
    /* about a reply from VIP:vport to the client: goes to the real server */
    struct ipvs_conn *c = ipvs_conn_in_get(ipvs, 0, e.proto, e.qdst, e.qdport, e.qsrc, e.qsport);
    if (c) {
        uint32_t src = ntohl(e.outer->saddr);
        switch (c->fwd) {
        case IPVS_FWD_MASQ:
            rewrite(p, &e, &(struct icmp_rewrite){ src, c->daddr, c->daddr, e.qdst, c->dport, e.qdport });
            break;
        case IPVS_FWD_FULLNAT:
            rewrite(p, &e, &(struct icmp_rewrite){ c->laddr, c->daddr, c->daddr, c->laddr, c->dport, c->lport });
            break;
        default:                          /* DR, TUN: on to the server unchanged */
            break;
        }
        if (c->fwd == IPVS_FWD_MASQ || c->fwd == IPVS_FWD_FULLNAT)
            ipv4_route_out(ipvs->host, p);
        else
            ipvs_xmit_for(c->fwd)(ipvs, c, p);
        return VERDICT_STOLEN;
    }
    /* FULLNAT: about a request from a local address: goes to the client */
    c = ipvs_conn_out_get(ipvs, e.proto, e.qdst, e.qdport, e.qsrc, e.qsport);
    if (c && c->fwd == IPVS_FWD_FULLNAT) {
        rewrite(p, &e, &(struct icmp_rewrite){ c->vaddr, c->caddr, c->caddr, c->vaddr, c->cport, c->vport });
        ipv4_route_out(ipvs->host, p);
        return VERDICT_STOLEN;
    }
    return VERDICT_ACCEPT;
}

enum host_verdict ipvs_icmp_forward(struct ipvs *ipvs, struct pkt *p)
{
    struct icmp_err e;
    if (!parse_error(p, &e))
        return VERDICT_ACCEPT;
    /* a NAT real server's error about the client's request to RIP:rport */
    struct ipvs_conn *c = ipvs_conn_out_get(ipvs, e.proto, e.qdst, e.qdport, e.qsrc, e.qsport);
    if (!c || c->fwd != IPVS_FWD_MASQ)
        return VERDICT_ACCEPT;
    rewrite(p, &e, &(struct icmp_rewrite){ c->vaddr, ntohl(e.outer->daddr), e.qsrc, c->vaddr, e.qsport, c->vport });
    return VERDICT_ACCEPT;            /* forwarded on as rewritten */
}
