/*
 * Director benchmark: the per-packet path on established connections, in
 * each forwarding mode, with no links and no event loop. A director host
 * with a front and a back interface whose devices only free what they are
 * given; N connections are opened with a SYN and an ACK each; then batches
 * of client segments for connections drawn at random are built (untimed)
 * and fed to the front interface as one burst (timed): the prefetch look
 * ahead, Ethernet and IPv4 input, the
 * director's lookup, state and statistics, the rewrite or encapsulation,
 * routing, the neighbour and the device. One line per case.
 *   director [CONNS [PKTS [MODE]]]   default: 1,000 and 1,000,000 connections,
 *                                    10,000,000 packets, every mode (nat, tun, dr, fullnat)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine/rng.h"
#include "../tests/support/director_rig.h"

#define BATCH 32                 /* a DPDK-sized burst: its buffers stay in cache */
#define PAYLOAD 64

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *mode_name(enum ipvs_fwd fwd);

static void run_case(enum ipvs_fwd fwd, uint32_t conns, uint64_t pkts)
{
    static struct rig r;
    rig_init(&r, fwd, 8, "rr", false);
    size_t base = ipvs_conn_memory(&r.ipvs);
    for (uint32_t k = 0; k < conns; k++) {
        rig_send(&r, k, TCP_SYN);
        rig_send(&r, k, TCP_ACK);
    }
    size_t per_conn = (ipvs_conn_memory(&r.ipvs) - base) / conns;
    struct rng rng;
    rng_init(&rng, 1, "director-bench");
    static struct pkt *batch[BATCH];
    double timed = 0;
    uint64_t before = r.front_dev.frames + r.back_dev.frames;
    for (uint64_t done = 0; done < pkts; done += BATCH) {
        for (int i = 0; i < BATCH; i++)
            batch[i] = rig_segment(&r, (uint32_t)rng_below(&rng, conns), TCP_ACK | TCP_PSH, PAYLOAD);
        double t0 = wall_now();
        netif_input_burst(r.front, batch, BATCH);
        timed += wall_now() - t0;
    }
    uint64_t sent = r.front_dev.frames + r.back_dev.frames - before;
    printf("director mode=%s conns=%u pkts=%llu ns_per_pkt=%.1f bytes_per_conn=%zu\n", mode_name(fwd), conns, (unsigned long long)pkts, timed * 1e9 / (double)pkts, per_conn);
    fflush(stdout);
    if (ipvs_conn_count(&r.ipvs) != conns || sent < pkts)
        fprintf(stderr, "director bench: %zu connections, %llu packets sent: the path dropped some\n",
                ipvs_conn_count(&r.ipvs), (unsigned long long)sent);
    rig_free(&r);
}

static const char *mode_name(enum ipvs_fwd fwd)
{
    static const char *const names[IPVS_FWD_METHODS] = {
        [IPVS_FWD_MASQ] = "nat", [IPVS_FWD_TUNNEL] = "tun", [IPVS_FWD_DROUTE] = "dr",
        [IPVS_FWD_FULLNAT] = "fullnat",
    };
    return names[fwd];
}

int main(int argc, char **argv)
{
    uint32_t conns = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 0;
    uint64_t pkts = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000000;
    const char *only = argc > 3 ? argv[3] : NULL;
    static const enum ipvs_fwd modes[] = { IPVS_FWD_MASQ, IPVS_FWD_TUNNEL, IPVS_FWD_DROUTE, IPVS_FWD_FULLNAT };
    for (int m = 0; m < 4; m++) {
        if (only && strcmp(only, mode_name(modes[m])))
            continue;
        if (conns) {
            run_case(modes[m], conns, pkts);
        } else {
            run_case(modes[m], 1000, pkts);
            run_case(modes[m], 1000000, pkts);
        }
    }
    return 0;
}
