/*
 * `lvslab merge DIR... --out DIR`: the parts of a split sweep (folders of
 * `lvslab run --only`, each with plan.json and runs/run-K.json) joined into
 * one results.json and its report, byte for byte what one `lvslab run` of
 * the whole sweep writes. Refused, naming what is wrong: a folder that is no
 * part, parts of different sweeps (version, scenario, seed, parameters, the
 * runs planned), a run in two parts, a run the plan lacks, runs missing.
 * A folder of `lvslab emu run` may come too: its emulated runs sit beside
 * the simulated ones, as when both commands write one folder.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/args.h"
#include "cmd/cmd.h"
#include "scenario/plan.h"
#include "scenario/results.h"

struct merge {
    json_t *plan;               /* the first part's */
    const char *plan_dir;
    json_t **records;           /* by place in the plan */
    const char **from;          /* the folder each came from */
    size_t nplanned;
    json_t *emu;                /* emulated runs */
};

static int usage(FILE *f, int rc)
{
    fprintf(f, "usage: lvslab merge DIR... --out DIR [--quiet]\n"
               "  Join the parts of a sweep, each the folder of 'lvslab run SCENARIO --only ...'\n"
               "  (DIR/plan.json, DIR/runs/run-K.json), into OUT/results.json and its report:\n"
               "  the same bytes as one 'lvslab run' of the whole sweep. A folder of 'lvslab\n"
               "  emu run' of the same scenario adds its emulated runs. Parts of different\n"
               "  sweeps, a run twice and runs missing are refused (docs/cluster.md).\n"
               "  Exit codes: 0 written, 1 a write failed, 2 bad usage or parts that do not join.\n");
    return rc;
}

/* The index of the plan's i-th run. */
static long long plan_index(const json_t *plan, size_t i)
{
    return json_integer_value(json_object_get(json_array_get(json_object_get(plan, "runs"), i), "index"));
}

/* Where run index k stands in the plan, or -1: a binary search, the plan's
 * runs being in index order (a study's merge may take thousands). */
static int plan_place(const json_t *plan, long long k)
{
    size_t lo = 0, hi = json_array_size(json_object_get(plan, "runs"));
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        long long at = plan_index(plan, mid);
        if (at == k)
            return (int)mid;
        if (at < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* One part's runs into m; 0, or -1 with the message on err. */
static int take_runs(struct merge *m, const char *dir, FILE *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/runs", dir);
    DIR *d = opendir(path);
    if (!d) {
        fprintf(err, "lvslab merge: %s: no runs folder (the part of 'lvslab run --only' holds one)\n", dir);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        long long k;
        char tail[8];
        if (sscanf(e->d_name, "run-%lld%7s", &k, tail) != 2 || strcmp(tail, ".json"))
            continue;
        int at = plan_place(m->plan, k);
        snprintf(path, sizeof path, "%.700s/runs/%.255s", dir, e->d_name);
        json_error_t je;
        json_t *rec = at < 0 ? NULL : json_load_file(path, 0, &je);
        if (at < 0)
            fprintf(err, "lvslab merge: %s: run %lld is not in the plan of %s\n", path, k, m->plan_dir);
        else if (!rec)
            fprintf(err, "lvslab merge: %s: %s\n", path, je.text);
        else if (m->records[at])
            fprintf(err, "lvslab merge: run %lld is in both %s and %s\n", k, m->from[at], dir);
        if (at < 0 || !rec || m->records[at]) {
            json_decref(rec);
            rc = -1;
            continue;
        }
        m->records[at] = rec;
        m->from[at] = dir;
    }
    closedir(d);
    return rc;
}

/* An emulated folder's runs into m->emu; 0, or -1 with the message on err. */
static int take_emu(struct merge *m, const char *dir, const json_t *doc, FILE *err)
{
    const char *name = json_string_value(json_object_get(json_object_get(doc, "scenario"), "name"));
    const char *want = json_string_value(json_object_get(json_object_get(m->plan, "scenario"), "name"));
    if (!name || strcmp(name, want)) {
        fprintf(err, "lvslab merge: %s: emulated runs of scenario %s, not %s\n", dir, name ? name : "?", want);
        return -1;
    }
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "runs"), i, r)
        if (!strcmp(json_string_value(json_object_get(r, "world")) ?: "", "emu"))
            json_array_append(m->emu, r);
    return 0;
}

/* Runs the plan has and no part brought, as "4-7,12"; "" when none. */
static void missing_runs(const struct merge *m, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < m->nplanned; i++) {
        if (m->records[i])
            continue;
        long long lo = plan_index(m->plan, i), hi = lo;
        while (i + 1 < m->nplanned && !m->records[i + 1] && plan_index(m->plan, i + 1) == hi + 1)
            hi++, i++;
        int n = hi > lo ? snprintf(out + used, len - used, "%s%lld-%lld", used ? "," : "", lo, hi)
                        : snprintf(out + used, len - used, "%s%lld", used ? "," : "", lo);
        if (n < 0 || (size_t)n >= len - used)
            break;
        used += (size_t)n;
    }
}

