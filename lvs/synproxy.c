/*
 * The SYN proxy's packet work (see lvs/synproxy.h): the cookie SYN-ACK, the
 * cookie check, the director's SYN to the real server, the client packets
 * held until its SYN-ACK, and the sequence-number translation after it.
 * Defaults are the Alibaba patch's: the SYN-ACK offers MSS (the client's,
 * at most 1452) and SACK-permitted but neither window scaling nor
 * timestamps (synproxy_wscale = synproxy_timestamp = 0), TTL 63; the SYN to
 * the real server has window 5000 and TTL 64; up to 4 client packets wait.
 */
#include "lvs/synproxy.h"

#include <string.h>

#include "lvs/proto_tcp.h"
#include "lvs/xmit.h"
#include "net/csum.h"
#include "net/hdr.h"
#include "net/ipv4.h"
#include "net/tcp_opts.h"

#define SYNPROXY_INIT_MSS 1452       /* sysctl_ip_vs_synproxy_init_mss */
#define SYNPROXY_DEFAULT_MSS 536     /* a SYN without the option (RFC 9293) */
#define SYNPROXY_SYNACK_TTL 63       /* sysctl_ip_vs_synproxy_synack_ttl */
#define SYNPROXY_SYN_TTL 64          /* IPDEFTTL */
#define SYNPROXY_SYN_WINDOW 5000     /* the patch's window for its SYN */
#define SYNPROXY_HELD_MAX 4          /* held while skb_store_thresh (3) >= the queue's length */
#define TCP_SEQ_OFF 4                /* the sequence and acknowledgment fields in the header */
#define TCP_ACK_OFF 8

static struct tcp_hdr *tcp_of(const struct pkt *p)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
    return (struct tcp_hdr *)(p->data + ipv4_hdr_len(ip));
}

static uint32_t get32(const void *field)
{
    uint32_t v;
    memcpy(&v, field, 4);
    return ntohl(v);
}

/* Store a 32-bit sequence field of p's TCP header th, the checksum updated
 * (RFC 1624); a partial checksum stays as it is (the field is in the bytes
 * the device sums, inet_proto_csum_replace4 without pseudohdr). */
static void put_seq(const struct pkt *p, struct tcp_hdr *th, void *field, uint32_t value)
{
    uint32_t old, now = htonl(value);
    uint16_t check = th->check;
    memcpy(&old, field, 4);
    memcpy(field, &now, 4);
    if (p->off.csum_partial)
        return;
    csum_replace4(&check, old, now);
    th->check = check;
}

/* The segment the director answers as an endpoint must be whole and its
 * checksum right, as the host's own TCP input would require; otherwise it
 * is dropped and counted with the host's TCP reasons. A partial checksum
 * (a TAP with offloads) is one the sender's kernel vouches for, as
 * CHECKSUM_PARTIAL counts as verified in Linux. */
static bool segment_ok(struct ipvs *ipvs, struct pkt *p)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
    unsigned ihl = ipv4_hdr_len(ip), tcp_len = p->len - ihl;
    const struct tcp_hdr *th = tcp_of(p);
    if (tcp_hdr_len(th) < TCP_HLEN || tcp_hdr_len(th) > tcp_len) {
        host_drop(ipvs->host, p, DROP_TCP_BAD_OFF);
        return false;
    }
    if (!p->off.csum_partial)
        host_work_add(ipvs->host, WORK_CSUM_BYTE, tcp_len);
    if (!p->off.csum_partial &&
        csum_fold(csum_partial(th, tcp_len, csum_pseudo(ip->saddr, ip->daddr, IPPROTO_TCP, (uint16_t)tcp_len)))) {
        host_drop(ipvs->host, p, DROP_TCP_CSUM);
        return false;
    }
    return true;
}

static uint32_t minute_now(const struct ipvs *ipvs) { return (uint32_t)(rt_now(ipvs->rt) / (60 * SIM_S)); }

