/*
 * The director end to end in the simulator, in each forwarding mode: a
 * client fetches from the VIP through the director to three real servers;
 * every byte arrives, round robin spreads the fetches, the real servers'
 * pcaps show the mode's rewriting (NAT: the RIP as destination; DR: the VIP
 * in a frame to the server's MAC; TUN: an outer header of protocol 4;
 * FULLNAT: the local address as source and the client in a TOA option),
 * the client only ever sees the VIP, and every pcap passes tshark.
 */
#include <criterion/criterion.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <unistd.h>

#include "lvs/conn.h"
#include "net/arp.h"
#include "net/hdr.h"
#include "tests/support/lvs_lab.h"

/* What a real server's capture shows of the frames the director sent it. */
struct seen {
    uint8_t rs_mac[6];         /* rs1's, kept before the world goes */
    int tcp_to_rip, tcp_to_vip_at_mac, ipip_with_client_inside, from_laddr, toa_with_client;
    int client_frames, client_not_vip;
};

static void scan_server(struct lab *l, const uint8_t *frame, uint32_t len, struct seen *s)
{
    if (len < ETH_HLEN + IPV4_HLEN)
        return;
    const struct eth_hdr *eth = (const struct eth_hdr *)frame;
    if (ntohs(eth->type) != ETH_P_IP)
        return;
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(frame + ETH_HLEN);
    uint32_t src = ntohl(ip->saddr), dst = ntohl(ip->daddr);
    const uint8_t *rs_mac = s->rs_mac;
    if (ip->proto == IPPROTO_IPIP && dst == l->rip[0]) {
        const struct ipv4_hdr *in = (const struct ipv4_hdr *)((const uint8_t *)ip + ipv4_hdr_len(ip));
        if (ntohl(in->daddr) == l->vip && ntohl(in->saddr) == l->client_addr)
            s->ipip_with_client_inside++;
        return;
    }
    if (ip->proto != IPPROTO_TCP)
        return;
    if (dst == l->rip[0] && src == l->client_addr)
        s->tcp_to_rip++;
    if (dst == l->vip && !memcmp(eth->dst, rs_mac, 6))
        s->tcp_to_vip_at_mac++;
    if (dst == l->rip[0] && src == l->laddr) {
        s->from_laddr++;
        const struct tcp_hdr *th = (const struct tcp_hdr *)((const uint8_t *)ip + ipv4_hdr_len(ip));
        const uint8_t *o = (const uint8_t *)(th + 1), *end = (const uint8_t *)th + tcp_hdr_len(th);
        while (o + 1 < end && *o != TCPOPT_EOL) {
            if (*o == TCPOPT_NOP) {
                o++;
                continue;
            }
            if (o[0] == TCPOPT_TOA && o[1] == TCPOLEN_TOA) {
                uint32_t a;
                memcpy(&a, o + 4, 4);
                if (ntohl(a) == l->client_addr)
                    s->toa_with_client++;
            }
            if (o[1] < 2)
                break;
            o += o[1];
        }
    }
}

static void scan_client(struct lab *l, const uint8_t *frame, uint32_t len, struct seen *s)
{
    const struct eth_hdr *eth = (const struct eth_hdr *)frame;
    if (len < ETH_HLEN + IPV4_HLEN || ntohs(eth->type) != ETH_P_IP)
        return;
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(frame + ETH_HLEN);
    if (ip->proto != IPPROTO_TCP)
        return;
    s->client_frames++;
    uint32_t peer = ntohl(ip->saddr) == l->client_addr ? ntohl(ip->daddr) : ntohl(ip->saddr);
    if (peer != l->vip)
        s->client_not_vip++;
}

