/*
 * Source hashing (ip_vs_sh.c): a 256-bucket table tiled over the dests in
 * list order, each taking as many consecutive buckets as its weight (a
 * weight-0 dest still takes one); the client address, plus its source port
 * with sh-port (IPVS_SCHED_FLAG_2), picks the bucket through hash_32. An
 * unusable dest gives no dest, or with sh-fallback (IPVS_SCHED_FLAG_1) the
 * kernel's walk over re-hashed offsets finds another.
 */
#include <stdlib.h>

#include "engine/xalloc.h"
#include "lvs/sched.h"
#include "lvs/sched/hash.h"

#define SH_TAB_BITS 8
#define SH_TAB_SIZE (1u << SH_TAB_BITS)
#define SH_TAB_MASK (SH_TAB_SIZE - 1)

struct sh_state {
    struct ipvs_dest *buckets[SH_TAB_SIZE];
};

static int sh_reassign(struct ipvs_service *svc, struct ipvs_dest *dest)
{
    (void)dest;
    struct sh_state *s = svc->sched_data;
    struct ipvs_dest *p = svc->dests;
    int count = 0;
    for (unsigned i = 0; i < SH_TAB_SIZE; i++) {
        if (!svc->dests) {
            s->buckets[i] = NULL;
            continue;
        }
        if (!p)
            p = svc->dests;
        s->buckets[i] = p;
        if (++count >= p->weight) {    /* next dest once this one's weight is filled */
            p = p->next;
            count = 0;
        }
    }
    return 0;
}

static int sh_init_service(struct ipvs_service *svc)
{
    svc->sched_data = xcalloc(1, sizeof(struct sh_state));
    return sh_reassign(svc, NULL);
}

static void sh_done_service(struct ipvs_service *svc)
{
    free(svc->sched_data);
    svc->sched_data = NULL;
}

static unsigned sh_hashkey(uint32_t addr, uint16_t port, unsigned offset)
{
    return (offset + ipvs_hash_32((uint32_t)port + addr, SH_TAB_BITS)) & SH_TAB_MASK;
}

static struct ipvs_dest *sh_get_fallback(struct sh_state *s, uint32_t addr, uint16_t port)
{
    unsigned ihash = sh_hashkey(addr, port, 0);
    struct ipvs_dest *d = s->buckets[ihash];
    if (!d)
        return NULL;
    if (ipvs_dest_usable(d))
        return d;
    for (unsigned off = 0; off < SH_TAB_SIZE; off++) {
        unsigned roffset = (off + ihash) % SH_TAB_SIZE;
        d = s->buckets[sh_hashkey(addr, port, roffset)];
        if (!d)
            break;
        if (ipvs_dest_usable(d))
            return d;
    }
    return NULL;
}

static struct ipvs_dest *sh_schedule(struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    struct sh_state *s = svc->sched_data;
    uint16_t port = 0;
    if ((svc->flags & IPVS_SCHED_FLAG_2) && ipvs_sched_has_ports(t->protocol))
        port = t->sport;
    if (svc->flags & IPVS_SCHED_FLAG_1)
        return sh_get_fallback(s, t->saddr, port);
    struct ipvs_dest *d = s->buckets[sh_hashkey(t->saddr, port, 0)];
    return d && ipvs_dest_usable(d) ? d : NULL;
}

const struct ipvs_sched_ops ipvs_sched_sh = {
    .name = "sh",
    .init_service = sh_init_service,
    .done_service = sh_done_service,
    .add_dest = sh_reassign,
    .del_dest = sh_reassign,
    .upd_dest = sh_reassign,
    .schedule = sh_schedule,
};
