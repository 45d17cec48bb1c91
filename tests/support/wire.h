/*
 * Test support: hosts joined back to back without the simulator. A wire
 * carries each frame from one interface to the other after its
 * serialization time (if a rate is set) and a delay, may lose frames at
 * random, and can show every frame to a capture callback (for pcaps). A
 * fake device keeps what it is given. Header-only, for tests.
 */
#ifndef TESTS_SUPPORT_WIRE_H
#define TESTS_SUPPORT_WIRE_H

#include <stdint.h>
#include <string.h>

#include "engine/rng.h"
#include "engine/sched.h"
#include "net/host.h"
#include "net/netif.h"

struct wire {
    struct sched *sched;
    struct netif *end[2];
    sim_time_t delay;
    uint64_t rate_bps;         /* 0: no serialization time */
    double loss;               /* probability a frame is lost, each way */
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
    if (w->capture)
        w->capture(w->capture_ctx, p, now);
    w->frames[side]++;
    if (w->loss > 0 && rng_unit(&w->rng) < w->loss) {
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
 * addr/len, its xmit to be set by wire_join or a fake device. */
static inline struct host *wire_host(const char *name, struct sched *s, struct pkt_pool *pool,
                                     uint8_t id, uint32_t addr, uint8_t len)
{
    struct host *h = host_new(name, sched_rt(s), pool, 1);
    const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, id };
    struct netif *nif = host_add_netif(h, "eth0", mac, NULL, NULL);
    netif_add_addr(nif, addr, len);
    return h;
}

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
