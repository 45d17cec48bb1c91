/* Partial checksums and TCP/IPv4 segmentation done in software. */
#include "net/sw_offload.h"

#include <string.h>

#include "net/csum.h"
#include "net/hdr.h"
#include "net/ipv4.h"

#define UDP_CHECK_OFFSET 6

void sw_csum_complete(struct pkt *p)
{
    if (!p->off.csum_partial)
        return;
    uint8_t *start = p->head + p->off.csum_start;
    uint16_t check = csum_fold(csum_partial(start, (size_t)(p->data + p->len - start), 0));
    if (!check && p->off.csum_offset == UDP_CHECK_OFFSET)
        check = 0xffff;                    /* zero would mean "no checksum" (RFC 768) */
    memcpy(start + p->off.csum_offset, &check, 2);
    p->off.csum_partial = false;
}

/* The TCP/IPv4 headers at ip, within len bytes: their length, or 0. */
static unsigned tcp4_headers(const uint8_t *ip, uint32_t len)
{
    const struct ipv4_hdr *iph = (const struct ipv4_hdr *)ip;
    if (len < IPV4_HLEN + TCP_HLEN || iph->proto != IPPROTO_TCP)
        return 0;
    unsigned ihl = ipv4_hdr_len(iph);
    if (ihl < IPV4_HLEN || len < ihl + TCP_HLEN)
        return 0;
    unsigned thl = tcp_hdr_len((const struct tcp_hdr *)(ip + ihl));
    return thl >= TCP_HLEN && ihl + thl <= len ? ihl + thl : 0;
}

uint32_t sw_gso_network_len(const struct pkt *p)
{
    unsigned hdrs = tcp4_headers(p->data, p->len);
    return hdrs && hdrs + p->off.gso_size < p->len ? hdrs + p->off.gso_size : p->len;
}

int sw_gso_segment(const struct pkt *p, uint32_t l3_off, struct pkt_queue *out)
{
    if ((p->off.gso_type & ~PKT_GSO_ECN) != PKT_GSO_TCPV4 || !p->off.gso_size || p->len < l3_off)
        return -1;
    const uint8_t *ip = p->data + l3_off;
    uint32_t ip_len = p->len - l3_off;
    unsigned hdrs = tcp4_headers(ip, ip_len);
    if (!hdrs)
        return -1;
    unsigned ihl = ipv4_hdr_len((const struct ipv4_hdr *)ip);
    const struct tcp_hdr *th = (const struct tcp_hdr *)(ip + ihl);
    uint32_t payload = ip_len - hdrs, mss = p->off.gso_size, seq = ntohl(th->seq);
    uint16_t id = ntohs(((const struct ipv4_hdr *)ip)->id);
    struct pkt_queue segs = { 0 };
    uint32_t done = 0;
    do {
        uint32_t n = payload - done < mss ? payload - done : mss;
        struct pkt *s = pkt_alloc(p->pool, l3_off + hdrs + n);
        if (!s) {
            pkt_queue_purge(&segs);
            return -1;
        }
        memcpy(s->data, p->data, l3_off + hdrs);
        memcpy(s->data + l3_off + hdrs, ip + hdrs + done, n);
        s->in_if = p->in_if;
        s->mark = p->mark;
        s->stamp = p->stamp;
        s->l3 = (uint16_t)(s->data - s->head + l3_off);
        s->l4 = (uint16_t)(s->l3 + ihl);
        struct ipv4_hdr *sip = (struct ipv4_hdr *)pkt_l3(s);
        struct tcp_hdr *sth = (struct tcp_hdr *)pkt_l4(s);
        sip->tot_len = htons((uint16_t)(hdrs + n));
        sip->id = htons((uint16_t)(id + segs.count));     /* each segment its own id */
        ipv4_set_checksum((uint8_t *)sip);
        sth->seq = htonl(seq + done);
        if (segs.count)
            sth->flags &= (uint8_t)~TCP_CWR;               /* CWR on the first segment only */
        if (done + n < payload)
            sth->flags &= (uint8_t)~(TCP_FIN | TCP_PSH);   /* FIN and PSH on the last only */
        uint32_t tcp_len = hdrs - ihl + n;
        sth->check = 0;
        sth->check = csum_fold(csum_partial(sth, tcp_len, csum_pseudo(sip->saddr, sip->daddr, IPPROTO_TCP,
                                                                      (uint16_t)tcp_len)));
        pkt_queue_push(&segs, s);
        done += n;
    } while (done < payload);
    while (segs.first)
        pkt_queue_push(out, pkt_queue_pop(&segs));
    return 0;
}

int sw_offload_resolve(struct host *h, struct pkt *p, struct pkt_queue *out)
{
    if (!pkt_is_gso(p)) {
        sw_csum_complete(p);
        pkt_queue_push(out, p);
        return 0;
    }
    if (sw_gso_segment(p, 0, out) < 0) {
        host_drop(h, p, tcp4_headers(p->data, p->len) ? DROP_NO_BUFFER : DROP_GSO_BAD);
        return -1;
    }
    pkt_free(p);
    return 0;
}
