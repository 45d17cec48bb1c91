/*
 * A run's timed events: the scenario's at(...) faults and ipvsadm lines,
 * carried out on the built world at their simulated times, and the log of
 * everything that happened (those, and what health checks and failover
 * report) with its time, for the results.
 */
#ifndef SIM_RUN_EVENTS_H
#define SIM_RUN_EVENTS_H

#include "sim/build.h"
#include "sim/run_apps.h"

#define SIM_EVENT_TEXT 128

struct sim_event_entry {
    sim_time_t t;
    char kind[24];             /* rs_down, link_down, director_crash, ipvsadm, ... */
    char what[SIM_EVENT_TEXT];
    char detail[SIM_EVENT_TEXT];   /* "" : none */
};

struct sim_events;

/* Arms every event of topo on b's clock; apps stop and start in apps. */
struct sim_events *sim_events_start(struct sim_build *b, const struct scn_topo *topo, struct sim_apps *apps);
/* Adds an entry at the current time. */
void sim_events_log(struct sim_events *e, const char *kind, const char *what, const char *detail);
/* The first timed ipvsadm line the table refused (the run has failed), or NULL. */
const char *sim_events_error(const struct sim_events *e);
int sim_events_count(const struct sim_events *e);
const struct sim_event_entry *sim_events_entry(const struct sim_events *e, int i);
void sim_events_free(struct sim_events *e);

#endif
