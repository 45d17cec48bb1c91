/*
 * Test support: hosts joined back to back without the simulator. A wire
 * carries each frame from one interface to the other after its
 * serialization time (if a rate is set) and a delay, may lose frames at
 * random (or every frame one way), and can show every frame to a capture
 * callback (for pcaps). A fake device keeps what it is given. Header-only,
 * for tests.
 */
#ifndef TESTS_SUPPORT_WIRE_H
#define TESTS_SUPPORT_WIRE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "engine/rng.h"
#include "engine/sched.h"
#include "net/host.h"
#include "net/netif.h"
#include "net/route.h"

struct wire {
    struct sched *sched;
    struct netif *end[2];
    sim_time_t delay;
    uint64_t rate_bps;         /* 0: no serialization time */
    double loss;               /* probability a frame is lost, each way */
    bool cut[2];               /* every frame from end[i] is lost: a one-way black hole */
    struct rng rng;
    sim_time_t busy_until[2];
    uint64_t frames[2], lost[2];
    void (*capture)(void *ctx, const struct pkt *frame, sim_time_t t);
    void *capture_ctx;
};

static void wire_deliver(void *arg)
{
    struct pkt *p = arg;
    struct netif *to = p->in_if;   /* parked here in flight */
    p->in_if = NULL;
    netif_input(to, p);
}

static void wire_xmit(struct netif *nif, struct pkt *p)
{
    struct wire *w = nif->xmit_ctx;
    int side = nif == w->end[1];
    sim_time_t now = sched_now(w->sched);
    pkt_orphan(p);                 /* the wire takes it at once: its transmit completion */
    if (w->capture)
        w->capture(w->capture_ctx, p, now);
    w->frames[side]++;
    if (w->cut[side] || (w->loss > 0 && rng_unit(&w->rng) < w->loss)) {
        w->lost[side]++;
        pkt_free(p);
        return;
    }
    sim_time_t depart = now;
    if (w->rate_bps) {
        if (w->busy_until[side] > depart)
            depart = w->busy_until[side];
        depart += (sim_time_t)((uint64_t)(p->len + 24) * 8 * SIM_S / w->rate_bps); /* + preamble, IFG, FCS */
        w->busy_until[side] = depart;
    }
    p->in_if = w->end[!side];
    sched_call_at(w->sched, depart + w->delay, wire_deliver, p);
}

/* Join a and b; loss draws from the stream (seed, "wire"). */
static inline void wire_join(struct wire *w, struct sched *s, struct netif *a, struct netif *b,
                             sim_time_t delay, uint64_t seed)
{
    memset(w, 0, sizeof *w);
    w->sched = s;
    w->end[0] = a;
    w->end[1] = b;
    w->delay = delay;
    rng_init(&w->rng, seed, "wire");
    a->xmit = b->xmit = wire_xmit;
    a->xmit_ctx = b->xmit_ctx = w;
}

/* A host with one Ethernet interface eth0 (MAC 02:00:00:00:00:<id>) holding
 * addr/len, its xmit to be set by wire_join or a fake device; its own
 * random streams (ISNs, ephemeral ports) from host_seed. */
static inline struct host *wire_host_seeded(const char *name, struct sched *s, struct pkt_pool *pool,
                                            uint8_t id, uint32_t addr, uint8_t len, uint64_t host_seed)
{
    struct host *h = host_new(name, sched_rt(s), pool, host_seed);
    const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, id };
    struct netif *nif = host_add_netif(h, "eth0", mac, NULL, NULL);
    netif_add_addr(nif, addr, len);
    return h;
}

/* The same, from host seed 1. */
static inline struct host *wire_host(const char *name, struct sched *s, struct pkt_pool *pool,
                                     uint8_t id, uint32_t addr, uint8_t len)
{
    return wire_host_seeded(name, s, pool, id, addr, len, 1);
}

/* a (10.0.0.1) and b (10.0.0.2) on one /24, joined by a wire. */
#define WIRE_PAIR_A 0x0a000001u
#define WIRE_PAIR_B 0x0a000002u
struct wire_pair {
    struct host *a, *b;
    struct wire w;
};

