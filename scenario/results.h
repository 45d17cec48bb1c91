/*
 * What the simulated and emulated worlds' runs share around their records:
 * picking the runs --mode names, a run's latency object, and results.json
 * itself, where simulated and emulated runs of one scenario sit side by
 * side (docs/results-schema.md).
 */
#ifndef SCENARIO_RESULTS_H
#define SCENARIO_RESULTS_H

#include <jansson.h>
#include <stdio.h>

#include "engine/histogram.h"
#include "scenario/scenario.h"

#define LVSLAB_VERSION "0.1"

/* Keep the runs whose mode the comma-separated list names (NULL: all); -1
 * with "CMD: --mode M: ..." on err when it names one the scenario lacks. */
int scn_select_modes(const struct scenario *sc, const char *list, struct scn_run *runs, int *n,
                     const char *cmd, FILE *err);

/* mkdir -p; 0 or -1 with errno. */
int scn_mkdirs(const char *path);

/* rm -r (symbolic links removed, not followed); 0 also when path does not
 * exist, or -1 with errno. */
int scn_rmtree(const char *path);

/* A run's latency_ms object from a histogram of nanoseconds (nulls when empty). */
json_t *scn_latency_json(const struct histogram *h);

/* Write DIR/results.json with runs (a JSON array of records of world
 * "sim" or "emu"); the report is the caller's (reports/report.h). Records
 * of the other world already in DIR/results.json for the same scenario are
 * kept (their number in *kept), so both worlds show side by side; records
 * of the same world are replaced. 0, or -1 with err. */
int scn_results_write(const char *dir, const struct scenario *sc, const char *world, json_t *records,
                      size_t *kept, char *err, size_t errlen);

/* A swept value as JSON: a number or a string. */
json_t *scn_value_json(const struct scn_value *v);
/* A run's "sweep" object: {"sched": "rr", "servers": 30}; {} without a sweep. */
json_t *scn_run_sweep_json(const struct scenario *sc, const struct scn_run *run);

/* The scenario object of results.json, every mode of the scenario listed
 * (the writer keeps those of the document's runs). */
json_t *scn_results_scenario(const struct scenario *sc);

/* scn_results_write from a scenario object and seed rather than the
 * scenario itself: how `lvslab merge` writes, byte for byte as a run would. */
int scn_results_write_doc(const char *dir, const json_t *scenario, uint64_t seed, const char *world,
                          json_t *records, size_t *kept, char *err, size_t errlen);

#endif
