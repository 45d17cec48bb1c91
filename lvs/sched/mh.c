/*
 * Maglev hashing (ip_vs_mh.c): a lookup table of IPVS_MH_TAB_SIZE (the
 * kernel's default, 4093) slots filled from each dest's permutation, an
 * offset and a skip from two keyed hsiphash values of its address and port;
 * dests take turns in list order, each `turns` slots per round, turns being
 * its last non-zero weight over the weights' gcd (shifted so the largest
 * fits 6 bits). The client address, plus its source port with mh-port
 * (IPVS_SCHED_FLAG_2), picks the slot; an unusable dest gives no dest, or
 * with mh-fallback (IPVS_SCHED_FLAG_1) the kernel's walk over offsets finds
 * another. Any dest change fills the table again.
 */
#include <errno.h>
#include <stdlib.h>

#include "engine/xalloc.h"
#include "lvs/sched.h"
#include "lvs/sched/hash.h"

#define IPVS_MH_TAB_SIZE 4093u      /* primes[CONFIG_IP_VS_MH_TAB_INDEX (12) - 8] */
#define IPVS_MH_TAB_BITS 6          /* CONFIG_IP_VS_MH_TAB_INDEX / 2 */

struct mh_dest_setup {
    unsigned offset, skip, perm;
    int turns;
};

struct mh_state {
    struct ipvs_dest *lookup[IPVS_MH_TAB_SIZE];
    struct ipvs_hsiphash_key hash1, hash2;
    int gcd, rshift;
};

static unsigned mh_hashkey(uint32_t addr, uint16_t port, const struct ipvs_hsiphash_key *key,
                           unsigned offset)
{
    return ipvs_hsiphash_u32(offset + port + addr, key);
}

static int fls_int(unsigned x)
{
    return x ? 32 - __builtin_clz(x) : 0;
}

static void mh_weights(struct ipvs_service *svc, struct mh_state *s)
{
    int g = 0, max = 0;
    for (struct ipvs_dest *d = svc->dests; d; d = d->next)
        if (d->last_weight > 0) {
            g = g > 0 ? ipvs_gcd(d->last_weight, g) : d->last_weight;
            if (d->last_weight > max)
                max = d->last_weight;
        }
    s->gcd = g;
    int shift = g < 1 ? 0 : fls_int((unsigned)(max / g)) - IPVS_MH_TAB_BITS;
    s->rshift = shift > 0 ? shift : 0;
}

static void mh_populate(struct mh_state *s, struct mh_dest_setup *ds,
                        struct ipvs_dest **dests, int nd)
{
    bool *taken = xcalloc(IPVS_MH_TAB_SIZE, sizeof *taken);
    unsigned n = 0;
    int dt_count = 0;
    while (n < IPVS_MH_TAB_SIZE) {
        for (int i = 0; i < nd;) {
            if (ds[i].turns < 1) {     /* added with weight 0: no slots */
                i++;
                continue;
            }
            unsigned c = ds[i].perm;
            while (taken[c]) {
                ds[i].perm += ds[i].skip;
                if (ds[i].perm >= IPVS_MH_TAB_SIZE)
                    ds[i].perm -= IPVS_MH_TAB_SIZE;
                c = ds[i].perm;
            }
            taken[c] = true;
            s->lookup[c] = dests[i];
            if (++n == IPVS_MH_TAB_SIZE)
                goto out;
            if (++dt_count >= ds[i].turns) {
                dt_count = 0;
                i++;
            }
        }
    }
out:
    free(taken);
}

static int mh_reassign(struct ipvs_service *svc, struct ipvs_dest *dest)
{
    (void)dest;
    struct mh_state *s = svc->sched_data;
    if (svc->num_dests > (int)IPVS_MH_TAB_SIZE)
        return -EINVAL;
    mh_weights(svc, s);
    if (s->gcd < 1) {
        for (unsigned i = 0; i < IPVS_MH_TAB_SIZE; i++)
            s->lookup[i] = NULL;
        return 0;
    }
    int nd = svc->num_dests;
    struct mh_dest_setup *ds = xcalloc((size_t)nd, sizeof *ds);
    struct ipvs_dest **dests = xcalloc((size_t)nd, sizeof *dests);
    int i = 0;
    for (struct ipvs_dest *d = svc->dests; d; d = d->next, i++) {
        dests[i] = d;
        ds[i].offset = mh_hashkey(d->addr, d->port, &s->hash1, 0) % IPVS_MH_TAB_SIZE;
        ds[i].skip = mh_hashkey(d->addr, d->port, &s->hash2, 0) % (IPVS_MH_TAB_SIZE - 1) + 1;
        ds[i].perm = ds[i].offset;
        int lw = d->last_weight;
        int turns = (lw / s->gcd) >> s->rshift;
        ds[i].turns = turns ? turns : lw != 0;
    }
    mh_populate(s, ds, dests, nd);
    free(dests);
    free(ds);
    return 0;
}

static int mh_init_service(struct ipvs_service *svc)
{
    struct mh_state *s = xcalloc(1, sizeof *s);
    /* the kernel's fixed keys (generate_hash_secret) */
    s->hash1 = (struct ipvs_hsiphash_key){ { 2654435761u, 2654435761u } };
    s->hash2 = (struct ipvs_hsiphash_key){ { 2654446892u, 2654446892u } };
    svc->sched_data = s;
    int err = mh_reassign(svc, NULL);
    if (err) {
        free(s);
        svc->sched_data = NULL;
    }
    return err;
}

static void mh_done_service(struct ipvs_service *svc)
{
    free(svc->sched_data);
    svc->sched_data = NULL;
}

static struct ipvs_dest *mh_get_fallback(struct mh_state *s, uint32_t addr, uint16_t port)
{
    unsigned ihash = mh_hashkey(addr, port, &s->hash1, 0) % IPVS_MH_TAB_SIZE;
    struct ipvs_dest *d = s->lookup[ihash];
    if (!d)
        return NULL;
    if (ipvs_dest_usable(d))
        return d;
    for (unsigned off = 0; off < IPVS_MH_TAB_SIZE; off++) {
        unsigned roffset = (off + ihash) % IPVS_MH_TAB_SIZE;
        d = s->lookup[mh_hashkey(addr, port, &s->hash1, roffset) % IPVS_MH_TAB_SIZE];
        if (!d)
            break;
        if (ipvs_dest_usable(d))
            return d;
    }
    return NULL;
}

static struct ipvs_dest *mh_schedule(struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    struct mh_state *s = svc->sched_data;
    uint16_t port = 0;
    if ((svc->flags & IPVS_SCHED_FLAG_2) && ipvs_sched_has_ports(t->protocol))
        port = t->sport;
    if (svc->flags & IPVS_SCHED_FLAG_1)
        return mh_get_fallback(s, t->saddr, port);
    struct ipvs_dest *d = s->lookup[mh_hashkey(t->saddr, port, &s->hash1, 0) % IPVS_MH_TAB_SIZE];
    return d && ipvs_dest_usable(d) ? d : NULL;
}

const struct ipvs_sched_ops ipvs_sched_mh = {
    .name = "mh",
    .init_service = mh_init_service,
    .done_service = mh_done_service,
    .add_dest = mh_reassign,
    .del_dest = mh_reassign,
    .upd_dest = mh_reassign,
    .schedule = mh_schedule,
};
