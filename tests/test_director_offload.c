/*
 * The director with offloads (as on a TAP in the emulated world): a GSO
 * super-packet and a partial checksum keep going through NAT and DR, with
 * only the pseudo-header's part of the partial sum rewritten, so that the
 * segments the device cuts all verify; TUN and a GSO packet whose segments
 * would carry FULLNAT's TOA are segmented in software first; a device without
 * offloads gets plain segments; GSO fits an MTU by its segments; local
 * delivery sees whole checksums; the SYN proxy takes partial checksums as
 * verified and shifts a GSO packet's sequence number without touching its
 * partial sum.
 */
#include <criterion/criterion.h>

#include "net/sw_offload.h"
#include "tests/support/director_rig.h"
#include "tests/support/leak_check.h"
#include "tests/support/offload_frames.h"

static struct rig r;
static struct pkt_queue front_out, back_out;

static void fini(void)
{
    pkt_queue_purge(&front_out);
    pkt_queue_purge(&back_out);
    leak_check(rig_free(&r));
}

/* The rig in mode fwd, its devices keeping every frame; offload: they take GSO. */
static void start(enum ipvs_fwd fwd, bool offload)
{
    rig_init(&r, fwd, 1, "rr", false);
    front_out = back_out = (struct pkt_queue){ 0 };
    r.front->xmit = r.back->xmit = offload_keep_xmit;
    r.front->xmit_ctx = &front_out;
    r.back->xmit_ctx = &back_out;
    if (offload) {
        r.front->flags |= NETIF_OFFLOAD;
        r.back->flags |= NETIF_OFFLOAD;
    }
    rig_send(&r, 0, TCP_SYN);
    pkt_queue_purge(&back_out);
}

/* A GSO frame of `payload` bytes in segments of mss. */
static struct pkt *gso_frame(const uint8_t mac[6], uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                             uint32_t payload, uint16_t mss)
{
    struct pkt *p = rig_frame(&r, mac, src, sport, dst, dport, IPPROTO_TCP, TCP_ACK | TCP_PSH, payload);
    offload_make_gso(p, mss);
    return p;
}

static const struct ipv4_hdr *ip_of(const struct pkt *frame)
{
    return (const struct ipv4_hdr *)(frame->data + ETH_HLEN);
}

/* The GSO frame's partial sum is right (completed over the whole frame as
 * a device would, it verifies), and every segment verifies and comes from
 * src:sport. */
static void assert_segments_verify(const struct pkt *frame, uint32_t n, uint32_t src, uint16_t sport)
{
    struct pkt *whole = pkt_clone(frame);
    sw_csum_complete(whole);
    cr_assert(offload_l4_csum_ok((const uint8_t *)ip_of(whole)), "the partial sum, completed");
    pkt_free(whole);
    struct pkt_queue segs = { 0 };
    cr_assert_eq(sw_gso_segment(frame, ETH_HLEN, &segs), 0);
    cr_assert_eq(segs.count, n);
    for (const struct pkt *s = segs.first; s; s = s->next) {
        cr_assert(offload_l4_csum_ok((const uint8_t *)ip_of(s)), "a segment's TCP checksum");
        cr_assert_eq(ntohl(ip_of(s)->saddr), src);
        cr_assert_eq(ntohs(*(const uint16_t *)(ip_of(s) + 1)), sport);
    }
    pkt_queue_purge(&segs);
}

Test(director_offload, nat_replies_stay_gso_with_the_pseudo_header_rewritten, .fini = fini)
{
    start(IPVS_FWD_MASQ, true);
    netif_input(r.back, gso_frame(r.back->mac, RIG_RIP(0), RIG_PORT, rig_client(0), rig_cport(0), 4000, 1448));
    cr_assert_eq(front_out.count, 1, "one super-frame to the client");
    const struct pkt *out = front_out.first;
    cr_assert(pkt_is_gso(out) && out->off.csum_partial);
    cr_assert_eq(out->off.gso_size, 1448);
    cr_assert_eq(out->len, ETH_HLEN + IPV4_HLEN + TCP_HLEN + 4000);
    cr_assert_eq(csum_buf(ip_of(out), IPV4_HLEN), 0);
    assert_segments_verify(out, 3, RIG_VIP, RIG_PORT);
    cr_assert_eq(r.ipvs.stats.outpkts, 1, "IPVS counts the super-packet once, as the kernel's");
}

