/* IPv4: a router forwards between subnets and decrements TTL, answers TTL
 * expiry with time exceeded; bad headers (short, version, header length,
 * total length, checksum, options) are dropped and counted; strict
 * rp_filter (all or the interface's) drops packets from the wrong side;
 * PRE_ROUTING hooks see each packet first, in turn; a packet not for us on a
 * host that does not forward is dropped; the inline header checksum is
 * the generic one, its fold the textbook one; host_is_local answers
 * exactly as the interfaces' addresses come and go. */
#include <criterion/criterion.h>
#include <string.h>

#include "net/csum.h"
#include "net/hdr.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/route.h"
#include "support/leak_check.h"
#include "support/wire.h"

WIRE_SUITE(ipv4);

static uint8_t seen_ttl;
static int seen_count;

static void capture_ttl(void *ctx, const struct pkt *frame, sim_time_t t)
{
    (void)ctx, (void)t;
    const struct eth_hdr *eh = (const struct eth_hdr *)frame->data;
    if (ntohs(eh->type) == ETH_P_IP) {
        if (!seen_count)           /* the first: the request, forwarded by the router */
            seen_ttl = frame->data[ETH_HLEN + 8];
        seen_count++;
    }
}

Test(ipv4, a_router_forwards_between_subnets_and_decrements_ttl)
{
    struct wire_routed t;
    wire_routed(&t, &s, pool);
    struct host *a = t.a, *r = t.r;
    t.wb.capture = capture_ttl;
    seen_count = 0;
    icmp_ping(a, IP4(10, 2, 0, 2), 1, 1, 32, false);
    sched_run(&s);
    cr_assert_eq(icmp_stats(a)->echo_replies, 1);
    cr_assert_eq(seen_ttl, 63, "the request reached b with TTL %u, not 63", seen_ttl);

    /* TTL 1: the router answers time exceeded instead of forwarding */
    struct pkt *p = pkt_alloc(pool, 8);
    memset(p->data, 0, 8);
    struct ipv4_tx tx = { .dst = IP4(10, 2, 0, 2), .proto = 17, .ttl = 1 };
    int before = seen_count;
    ipv4_send_tx(a, p, &tx);
    sched_run(&s);
    cr_assert_eq(r->drops[DROP_IP_TTL], 1);
    cr_assert_eq(seen_count, before, "a TTL-1 packet was forwarded");
    cr_assert_eq(icmp_stats(r)->errors_sent, 1);
    cr_assert_eq(icmp_stats(a)->errors_received, 1);
    wire_routed_free(&t);
}

/* Hand h a raw IPv4 packet (a copy of hdr + payload) on eth0, its Ethernet
 * header for h's MAC. */
static void inject(struct host *h, const uint8_t *ip, uint32_t len)
{
    struct pkt *p = pkt_alloc(pool, ETH_HLEN + len);
    struct eth_hdr *eh = (struct eth_hdr *)p->data;
    memcpy(eh->dst, host_netif(h, "eth0")->mac, 6);
    memset(eh->src, 0x02, 6);
    eh->type = htons(ETH_P_IP);
    memcpy(p->data + ETH_HLEN, ip, len);
    netif_input(host_netif(h, "eth0"), p);
}

static uint32_t make(uint8_t *buf, unsigned ihl, unsigned total, uint32_t dst)
{
    memset(buf, 0, total);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)buf;
    ip->ver_ihl = (uint8_t)(0x40 | ihl / 4);
    ip->tot_len = htons((uint16_t)total);
    ip->ttl = 64;
    ip->proto = 200;           /* nobody's: reaching delivery shows as ip_no_proto */
    ip->saddr = htonl(IP4(10, 0, 0, 1));
    ip->daddr = htonl(dst);
    ip->check = csum_buf(buf, ihl);
    return total;
}

