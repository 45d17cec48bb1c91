/* IP-in-IP: a TUN-mode real server decapsulates on its tunnel interface and
 * answers from the VIP directly; strict rp_filter on the tunnel drops what
 * it decapsulates (the kernel's well-known TUN pitfall); without a tunnel,
 * protocol 4 is answered protocol-unreachable; a bad inner packet is dropped
 * and counted. */
#include <criterion/criterion.h>

#include "net/csum.h"
#include "net/hdr.h"
#include "net/icmp.h"
#include "net/ipip.h"
#include "net/ipv4.h"
#include "support/leak_check.h"
#include "support/wire.h"

static struct sched s;
static struct pkt_pool *pool;
static struct host *d, *rs;
static struct wire w;
static const uint32_t vip = IP4(10, 0, 0, 100);

static void setup(void)
{
    sched_init(&s);
    pool = pkt_pool_new();
    d = wire_host("director", &s, pool, 1, IP4(10, 0, 0, 1), 24);
    rs = wire_host("rs", &s, pool, 2, IP4(10, 0, 0, 2), 24);
    wire_join(&w, &s, host_netif(d, "eth0"), host_netif(rs, "eth0"), 10 * SIM_US, 1);
}

static void teardown(void)
{
    sched_run(&s);
    host_free(d);
    host_free(rs);
    leak_check(pkt_pool_free(pool));
    sched_destroy(&s);
}

TestSuite(ipip, .init = setup, .fini = teardown);

static uint32_t reply_from;

static void on_reply(void *ctx, uint32_t from, uint16_t id, uint16_t seq, sim_time_t rtt)
{
    (void)ctx, (void)id, (void)seq, (void)rtt;
    reply_from = from;
}

/* An echo request from the director to the VIP, tunnelled to the real server. */
static void send_tunnelled_ping(void)
{
    struct pkt *p = pkt_alloc(pool, IPV4_HLEN + 16);
    uint8_t *ip = p->data;
    memset(ip, 0, p->len);
    struct ipv4_hdr *ih = (struct ipv4_hdr *)ip;
    ih->ver_ihl = 0x45;
    ih->tot_len = htons((uint16_t)p->len);
    ih->ttl = 64;
    ih->proto = 1;
    ih->saddr = htonl(IP4(10, 0, 0, 1));
    ih->daddr = htonl(vip);
    ipv4_set_checksum(ip);
    struct icmp_hdr *ic = (struct icmp_hdr *)(ip + IPV4_HLEN);
    ic->type = ICMP_ECHO;
    ic->check = csum_buf(ic, 16);
    cr_assert_eq(ipip_encap(d, p, IP4(10, 0, 0, 1), IP4(10, 0, 0, 2)), 0);
    ipv4_route_out(d, p);
}

Test(ipip, the_real_server_decapsulates_and_answers_from_the_vip)
{
    struct netif *tunl = ipip_add_tunnel(rs, "tunl0");
    cr_assert_not_null(tunl);
    netif_add_addr(tunl, vip, 32);
    reply_from = 0;
    icmp_set_echo_handler(d, on_reply, NULL);
    send_tunnelled_ping();
    sched_run(&s);
    cr_assert_eq(reply_from, vip, "no reply from the VIP");
    cr_assert_eq(tunl->stats.rx_packets, 1);
}

Test(ipip, strict_rp_filter_on_the_tunnel_drops_it)
{
    struct netif *tunl = ipip_add_tunnel(rs, "tunl0");
    netif_add_addr(tunl, vip, 32);
    tunl->rp_filter = 1;
    reply_from = 0;
    icmp_set_echo_handler(d, on_reply, NULL);
    send_tunnelled_ping();
    sched_run(&s);
    cr_assert_eq(reply_from, 0);
    cr_assert_eq(rs->drops[DROP_IP_RP_FILTER], 1);
}

Test(ipip, without_a_tunnel_protocol_4_is_unreachable)
{
    send_tunnelled_ping();
    sched_run(&s);
    cr_assert_eq(rs->drops[DROP_IP_NO_PROTO], 1);
    cr_assert_eq(icmp_stats(rs)->errors_sent, 1);
    cr_assert_eq(icmp_stats(d)->errors_received, 1);
}

Test(ipip, a_bad_inner_packet_is_dropped)
{
    ipip_add_tunnel(rs, "tunl0");
    struct pkt *p = pkt_alloc(pool, 8);
    memset(p->data, 0x60, 8);     /* neither IPv4 nor long enough */
    ipv4_send(d, p, 0, IP4(10, 0, 0, 2), 4, 0, false);
    sched_run(&s);
    cr_assert_eq(rs->drops[DROP_IPIP_BAD], 1);
}