Test(director_offload, a_nat_request_keeps_its_partial_checksum, .fini = fini)
{
    start(IPVS_FWD_MASQ, true);
    struct pkt *p = rig_segment(&r, 0, TCP_ACK, 100);
    offload_make_partial(p);
    netif_input(r.front, p);
    cr_assert_eq(back_out.count, 1);
    struct pkt *out = pkt_queue_pop(&back_out);
    cr_assert(out->off.csum_partial && !pkt_is_gso(out));
    cr_assert_eq(ntohl(ip_of(out)->daddr), RIG_RIP(0));
    cr_assert_not(offload_l4_csum_ok((const uint8_t *)ip_of(out)), "still partial");
    sw_csum_complete(out);
    cr_assert(offload_l4_csum_ok((const uint8_t *)ip_of(out)));
    pkt_free(out);
}

Test(director_offload, a_device_without_offloads_gets_plain_segments, .fini = fini)
{
    start(IPVS_FWD_MASQ, false);
    netif_input(r.back, gso_frame(r.back->mac, RIG_RIP(0), RIG_PORT, rig_client(0), rig_cport(0), 4000, 1448));
    cr_assert_eq(front_out.count, 3);
    for (const struct pkt *s = front_out.first; s; s = s->next) {
        cr_assert_not(pkt_has_offload(s));
        cr_assert_leq(s->len - ETH_HLEN, r.front->mtu);
        cr_assert(offload_l4_csum_ok((const uint8_t *)ip_of(s)));
        cr_assert_eq(ntohl(ip_of(s)->saddr), RIG_VIP);
    }
}

Test(director_offload, dr_sends_the_super_frame_unchanged_to_the_server, .fini = fini)
{
    start(IPVS_FWD_DROUTE, true);
    netif_input(r.front, gso_frame(r.front->mac, rig_client(0), rig_cport(0), RIG_VIP, RIG_PORT, 4000, 1448));
    cr_assert_eq(back_out.count, 1);
    const struct pkt *out = back_out.first;
    cr_assert(pkt_is_gso(out));
    cr_assert_eq(memcmp(out->data, (uint8_t[6]){ 2, 0, 0, 0, 1, 11 }, 6), 0, "to the real server's MAC");
    assert_segments_verify(out, 3, rig_client(0), rig_cport(0));
}

Test(director_offload, tun_encapsulates_checksummed_segments, .fini = fini)
{
    start(IPVS_FWD_TUNNEL, true);
    netif_input(r.front, gso_frame(r.front->mac, rig_client(0), rig_cport(0), RIG_VIP, RIG_PORT, 4000, 1400));
    cr_assert_eq(back_out.count, 3, "IP-in-IP carries no GSO: segmented before");
    for (const struct pkt *s = back_out.first; s; s = s->next) {
        cr_assert_not(pkt_has_offload(s));
        cr_assert_eq(ip_of(s)->proto, IPPROTO_IPIP);
        cr_assert_leq(ntohs(ip_of(s)->tot_len), r.back->mtu);
        cr_assert(offload_l4_csum_ok((const uint8_t *)ip_of(s) + IPV4_HLEN), "the inner TCP checksum");
    }
}

/* A GSO frame from client 0 acknowledging ack. */
static struct pkt *client_gso(uint32_t ack, uint32_t payload, uint16_t mss)
{
    struct pkt *p = rig_frame(&r, r.front->mac, rig_client(0), rig_cport(0), RIG_VIP, RIG_PORT, IPPROTO_TCP,
                              TCP_ACK | TCP_PSH, payload);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
    struct tcp_hdr *th = (struct tcp_hdr *)(ip + 1);
    th->ack = htonl(ack);
    offload_make_gso(p, mss);
    return p;
}

static struct pkt *seq_frame(const uint8_t mac[6], uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                             uint8_t flags, uint32_t seq, uint32_t ack, uint32_t payload);

/* The real server's SYN-ACK (ISN 7000) to client 0's local tuple, as start's SYN reached the server. */
static void fullnat_synack(void)
{
    struct ipvs_conn *c = ipvs_conn_in_get(&r.ipvs, 0, IPPROTO_TCP, rig_client(0), rig_cport(0), RIG_VIP, RIG_PORT);
    cr_assert(c);
    netif_input(r.back, seq_frame(r.back->mac, RIG_RIP(0), RIG_PORT, c->laddr, c->lport, TCP_SYN | TCP_ACK, 7000, 1001, 0));
    pkt_queue_purge(&front_out);
}