Test(ipv4, bad_headers_are_dropped_and_counted)
{
    struct host *h = wire_host("h", &s, pool, 2, IP4(10, 0, 0, 2), 24);
    struct fake_dev dev;
    fake_attach(&dev, host_netif(h, "eth0"));
    uint8_t b[64];
    const uint32_t me = IP4(10, 0, 0, 2);

    inject(h, b, make(b, 20, 40, me) - 30);                 /* 10 bytes: short */
    cr_assert_eq(h->drops[DROP_IP_SHORT], 1);
    make(b, 20, 40, me);
    b[0] = 0x65;                                            /* version 6 */
    inject(h, b, 40);
    cr_assert_eq(h->drops[DROP_IP_VERSION], 1);
    make(b, 20, 40, me);
    b[0] = 0x44;                                            /* IHL 16 bytes */
    inject(h, b, 40);
    cr_assert_eq(h->drops[DROP_IP_HDR_LEN], 1);
    inject(h, b, make(b, 20, 60, me) - 20);                 /* says 60, has 40 */
    cr_assert_eq(h->drops[DROP_IP_LEN], 1);
    make(b, 20, 40, me);
    b[10] ^= 0xff;                                          /* checksum */
    inject(h, b, 40);
    cr_assert_eq(h->drops[DROP_IP_CSUM], 1);
    make(b, 24, 40, me);
    b[20] = 0x44;                                           /* timestamp option, length 200 */
    b[21] = 200;
    ((struct ipv4_hdr *)b)->check = 0;
    ((struct ipv4_hdr *)b)->check = csum_buf(b, 24);
    inject(h, b, 40);
    cr_assert_eq(h->drops[DROP_IP_OPTIONS], 1);
    make(b, 24, 40, me);
    b[20] = 1, b[21] = 1, b[22] = 1, b[23] = 0;             /* NOPs and end: fine */
    ((struct ipv4_hdr *)b)->check = 0;
    ((struct ipv4_hdr *)b)->check = csum_buf(b, 24);
    inject(h, b, 40);
    cr_assert_eq(h->drops[DROP_IP_NO_PROTO], 1, "a packet with valid options was not delivered");
    inject(h, b, make(b, 20, 40, IP4(10, 0, 0, 77)));       /* not ours, no forwarding */
    cr_assert_eq(h->drops[DROP_IP_NOT_FOR_US], 1);
    sched_run(&s);
    pkt_queue_purge(&dev.frames);
    host_free(h);
}

Test(ipv4, the_header_checksum_by_words_is_the_generic_one)
{
    uint8_t b[60];
    uint64_t x = 88172645463325252ull;                      /* xorshift64 */
    for (int n = 0; n < 20000; n++) {
        unsigned len = 20 + 4 * (unsigned)(n % 11);
        for (unsigned i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            b[i] = n % 3 == 0 ? (uint8_t)(x & 1 ? 0xff : 0) : (uint8_t)x;   /* runs of ones, zeros */
        }
        cr_assert_eq(csum_ipv4_hdr(b, len), csum_buf(b, len), "%u bytes, case %d", len, n);
        ((struct ipv4_hdr *)b)->check = 0;
        ((struct ipv4_hdr *)b)->check = csum_ipv4_hdr(b, len);
        cr_assert_eq(csum_ipv4_hdr(b, len), 0, "a header with its own checksum does not verify");
    }
    memset(b, 0, sizeof b);
    cr_assert_eq(csum_ipv4_hdr(b, 20), csum_buf(b, 20));
    memset(b, 0xff, sizeof b);
    cr_assert_eq(csum_ipv4_hdr(b, 60), csum_buf(b, 60));
}

/* Is addr on one of h's interfaces? What host_is_local must answer. */
static bool on_some_interface(struct host *h, uint32_t addr)
{
    for (int i = 0; i < h->nifs; i++)
        if (netif_has_addr(h->ifs[i], addr))
            return true;
    return false;
}

Test(ipv4, host_is_local_follows_addresses_as_they_come_and_go)
{
    struct host *h = host_new("h", sched_rt(&s), pool, 1);
    struct netif *ifs[3];
    for (int i = 0; i < 3; i++)
        ifs[i] = host_add_netif(h, (const char *[]){ "eth0", "eth1", "eth2" }[i],
                                (uint8_t[6]){ 2, 0, 0, 0, 0, (uint8_t)(i + 1) }, NULL, NULL);
    /* addresses sharing one hash slot (chains to probe along and to break
     * in the middle), their neighbours, and 0.0.0.0 */
    uint32_t addrs[12];
    unsigned n = 0;
    addrs[n++] = 0;
    addrs[n++] = IP4(10, 0, 0, 1);
    for (uint32_t a = IP4(10, 0, 0, 2); n < 8; a++)
        if (host_local_slot_of(a, h->local_bits) == host_local_slot_of(IP4(10, 0, 0, 1), h->local_bits))
            addrs[n++] = a;
    for (uint32_t a = IP4(10, 0, 0, 2); n < 12; a++)
        if (host_local_slot_of(a, h->local_bits) == ((host_local_slot_of(IP4(10, 0, 0, 1), h->local_bits) + 1) & ((1u << h->local_bits) - 1)))
            addrs[n++] = a;
    uint64_t x = 88172645463325252ull;                      /* xorshift64 */
    for (int step = 0; step < 5000; step++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        struct netif *nif = ifs[x % 3];
        uint32_t a = addrs[(x >> 8) % n];
        if ((x >> 16) % 2)
            netif_add_addr(nif, a, 32);                     /* the same address on two interfaces too */
        else
            netif_del_addr(nif, a);
        for (unsigned k = 0; k < n; k++)
            cr_assert_eq(host_is_local(h, addrs[k]), on_some_interface(h, addrs[k]),
                         "step %d: %#x", step, addrs[k]);
    }
    cr_assert(host_is_local(h, IP4(127, 0, 0, 1)) && host_is_local(h, IP4(127, 9, 9, 9)), "lo holds 127/8");
    host_free(h);
}

