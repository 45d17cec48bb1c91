/*
 * Multipath (ECMP) routes: one next hop per flow, spread evenly; the L3
 * hash (fib_multipath_hash_policy 0) keeps every port of an address pair
 * on one next hop, the L4 one (1) spreads them; when a next hop goes down,
 * hash-threshold (Linux's fib_select_multipath) keeps the first next hop's
 * flows, moves all of the lost one's and half of the middle one's.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "net/hdr.h"
#include "net/route.h"
#include "support/leak_check.h"
#include "support/wire.h"

WIRE_SUITE(route_ecmp);

#define VIP IP4(10, 1, 0, 100)
#define FLOWS 3000

static struct host *router(struct netif *nif[3])
{
    struct host *r = host_new("r", sched_rt(&s), pool, 1);
    for (int i = 0; i < 3; i++) {
        const uint8_t mac[6] = { 2, 0, 0, 0, 9, (uint8_t)i };
        char name[16];
        snprintf(name, sizeof name, "eth%d", i);
        nif[i] = host_add_netif(r, name, mac, NULL, NULL);
        netif_add_addr(nif[i], IP4(172, 16, i + 1, 1), 30);
    }
    const uint32_t gw[3] = { IP4(172, 16, 1, 2), IP4(172, 16, 2, 2), IP4(172, 16, 3, 2) };
    cr_assert_eq(route_add_multipath(r, VIP, 32, gw, 3, ROUTE_HASH_L4), 0);
    return r;
}

/* The next hop (0..2) of a TCP packet from src:sport to the VIP. */
static int pick(struct host *r, uint32_t src, uint16_t sport)
{
    uint8_t b[40] = { 0x45 };
    struct ipv4_hdr *ip = (struct ipv4_hdr *)b;
    ip->proto = IPPROTO_TCP;
    ip->saddr = htonl(src);
    ip->daddr = htonl(VIP);
    uint16_t p[2] = { htons(sport), htons(80) };
    memcpy(b + 20, p, 4);
    const struct route *rt = route_lookup(r, VIP);
    cr_assert_not_null(rt);
    uint32_t gw;
    struct netif *dev;
    if (!route_select(rt, b, sizeof b, &gw, &dev))
        return -1;
    return (int)((gw >> 8 & 255) - 1);
}

Test(route_ecmp, l4_spreads_flows_and_hash_threshold_moves_half_when_one_leaves)
{
    struct netif *nif[3];
    struct host *r = router(nif);
    static int before[FLOWS];
    int count[3] = { 0 };
    for (int f = 0; f < FLOWS; f++)
        count[before[f] = pick(r, IP4(10, 100 + f % 8, 0, 2), (uint16_t)(20000 + f))]++;
    for (int i = 0; i < 3; i++)
        cr_assert(count[i] > FLOWS / 4 && count[i] < FLOWS * 5 / 12, "next hop %d has %d of %d", i, count[i], FLOWS);

    nif[2]->flags &= ~NETIF_UP;            /* the third next hop's device goes down */
    int stay1 = 0, moved2 = 0, to2 = 0;
    for (int f = 0; f < FLOWS; f++) {
        int now = pick(r, IP4(10, 100 + f % 8, 0, 2), (uint16_t)(20000 + f));
        cr_assert(now == 0 || now == 1);
        stay1 += before[f] == 0 && now == 0;
        moved2 += before[f] == 1 && now == 0;
        to2 += before[f] == 2 && now == 1;
    }
    cr_assert_eq(stay1, count[0], "the first range only grows: its flows stay");
    cr_assert_eq(to2, count[2], "the lost next hop's range falls to the second");
    cr_assert(moved2 > count[1] * 2 / 5 && moved2 < count[1] * 3 / 5, "%d of the second's %d moved", moved2, count[1]);

    nif[0]->flags &= ~NETIF_UP;
    nif[1]->flags &= ~NETIF_UP;
    cr_assert_null(route_lookup(r, VIP), "no live next hop: no route");
    host_free(r);
}

Test(route_ecmp, l3_keeps_an_address_pair_on_one_next_hop)
{
    struct netif *nif[3];
    struct host *r = router(nif);
    const uint32_t gw[3] = { IP4(172, 16, 1, 2), IP4(172, 16, 2, 2), IP4(172, 16, 3, 2) };
    cr_assert_eq(route_replace(r, VIP, 32, gw, 3, ROUTE_HASH_L3), 0);
    int seen[3] = { 0 };
    for (int c = 0; c < 64; c++) {
        int first = pick(r, IP4(10, 100, 0, c + 2), 1000);
        for (int p = 1; p < 50; p++)
            cr_assert_eq(pick(r, IP4(10, 100, 0, c + 2), (uint16_t)(1000 + p)), first);
        seen[first]++;
    }
    cr_assert(seen[0] && seen[1] && seen[2], "addresses spread: %d %d %d", seen[0], seen[1], seen[2]);
    cr_assert_eq(route_replace(r, VIP, 32, gw, 1, ROUTE_HASH_L3), 0);
    for (int c = 0; c < 16; c++)
        cr_assert_eq(pick(r, IP4(10, 100, 0, c + 2), 1000), 0, "replaced by a single path");
    host_free(r);
}
