/* Fragmentation and reassembly of IPv4 datagrams. */
#include "net/ipv4_frag.h"

#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "net/hdr.h"
#include "net/icmp.h"
#include "net/ipv4.h"

#define REASM_BUCKETS 64

struct reasm_q {
    struct reasm_q *next;
    struct ipv4_reasm *owner;
    uint32_t src, dst;
    uint16_t id;
    uint8_t proto;
    struct pkt *frags;         /* sorted by offset, linked through pkt->next */
    uint32_t total;            /* payload length, known once the last fragment came */
    uint32_t received;         /* payload bytes held */
    uint32_t bytes;            /* buffer bytes held */
    struct rt_timer timer;
};

struct ipv4_reasm {
    struct host *h;
    struct reasm_q *buckets[REASM_BUCKETS];
    uint32_t bytes;
    int count;
};

struct ipv4_reasm *ipv4_reasm_new(struct host *h)
{
    struct ipv4_reasm *r = xcalloc(1, sizeof *r);
    r->h = h;
    return r;
}

static unsigned bucket(uint32_t src, uint32_t dst, uint16_t id)
{
    return ((src ^ dst ^ id) * 2654435761u) >> 26;
}

static void queue_free(struct reasm_q *q, enum host_drop why)
{
    struct ipv4_reasm *r = q->owner;
    struct reasm_q **pp = &r->buckets[bucket(q->src, q->dst, q->id)];
    while (*pp != q)
        pp = &(*pp)->next;
    *pp = q->next;
    rt_timer_cancel(r->h->rt, &q->timer);
    for (struct pkt *f = q->frags, *next; f; f = next) {
        next = f->next;
        host_drop(r->h, f, why);
    }
    r->bytes -= q->bytes;
    r->count--;
    free(q);
}

void ipv4_reasm_free(struct ipv4_reasm *r)
{
    if (!r)
        return;
    for (int i = 0; i < REASM_BUCKETS; i++)
        while (r->buckets[i])
            queue_free(r->buckets[i], DROP_IP_FRAG_TIMEOUT);
    free(r);
}

int ipv4_reasm_pending(const struct host *h) { return h->reasm->count; }

static void expired(void *arg)
{
    struct reasm_q *q = arg;
    /* RFC 792: time exceeded in reassembly, if the first fragment is here */
    if (q->frags && (ntohs(((struct ipv4_hdr *)q->frags->data)->frag_off) & IPV4_OFFMASK) == 0)
        icmp_send_error(q->owner->h, q->frags, ICMP_TIME_EXCEEDED, 1, 0);
    queue_free(q, DROP_IP_FRAG_TIMEOUT);
}

static uint32_t frag_offset(const struct pkt *f)
{
    return (uint32_t)(ntohs(((const struct ipv4_hdr *)f->data)->frag_off) & IPV4_OFFMASK) * 8;
}

static uint32_t frag_len(const struct pkt *f)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)f->data;
    return ntohs(ip->tot_len) - ipv4_hdr_len(ip);
}

static struct pkt *assemble(struct host *h, struct reasm_q *q)
{
    struct pkt *first = q->frags;
    const struct ipv4_hdr *fip = (const struct ipv4_hdr *)first->data;
    unsigned ihl = ipv4_hdr_len(fip);
    struct pkt *whole = pkt_alloc(h->pool, ihl + q->total);
    if (!whole) {
        queue_free(q, DROP_NO_BUFFER);
        return NULL;
    }
    memcpy(whole->data, first->data, ihl);
    for (struct pkt *f = q->frags; f; f = f->next) {
        const struct ipv4_hdr *ip = (const struct ipv4_hdr *)f->data;
        memcpy(whole->data + ihl + frag_offset(f), f->data + ipv4_hdr_len(ip), frag_len(f));
    }
    whole->in_if = first->in_if;
    struct ipv4_hdr *ip = (struct ipv4_hdr *)whole->data;
    ip->tot_len = htons((uint16_t)(ihl + q->total));
    ip->frag_off = 0;
    ipv4_set_checksum(whole->data);
    struct pkt *frags = q->frags;
    q->frags = NULL;
    for (struct pkt *f = frags, *next; f; f = next) {
        next = f->next;
        pkt_free(f);
    }
    queue_free(q, DROP_IP_FRAG_TIMEOUT);   /* nothing left in it to count */
    return whole;
}

