/*
 * A sweep as a plan of runs, for splitting it over machines and joining
 * the parts again: each run's index (its place among all the scenario's
 * runs, modes outer and sweep values inner), mode and sweep value, with
 * what makes two parts of one sweep: the lvslab version, the scenario
 * object of results.json, the seed and the parameters after --set.
 */
#ifndef SCENARIO_PLAN_H
#define SCENARIO_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "scenario/scenario.h"

/* The plan of the runs runs[0..n) whose indexes are index[0..n):
 * {"lvslab", "scenario", "seed", "params", "runs": [{"index", "mode",
 * "sweep"}...]}. */
json_t *scn_plan_json(const struct scenario *sc, const struct scn_run *runs, const int *index, int n);

/* The scenario's parameters after --set, by name (warmup_s among them). */
json_t *scn_plan_params(const struct scenario *sc);

/* Every parameter of one run: scn_plan_params with the run's swept
 * values, and duration_s (results.json's runs[].params). */
json_t *scn_run_params_json(const struct scenario *sc, const struct scn_run *run);

/* Does b belong to the same sweep as a? NULL if so, or which of version,
 * scenario, seed, parameters or runs differ (a sentence, into buf). */
const char *scn_plan_differs(const json_t *a, const json_t *b, char *buf, size_t len);

/* "K[,K-L...]" over indexes 0..total-1 into chosen[]: 0, or -1 with err
 * naming the bad piece. */
int scn_plan_parse_only(const char *spec, int total, bool *chosen, char *err, size_t errlen);

#endif