static void scan(struct lab *l, const char *node, struct seen *s,
                 void (*fn)(struct lab *, const uint8_t *, uint32_t, struct seen *))
{
    char path[160], err[PCAP_ERRBUF_SIZE];
    snprintf(path, sizeof path, "%s/%s-eth0.pcap", l->pcap_dir, node);
    pcap_t *pc = pcap_open_offline(path, err);
    cr_assert_not_null(pc, "%s: %s", path, err);
    struct pcap_pkthdr *h;
    const u_char *frame;
    while (pcap_next_ex(pc, &h, &frame) == 1)
        fn(l, frame, h->caplen, s);
    pcap_close(pc);
}

static void run_mode(enum ipvs_fwd fwd, struct seen *seen)
{
    char dir[] = "/tmp/lvslab-director-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    struct lab l;
    lab_init(&l, fwd, "rr", dir);
    lab_fetches(&l, 6, 10 * SIM_MS, 2 * SIM_MS);
    sched_run_until(&l.w->sched, 3 * SIM_S);
    int per_server[LAB_SERVERS + 1] = { 0 };
    for (int i = 0; i < l.nfetch; i++) {
        struct lab_fetch *f = &l.fetch[i];
        cr_assert(f->done, "%s: fetch %d not done (%zu bytes)", ipvs_fwd_name(fwd), i, f->got);
        cr_assert_eq(f->got, l.response, "%s: fetch %d got %zu", ipvs_fwd_name(fwd), i, f->got);
        cr_assert(!f->bad_byte, "%s: fetch %d bytes wrong", ipvs_fwd_name(fwd), i);
        cr_assert(f->server >= 1 && f->server <= LAB_SERVERS);
        per_server[f->server]++;
    }
    for (int s = 1; s <= LAB_SERVERS; s++)
        cr_assert_eq(per_server[s], 2, "%s: server %d answered %d", ipvs_fwd_name(fwd), s, per_server[s]);
    cr_assert_eq(l.ipvs.stats.conns, 6);
    if (fwd == IPVS_FWD_FULLNAT)
        for (int s = 0; s < LAB_SERVERS; s++)
            cr_assert(l.srv[s].toa_ok == 2 && l.srv[s].toa_missing == 0, "rs%d: TOA %d ok, %d missing",
                      s + 1, l.srv[s].toa_ok, l.srv[s].toa_missing);
    *seen = (struct seen){ 0 };
    memcpy(seen->rs_mac, l.rs[0]->nics[0]->nif->mac, 6);
    cr_assert_eq(lab_free(&l), 0, "packets leaked");
    scan(&l, "rs1", seen, scan_server);
    scan(&l, "client", seen, scan_client);
    cr_assert(seen->client_frames > 0);
    cr_assert_eq(seen->client_not_vip, 0, "the client saw a real server's address");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "MIN_FRAMES=5 sh scripts/pcap-check.sh %s/*.pcap >/dev/null", dir);
    cr_assert_eq(system(cmd), 0, "pcaps in %s fail tshark's checks", dir);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(director, nat_rewrites_the_destination_to_the_rip)
{
    struct seen s;
    run_mode(IPVS_FWD_MASQ, &s);
    cr_assert_gt(s.tcp_to_rip, 0);
    cr_assert_eq(s.tcp_to_vip_at_mac, 0);
}

Test(director, dr_sends_the_unchanged_packet_to_the_server_mac)
{
    struct seen s;
    run_mode(IPVS_FWD_DROUTE, &s);
    cr_assert_gt(s.tcp_to_vip_at_mac, 0);
    cr_assert_eq(s.tcp_to_rip, 0);
}

Test(director, tun_encapsulates_in_ipip)
{
    struct seen s;
    run_mode(IPVS_FWD_TUNNEL, &s);
    cr_assert_gt(s.ipip_with_client_inside, 0);
    cr_assert_eq(s.tcp_to_vip_at_mac, 0);
}

Test(director, fullnat_sources_from_the_local_address_with_toa)
{
    struct seen s;
    run_mode(IPVS_FWD_FULLNAT, &s);
    cr_assert_gt(s.from_laddr, 0);
    cr_assert_eq(s.tcp_to_rip, 0);
    cr_assert_geq(s.toa_with_client, 2, "TOA on %d segments to rs1", s.toa_with_client);
}

