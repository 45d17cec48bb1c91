/*
 * What `lvslab run`, `emu run` and `slurm` start from: the scenario loaded
 * with --set, its runs that --mode keeps, each with its index among all
 * the scenario's runs (modes outer, sweep values inner: the indexes of
 * --plan and --only), and the output folder (--out, or out/<name>).
 */
#ifndef CMD_SWEEP_H
#define CMD_SWEEP_H

#include <stdio.h>

#include "cmd/args.h"
#include "scenario/scenario.h"

struct cmd_sweep {
    struct scenario sc;
    struct scn_run runs[SCN_MAX_RUNS];
    int index[SCN_MAX_RUNS];
    int n, total;               /* the runs kept, and all the scenario's */
    char dir[512];
};

/* 0, or -1 with "CMD: ..." on err (a bad script, --set or --mode: usage
 * errors; nothing to free). */
int cmd_sweep_load(struct cmd_sweep *s, const struct cmd_args *a, const char *cmd, FILE *err);
void cmd_sweep_free(struct cmd_sweep *s);

#endif
