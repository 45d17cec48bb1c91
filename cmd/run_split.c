/* `lvslab run --plan` and `--only`: a sweep split into parts (see run_split.h). */
#include "cmd/run_split.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario/plan.h"
#include "scenario/results.h"

int cmd_run_split_opt(void *split, const char *arg, const char *next, FILE *err)
{
    struct run_split *s = split;
    if (!strcmp(arg, "--plan") || !strcmp(arg, "--json")) {
        *(!strcmp(arg, "--plan") ? &s->plan : &s->json) = true;
        return 1;
    }
    if (strcmp(arg, "--only"))
        return 0;
    if (!next) {
        fprintf(err, "lvslab run: --only needs a value: --only K[,K-L...]\n");
        return -1;
    }
    s->only = next;
    return 2;
}

void cmd_run_print_plan(const json_t *plan, bool json, FILE *out)
{
    if (json) {
        json_dumpf(plan, out, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
        fputc('\n', out);
        return;
    }
    size_t i;
    json_t *run;
    json_array_foreach(json_object_get(plan, "runs"), i, run) {
        fprintf(out, "%lld %s", (long long)json_integer_value(json_object_get(run, "index")),
                json_string_value(json_object_get(run, "mode")));
        const char *param;
        json_t *value;
        json_object_foreach(json_object_get(run, "sweep"), param, value)
            if (json_is_string(value))
                fprintf(out, " %s=%s", param, json_string_value(value));
            else
                fprintf(out, " %s=%.17g", param, json_real_value(value));
        fprintf(out, " seed=%llu\n", (unsigned long long)json_integer_value(json_object_get(plan, "seed")));
    }
}

int cmd_run_keep_only(const char *spec, int total, struct scn_run *runs, int *index, int *n, FILE *err)
{
    bool *chosen = calloc((size_t)total, sizeof *chosen);
    char msg[256];
    if (scn_plan_parse_only(spec, total, chosen, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab run: %s\n", msg);
        free(chosen);
        return -1;
    }
    int kept = 0;
    for (int i = 0; i < *n; i++)
        if (chosen[index[i]]) {
            chosen[index[i]] = false;
            runs[kept] = runs[i], index[kept++] = index[i];
        }
    for (int k = 0; k < total; k++)
        if (chosen[k]) {
            fprintf(err, "lvslab run: --only %s: run %d is not among the runs --mode keeps (see --plan)\n", spec, k);
            free(chosen);
            return -1;
        }
    free(chosen);
    *n = kept;
    return 0;
}

/* Remove DIR/runs/run-*.json: a part holds only the runs of its --only. */
static int clear_runs(const char *runs_dir, char *err, size_t errlen)
{
    DIR *d = opendir(runs_dir);
    if (!d)
        return 0;
    struct dirent *e;
    char path[1024];
    int rc = 0;
    while (rc == 0 && (e = readdir(d)))
        if (!strncmp(e->d_name, "run-", 4) && strstr(e->d_name, ".json")) {
            snprintf(path, sizeof path, "%.700s/%.255s", runs_dir, e->d_name);
            if (unlink(path) < 0) {
                snprintf(err, errlen, "%s: %s", path, strerror(errno));
                rc = -1;
            }
        }
    closedir(d);
    return rc;
}

int cmd_run_write_part(const char *dir, const json_t *plan, json_t *records, const int *index, char *err,
                       size_t errlen)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/runs", dir);
    if (scn_mkdirs(path) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (clear_runs(path, err, errlen) < 0)
        return -1;
    size_t i;
    json_t *rec;
    json_array_foreach(records, i, rec) {    /* full precision: the merge writes them as a run would */
        snprintf(path, sizeof path, "%s/runs/run-%d.json", dir, index[i]);
        if (json_dump_file(rec, path, JSON_REAL_PRECISION(17)) < 0) {
            snprintf(err, errlen, "cannot write %s", path);
            return -1;
        }
    }
    snprintf(path, sizeof path, "%s/plan.json", dir);
    if (json_dump_file(plan, path, JSON_INDENT(1) | JSON_REAL_PRECISION(17)) < 0) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    return 0;
}
