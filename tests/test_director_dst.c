/*
 * The director's cached route and neighbour per real server (struct
 * dst_cache, filled by the first packet): what changes after it was
 * filled takes effect on the very next packet, as for an uncached send. A
 * neighbour's new MAC, its reachable time running out, a path MTU learnt
 * and its lapse; in every forwarding mode that uses the cache. And what a
 * cache is never for: multicast and broadcast destinations.
 */
#include <criterion/criterion.h>

#include "net/arp.h"
#include "net/dst_cache.h"
#include "net/eth.h"
#include "net/icmp.h"
#include "tests/support/director_rig.h"
#include "tests/support/leak_check.h"

static struct rig r;

static void teardown(void)
{
    leak_check(rig_free(&r));
}

TestSuite(director_dst, .fini = teardown);

static const uint8_t *sent_dst_mac(const struct rig_dev *d)
{
    cr_assert_not_null(d->last);
    return ((const struct eth_hdr *)d->last->data)->dst;
}

static const struct ipv4_hdr *sent_ip(const struct rig_dev *d)
{
    cr_assert_not_null(d->last);
    return (const struct ipv4_hdr *)(d->last->data + ETH_HLEN);
}

/* A connection from client 0 to real server 0, its cache filled. */
static void established(enum ipvs_fwd fwd)
{
    rig_init(&r, fwd, 1, "rr", true);
    rig_send(&r, 0, TCP_SYN);
    rig_send(&r, 0, TCP_ACK);
}

static void new_mac_is_used_at_once(enum ipvs_fwd fwd)
{
    established(fwd);
    cr_assert_eq(sent_dst_mac(&r.back_dev)[5], 11, "the server's MAC 02:00:00:00:01:0b");
    rig_introduce(&r, r.back, RIG_RIP(0), 0x77);     /* the server moved to another NIC */
    rig_send(&r, 0, TCP_ACK);
    cr_assert_eq(sent_dst_mac(&r.back_dev)[5], 0x77, "the next packet goes to the new MAC");
}

Test(director_dst, a_new_neighbour_mac_is_used_at_once_tun) { new_mac_is_used_at_once(IPVS_FWD_TUNNEL); }
Test(director_dst, a_new_neighbour_mac_is_used_at_once_dr) { new_mac_is_used_at_once(IPVS_FWD_DROUTE); }
Test(director_dst, a_new_neighbour_mac_is_used_at_once_nat) { new_mac_is_used_at_once(IPVS_FWD_MASQ); }
Test(director_dst, a_new_neighbour_mac_is_used_at_once_fullnat) { new_mac_is_used_at_once(IPVS_FWD_FULLNAT); }

/* Past ARP_REACHABLE_TIME the neighbour is re-probed (unicast, to the MAC
 * still in use) before the packet leaves; within it, nothing is asked. */
static void reachable_time_runs_out(enum ipvs_fwd fwd)
{
    established(fwd);
    uint64_t before = r.back_dev.frames;
    sched_run_until(&r.clock, ARP_REACHABLE_TIME);
    rig_send(&r, 0, TCP_ACK);
    cr_assert_eq(r.back_dev.frames, before + 1, "still reachable: the packet alone");
    sched_run_until(&r.clock, ARP_REACHABLE_TIME + 1);
    rig_send(&r, 0, TCP_ACK);
    cr_assert_eq(r.back_dev.frames, before + 3, "a probe, then the packet");
    cr_assert_eq(sent_dst_mac(&r.back_dev)[5], 11, "sent to the MAC it had");
    rig_send(&r, 0, TCP_ACK);
    cr_assert_eq(r.back_dev.frames, before + 4, "one probe only");
}

Test(director_dst, reachable_time_runs_out_tun) { reachable_time_runs_out(IPVS_FWD_TUNNEL); }
Test(director_dst, reachable_time_runs_out_dr) { reachable_time_runs_out(IPVS_FWD_DROUTE); }
Test(director_dst, reachable_time_runs_out_nat) { reachable_time_runs_out(IPVS_FWD_MASQ); }
Test(director_dst, reachable_time_runs_out_fullnat) { reachable_time_runs_out(IPVS_FWD_FULLNAT); }

