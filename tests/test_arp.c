/* ARP: resolution with queued packets, unresolved neighbours dropped after
 * the probes, gratuitous ARP updating caches, and the DR "ARP problem":
 * with arp_ignore=0 a host answers for its lo VIP on eth0; with
 * arp_ignore=1 it does not; arp_announce=2 keeps the VIP out of requests. */
#include <criterion/criterion.h>

#include "net/arp.h"
#include "net/hdr.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "support/leak_check.h"
#include "support/wire.h"

WIRE_SUITE(arp);

Test(arp, packets_wait_for_resolution_then_leave)
{
    struct host *a = wire_host("a", &s, pool, 1, IP4(10, 0, 0, 1), 24);
    struct host *b = wire_host("b", &s, pool, 2, IP4(10, 0, 0, 2), 24);
    struct wire w;
    wire_join(&w, &s, host_netif(a, "eth0"), host_netif(b, "eth0"), 10 * SIM_US, 1);
    for (uint16_t i = 1; i <= 3; i++)
        icmp_ping(a, IP4(10, 0, 0, 2), 1, i, 32, false);
    sched_run(&s);
    cr_assert_eq(icmp_stats(a)->echo_replies, 3);
    uint8_t mac[6];
    cr_assert(arp_lookup(a, IP4(10, 0, 0, 2), mac));
    cr_assert_eq(mac[5], 2);
    cr_assert(arp_lookup(b, IP4(10, 0, 0, 1), mac), "b learnt a from its request");
    cr_assert_eq(w.frames[0], 1 + 3, "one request, three pings");
    host_free(a);
    host_free(b);
}

Test(arp, unanswered_requests_drop_the_queue)
{
    struct host *a = wire_host("a", &s, pool, 1, IP4(10, 0, 0, 1), 24);
    struct fake_dev dev;
    fake_attach(&dev, host_netif(a, "eth0"));
    icmp_ping(a, IP4(10, 0, 0, 9), 1, 1, 32, false);
    sched_run(&s);
    cr_assert_eq(dev.frames.count, ARP_MAX_PROBES, "%u requests", dev.frames.count);
    cr_assert_eq(a->drops[DROP_ARP_UNRESOLVED], 1);
    cr_assert_eq(sched_now(&s), ARP_MAX_PROBES * ARP_RETRANS_TIME);
    pkt_queue_purge(&dev.frames);
    host_free(a);
}

/* Ask "who has ip" from a fresh host on the wire; returns the MAC's last byte
 * of whoever answered first, or 0. */
static int who_answers(struct host *asker, uint32_t ip)
{
    icmp_ping(asker, ip, 1, 1, 32, false);
    sched_run(&s);
    uint8_t mac[6];
    return arp_lookup(asker, ip, mac) ? mac[5] : 0;
}

Test(arp, the_dr_arp_problem_and_its_fix)
{
    const uint32_t vip = IP4(10, 0, 0, 100);
    for (int ignore = 0; ignore <= 1; ignore++) {
        struct host *client = wire_host("client", &s, pool, 1, IP4(10, 0, 0, 1), 24);
        struct host *rs = wire_host("rs", &s, pool, 2, IP4(10, 0, 0, 2), 24);
        netif_add_addr(rs->lo, vip, 32);   /* the DR real server's VIP */
        rs->arp_ignore_all = ignore;
        struct wire w;
        wire_join(&w, &s, host_netif(client, "eth0"), host_netif(rs, "eth0"), 10 * SIM_US, 1);
        int answered = who_answers(client, vip);
        if (ignore == 0)
            cr_assert_eq(answered, 2, "arp_ignore=0: the real server answers for its lo VIP");
        else
            cr_assert_eq(answered, 0, "arp_ignore=1: nobody answers for the VIP");
        host_free(client);
        host_free(rs);
        sched_run(&s);
    }
}