/* Every folder read and checked against the first part's plan. */
static int gather(struct merge *m, char **dirs, int ndirs, FILE *err)
{
    json_t **plans = calloc((size_t)ndirs, sizeof *plans);
    int rc = 0;
    for (int i = 0; i < ndirs && rc == 0; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/plan.json", dirs[i]);
        plans[i] = json_load_file(path, 0, NULL);
        if (plans[i] && !m->plan) {
            m->plan = plans[i], m->plan_dir = dirs[i];
            m->nplanned = json_array_size(json_object_get(m->plan, "runs"));
            m->records = calloc(m->nplanned + 1, sizeof *m->records);
            m->from = calloc(m->nplanned + 1, sizeof *m->from);
        }
    }
    if (!m->plan) {
        fprintf(err, "lvslab merge: no part among the folders: a part holds plan.json (lvslab run --only)\n");
        rc = -1;
    }
    for (int i = 0; i < ndirs && rc == 0; i++) {
        char why[400];
        if (plans[i] && scn_plan_differs(m->plan, plans[i], why, sizeof why)) {
            fprintf(err, "lvslab merge: %s and %s are parts of different sweeps: %s\n", m->plan_dir, dirs[i], why);
            rc = -1;
        } else if (plans[i]) {
            rc = take_runs(m, dirs[i], err);
        } else {
            char path[1024];
            snprintf(path, sizeof path, "%s/results.json", dirs[i]);
            json_t *doc = json_load_file(path, 0, NULL);
            if (!doc) {
                fprintf(err, "lvslab merge: %s: neither a part (no plan.json) nor emulated runs (no results.json)\n",
                        dirs[i]);
                rc = -1;
            } else {
                rc = take_emu(m, dirs[i], doc, err);
            }
            json_decref(doc);
        }
    }
    for (int i = 0; i < ndirs; i++)
        if (plans[i] != m->plan)
            json_decref(plans[i]);
    free(plans);
    return rc;
}

/* results.json (the emulated runs first, as if `emu run` had written the
 * folder before `run`) and the report. */
static int write_merged(struct merge *m, const char *out_dir, FILE *err)
{
    char msg[512];
    size_t kept;
    json_t *scenario = json_object_get(m->plan, "scenario");
    uint64_t seed = (uint64_t)json_integer_value(json_object_get(m->plan, "seed"));
    json_t *list = json_array();
    for (size_t i = 0; i < m->nplanned; i++)
        json_array_append(list, m->records[i]);
    int rc = scn_mkdirs(out_dir) < 0 ? -1 : 0;
    if (rc < 0)
        snprintf(msg, sizeof msg, "%s: cannot make the folder", out_dir);
    if (rc == 0 && json_array_size(m->emu))
        rc = scn_results_write_doc(out_dir, scenario, seed, "emu", m->emu, &kept, msg, sizeof msg);
    if (rc == 0)
        rc = scn_results_write_doc(out_dir, scenario, seed, "sim", list, &kept, msg, sizeof msg);
    if (rc == 0)
        rc = cmd_report_write(out_dir, msg, sizeof msg);
    if (rc < 0)
        fprintf(err, "lvslab merge: %s\n", msg);
    json_decref(list);
    return rc;
}

static int merge_main(int argc, char **argv, FILE *out, FILE *err)
{
    const char *out_dir = NULL;
    bool quiet = false;
    char **dirs = calloc((size_t)argc, sizeof *dirs);
    int ndirs = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            free(dirs);
            return usage(out, CMD_OK);
        }
        if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out_dir = argv[++i];
        else if (!strcmp(argv[i], "--quiet"))
            quiet = true;
        else if (argv[i][0] == '-') {
            fprintf(err, "lvslab merge: unknown option or missing value: \"%s\"\n", argv[i]);
            free(dirs);
            return usage(err, CMD_USAGE);
        } else {
            dirs[ndirs++] = argv[i];
        }
    }
    if (!ndirs || !out_dir) {
        fprintf(err, "lvslab merge: %s\n", !ndirs ? "which folders?" : "--out DIR: where?");
        free(dirs);
        return usage(err, CMD_USAGE);
    }
    struct merge m = { .emu = json_array() };
    int rc = gather(&m, dirs, ndirs, err) < 0 ? CMD_USAGE : CMD_OK;
    char missing[512];
    if (rc == CMD_OK)
        missing_runs(&m, missing, sizeof missing);
    if (rc == CMD_OK && missing[0]) {
        fprintf(err, "lvslab merge: runs missing: %s (run them with 'lvslab run SCENARIO --only %s' and the same "
                     "--set options, then merge again)\n", missing, missing);
        rc = CMD_USAGE;
    }
    if (rc == CMD_OK)
        rc = write_merged(&m, out_dir, err) < 0 ? CMD_FAILED : CMD_OK;
    if (rc == CMD_OK && !quiet)
        fprintf(out, "merged %zu runs from %d folders into %s/{results.json,summary.md,index.html}\n", m.nplanned,
                ndirs, out_dir);
    for (size_t i = 0; i < m.nplanned; i++)
        json_decref(m.records[i]);
    free(m.records);
    free(m.from);
    json_decref(m.plan);
    json_decref(m.emu);
    free(dirs);
    return rc;
}

const struct cmd_command cmd_merge = {
    .name = "merge",
    .summary = "join the parts of a split sweep into one results.json and its report",
    .main = merge_main,
};