Test(director_offload, fullnat_segments_a_gso_packet_whose_segments_take_toa, .fini = fini)
{
    start(IPVS_FWD_FULLNAT, true);
    fullnat_synack();
    netif_input(r.front, client_gso(7001, 3000, 1400));
    cr_assert_eq(back_out.count, 3, "the GSO packet that takes the TOA is segmented");
    for (const struct pkt *s = back_out.first; s; s = s->next) {
        const struct tcp_hdr *th = (const struct tcp_hdr *)(ip_of(s) + 1);
        cr_assert_not(pkt_has_offload(s));
        cr_assert_eq(tcp_hdr_len(th), TCP_HLEN + TCPOLEN_TOA, "each segment acks the ISN + 1: each takes it");
        cr_assert_leq(ntohs(ip_of(s)->tot_len), r.back->mtu);
        cr_assert(offload_l4_csum_ok((const uint8_t *)ip_of(s)));
        cr_assert_eq(ntohl(ip_of(s)->daddr), RIG_RIP(0));
    }
    pkt_queue_purge(&back_out);
    netif_input(r.front, client_gso(7101, 3000, 1400));
    cr_assert_eq(back_out.count, 1, "once server data is acknowledged, they stay GSO");
    uint32_t laddr = ntohl(ip_of(back_out.first)->saddr);
    cr_assert_eq(laddr >> 8, RIG_IP4(10, 2, 1, 0) >> 8, "from a local address");
    assert_segments_verify(back_out.first, 3, laddr, ntohs(*(const uint16_t *)(ip_of(back_out.first) + 1)));
}

Test(director_offload, fullnat_puts_toa_in_a_partial_segment_and_lowers_a_partial_syn_ack, .fini = fini)
{
    start(IPVS_FWD_FULLNAT, true);
    struct ipvs_conn *c = ipvs_conn_in_get(&r.ipvs, 0, IPPROTO_TCP, rig_client(0), rig_cport(0), RIG_VIP, RIG_PORT);
    struct pkt *p = rig_frame(&r, r.back->mac, RIG_RIP(0), RIG_PORT, c->laddr, c->lport, IPPROTO_TCP,
                              TCP_SYN | TCP_ACK, 4);
    struct tcp_hdr *th = (struct tcp_hdr *)(p->data + ETH_HLEN + IPV4_HLEN);
    th->doff = 6 << 4;
    th->seq = htonl(7000);
    memcpy(th + 1, (uint8_t[4]){ TCPOPT_MSS, 4, 1460 >> 8, 1460 & 0xff }, 4);
    offload_make_partial(p);
    netif_input(r.back, p);
    cr_assert_eq(front_out.count, 1);
    struct pkt *out = pkt_queue_pop(&front_out);
    const uint8_t *opt = (const uint8_t *)(ip_of(out) + 1) + TCP_HLEN;
    cr_assert_eq(opt[2] << 8 | opt[3], 1460 - TCPOLEN_TOA);
    sw_csum_complete(out);
    cr_assert(offload_l4_csum_ok((const uint8_t *)ip_of(out)));
    pkt_free(out);
    netif_input(r.front, seq_frame(r.front->mac, rig_client(0), rig_cport(0), RIG_VIP, RIG_PORT, TCP_ACK | TCP_PSH,
                                   1001, 7001, 333));
    cr_assert_eq(back_out.count, 1);
    out = pkt_queue_pop(&back_out);
    cr_assert(out->off.csum_partial, "still partial");
    cr_assert_eq(tcp_hdr_len((const struct tcp_hdr *)(ip_of(out) + 1)), TCP_HLEN + TCPOLEN_TOA);
    cr_assert_eq(csum_buf(ip_of(out), IPV4_HLEN), 0);
    sw_csum_complete(out);
    cr_assert(offload_l4_csum_ok((const uint8_t *)ip_of(out)));
    pkt_free(out);
}

/* A GSO packet the director forwards (not to the VIP), with DF or not. */
static void forward_gso(uint16_t mss, bool df)
{
    struct pkt *p = gso_frame(r.front->mac, rig_client(0), 5000, RIG_RIP(0), 22, 4000, mss);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
    ip->frag_off = htons(df ? IPV4_DF : 0);
    ipv4_set_checksum((uint8_t *)ip);
    netif_input(r.front, p);
}

