/* The scheduler registry: every lvs/sched/ file's ops table, found by name. */
#include <string.h>

#include "lvs/sched.h"

extern const struct ipvs_sched_ops ipvs_sched_rr;

const struct ipvs_sched_ops *const ipvs_schedulers[] = {
    &ipvs_sched_rr,
    NULL,
};

const struct ipvs_sched_ops *ipvs_sched_find(const char *name)
{
    for (int i = 0; ipvs_schedulers[i]; i++)
        if (!strcmp(ipvs_schedulers[i]->name, name))
            return ipvs_schedulers[i];
    return NULL;
}
