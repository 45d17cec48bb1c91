/*
 * Weighted random twos choice (ip_vs_twos.c): two random draws in
 * [0, total weight] pick two usable dests by weight in list order; the one
 * with the lower overhead / weight (compared by multiplication in int, as
 * the kernel, wrapping past INT_MAX) wins, the first draw on a tie. The draws come from a deterministic stream per
 * service (engine/rng.h) instead of the kernel's prandom_u32: its seed is
 * the director's (which follows the run's seed) mixed with IPVS_TWOS_SEED,
 * its name the service's identity.
 */
#include <stdio.h>
#include <stdlib.h>

#include "engine/rng.h"
#include "engine/xalloc.h"
#include "lvs/sched.h"

#define IPVS_TWOS_SEED 0x74776f73u   /* "twos" */

static int twos_init_service(struct ipvs_service *svc)
{
    struct rng *r = xcalloc(1, sizeof *r);
    char name[64];
    snprintf(name, sizeof name, "ipvs-twos/%u/%08x:%u/%u", svc->protocol, (unsigned)svc->addr,
             svc->port, (unsigned)svc->fwmark);
    rng_init(r, IPVS_TWOS_SEED ^ (svc->ipvs ? svc->ipvs->seed : 0), name);
    svc->sched_data = r;
    return 0;
}

static void twos_done_service(struct ipvs_service *svc)
{
    free(svc->sched_data);
    svc->sched_data = NULL;
}

static uint32_t prandom_u32(struct rng *r)
{
    return (uint32_t)(rng_next(r) >> 32);
}

static struct ipvs_dest *twos_schedule(struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    (void)t;
    struct ipvs_dest *choice1 = NULL, *choice2 = NULL;
    int total = 0, weight1 = -1, weight2 = -1;
    uint32_t overhead1 = 0, overhead2 = 0;
    for (struct ipvs_dest *d = svc->dests; d; d = d->next)
        if (ipvs_dest_usable(d)) {
            total += d->weight;
            choice1 = d;
        }
    if (!choice1)
        return NULL;
    total += 1;   /* draws inclusive of 0 and the total */
    int rweight1 = (int)(prandom_u32(svc->sched_data) % (uint32_t)total);
    int rweight2 = (int)(prandom_u32(svc->sched_data) % (uint32_t)total);
    for (struct ipvs_dest *d = svc->dests; d; d = d->next) {
        if (!ipvs_dest_usable(d))
            continue;
        rweight1 -= d->weight;
        rweight2 -= d->weight;
        if (rweight1 <= 0 && weight1 == -1) {
            choice1 = d;
            weight1 = d->weight;
            overhead1 = ipvs_dest_conn_overhead(d);
        }
        if (rweight2 <= 0 && weight2 == -1) {
            choice2 = d;
            weight2 = d->weight;
            overhead2 = ipvs_dest_conn_overhead(d);
        }
        if (weight1 != -1 && weight2 != -1)
            break;
    }
    /* in int, as the kernel (built with -fno-strict-overflow): a product
     * past INT_MAX wraps negative, and the loaded dest may win */
    if (choice2 && (int32_t)((uint32_t)weight2 * overhead1) > (int32_t)((uint32_t)weight1 * overhead2))
        choice1 = choice2;
    return choice1;
}

const struct ipvs_sched_ops ipvs_sched_twos = {
    .name = "twos",
    .init_service = twos_init_service,
    .done_service = twos_done_service,
    .schedule = twos_schedule,
};