Test(director_offload, gso_fits_the_mtu_by_its_segments, .fini = fini)
{
    start(IPVS_FWD_MASQ, true);
    r.back->mtu = 1000;
    forward_gso(900, true);
    cr_assert_eq(back_out.count, 1, "segments of 940 bytes fit 1000");
    cr_assert(pkt_is_gso(back_out.first));
    forward_gso(1448, true);
    cr_assert_eq(back_out.count, 1, "segments of 1488 bytes with DF do not");
    cr_assert_eq(r.h->drops[DROP_IP_DF_TOO_BIG], 1);
    cr_assert_eq(front_out.count, 1);
    const struct pkt *icmp = front_out.first;
    const struct icmp_hdr *ic = (const struct icmp_hdr *)(ip_of(icmp) + 1);
    cr_assert_eq(ip_of(icmp)->proto, IPPROTO_ICMP_);
    cr_assert_eq(ic->type, ICMP_DEST_UNREACH);
    cr_assert_eq(ic->code, ICMP_FRAG_NEEDED);
    cr_assert_eq(ntohs(ic->un.frag.mtu), 1000);
    pkt_queue_purge(&back_out);
    forward_gso(1448, false);
    cr_assert_eq(back_out.count, 6, "without DF: 3 segments, 2 fragments each");
    for (const struct pkt *s = back_out.first; s; s = s->next)
        cr_assert(!pkt_has_offload(s) && s->len - ETH_HLEN <= 1000);
}

Test(director_offload, local_delivery_sees_whole_checksums, .fini = fini)
{
    start(IPVS_FWD_MASQ, true);
    netif_input(r.front, gso_frame(r.front->mac, rig_client(0), 5000, RIG_IP4(10, 1, 0, 1), 9, 4000, 1448));
    cr_assert_eq(r.h->drops[DROP_TCP_CSUM], 0);
    cr_assert_eq(r.h->drops[DROP_TCP_NO_SOCKET], 3, "three segments reach TCP, no socket takes them");
}

/* A partial-checksum TCP frame with the given sequence and acknowledgment numbers. */
static struct pkt *seq_frame(const uint8_t mac[6], uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                             uint8_t flags, uint32_t seq, uint32_t ack, uint32_t payload)
{
    struct pkt *p = rig_frame(&r, mac, src, sport, dst, dport, IPPROTO_TCP, flags, payload);
    struct tcp_hdr *th = (struct tcp_hdr *)(p->data + ETH_HLEN + IPV4_HLEN);
    th->seq = htonl(seq);
    th->ack = htonl(ack);
    offload_make_partial(p);
    return p;
}

Test(director_offload, the_syn_proxy_takes_partial_sums_and_shifts_gso_sequence_numbers, .fini = fini)
{
    start(IPVS_FWD_MASQ, true);
    r.svc.flags |= IPVS_SVC_SYNPROXY;
    cr_assert_eq(ipvs_service_edit(&r.ipvs, &r.svc), 0);
    uint32_t client = rig_client(1);
    uint16_t cport = rig_cport(1);
    netif_input(r.front, seq_frame(r.front->mac, client, cport, RIG_VIP, RIG_PORT, TCP_SYN, 1000, 0, 0));
    cr_assert_eq(r.h->drops[DROP_TCP_CSUM], 0, "a partial sum is not a bad one");
    cr_assert_eq(front_out.count, 1, "the cookie SYN-ACK");
    uint32_t cookie = ntohl(((const struct tcp_hdr *)(ip_of(front_out.first) + 1))->seq);
    pkt_queue_purge(&front_out);
    netif_input(r.front, seq_frame(r.front->mac, client, cport, RIG_VIP, RIG_PORT, TCP_ACK, 1001, cookie + 1, 0));
    cr_assert_eq(back_out.count, 1, "the director's SYN to the real server");
    pkt_queue_purge(&back_out);
    netif_input(r.back, seq_frame(r.back->mac, RIG_RIP(0), RIG_PORT, client, cport, TCP_SYN | TCP_ACK, 5000, 1001, 0));
    cr_assert_eq(back_out.count, 1, "the held ACK goes on");
    struct pkt *data = seq_frame(r.back->mac, RIG_RIP(0), RIG_PORT, client, cport, TCP_ACK | TCP_PSH, 5001, 1001, 4000);
    data->off.gso_type = PKT_GSO_TCPV4;
    data->off.gso_size = 1448;
    netif_input(r.back, data);
    cr_assert_eq(front_out.count, 1);
    const struct pkt *out = front_out.first;
    cr_assert(pkt_is_gso(out) && out->off.csum_partial);
    cr_assert_eq(ntohl(((const struct tcp_hdr *)(ip_of(out) + 1))->seq), cookie + 1, "in the client's sequence space");
    assert_segments_verify(out, 3, RIG_VIP, RIG_PORT);
}
