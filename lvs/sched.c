/* The scheduler registry: every lvs/sched/ file's ops table, found by name. */
#include <string.h>

#include "lvs/sched.h"

extern const struct ipvs_sched_ops ipvs_sched_rr, ipvs_sched_wrr, ipvs_sched_lc, ipvs_sched_wlc,
    ipvs_sched_lblc, ipvs_sched_lblcr, ipvs_sched_dh, ipvs_sched_sh, ipvs_sched_sed,
    ipvs_sched_nq, ipvs_sched_fo, ipvs_sched_ovf, ipvs_sched_mh, ipvs_sched_twos;

/* ipvsadm(8)'s order; twos, newer than the man page, last. */
const struct ipvs_sched_ops *const ipvs_schedulers[] = {
    &ipvs_sched_rr, &ipvs_sched_wrr, &ipvs_sched_lc, &ipvs_sched_wlc,
    &ipvs_sched_lblc, &ipvs_sched_lblcr, &ipvs_sched_dh, &ipvs_sched_sh,
    &ipvs_sched_sed, &ipvs_sched_nq, &ipvs_sched_fo, &ipvs_sched_ovf,
    &ipvs_sched_mh, &ipvs_sched_twos,
    NULL,
};

const struct ipvs_sched_ops *ipvs_sched_find(const char *name)
{
    for (int i = 0; ipvs_schedulers[i]; i++)
        if (!strcmp(ipvs_schedulers[i]->name, name))
            return ipvs_schedulers[i];
    return NULL;
}
