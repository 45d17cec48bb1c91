/*
 * Schedulers: one file each under lvs/sched/, one ops table filled with
 * designated initialisers, as the kernel's ip_vs_rr.c and ip_vs_wlc.c, and
 * registered by name in lvs/sched.c. schedule() returns the dest for a new
 * connection, or NULL when none is usable (the kernel's "no destination
 * available"). The hooks keep scheduler state in svc->sched_data in step with
 * the dest list; each is optional.
 */
#ifndef LVS_SCHED_H
#define LVS_SCHED_H

#include <netinet/in.h>

#include "lvs/ipvs.h"

struct ipvs_sched_ops {
    const char *name;
    int (*init_service)(struct ipvs_service *svc);     /* 0 or -ENOMEM */
    void (*done_service)(struct ipvs_service *svc);
    int (*add_dest)(struct ipvs_service *svc, struct ipvs_dest *dest);
    int (*del_dest)(struct ipvs_service *svc, struct ipvs_dest *dest);
    int (*upd_dest)(struct ipvs_service *svc, struct ipvs_dest *dest);
    struct ipvs_dest *(*schedule)(struct ipvs_service *svc, const struct ipvs_tuple *t);
};

/* The scheduler called `name`, or NULL. */
const struct ipvs_sched_ops *ipvs_sched_find(const char *name);

/* Every scheduler, NULL-terminated, in the order ipvsadm's man page lists them. */
extern const struct ipvs_sched_ops *const ipvs_schedulers[];

/* A dest the schedulers may pick: weight > 0 and not overloaded. */
static inline bool ipvs_dest_usable(const struct ipvs_dest *d)
{
    return d->weight > 0 && !d->overloaded;
}

/* Whether a protocol has ports where sh-port and mh-port read them: TCP, UDP, SCTP. */
static inline bool ipvs_sched_has_ports(uint8_t protocol)
{
    return protocol == IPPROTO_TCP || protocol == IPPROTO_UDP || protocol == IPPROTO_SCTP;
}

/* Greatest common divisor of two weights (wrr's step, mh's scale). */
static inline int ipvs_gcd(int a, int b)
{
    while (b) {
        int t = a % b;
        a = b;
        b = t;
    }
    return a;
}

#endif
