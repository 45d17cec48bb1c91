/*
 * The forwarding methods' header rewrites on crafted segments: the TTL
 * drops by one with the IP checksum updated incrementally, right for every
 * checksum (the end-around carry included), in each mode.
 */
#include <criterion/criterion.h>

#include "tests/support/director_rig.h"
#include "tests/support/leak_check.h"

static struct rig r;

static void teardown(void)
{
    leak_check(rig_free(&r));
}

TestSuite(ipvs_xmit, .fini = teardown);

/* The packet as the real server gets it: the inner one for TUN. */
static const struct ipv4_hdr *forwarded(enum ipvs_fwd fwd)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(r.back_dev.last->data + ETH_HLEN);
    return fwd == IPVS_FWD_TUNNEL ? ip + 1 : ip;
}

/* Segments whose IP checksums spread over the whole range (ids 0x101
 * apart) leave with their TTL one lower and a checksum that verifies. */
static void ttl_drops_with_a_right_checksum(enum ipvs_fwd fwd)
{
    rig_init(&r, fwd, 1, "rr", true);
    rig_send(&r, 0, TCP_SYN);
    for (uint32_t id = 0; id < 0x10000; id += 0x101) {
        struct pkt *p = rig_segment(&r, 0, TCP_ACK, 0);
        struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
        ip->id = htons((uint16_t)id);
        ipv4_set_checksum((uint8_t *)ip);
        netif_input(r.front, p);
        const struct ipv4_hdr *out = forwarded(fwd);
        cr_assert_eq(out->ttl, 63);
        cr_assert_eq(csum_buf(out, IPV4_HLEN), 0, "id %#x: checksum", id);
    }
}

Test(ipvs_xmit, ttl_drops_with_a_right_checksum_dr) { ttl_drops_with_a_right_checksum(IPVS_FWD_DROUTE); }
Test(ipvs_xmit, ttl_drops_with_a_right_checksum_tun) { ttl_drops_with_a_right_checksum(IPVS_FWD_TUNNEL); }
Test(ipvs_xmit, ttl_drops_with_a_right_checksum_nat) { ttl_drops_with_a_right_checksum(IPVS_FWD_MASQ); }
Test(ipvs_xmit, ttl_drops_with_a_right_checksum_fullnat) { ttl_drops_with_a_right_checksum(IPVS_FWD_FULLNAT); }

/* The one checksum where the carry goes round: 0xfeff before the update. */
Test(ipvs_xmit, ttl_drop_carries_round_from_0xfeff)
{
    rig_init(&r, IPVS_FWD_DROUTE, 1, "rr", true);
    rig_send(&r, 0, TCP_SYN);
    struct pkt *p = rig_segment(&r, 0, TCP_ACK, 0);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
    uint32_t id = 0;
    do {
        ip->id = htons((uint16_t)id++);
        ipv4_set_checksum((uint8_t *)ip);
    } while (ntohs(ip->check) != 0xfeff);
    netif_input(r.front, p);
    const struct ipv4_hdr *out = forwarded(IPVS_FWD_DROUTE);
    cr_assert_eq(ntohs(out->check), 0x0000, "0xfeff + 0x0100, the carry added back");
    cr_assert_eq(csum_buf(out, IPV4_HLEN), 0);
}

/*
 * FULLNAT on the wire as the Alibaba patch's ip_vs_proto_tcp.c: the
 * client's SYN loses its timestamps and takes TOA right after the 20-byte
 * header (tcp_fnat_in_handler); the server's SYN-ACK has its MSS lowered by
 * 8 (tcp_fnat_out_handler); TOA goes on every client segment that
 * acknowledges the server's ISN + 1 and has none of SYN, RST and FIN
 * (fullnat_toa_entry); local ports start at lport_min + 1 = 5001.
 */
#include "tests/support/offload_frames.h"

#define SRV_ISN 7000u

/* The frame sent to the real server / to the client last. */
static const struct ipv4_hdr *to_server(void) { return (const struct ipv4_hdr *)(r.back_dev.last->data + ETH_HLEN); }
static const struct ipv4_hdr *to_client(void) { return (const struct ipv4_hdr *)(r.front_dev.last->data + ETH_HLEN); }
static const struct tcp_hdr *tcp_in(const struct ipv4_hdr *ip) { return (const struct tcp_hdr *)((const uint8_t *)ip + ipv4_hdr_len(ip)); }

/* A TCP frame with the given options (a multiple of 4 bytes) and payload,
 * its checksums complete. */
