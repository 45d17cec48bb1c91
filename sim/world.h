/*
 * The simulated world: the event scheduler, the packet pool shared by every
 * host, nodes (hosts and switches), NICs and links, pcap taps. Everything
 * random draws from a stream named after its component and the world's
 * seed, so the same world and seed give the same frames, byte for byte.
 */
#ifndef SIM_WORLD_H
#define SIM_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/rng.h"
#include "engine/sched.h"
#include "scenario/pcap.h"
#include "net/host.h"
#include "scenario/cpu_profile.h"

#define SIM_NAME_MAX 32

struct sim_nic;
struct sim_switch;

/* A link direction: what one NIC sends to its peer. */
struct sim_link_params {
    uint64_t rate_bps;
    sim_time_t delay;
    sim_time_t jitter;         /* uniform 0..jitter added, never reordering */
    double loss;
    uint32_t mtu;              /* IP MTU of both ends */
    uint32_t queue_pkts;       /* transmit queue of each NIC */
};

struct sim_cpu_params {
    int cores;                 /* 0: no model */
    sim_time_t per_packet;
    double per_byte_ns;
    uint32_t backlog;          /* frames waiting for a core before drops */
    /* by_work: each frame costs the sum of what was done to it, cost_ns
     * per operation (scenario/cpu_profile.h), instead of per_packet and
     * per_byte */
    bool by_work;
    double cost_ns[SCN_COSTS];
};

struct sim_node {
    char name[SIM_NAME_MAX];
    struct sim_world *w;
    struct host *host;         /* NULL for a switch */
    struct sim_switch *sw;
    struct sim_nic **nics;     /* any number: a switch has one per port */
    int nnics;
    bool failed;
    struct sim_cpu *cpu;
};

struct sim_world {
    struct sched sched;
    struct pkt_pool *pool;
    uint64_t seed;
    struct sim_node **nodes;
    int nnodes;
    struct sim_link **links;
    int nlinks;
    struct scn_capture capture; /* capture.dir "" : none */
    uint64_t next_mac;
};

struct sim_world *sim_world_new(uint64_t seed);
/* Frees everything; returns the packets still live (0 expected). */
size_t sim_world_free(struct sim_world *w);
static inline struct rt *sim_world_rt(struct sim_world *w) { return sched_rt(&w->sched); }

/* Capture every NIC made from now on, switch ports too, in full, to
 * DIR/<node>-<iface>.pcap. */
void sim_world_capture(struct sim_world *w, const char *dir);
/* Capture the NICs made from now on that c selects, as c says. */
void sim_world_capture_with(struct sim_world *w, const struct scn_capture *c);

struct sim_node *sim_add_host(struct sim_world *w, const char *name);
/* A router is a host that forwards. */
struct sim_node *sim_add_router(struct sim_world *w, const char *name);
struct sim_node *sim_add_switch(struct sim_world *w, const char *name);

/* Join two nodes with a full-duplex link; each end gets a NIC (a host
 * interface ethN, or a switch port; a node takes any number). Returns the
 * link, or NULL when a == b or the rate is 0. */
struct sim_link *sim_connect(struct sim_world *w, struct sim_node *a, struct sim_node *b,
                             const struct sim_link_params *p);

void sim_node_set_cpu(struct sim_node *n, const struct sim_cpu_params *p);

/* Faults: a failed node drops everything in and out; a down link drops
 * what is sent on it. */
void sim_node_fail(struct sim_node *n, bool failed);
void sim_link_set_up(struct sim_link *l, bool up);

#endif
