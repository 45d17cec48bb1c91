/*
 * `lvslab run`'s split of a sweep (docs/cluster.md): --plan lists the runs
 * with their indexes, --only K[,K-L...] runs just those into a part folder
 * (DIR/plan.json and DIR/runs/run-K.json, for `lvslab merge`).
 */
#ifndef CMD_RUN_SPLIT_H
#define CMD_RUN_SPLIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "scenario/scenario.h"

struct run_split {
    bool plan, json;            /* --plan [--json] */
    const char *only;           /* --only SPEC */
};

/* --plan, --json and --only as run's own options (a cmd_args_own_fn). */
int cmd_run_split_opt(void *split, const char *arg, const char *next, FILE *err);

/* The plan on out: a line per run ("K MODE [PARAM=VALUE] seed=N"), or the
 * JSON of scenario/plan.h. */
void cmd_run_print_plan(const json_t *plan, bool json, FILE *out);

/* Keep the runs --only names; -1 with the message on err when it names an
 * index outside the scenario's runs or one --mode left out. */
int cmd_run_keep_only(const char *spec, int total, struct scn_run *runs, int *index, int *n, FILE *err);

/* The part folder: DIR/plan.json (the whole plan) and each record as
 * DIR/runs/run-K.json, runs an earlier part left there removed. 0, or -1
 * with err. */
int cmd_run_write_part(const char *dir, const json_t *plan, json_t *records, const int *index, char *err,
                       size_t errlen);

#endif