/* The wire's losses draw from seed, the hosts' streams from host_seed. */
static inline void wire_pair_seeded(struct wire_pair *p, struct sched *s, struct pkt_pool *pool,
                                    sim_time_t delay, uint64_t seed, uint64_t host_seed)
{
    p->a = wire_host_seeded("a", s, pool, 1, WIRE_PAIR_A, 24, host_seed);
    p->b = wire_host_seeded("b", s, pool, 2, WIRE_PAIR_B, 24, host_seed);
    wire_join(&p->w, s, host_netif(p->a, "eth0"), host_netif(p->b, "eth0"), delay, seed);
}

/* The same, the hosts from seed 1. */
static inline void wire_pair(struct wire_pair *p, struct sched *s, struct pkt_pool *pool,
                             sim_time_t delay, uint64_t seed)
{
    wire_pair_seeded(p, s, pool, delay, seed, 1);
}

static inline void wire_pair_free(struct wire_pair *p)
{
    host_free(p->a);
    host_free(p->b);
}

/* a (10.1.0.2) -- r -- b (10.2.0.2): two hosts on /24s joined by a router
 * (10.1.0.1 / 10.2.0.1) over two wires; default routes via the router. */
struct wire_routed {
    struct host *a, *r, *b;
    struct wire wa, wb;
};

static inline void wire_routed(struct wire_routed *t, struct sched *s, struct pkt_pool *pool)
{
    t->a = wire_host("a", s, pool, 1, 0x0a010002, 24);
    t->b = wire_host("b", s, pool, 2, 0x0a020002, 24);
    t->r = host_new("r", sched_rt(s), pool, 1);
    t->r->ip_forward = true;
    const uint8_t m1[6] = { 2, 0, 0, 0, 1, 1 }, m2[6] = { 2, 0, 0, 0, 1, 2 };
    struct netif *r1 = host_add_netif(t->r, "eth0", m1, NULL, NULL);
    struct netif *r2 = host_add_netif(t->r, "eth1", m2, NULL, NULL);
    netif_add_addr(r1, 0x0a010001, 24);
    netif_add_addr(r2, 0x0a020001, 24);
    route_add(t->a, 0, 0, 0x0a010001, NULL);
    route_add(t->b, 0, 0, 0x0a020001, NULL);
    wire_join(&t->wa, s, host_netif(t->a, "eth0"), r1, 10 * SIM_US, 1);
    wire_join(&t->wb, s, r2, host_netif(t->b, "eth0"), 10 * SIM_US, 2);
}

static inline void wire_routed_free(struct wire_routed *t)
{
    host_free(t->a);
    host_free(t->b);
    host_free(t->r);
}

/* A Criterion suite whose tests share `s` and `pool`, checking at teardown
 * that no packet is still live (leak_check: the test file includes
 * tests/support/leak_check.h, which makes that check fail the test).
 * WIRE_SUITE_INIT(name, fn) also calls fn() before each test. */
static inline void wire_suite_nothing(void) {}
#define WIRE_SUITE(name) WIRE_SUITE_INIT(name, wire_suite_nothing)
#define WIRE_SUITE_INIT(name, also)                                           \
    static struct sched s;                                                    \
    static struct pkt_pool *pool;                                             \
    static void wire_suite_init(void)                                         \
    {                                                                         \
        sched_init(&s);                                                       \
        pool = pkt_pool_new();                                                \
        also();                                                               \
    }                                                                         \
    static void wire_suite_fini(void)                                         \
    {                                                                         \
        leak_check(pkt_pool_free(pool));                                      \
        sched_destroy(&s);                                                    \
    }                                                                         \
    TestSuite(name, .init = wire_suite_init, .fini = wire_suite_fini)

struct fake_dev {
    struct pkt_queue frames;
};

static void fake_xmit(struct netif *nif, struct pkt *p)
{
    struct fake_dev *d = nif->xmit_ctx;
    pkt_queue_push(&d->frames, p);
}

static inline void fake_attach(struct fake_dev *d, struct netif *nif)
{
    memset(d, 0, sizeof *d);
    nif->xmit = fake_xmit;
    nif->xmit_ctx = d;
}

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

#endif