static uint32_t request_sender(struct fake_dev *dev)
{
    struct pkt *p = dev->frames.first;
    cr_assert_not_null(p);
    const struct eth_hdr *eh = (const struct eth_hdr *)p->data;
    cr_assert_eq(ntohs(eh->type), ETH_P_ARP);
    const struct arp_hdr *a = (const struct arp_hdr *)(p->data + ETH_HLEN);
    return ntohl(a->spa);
}

Test(arp, arp_announce_picks_the_request_source)
{
    const uint32_t vip = IP4(10, 0, 0, 100);
    for (int announce = 0; announce <= 2; announce += 2) {
        struct host *rs = wire_host("rs", &s, pool, 2, IP4(10, 0, 0, 2), 24);
        netif_add_addr(rs->lo, vip, 32);
        rs->arp_announce_all = announce;
        struct fake_dev dev;
        fake_attach(&dev, host_netif(rs, "eth0"));
        struct pkt *p = pkt_alloc(pool, 8);   /* a reply from the VIP, as DR sends */
        memset(p->data, 0, 8);
        ipv4_send(rs, p, vip, IP4(10, 0, 0, 1), 17, 0, false);
        uint32_t sender = request_sender(&dev);
        cr_assert_eq(sender, announce == 0 ? vip : IP4(10, 0, 0, 2), "arp_announce=%d: sender %08x",
                     announce, sender);
        pkt_queue_purge(&dev.frames);
        host_free(rs);
        sched_run(&s);
    }
}

Test(arp, gratuitous_arp_moves_an_address)
{
    struct host *client = wire_host("client", &s, pool, 1, IP4(10, 0, 0, 1), 24);
    struct host *old = wire_host("old", &s, pool, 2, IP4(10, 0, 0, 50), 24);
    struct wire w;
    wire_join(&w, &s, host_netif(client, "eth0"), host_netif(old, "eth0"), 10 * SIM_US, 1);
    cr_assert_eq(who_answers(client, IP4(10, 0, 0, 50)), 2);
    /* the address moves to a new host (VRRP takeover), which announces it */
    struct host *new = wire_host("new", &s, pool, 3, IP4(10, 0, 0, 50), 24);
    wire_join(&w, &s, host_netif(client, "eth0"), host_netif(new, "eth0"), 10 * SIM_US, 1);
    arp_announce_gratuitous(host_netif(new, "eth0"), IP4(10, 0, 0, 50));
    sched_run(&s);
    uint8_t mac[6];
    cr_assert(arp_lookup(client, IP4(10, 0, 0, 50), mac));
    cr_assert_eq(mac[5], 3, "the client still points at the old host");
    host_free(client);
    host_free(old);
    host_free(new);
}

Test(arp, malformed_packets_are_dropped_and_counted)
{
    struct host *h = wire_host("h", &s, pool, 1, IP4(10, 0, 0, 1), 24);
    struct fake_dev dev;
    fake_attach(&dev, host_netif(h, "eth0"));
    const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    for (int kind = 0; kind < 3; kind++) {
        struct pkt *p = pkt_alloc(pool, ETH_HLEN + 28);
        memset(p->data, 0, p->len);
        struct eth_hdr *eh = (struct eth_hdr *)p->data;
        memcpy(eh->dst, bcast, 6);
        eh->type = htons(ETH_P_ARP);
        struct arp_hdr *a = (struct arp_hdr *)(p->data + ETH_HLEN);
        a->hrd = htons(1);
        a->pro = htons(ETH_P_IP);
        a->hln = 6;
        a->pln = 4;
        a->op = htons(1);
        a->tpa = htonl(IP4(10, 0, 0, 1));
        if (kind == 0)
            p->len = ETH_HLEN + 20;            /* truncated */
        else if (kind == 1)
            a->pln = 16;                       /* not IPv4 */
        else
            a->op = htons(9);                  /* no such operation */
        netif_input(host_netif(h, "eth0"), p);
    }
    cr_assert_eq(h->drops[DROP_ARP_BAD], 3);
    cr_assert_eq(dev.frames.count, 0, "answered a malformed request");
    host_free(h);
}