/* The fold by rotation against the textbook one (add the halves, twice):
 * every high half with low halves at the carry's edges, and the reverse. */
static uint16_t fold_by_halves(uint32_t sum)
{
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

Test(ipv4, the_checksum_fold_by_rotation_is_the_textbook_one)
{
    static const uint32_t edges[] = { 0, 1, 2, 0x7fff, 0x8000, 0xfffe, 0xffff };
    for (uint32_t half = 0; half <= 0xffff; half++)
        for (unsigned e = 0; e < sizeof edges / sizeof edges[0]; e++) {
            uint32_t a = half << 16 | edges[e], b = edges[e] << 16 | half;
            cr_assert_eq(csum_fold(a), fold_by_halves(a), "%#x", a);
            cr_assert_eq(csum_fold(b), fold_by_halves(b), "%#x", b);
        }
}

Test(ipv4, strict_rp_filter_drops_packets_from_the_wrong_side)
{
    struct host *h = wire_host("h", &s, pool, 2, IP4(10, 0, 0, 2), 24);
    struct fake_dev dev;
    fake_attach(&dev, host_netif(h, "eth0"));
    uint8_t b[40];
    make(b, 20, 40, IP4(10, 0, 0, 2));
    ((struct ipv4_hdr *)b)->saddr = htonl(IP4(192, 168, 5, 5));   /* no route back */
    ((struct ipv4_hdr *)b)->check = 0;
    ((struct ipv4_hdr *)b)->check = csum_buf(b, 20);
    inject(h, b, 40);
    cr_assert_eq(h->drops[DROP_IP_RP_FILTER], 0, "rp_filter is off by default");
    h->rp_filter_all = 1;
    inject(h, b, 40);
    cr_assert_eq(h->drops[DROP_IP_RP_FILTER], 1);
    h->rp_filter_all = 0;
    host_netif(h, "eth0")->rp_filter = 1;                  /* the interface's own setting counts as well */
    inject(h, b, 40);
    cr_assert_eq(h->drops[DROP_IP_RP_FILTER], 2);
    sched_run(&s);
    pkt_queue_purge(&dev.frames);
    host_free(h);
}

struct counting_hook {
    int seen;
    enum host_verdict verdict;
};

static enum host_verdict counting_hook(void *ctx, struct host *h, struct pkt *p)
{
    (void)h, (void)p;
    struct counting_hook *hook = ctx;
    hook->seen++;
    return hook->verdict;
}

Test(ipv4, prerouting_hooks_see_each_packet_in_turn_before_the_routing_decision)
{
    struct host *h = wire_host("h", &s, pool, 2, IP4(10, 0, 0, 2), 24);
    struct fake_dev dev;
    fake_attach(&dev, host_netif(h, "eth0"));
    uint8_t b[40];
    make(b, 20, 40, IP4(10, 0, 0, 2));
    struct counting_hook hooks[HOST_MAX_HOOKS] = { 0 };
    host_add_hook(h, HOOK_PRE_ROUTING, counting_hook, &hooks[0]);
    inject(h, b, 40);
    cr_assert_eq(hooks[0].seen, 1);
    cr_assert_eq(h->drops[DROP_IP_NO_PROTO], 1, "an accepted packet was not delivered");
    hooks[0].verdict = VERDICT_DROP;
    inject(h, b, 40);
    cr_assert_eq(hooks[0].seen, 2);
    cr_assert_eq(h->drops[DROP_HOOK], 1);
    cr_assert_eq(h->drops[DROP_IP_NO_PROTO], 1, "a dropped packet was delivered");

    /* every hook a point holds, each after the one before accepts */
    for (int i = 1; i < HOST_MAX_HOOKS; i++)
        cr_assert(host_add_hook(h, HOOK_PRE_ROUTING, counting_hook, &hooks[i]));
    inject(h, b, 40);
    cr_assert_eq(hooks[1].seen, 0, "a hook ran after the one before dropped");
    hooks[0].verdict = VERDICT_ACCEPT;
    hooks[HOST_MAX_HOOKS - 1].verdict = VERDICT_DROP;
    inject(h, b, 40);
    for (int i = 0; i < HOST_MAX_HOOKS; i++)
        cr_assert_eq(hooks[i].seen, i ? 1 : 4, "hook %d", i);
    cr_assert_eq(h->drops[DROP_HOOK], 3);
    hooks[HOST_MAX_HOOKS - 1].verdict = VERDICT_ACCEPT;
    inject(h, b, 40);
    cr_assert_eq(hooks[HOST_MAX_HOOKS - 1].seen, 2);
    cr_assert_eq(h->drops[DROP_IP_NO_PROTO], 2, "a packet every hook accepted was not delivered");
    sched_run(&s);
    pkt_queue_purge(&dev.frames);
    host_free(h);
}
