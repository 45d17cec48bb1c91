/* The subcommands of the lvslab command: each one's entry point and its
 * one-line summary. argv[0] is the subcommand's name. */
#ifndef CMD_CMD_H
#define CMD_CMD_H

#include <stddef.h>
#include <stdio.h>

enum { CMD_OK = 0, CMD_FAILED = 1, CMD_USAGE = 2 };

struct cmd_command {
    const char *name;
    const char *summary;
    int (*main)(int argc, char **argv, FILE *out, FILE *err);
};

/* The report beside DIR/results.json, written by both run commands after
 * their runs (cmd/report.c). 0, or -1 with err. */
int cmd_report_write(const char *dir, char *err, size_t errlen);

struct scenario;
struct scn_run;
/* The warnings of the keepalived.conf files the runs read (the parser's,
 * and lb_kind against the real servers' wiring: scenario/keepalived.h),
 * each once, as "WHO: warning: ..." lines on err, before the runs start
 * (cmd/keepalived.c). */
void cmd_keepalived_warnings(struct scenario *sc, const struct scn_run *runs, int nruns, const char *who,
                             FILE *err);
/* Before a command's runs: every run built once (scn_runs_check), those
 * warnings printed, and the first run that does not build reported as
 * "WHO: MODE[ PARAM=VALUE]: message"; CMD_OK, or CMD_USAGE with nothing
 * run yet. */
int cmd_runs_check(struct scenario *sc, const struct scn_run *runs, int nruns, const char *who, FILE *err);

extern const struct cmd_command cmd_calibrate;
extern const struct cmd_command cmd_emu;
extern const struct cmd_command cmd_ipvsadm;
extern const struct cmd_command cmd_keepalived;
extern const struct cmd_command cmd_merge;
extern const struct cmd_command cmd_pcap;
extern const struct cmd_command cmd_report;
extern const struct cmd_command cmd_run;
extern const struct cmd_command cmd_sched;
extern const struct cmd_command cmd_slurm;

#endif