static struct pkt *opt_frame(struct netif *at, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint8_t flags,
                             uint32_t seq, uint32_t ack, const uint8_t *opts, unsigned optlen, uint32_t payload)
{
    struct pkt *p = rig_frame(&r, at->mac, src, sport, dst, dport, IPPROTO_TCP, flags, optlen + payload);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
    struct tcp_hdr *th = (struct tcp_hdr *)(ip + 1);
    th->doff = (uint8_t)((TCP_HLEN + optlen) / 4 << 4);
    th->seq = htonl(seq);
    th->ack = htonl(ack);
    if (optlen)
        memcpy(th + 1, opts, optlen);
    for (uint32_t i = 0; i < payload; i++)
        ((uint8_t *)(th + 1))[optlen + i] = (uint8_t)(i * 13 + 5);
    uint16_t len = (uint16_t)(TCP_HLEN + optlen + payload);
    th->check = 0;
    th->check = csum_fold(csum_partial(th, len, csum_pseudo(ip->saddr, ip->daddr, IPPROTO_TCP, len)));
    return p;
}

/* Linux's SYN options: MSS 1460, SACK permitted, timestamps, NOP, window scale 7. */
static const uint8_t linux_syn_opts[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0, 1, 3, 3, 7 };
/* The server's SYN-ACK options without timestamps: MSS 1460, NOP, NOP, SACK permitted, NOP, window scale 7. */
static const uint8_t server_synack_opts[12] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7 };

static void client_segment(uint8_t flags, uint32_t ack, uint32_t payload)
{
    netif_input(r.front, opt_frame(r.front, rig_client(0), rig_cport(0), RIG_VIP, RIG_PORT, flags, 1001, ack, NULL, 0,
                                   payload));
}

/* Whether the last frame to the server carries the client's TOA right
 * after its fixed header; its checksums verify either way. */
static bool toa_to_server(void)
{
    const struct ipv4_hdr *ip = to_server();
    cr_assert_eq(csum_buf(ip, IPV4_HLEN), 0, "IP checksum");
    cr_assert(offload_l4_csum_ok((const uint8_t *)ip), "TCP checksum");
    const uint8_t *o = (const uint8_t *)(tcp_in(ip) + 1);
    if (tcp_hdr_len(tcp_in(ip)) < TCP_HLEN + TCPOLEN_TOA || o[0] != TCPOPT_TOA)
        return false;
    cr_assert_eq(o[1], TCPOLEN_TOA);
    cr_assert_eq(o[2] << 8 | o[3], rig_cport(0));
    cr_assert_eq((uint32_t)o[4] << 24 | (uint32_t)o[5] << 16 | (uint32_t)o[6] << 8 | o[7], rig_client(0));
    return true;
}

/* The client's SYN, then the server's SYN-ACK (ISN SRV_ISN) to the local tuple. */
static void fullnat_handshake(void)
{
    rig_init(&r, IPVS_FWD_FULLNAT, 1, "rr", true);
    netif_input(r.front, opt_frame(r.front, rig_client(0), rig_cport(0), RIG_VIP, RIG_PORT, TCP_SYN, 1000, 0,
                                   linux_syn_opts, sizeof linux_syn_opts, 0));
    const struct ipv4_hdr *ip = to_server();
    uint32_t laddr = ntohl(ip->saddr);
    uint16_t lport = ntohs(tcp_in(ip)->sport);
    netif_input(r.back, opt_frame(r.back, RIG_RIP(0), RIG_PORT, laddr, lport, TCP_SYN | TCP_ACK, SRV_ISN, 1001,
                                  server_synack_opts, sizeof server_synack_opts, 0));
}

Test(ipvs_xmit, fullnat_syn_loses_timestamps_and_takes_toa_first)
{
    fullnat_handshake();
    netif_input(r.front, opt_frame(r.front, rig_client(0), rig_cport(0), RIG_VIP, RIG_PORT, TCP_SYN, 1000, 0,
                                   linux_syn_opts, sizeof linux_syn_opts, 0));   /* retransmitted */
    const struct ipv4_hdr *ip = to_server();
    const struct tcp_hdr *th = tcp_in(ip);
    cr_assert(toa_to_server(), "TOA on the SYN");
    cr_assert_eq(tcp_hdr_len(th), TCP_HLEN + TCPOLEN_TOA + sizeof linux_syn_opts);
    cr_assert_eq(ntohs(ip->tot_len), IPV4_HLEN + TCP_HLEN + TCPOLEN_TOA + sizeof linux_syn_opts);
    const uint8_t *o = (const uint8_t *)(th + 1) + TCPOLEN_TOA;
    static const uint8_t want[20] = { 2, 4, 0x05, 0xb4, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 7 };
    cr_assert_arr_eq(o, want, sizeof want, "the MSS left as it was, the timestamps NOPs");
    cr_assert_eq(ntohl(th->seq), 1000, "no sequence rewriting");
}