/* A TCP segment with IPv4 header: data at the IP header, options from o,
 * the checksums set. NULL when no buffer is left (counted). */
static struct pkt *build_segment(struct ipvs *ipvs, const struct ipv4_tx *tx, uint16_t sport, uint16_t dport,
                                 uint32_t seq, uint32_t ack, uint8_t flags, uint16_t window,
                                 const struct tcp_opts *o)
{
    uint8_t opts[TCP_MAX_OPT_LEN];
    unsigned optlen = tcp_opts_build(opts, o), tcp_len = TCP_HLEN + optlen;
    struct pkt *p = pkt_alloc(ipvs->host->pool, IPV4_HLEN + tcp_len);
    if (!p) {
        ipvs->host->drops[DROP_NO_BUFFER]++;
        return NULL;
    }
    struct ipv4_hdr *ip = (struct ipv4_hdr *)p->data;
    *ip = (struct ipv4_hdr){ .ver_ihl = 0x45, .tos = tx->tos, .tot_len = htons((uint16_t)(IPV4_HLEN + tcp_len)),
                             .id = htons(ip_ident_select(ipvs->host->ip_ident, rt_now(ipvs->rt), tx->src, tx->dst, IPPROTO_TCP,
                                                                 tx->df, NULL, 0)),
                             .frag_off = htons(tx->df ? IPV4_DF : 0),
                             .ttl = tx->ttl, .proto = IPPROTO_TCP, .saddr = htonl(tx->src),
                             .daddr = htonl(tx->dst) };
    ipv4_set_checksum(p->data);
    struct tcp_hdr *th = (struct tcp_hdr *)(p->data + IPV4_HLEN);
    *th = (struct tcp_hdr){ .sport = htons(sport), .dport = htons(dport), .seq = htonl(seq), .ack = htonl(ack),
                            .doff = (uint8_t)((tcp_len / 4) << 4), .flags = flags, .window = htons(window) };
    memcpy(th + 1, opts, optlen);
    host_work_add(ipvs->host, WORK_CSUM_BYTE, tcp_len);
    th->check = csum_fold(csum_partial(th, tcp_len, csum_pseudo(ip->saddr, ip->daddr, IPPROTO_TCP, (uint16_t)tcp_len)));
    return p;
}

/* Step 1: the client's SYN gets a cookie SYN-ACK back; nothing is kept. */
static void answer_syn(struct ipvs *ipvs, struct pkt *p)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
    const struct tcp_hdr *th = tcp_of(p);
    struct tcp_opts in = { .wscale = -1 };
    tcp_opts_parse((const uint8_t *)(th + 1), tcp_hdr_len(th) - TCP_HLEN, &in);   /* what parsed is kept */
    uint16_t mss = in.mss ? in.mss : SYNPROXY_DEFAULT_MSS;
    if (mss > SYNPROXY_INIT_MSS)
        mss = SYNPROXY_INIT_MSS;
    struct ipvs_syncookie_opts co = { .mss = mss, .sack_ok = in.sack_ok };
    uint32_t caddr = ntohl(ip->saddr), vaddr = ntohl(ip->daddr), isn = ntohl(th->seq);
    uint16_t cport = ntohs(th->sport), vport = ntohs(th->dport), window = ntohs(th->window);
    uint32_t cookie = ipvs_syncookie_make(&ipvs->synproxy_key, caddr, vaddr, cport, vport, isn, minute_now(ipvs), &co);
    struct tcp_opts out = { .mss = mss, .wscale = -1, .sack_ok = co.sack_ok };
    struct ipv4_tx tx = { .src = vaddr, .dst = caddr, .ttl = SYNPROXY_SYNACK_TTL, .df = true };
    pkt_free(p);
    struct pkt *synack = build_segment(ipvs, &tx, vport, cport, cookie, isn + 1, TCP_SYN | TCP_ACK, window, &out);
    if (!synack)
        return;
    ipvs->synproxy.syn_answered++;
    host_work_add(ipvs->host, WORK_SYNPROXY_SYN, 1);
    ipv4_route_out(ipvs->host, synack);
}