/* A DF packet of 1300 bytes from client 0, for TUN's outer header. */
static void send_df_1300(void)
{
    struct pkt *p = rig_segment(&r, 0, TCP_ACK, 1300 - IPV4_HLEN - TCP_HLEN);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
    ip->frag_off = htons(IPV4_DF);
    ipv4_set_checksum((uint8_t *)ip);
    netif_input(r.front, p);
}

Test(director_dst, tun_follows_a_path_mtu_learnt_after_the_cache_filled_until_it_lapses)
{
    established(IPVS_FWD_TUNNEL);
    uint64_t back = r.back_dev.frames, front = r.front_dev.frames;
    send_df_1300();
    cr_assert_eq(r.back_dev.frames, back + 1, "1320 bytes fit the 1500 of the back link");
    route_pmtu_learn(r.h, RIG_RIP(0), 1200);
    send_df_1300();
    cr_assert_eq(r.back_dev.frames, back + 1, "no longer fits");
    cr_assert_eq(r.front_dev.frames, front + 1);
    const struct ipv4_hdr *err = sent_ip(&r.front_dev);
    const struct icmp_hdr *ic = (const struct icmp_hdr *)((const uint8_t *)err + ipv4_hdr_len(err));
    cr_assert(ic->type == ICMP_DEST_UNREACH && ic->code == ICMP_FRAG_NEEDED);
    cr_assert_eq(ntohs(ic->un.frag.mtu), 1180, "the learnt MTU less the outer header");
    sched_run_until(&r.clock, 600 * SIM_S - 1);      /* learnt at 0, for 10 min */
    send_df_1300();
    cr_assert_eq(r.back_dev.frames, back + 1, "still learnt just before 600 s");
    sched_run_until(&r.clock, 600 * SIM_S);
    send_df_1300();
    cr_assert_eq(r.back_dev.frames, back + 3, "lapsed: a probe (the neighbour is stale by now) and the packet");
    cr_assert_eq(sent_ip(&r.back_dev)->proto, IPPROTO_IPIP);
}

/* A packet from the director's back address to dst, data at its IP header. */
static struct pkt *ip_packet_to(uint32_t dst)
{
    struct pkt *p = rig_frame(&r, r.back->mac, RIG_IP4(10, 2, 0, 1), 1000, dst, 2000, IPPROTO_UDP, 0, 0);
    pkt_pull(p, ETH_HLEN);
    return p;
}

/* Multicast and broadcast destinations are never cached: each packet gets
 * the group's or the broadcast MAC, the first and the next. */
Test(director_dst, a_route_out_cache_is_never_for_multicast_or_broadcast)
{
    established(IPVS_FWD_MASQ);
    struct dst_cache dc = { 0 };
    static const uint8_t group_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x05 };
    for (int i = 0; i < 2; i++) {
        ipv4_route_out_cached(r.h, ip_packet_to(RIG_IP4(224, 0, 0, 5)), &dc);
        cr_assert_arr_eq(sent_dst_mac(&r.front_dev), group_mac, 6);
        ipv4_route_out_cached(r.h, ip_packet_to(0xffffffff), &dc);
        cr_assert_arr_eq(sent_dst_mac(&r.front_dev), eth_broadcast, 6);
    }
    cr_assert_eq(ipv4_dst_hold(r.h, &dc, RIG_IP4(224, 0, 0, 5)), 0, "not held: the uncached calls");
}

/* DR's cache is for the next hop: a packet to a group still leaves to the
 * group's MAC, as the uncached send does. */
Test(director_dst, a_next_hop_cache_sends_a_multicast_packet_to_its_group)
{
    established(IPVS_FWD_DROUTE);
    struct dst_cache dc = { 0 };
    static const uint8_t group_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x05 };
    ipv4_send_to_nexthop_cached(r.h, ip_packet_to(RIG_VIP), RIG_RIP(0), &dc);
    cr_assert_eq(sent_dst_mac(&r.back_dev)[5], 11, "the cache filled, for the server");
    ipv4_send_to_nexthop_cached(r.h, ip_packet_to(RIG_IP4(224, 0, 0, 5)), RIG_RIP(0), &dc);
    cr_assert_arr_eq(sent_dst_mac(&r.back_dev), group_mac, 6);
}
