/*
 * A simulated world from one run of a scenario: its nodes (hosts, routers,
 * switches, CPU models), links, addresses, routes and sysctls, the director
 * with its ipvsadm rules and FULLNAT local addresses, and each real
 * server's set-up for its mode (the VIP on lo or tunl0 with the ARP fix for
 * DR and TUN). Errors name the script line that declared the culprit.
 */
#ifndef SIM_BUILD_H
#define SIM_BUILD_H

#include <stdbool.h>

#include "lvs/ipvs.h"
#include "lvs/keepalived/sync_daemon.h"
#include "scenario/scenario.h"
#include "sim/world.h"

/* What keepalived and VRRP report: kind ("rs_down", "vrrp_master"...),
 * what it is about (a real server, a director) and a sentence. */
typedef void (*sim_build_event_fn)(void *ctx, const char *kind, const char *what, const char *detail);
/* A MISC_CHECK predicate: does the real server at addr:port pass `path`? */
typedef bool (*sim_build_misc_fn)(void *ctx, const char *path, uint32_t addr, uint16_t port);

/* A keepalived vrrp_script on a director (by node name): does it pass now? */
typedef bool (*sim_build_script_fn)(void *ctx, const char *director, const char *script);

/* Where one director's keepalived reports (sim/build_keepalived.c). */
struct sim_ka_sink {
    struct sim_build *b;
    int director;
    struct ka_sync_daemon sync; /* lvs_sync_daemon */
};

struct sim_build {
    struct sim_world *w;
    const struct scn_topo *topo;
    struct sim_node **nodes;   /* by the scenario's node index */
    int nnodes;
    struct sim_link **links;   /* by the scenario's link index */
    struct ipvs **ipvs;        /* each director's table, in the scenario's order */
    int nipvs;
    struct ka_checks **checks; /* each director's health checkers, or NULL */
    struct vrrp_daemon **vrrp; /* each director's VRRP, or NULL */
    struct sim_ka_sink *sinks; /* each director's listener for them */
    sim_build_event_fn event;  /* set before running to hear keepalived's events */
    void *event_ctx;
    sim_build_misc_fn misc;    /* set before running to answer MISC_CHECKs (else they fail) */
    void *misc_ctx;
    sim_build_script_fn script; /* set before running to answer vrrp_scripts (else they fail) */
    void *script_ctx;
};

/* Build the world of topo with seed; capture (NULL or with dir "": none)
 * says which NICs to capture and how. 0, or -1 with "file:line: message"
 * in err (b is then empty). */
int sim_build(struct sim_build *b, const struct scn_topo *topo, uint64_t seed, const struct scn_capture *capture,
              char *err, size_t errlen);
/* Director i crashed: its keepalived dies with it (no goodbye on the wire;
 * the kernel's table is as it was while the node is down). */
void sim_build_director_crash(struct sim_build *b, int i);
/* Director i is back after a crash: an empty table, then its keepalived
 * and rules again, as a reboot would. 0, or -1 with err. */
int sim_build_director_reboot(struct sim_build *b, int i, char *err, size_t errlen);
/* Frees the world; returns the packets still live (0 expected). */
size_t sim_build_free(struct sim_build *b);

#endif