enum ipvs_synproxy_step ipvs_synproxy_new(struct ipvs *ipvs, struct pkt *p, struct ipvs_syncookie_opts *opts)
{
    uint8_t flags = tcp_of(p)->flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN);
    if (flags != TCP_SYN && flags != TCP_ACK)
        return IPVS_SYNPROXY_PASS;
    if (!segment_ok(ipvs, p))
        return IPVS_SYNPROXY_TAKEN;
    if (flags == TCP_SYN) {
        answer_syn(ipvs, p);
        return IPVS_SYNPROXY_TAKEN;
    }
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
    const struct tcp_hdr *th = tcp_of(p);
    if (!ipvs_syncookie_check(&ipvs->synproxy_key, ntohl(th->ack) - 1, ntohl(ip->saddr), ntohl(ip->daddr),
                              ntohs(th->sport), ntohs(th->dport), ntohl(th->seq) - 1, minute_now(ipvs), opts)) {
        ipvs->synproxy.ack_bad++;
        pkt_free(p);
        return IPVS_SYNPROXY_TAKEN;
    }
    ipvs->synproxy.ack_ok++;
    host_work_add(ipvs->host, WORK_SYNPROXY_ACK, 1);
    return IPVS_SYNPROXY_CONNECT;
}

void ipvs_synproxy_connect(struct ipvs *ipvs, struct ipvs_conn *c, struct pkt *p,
                           const struct ipvs_syncookie_opts *opts)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
    const struct tcp_hdr *th = tcp_of(p);
    struct ipvs_conn_cold *cold = ipvs_conn_cold(c);
    c->flags |= IPVS_CONN_F_SYNPROXY;
    c->state = IPVS_TCP_SYN_SENT;
    c->timeout_ms = ipvs_tcp_timeout_ms(ipvs, IPVS_TCP_SYN_SENT);
    ipvs_conn_touch(ipvs, c, rt_now(ipvs->rt));
    cold->synproxy_seq = ntohl(th->ack) - 1;
    struct tcp_opts o = { .mss = opts->mss, .wscale = opts->wscale_ok ? opts->wscale : -1,
                          .sack_ok = opts->sack_ok, .ts = opts->ts_ok,
                          .tsval = (uint32_t)(rt_now(ipvs->rt) / SIM_MS) };
    struct ipv4_tx tx = { .src = ntohl(ip->saddr), .dst = ntohl(ip->daddr), .tos = ip->tos,
                          .ttl = SYNPROXY_SYN_TTL, .df = true };
    struct pkt *syn = build_segment(ipvs, &tx, ntohs(th->sport), ntohs(th->dport), ntohl(th->seq) - 1, 0,
                                    TCP_SYN, SYNPROXY_SYN_WINDOW, &o);
    p->next = NULL;
    cold->synproxy_held = p;
    if (!syn)
        return;                       /* the client's retransmitted ACK waits with it; the entry expires */
    ipvs_xmit_for(c->fwd)(ipvs, c, syn);
}

/* A client packet towards the server: its ack and SACK blocks lose the
 * delta (the server's sequence space). */
static void translate_in(struct pkt *p, uint32_t delta)
{
    struct tcp_hdr *th = tcp_of(p);
    if (!(th->flags & TCP_ACK))
        return;
    put_seq(p, th, (uint8_t *)th + TCP_ACK_OFF, ntohl(th->ack) - delta);
    unsigned hl = tcp_hdr_len(th), off = (unsigned)((uint8_t *)th - p->data);
    if (hl < TCP_HLEN || off + hl > p->len)
        return;                       /* a header cut short: the server judges it */
    uint8_t *o = (uint8_t *)(th + 1), *end = (uint8_t *)th + hl;
    while (o < end && *o != TCPOPT_EOL) {
        if (*o == TCPOPT_NOP) {
            o++;
            continue;
        }
        if (end - o < 2 || o[1] < 2 || o[1] > end - o)
            return;
        if (o[0] == TCPOPT_SACK && (o[1] - 2) % 8 == 0)
            for (uint8_t *edge = o + 2; edge < o + o[1]; edge += 4)
                put_seq(p, th, edge, get32(edge) - delta);
        o += o[1];
    }
}

