/*
 * The kernel's rate estimator (net/netfilter/ipvs/ip_vs_est.c): every 2 s
 * each service's and each real server's counters are read, the last
 * interval's rates enter exponentially weighted averages (avg += (rate -
 * avg) >> 2), connection and packet rates scaled by 2^10, byte rates by 2^5,
 * and `ipvsadm -L --rate` shows them rounded as ip_vs_read_estimator does.
 */
#ifndef LVS_EST_H
#define LVS_EST_H

#include "lvs/ipvs.h"

#define IPVS_EST_INTERVAL (2 * SIM_S)

/* Rates in ipvsadm's units: per second, rounded as the kernel reports them. */
struct ipvs_rates {
    uint64_t cps, inpps, outpps, inbps, outbps;
};

/* One 2 s step of one estimator over its counters. */
void ipvs_est_update(struct ipvs_est *e, const struct ipvs_stats *s);

/* One step for every service and every real server in the table (dests
 * waiting in the trash are not estimated, as in the kernel). */
void ipvs_est_tick(struct ipvs *ipvs);

/* The decoded rates, as ip_vs_read_estimator. */
void ipvs_est_read(const struct ipvs_est *e, struct ipvs_rates *r);

/* Arm the 2 s tick on the director's clock (ipvs->rt), or cancel it; stop
 * is safe when not started. ipvs_destroy stops it. */
void ipvs_est_start(struct ipvs *ipvs);
void ipvs_est_stop(struct ipvs *ipvs);

#endif
