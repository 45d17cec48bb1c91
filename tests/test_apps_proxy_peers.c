/* The proxy's upstream group alone: nginx's smooth round robin, least_conn
 * ties, ip_hash on the first three octets, and passive health (max_fails
 * within fail_timeout, the trial after it, a single peer never down). */
#include <criterion/criterion.h>

#include "apps/proxy_peers.h"

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

static void group(struct proxy_peers *g, enum proxy_balance b, int n, uint32_t max_fails, sim_time_t fail_timeout)
{
    proxy_peers_init(g, b, max_fails, fail_timeout);
    for (int i = 0; i < n; i++)
        cr_assert(proxy_peers_add(g, IP(10, 2, 0, 10 + i), 8080));
}

/* One request: the peer chosen, released at once. */
static int one(struct proxy_peers *g, uint32_t client, sim_time_t now, bool failed)
{
    struct proxy_pick p;
    proxy_pick_init(&p, g, client);
    int i = proxy_peers_get(g, &p, now);
    if (i >= 0)
        proxy_peers_free(g, i, failed, now);
    return i;
}

Test(proxy_peers, round_robin_takes_turns)
{
    struct proxy_peers g;
    group(&g, PROXY_ROUND_ROBIN, 3, 1, 10 * SIM_S);
    for (int k = 0; k < 9; k++)
        cr_assert_eq(one(&g, IP(10, 1, 0, 2), 0, false), k % 3, "request %d", k);
}

Test(proxy_peers, max_fails_within_fail_timeout_takes_a_peer_out)
{
    struct proxy_peers g;
    group(&g, PROXY_ROUND_ROBIN, 2, 2, 10 * SIM_S);
    cr_assert_eq(one(&g, 0, 1 * SIM_S, true), 0);      /* first failure: still in */
    cr_assert_eq(one(&g, 0, 1 * SIM_S, false), 1);
    cr_assert_not(proxy_peers_down(&g, 0, 1 * SIM_S));
    cr_assert_eq(one(&g, 0, 2 * SIM_S, true), 0);      /* second within 10 s: out */
    cr_assert(proxy_peers_down(&g, 0, 2 * SIM_S));
    for (int k = 0; k < 5; k++)
        cr_assert_eq(one(&g, 0, 5 * SIM_S, false), 1);
    /* whole seconds as nginx: out until now - checked > 10, i.e. from 13 s */
    cr_assert(proxy_peers_down(&g, 0, 12 * SIM_S + 999 * SIM_MS));
    cr_assert_not(proxy_peers_down(&g, 0, 13 * SIM_S));
    int got[2] = { 0 };
    for (int k = 0; k < 4; k++)
        got[one(&g, 0, 13 * SIM_S, false)]++;
    cr_assert_gt(got[0], 0, "the trial after fail_timeout");
    cr_assert_eq(g.peer[0].fails, 0, "a success after the trial forgets the failures");
}

Test(proxy_peers, all_down_is_none_and_one_peer_is_never_down)
{
    struct proxy_peers g;
    group(&g, PROXY_ROUND_ROBIN, 2, 1, 10 * SIM_S);
    one(&g, 0, 0, true);
    one(&g, 0, 0, true);
    cr_assert_eq(one(&g, 0, 0, false), -1, "no live upstreams");
    group(&g, PROXY_ROUND_ROBIN, 1, 1, 10 * SIM_S);
    for (int k = 0; k < 3; k++)
        cr_assert_eq(one(&g, 0, 0, true), 0);
}

Test(proxy_peers, each_request_tries_each_peer_once)
{
    struct proxy_peers g;
    group(&g, PROXY_ROUND_ROBIN, 3, 0, 10 * SIM_S);
    struct proxy_pick p;
    proxy_pick_init(&p, &g, 0);
    int seen = 0;
    for (int k = 0; k < 3; k++) {
        int i = proxy_peers_get(&g, &p, 0);
        cr_assert_geq(i, 0);
        seen |= 1 << i;
        proxy_peers_free(&g, i, true, 0);
    }
    cr_assert_eq(seen, 7);
    cr_assert_eq(proxy_peers_get(&g, &p, 0), -1);
}

Test(proxy_peers, least_conn_prefers_the_idle_peer)
{
    struct proxy_peers g;
    group(&g, PROXY_LEAST_CONN, 3, 1, 10 * SIM_S);
    struct proxy_pick p1, p2, p3;
    proxy_pick_init(&p1, &g, 0);
    proxy_pick_init(&p2, &g, 0);
    proxy_pick_init(&p3, &g, 0);
    int a = proxy_peers_get(&g, &p1, 0), b = proxy_peers_get(&g, &p2, 0);
    cr_assert_neq(a, b, "ties go round robin, not to the first");
    int c = proxy_peers_get(&g, &p3, 0);
    cr_assert(c != a && c != b, "the peer with no request in progress");
    proxy_peers_free(&g, b, false, 0);
    struct proxy_pick p4;
    proxy_pick_init(&p4, &g, 0);
    cr_assert_eq(proxy_peers_get(&g, &p4, 0), b);
}

/* nginx's hash: 89, then (h * 113 + octet) % 6271 for each of three. */
static int expected_ip_hash(uint32_t addr, int n)
{
    uint32_t h = 89;
    for (int k = 0; k < 3; k++)
        h = (h * 113 + ((addr >> (24 - 8 * k)) & 255)) % 6271;
    return (int)(h % (uint32_t)n);
}

Test(proxy_peers, ip_hash_keeps_a_slash_24_on_one_peer)
{
    struct proxy_peers g;
    group(&g, PROXY_IP_HASH, 4, 1, 10 * SIM_S);
    for (int net = 0; net < 16; net++) {
        int first = one(&g, IP(192, 168, net, 1), 0, false);
        cr_assert_eq(first, expected_ip_hash(IP(192, 168, net, 1), 4));
        for (int host = 2; host < 250; host += 31)
            cr_assert_eq(one(&g, IP(192, 168, net, host), 0, false), first);
    }
    /* its peer out: rehashed elsewhere, the same place every time */
    int home = expected_ip_hash(IP(192, 168, 7, 1), 4);
    one(&g, IP(192, 168, 7, 1), 1 * SIM_S, true);
    int away = one(&g, IP(192, 168, 7, 1), 1 * SIM_S, false);
    cr_assert(away >= 0 && away != home);
    cr_assert_eq(one(&g, IP(192, 168, 7, 99), 1 * SIM_S, false), away);
}

Test(proxy_peers, balance_names)
{
    cr_assert_eq(proxy_balance_parse("least_conn"), PROXY_LEAST_CONN);
    cr_assert_eq(proxy_balance_parse("ip_hash"), PROXY_IP_HASH);
    cr_assert_eq(proxy_balance_parse("round_robin"), PROXY_ROUND_ROBIN);
    cr_assert_eq(proxy_balance_parse("random"), -1);
}
