/*
 * A long run through the director: 1,000,000 short NAT connections (the
 * client's SYN, the server's SYN-ACK, the client's ACK and FIN, the
 * server's FIN-ACK, the client's last ACK), a thousand a simulated second.
 * The connection table levels off while TIME_WAIT holds two minutes of
 * them, its memory stops growing once it has, and it empties when the
 * timeouts have run; no packet buffer is left live.
 */
#include <criterion/criterion.h>

#include "support/director_rig.h"

#define CONNS 1000000u
#define PER_SECOND 1000u

static void one_connection(struct rig *r, uint32_t k)
{
    rig_send(r, k, TCP_SYN);
    rig_reply(r, 0, k, TCP_SYN | TCP_ACK);
    rig_send(r, k, TCP_ACK);
    rig_send(r, k, TCP_FIN | TCP_ACK);
    rig_reply(r, 0, k, TCP_FIN | TCP_ACK);
    rig_send(r, k, TCP_ACK);
}

Test(long_run, a_million_connections_leave_nothing_behind, .timeout = 600)
{
    static struct rig r;
    rig_init(&r, IPVS_FWD_MASQ, 1, "rr", false);
    size_t mem_at_half = 0, most = 0;
    for (uint32_t k = 0; k < CONNS; k++) {
        if (k % PER_SECOND == 0)
            sched_run_until(&r.clock, (sim_time_t)(k / PER_SECOND) * SIM_S);
        one_connection(&r, k);
        if (ipvs_conn_count(&r.ipvs) > most)
            most = ipvs_conn_count(&r.ipvs);
        if (k == CONNS / 2)
            mem_at_half = ipvs_conn_memory(&r.ipvs);
    }
    cr_assert_eq(r.ipvs.stats.conns, CONNS);
    /* TIME_WAIT is 120 s: about 120,000 entries at once, never all of them */
    cr_assert(most > 110000 && most < 130000, "table peaked at %zu", most);
    cr_assert_eq(ipvs_conn_memory(&r.ipvs), mem_at_half, "memory grew after the table levelled off");
    sched_run_until(&r.clock, (sim_time_t)(CONNS / PER_SECOND) * SIM_S + 130 * SIM_S);
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 0, "%zu entries left", ipvs_conn_count(&r.ipvs));
    struct ipvs_dest *d = r.ipvs.services->dests;
    cr_assert(d->activeconns == 0 && d->inactconns == 0, "dest counts %u active, %u inactive", d->activeconns,
              d->inactconns);
    cr_assert_eq(rig_free(&r), 0, "packets still live");
}
