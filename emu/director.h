/*
 * One scenario director on real interfaces: its host stack on the libev
 * clock, a TAP per linked interface (joined to the bridge the emulated world
 * made for that link, see emu_world_director_port) or, for an interface
 * given an existing device, that device through libpcap (emu/pcap_dev.h),
 * the node's addresses,
 * routes and sysctls, then keepalived.conf, the VIP, the ipvsadm rules and
 * FULLNAT local addresses as the simulated world applies them
 * (scenario/apply.h). Optionally every TAP's frames go to a pcap file.
 */
#ifndef EMU_DIRECTOR_H
#define EMU_DIRECTOR_H

#include <ev.h>
#include <stdio.h>

#include "emu/clock.h"
#include "emu/director_keepalived.h"
#include "emu/pcap_dev.h"
#include "emu/tap.h"
#include "lvs/ipvs.h"
#include "scenario/scenario.h"

/* An interface of the director that is an existing device, not a TAP. */
struct emu_director_iface {
    const char *name;          /* the director's interface in the scenario (eth0) */
    const char *device;        /* the existing interface that stands for it */
};

struct emu_director_opts {
    const char *tag;           /* the world's tag: names the TAPs and bridges */
    bool shaped;               /* the world gives links their delays (emu_world_director_port) */
    const char *pcap_dir;      /* NULL: no capture; else <node>-<iface>.pcap there */
    FILE *log;                 /* keepalived's events */
    const struct emu_director_iface *ifaces;
    int nifaces;
};

/* One interface's capture: the file and the loop whose clock stamps it. */
struct emu_director_capture {
    struct scn_pcap *pcap;
    struct ev_loop *loop;
};

struct emu_director {
    struct emu_clock clock;
    struct pkt_pool *pool;
    struct host *host;
    struct ipvs ipvs;
    bool ipvs_up;
    struct emu_keepalived ka;
    struct emu_tap taps[SCN_MAX_IFS];
    int ntaps;
    struct emu_pcap_dev devs[SCN_MAX_IFS];
    int ndevs;
    struct emu_director_capture caps[SCN_MAX_IFS];   /* by the node's interface index */
};

/* Whether every o->ifaces entry names one of director `index`'s linked
 * interfaces, once, and no device twice: 0, or -1 with err naming the
 * entry (and the linked interfaces there are). */
int emu_director_check_ifaces(const struct scn_topo *t, int index, const struct emu_director_opts *o, char *err,
                              size_t errlen);
/* Bring up director `index` of topo on loop. 0, or -1 with err (then
 * emu_director_stop() undoes what was done); o->ifaces is checked first. */
int emu_director_start(struct emu_director *d, struct ev_loop *loop, const struct scn_topo *topo, int index,
                       const struct emu_director_opts *o, char *err, size_t errlen);
/* `ipvsadm -L -n`, then the same with --stats --exact, then the drop and
 * SYN-proxy counters (lvs/director_counters.h), then each TAP's and each
 * existing interface's counters. */
void emu_director_list(struct emu_director *d, FILE *out);
/* keepalived's graceful stop (priority-0 adverts, services removed), as
 * on SIGTERM; emu_director_stop() follows. */
void emu_director_shutdown(struct emu_director *d);
/* Close the TAPs, existing interfaces (their offloads restored) and
 * pcaps, free the host; returns packets still live (0). */
size_t emu_director_stop(struct emu_director *d);

#endif