struct pkt *ipv4_reasm_add(struct host *h, struct pkt *p)
{
    struct ipv4_reasm *r = h->reasm;
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
    uint32_t src = ntohl(ip->saddr), dst = ntohl(ip->daddr);
    uint16_t id = ntohs(ip->id);
    uint16_t fo = ntohs(ip->frag_off);
    bool more = fo & IPV4_MF;
    uint32_t off = frag_offset(p), len = frag_len(p);
    if (off + len > 65535 - ipv4_hdr_len(ip) || (more && (len % 8 || len == 0))) {
        host_drop(h, p, DROP_IP_FRAG_TOO_BIG);
        return NULL;
    }
    struct reasm_q *q = r->buckets[bucket(src, dst, id)];
    while (q && !(q->src == src && q->dst == dst && q->id == id && q->proto == ip->proto))
        q = q->next;
    if (!q) {
        if (r->bytes + p->size > IPV4_REASM_MAX_BYTES) {
            host_drop(h, p, DROP_NO_BUFFER);
            return NULL;
        }
        q = xcalloc(1, sizeof *q);
        q->owner = r;
        q->src = src;
        q->dst = dst;
        q->id = id;
        q->proto = ip->proto;
        unsigned b = bucket(src, dst, id);
        q->next = r->buckets[b];
        r->buckets[b] = q;
        r->count++;
        rt_timer_init(&q->timer, expired, q);
        rt_timer_arm_in(h->rt, &q->timer, IPV4_REASM_TIMEOUT);
    }
    /* find its place; any overlap but an exact duplicate drops the datagram */
    struct pkt **pp = &q->frags;
    while (*pp && frag_offset(*pp) < off)
        pp = &(*pp)->next;
    struct pkt *prev = NULL;
    for (struct pkt *f = q->frags; f && f != *pp; f = f->next)
        prev = f;
    if (*pp && frag_offset(*pp) == off && frag_len(*pp) == len) {
        host_drop(h, p, DROP_IP_FRAG_OVERLAP);   /* a duplicate */
        return NULL;
    }
    bool overlap = (prev && frag_offset(prev) + frag_len(prev) > off) ||
                   (*pp && off + len > frag_offset(*pp)) || (q->total && off + len > q->total) ||
                   (!more && q->total && off + len != q->total);
    if (!more) {
        for (struct pkt *f = q->frags; f; f = f->next)
            overlap |= frag_offset(f) + frag_len(f) > off + len;
    }
    if (overlap) {
        host_drop(h, p, DROP_IP_FRAG_OVERLAP);
        queue_free(q, DROP_IP_FRAG_OVERLAP);
        return NULL;
    }
    p->next = *pp;
    *pp = p;
    q->received += len;
    q->bytes += p->size;
    r->bytes += p->size;
    if (!more)
        q->total = off + len;
    if (q->total && q->received == q->total)
        return assemble(h, q);
    return NULL;
}

/* The header for fragments after the first: options with the copied bit. */
static unsigned later_header(const uint8_t *hdr, unsigned ihl, uint8_t *out)
{
    memcpy(out, hdr, IPV4_HLEN);
    unsigned n = IPV4_HLEN;
    for (unsigned i = IPV4_HLEN; i < ihl;) {
        uint8_t type = hdr[i];
        if (type == 0)
            break;
        unsigned olen = type == 1 ? 1 : hdr[i + 1];
        if (type & 0x80) {
            memcpy(out + n, hdr + i, olen);
            n += olen;
        }
        i += olen;
    }
    while (n % 4)
        out[n++] = 0;
    out[0] = (uint8_t)(0x40 | n / 4);
    return n;
}

int ipv4_fragment(struct host *h, struct pkt *p, uint32_t mtu,
                  void (*out)(struct host *h, struct pkt *frag, void *ctx), void *ctx)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
    unsigned ihl = ipv4_hdr_len(ip);
    uint8_t later[60];
    unsigned later_len = later_header(p->data, ihl, later);
    uint16_t base_off = ntohs(ip->frag_off);   /* a fragment may be cut again */
    uint32_t payload = p->len - ihl, done = 0;
    while (done < payload) {
        unsigned hl = done ? later_len : ihl;
        uint32_t room = ((mtu - hl) / 8) * 8;
        if (room == 0) {
            host_drop(h, p, DROP_IP_DF_TOO_BIG);
            return -1;
        }
        uint32_t chunk = payload - done < room ? payload - done : room;
        struct pkt *f = pkt_alloc(h->pool, hl + chunk);
        if (!f) {
            host_drop(h, p, DROP_NO_BUFFER);
            return -1;
        }
        memcpy(f->data, done ? later : p->data, hl);
        memcpy(f->data + hl, p->data + ihl + done, chunk);
        struct ipv4_hdr *fh = (struct ipv4_hdr *)f->data;
        bool last = done + chunk == payload;
        uint16_t off = (uint16_t)((base_off & IPV4_OFFMASK) + done / 8);
        fh->frag_off = htons((uint16_t)(off | (last ? base_off & IPV4_MF : IPV4_MF)));
        fh->tot_len = htons((uint16_t)(hl + chunk));
        ipv4_set_checksum(f->data);
        f->in_if = p->in_if;
        pkt_set_l3(f);
        out(h, f, ctx);
        done += chunk;
    }
    pkt_free(p);
    return 0;
}
