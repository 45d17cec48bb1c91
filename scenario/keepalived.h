/*
 * What a scenario's keepalived.conf files say before its runs start, so a
 * command prints it once rather than once per run: each file's parser
 * warnings (ignored keywords, old names, settings not modelled) and each
 * real server whose virtual_server's lb_kind does not fit how the
 * scenario sets that server up (realserver{mode}): a NAT server routed
 * back through the director, a DR server holding the VIP on a non-ARP
 * device, and so on. Neither stops a run.
 */
#ifndef SCENARIO_KEEPALIVED_H
#define SCENARIO_KEEPALIVED_H

#include "lvs/keepalived/conf.h"
#include "scenario/scenario.h"

/* One line "file:line: real_server ... of virtual_server ...: lb_kind X,
 * but the scenario sets NODE up for mode (script:line)" for each real
 * server of conf that a node of t holds and a realserver declaration
 * sets up for another mode, appended to *out (NULL or a malloc'd string,
 * grown; a line already there is not added again). */
void scn_ka_wiring(const struct scn_topo *t, const struct ka_conf *conf, char **out);

/* Whether addr is a virtual_ipaddress of a vrrp_instance in a director's
 * keepalived.conf (a file that does not parse is passed over). */
bool scn_ka_floating(const struct scn_topo *t, uint32_t addr);

/* Every such warning of the files the runs' directors read: each file's
 * parser warnings once, then each wiring line once, whichever runs give
 * it. NULL when there is none. A run that does not build, or a file that
 * does not parse, is passed over: the run itself reports it. */
char *scn_ka_warnings(struct scenario *sc, const struct scn_run *runs, int nruns);

/* The pass before a command's runs: every run built (scenario_build) once,
 * so that a run that does not build is reported before any run is
 * simulated, and the warnings above gathered on the way into *warnings
 * (NULL when there is none). 0, or -1 with *bad the index of the first run
 * that does not build and its message in err; *bad is -1 when all build. */
int scn_runs_check(struct scenario *sc, const struct scn_run *runs, int nruns, char **warnings, int *bad,
                   char *err, size_t errlen);

#endif