static void free_held(struct ipvs_conn_cold *cold)
{
    while (cold->synproxy_held) {
        struct pkt *q = cold->synproxy_held;
        cold->synproxy_held = q->next;
        pkt_free(q);
    }
}

bool ipvs_synproxy_in(struct ipvs *ipvs, struct ipvs_conn *c, struct pkt *p)
{
    struct ipvs_conn_cold *cold = ipvs_conn_cold(c);
    if (c->state != IPVS_TCP_SYN_SENT) {
        translate_in(p, cold->synproxy_seq);
        return true;
    }
    if (!(tcp_of(p)->flags & TCP_ACK)) {
        host_drop(ipvs->host, p, DROP_TCP_BAD_FLAGS);   /* the patch drops what is not an ACK */
        return false;
    }
    int n = 1;
    struct pkt **tail = &cold->synproxy_held;
    for (; *tail; tail = &(*tail)->next)
        n++;
    if (n > SYNPROXY_HELD_MAX) {
        ipvs->synproxy.held_over++;
        pkt_free(p);
        return false;
    }
    p->next = NULL;
    *tail = p;
    return false;
}

/* The real server's SYN-ACK: the delta is known, the connection is
 * established, and the held client packets go to the server. */
static void server_synack(struct ipvs *ipvs, struct ipvs_conn *c, struct pkt *p)
{
    struct ipvs_conn_cold *cold = ipvs_conn_cold(c);
    cold->synproxy_seq -= ntohl(tcp_of(p)->seq);
    pkt_free(p);
    ipvs->synproxy.rs_synack++;
    c->state = IPVS_TCP_ESTABLISHED;
    c->timeout_ms = ipvs_tcp_timeout_ms(ipvs, IPVS_TCP_ESTABLISHED);
    ipvs_conn_touch(ipvs, c, rt_now(ipvs->rt));
    if (c->dest && (c->flags & IPVS_CONN_F_INACTIVE)) {
        c->dest->activeconns++;
        c->dest->inactconns--;
        c->flags &= ~IPVS_CONN_F_INACTIVE;
    }
    struct pkt *q = cold->synproxy_held;
    cold->synproxy_held = NULL;
    while (q) {
        struct pkt *next = q->next;
        q->next = NULL;
        translate_in(q, cold->synproxy_seq);
        ipvs_xmit_for(c->fwd)(ipvs, c, q);
        q = next;
    }
}

bool ipvs_synproxy_out(struct ipvs *ipvs, struct ipvs_conn *c, struct pkt *p, uint8_t tcp_flags)
{
    struct ipvs_conn_cold *cold = ipvs_conn_cold(c);
    struct tcp_hdr *th = tcp_of(p);
    if (c->state == IPVS_TCP_SYN_SENT) {
        if ((tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST)) == (TCP_SYN | TCP_ACK)) {
            server_synack(ipvs, c, p);
            return false;
        }
        if (!(tcp_flags & TCP_RST)) {
            ipvs->synproxy.rs_unexpected++;
            pkt_free(p);
            return false;
        }
        /* refused: the client gets the RST as the answer to its ACK, at the
         * sequence number it expects (the cookie + 1) */
        ipvs->synproxy.rs_rst++;
        cold->synproxy_seq = cold->synproxy_seq + 1 - ntohl(th->seq);
        free_held(cold);
        c->state = IPVS_TCP_CLOSE;
    }
    put_seq(p, th, (uint8_t *)th + TCP_SEQ_OFF, ntohl(th->seq) + cold->synproxy_seq);
    return true;
}

void ipvs_synproxy_forget(struct ipvs_conn *c)
{
    free_held(ipvs_conn_cold(c));
}