/* A client that reuses its port while the director still holds the old
 * connection in TIME_WAIT (120 s, the client's own is over): with
 * conntrack the kernel drops the SYN and the client waits out its 1 s SYN
 * retry, the stall kube-proxy users met; without, the SYN is rescheduled. */
static sim_time_t reuse_connect_time(bool conntrack)
{
    struct lab l;
    lab_init(&l, IPVS_FWD_MASQ, "rr", "");
    l.ipvs.sysctl.conntrack = conntrack;
    struct lab_fetch *first = lab_fetch_from(&l, 10 * SIM_MS, 40000);
    struct lab_fetch *again = lab_fetch_from(&l, 5 * SIM_S, 40000);
    sched_run_until(&l.w->sched, 10 * SIM_S);
    cr_assert(first->done && again->done, "fetches done: %d %d", first->done, again->done);
    cr_assert_eq(again->got, l.response);
    sim_time_t t = again->connected - again->started;
    cr_assert_eq(lab_free(&l), 0);
    return t;
}

Test(director, conn_reuse_with_conntrack_stalls_a_reused_port_for_a_second)
{
    sim_time_t stalled = reuse_connect_time(true), prompt = reuse_connect_time(false);
    cr_assert(stalled >= 1 * SIM_S && stalled < 1100 * SIM_MS, "with conntrack: %lld ns", (long long)stalled);
    cr_assert(prompt < 1 * SIM_MS, "without: %lld ns", (long long)prompt);
}

/* The DR "ARP problem": real servers that answer ARP for the VIP they hold
 * on lo take the client's traffic away from the director. */
Test(director, dr_without_the_arp_fix_loses_the_vip_to_a_real_server)
{
    struct lab l;
    lab_init_quirks(&l, IPVS_FWD_DROUTE, "rr", "", LAB_NO_ARP_FIX);
    lab_fetches(&l, 6, 10 * SIM_MS, 2 * SIM_MS);
    sched_run_until(&l.w->sched, 3 * SIM_S);
    uint8_t mac[6];
    cr_assert(arp_lookup(l.client->host, l.vip, mac));
    cr_assert_neq(memcmp(mac, l.director->nics[0]->nif->mac, 6), 0, "the client learnt a server's MAC");
    /* the first SYN may leave on the first answer, the director's; the rest
     * follow the last answer, a server's */
    cr_assert_leq(l.ipvs.stats.conns, 1, "the director saw %llu connections",
                  (unsigned long long)l.ipvs.stats.conns);
    int served = 0;
    for (int i = 0; i < l.nfetch; i++)
        served += l.fetch[i].done;
    cr_assert_eq(served, 6, "the servers answered the rest themselves");
    cr_assert_eq(lab_free(&l), 0);
}

/* NAT needs the director as the servers' way back: without it the replies
 * have nowhere to go, and the fetches hang. */
Test(director, nat_without_the_gateway_breaks_replies)
{
    struct lab l;
    lab_init_quirks(&l, IPVS_FWD_MASQ, "rr", "", LAB_NO_GATEWAY);
    lab_fetches(&l, 3, 10 * SIM_MS, 2 * SIM_MS);
    sched_run_until(&l.w->sched, 3 * SIM_S);
    uint64_t unroutable = 0;
    for (int i = 0; i < LAB_SERVERS; i++)
        unroutable += l.rs[i]->host->drops[DROP_IP_NO_ROUTE];
    for (int i = 0; i < l.nfetch; i++)
        cr_assert(!l.fetch[i].done && l.fetch[i].got == 0);
    cr_assert_gt(unroutable, 0, "the servers' replies had no route");
    cr_assert_eq(l.ipvs.stats.outpkts, 0);
    cr_assert_eq(lab_free(&l), 0);
}