Test(ipvs_xmit, fullnat_lowers_the_mss_of_the_servers_syn_ack)
{
    fullnat_handshake();
    const struct ipv4_hdr *ip = to_client();
    const struct tcp_hdr *th = tcp_in(ip);
    cr_assert_eq(th->flags, TCP_SYN | TCP_ACK);
    cr_assert_eq(ntohl(ip->daddr), rig_client(0));
    cr_assert(offload_l4_csum_ok((const uint8_t *)ip), "TCP checksum");
    const uint8_t *o = (const uint8_t *)(th + 1);
    cr_assert_eq(o[0], TCPOPT_MSS);
    cr_assert_eq(o[2] << 8 | o[3], 1460 - TCPOLEN_TOA);
}

Test(ipvs_xmit, fullnat_toa_rides_every_segment_acking_the_servers_isn_plus_one)
{
    fullnat_handshake();
    client_segment(TCP_ACK, SRV_ISN + 1, 0);
    cr_assert(toa_to_server(), "the handshake's ACK");
    cr_assert_eq(tcp_hdr_len(tcp_in(to_server())), TCP_HLEN + TCPOLEN_TOA);
    client_segment(TCP_ACK | TCP_PSH, SRV_ISN + 1, 1000);
    cr_assert(toa_to_server(), "the first data");
    cr_assert_eq(ntohs(to_server()->tot_len), IPV4_HLEN + TCP_HLEN + TCPOLEN_TOA + 1000);
    client_segment(TCP_ACK | TCP_PSH, SRV_ISN + 1, 1001);
    cr_assert(toa_to_server(), "more data, an odd length");
    client_segment(TCP_ACK, SRV_ISN + 1, 0);
    cr_assert(toa_to_server(), "a duplicate ACK");
    client_segment(TCP_ACK | TCP_FIN, SRV_ISN + 1, 0);
    cr_assert_not(toa_to_server(), "not on a FIN");
    client_segment(TCP_ACK | TCP_RST, SRV_ISN + 1, 0);
    cr_assert_not(toa_to_server(), "not on a RST");
    client_segment(TCP_ACK, SRV_ISN + 101, 0);
    cr_assert_not(toa_to_server(), "not once server data is acknowledged");
    client_segment(TCP_ACK, SRV_ISN + 1, 0);
    cr_assert_not(toa_to_server(), "nor after (lvslab closes the window)");
}

Test(ipvs_xmit, fullnat_puts_no_toa_before_the_syn_ack_nor_in_a_full_header)
{
    rig_init(&r, IPVS_FWD_FULLNAT, 1, "rr", true);
    rig_send(&r, 0, TCP_SYN);
    cr_assert(toa_to_server(), "a bare SYN takes it");
    client_segment(TCP_ACK, 1, 0);
    cr_assert_not(toa_to_server(), "no SYN-ACK seen: the ISN is unknown");
    fullnat_handshake();
    uint8_t full[40];
    memset(full, TCPOPT_NOP, sizeof full);
    netif_input(r.front, opt_frame(r.front, rig_client(0), rig_cport(0), RIG_VIP, RIG_PORT, TCP_ACK, 1001,
                                   SRV_ISN + 1, full, sizeof full, 10));
    cr_assert_not(toa_to_server(), "60 bytes of header: no room");
    cr_assert_eq(tcp_hdr_len(tcp_in(to_server())), 60);
}

Test(ipvs_xmit, fullnat_local_ports_start_at_5001_and_wrap_to_5000)
{
    rig_init(&r, IPVS_FWD_FULLNAT, 1, "rr", true);
    struct ipvs_service *svc = ipvs_service_find(&r.ipvs, IPPROTO_TCP, RIG_VIP, RIG_PORT, 0);
    uint32_t n = (uint32_t)svc->nladdrs;
    cr_assert_gt(n, 1);
    for (uint32_t k = 0; k < n + 1; k++) {
        rig_send(&r, k, TCP_SYN);
        cr_assert_eq(ntohs(tcp_in(to_server())->sport), k < n ? 5001 : 5002, "client %u", k);
    }
    for (uint32_t a = 0; a < n; a++)
        svc->lport_next[a] = 65535;
    for (uint32_t k = 100; k < 100 + 2 * n; k++) {
        rig_send(&r, k, TCP_SYN);
        cr_assert_eq(ntohs(tcp_in(to_server())->sport), k < 100 + n ? 65535 : 5000, "client %u", k);
    }
}
