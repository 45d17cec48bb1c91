/* The weighted least-connection choice that wlc, lblc and lblcr share. */
#ifndef LVS_SCHED_WLC_H
#define LVS_SCHED_WLC_H

#include "lvs/ipvs.h"

/* The dest with the least overhead/weight, compared as the kernel does by
 * cross-multiplying in 64 bits: the first usable dest in list order, then
 * any later one not overloaded with loh * w > doh * wl; NULL if none. */
struct ipvs_dest *ipvs_sched_wlc_least(struct ipvs_service *svc);

#endif
