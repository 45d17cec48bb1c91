/* results.json for simulated and emulated runs, and what both worlds' commands share. */
#define _XOPEN_SOURCE 700   /* nftw */
#include "scenario/results.h"

#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int scn_select_modes(const struct scenario *sc, const char *list, struct scn_run *runs, int *n,
                     const char *cmd, FILE *err)
{
    if (!list)
        return 0;
    bool wanted[SCN_MODES] = { false };
    char copy[128];
    snprintf(copy, sizeof copy, "%s", list);
    for (char *save, *m = strtok_r(copy, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
        int mode = scn_mode_parse(m);
        bool in_scenario = false;
        for (int i = 0; mode >= 0 && i < sc->nmodes; i++)
            in_scenario |= sc->modes[i] == (enum scn_mode)mode;
        if (!in_scenario) {
            fprintf(err, "%s: --mode %s: not one of the scenario's modes (", cmd, m);
            for (int k = 0; k < sc->nmodes; k++)
                fprintf(err, "%s%s", k ? ", " : "", scn_mode_name(sc->modes[k]));
            fprintf(err, ")\n");
            return -1;
        }
        wanted[mode] = true;
    }
    int kept = 0;
    for (int i = 0; i < *n; i++)
        if (wanted[runs[i].mode])
            runs[kept++] = runs[i];
    *n = kept;
    return 0;
}

int scn_mkdirs(const char *path)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int scn_rmtree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

json_t *scn_latency_json(const struct histogram *h)
{
    static const double quantiles[] = { 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90,
                                        95, 97.5, 99, 99.5, 99.9, 100 };
    if (h->count == 0)
        return json_pack("{s:n, s:n, s:n, s:n, s:n}", "mean", "p50", "p99", "p999", "cdf");
    json_t *cdf = json_array();
    json_array_append_new(cdf, json_pack("[f, f]", (double)h->min / 1e6, 0.0));
    for (size_t i = 0; i < sizeof quantiles / sizeof *quantiles; i++)
        json_array_append_new(cdf, json_pack("[f, f]", (double)hist_percentile(h, quantiles[i]) / 1e6,
                                             quantiles[i] / 100));
    return json_pack("{s:f, s:f, s:f, s:f, s:o}", "mean", hist_mean(h) / 1e6,
                     "p50", (double)hist_percentile(h, 50) / 1e6, "p99", (double)hist_percentile(h, 99) / 1e6,
                     "p999", (double)hist_percentile(h, 99.9) / 1e6, "cdf", cdf);
}

json_t *scn_value_json(const struct scn_value *v)
{
    return v->is_string ? json_string(v->str) : json_real(v->num);
}

json_t *scn_run_sweep_json(const struct scenario *sc, const struct scn_run *run)
{
    json_t *sweep = json_object();
    for (int d = 0; d < sc->nsweep; d++)
        json_object_set_new(sweep, sc->sweep[d].param, scn_value_json(&run->sweep[d]));
    return sweep;
}

json_t *scn_results_scenario(const struct scenario *sc)
{
    json_t *modes = json_array();
    for (int m = 0; m < sc->nmodes; m++)
        json_array_append_new(modes, json_string(scn_mode_name(sc->modes[m])));
    json_t *sweep = json_null();
    if (sc->nsweep) {
        json_t *params = json_array();
        for (int d = 0; d < sc->nsweep; d++) {
            json_t *values = json_array();
            for (int i = 0; i < sc->sweep[d].nvalues; i++)
                json_array_append_new(values, scn_value_json(&sc->sweep[d].values[i]));
            json_array_append_new(params, json_pack("{s:s, s:o}", "name", sc->sweep[d].param, "values", values));
        }
        json_t *first = json_array_get(params, 0);
        sweep = json_pack("{s:O, s:O, s:o}", "param", json_object_get(first, "name"), "values",
                          json_object_get(first, "values"), "params", params);
    }
    return json_pack("{s:s, s:s, s:o, s:o, s:f, s:o, s:o}", "name", sc->name, "file", sc->file,
                     "description", sc->description[0] ? json_string(sc->description) : json_null(),
                     "lesson", sc->lesson[0] ? json_string(sc->lesson) : json_null(),
                     "duration_s", sim_time_to_s(sc->duration), "modes", modes, "sweep", sweep);
}

/* The scenario object as written: its modes are those of the runs in the document. */
static json_t *scenario_record(const json_t *scenario, json_t *records)
{
    json_t *rec = json_deep_copy(scenario), *modes = json_array();
    size_t m, i;
    json_t *mode, *r;
    json_array_foreach(json_object_get(scenario, "modes"), m, mode)
        json_array_foreach(records, i, r)
            if (json_equal(json_object_get(r, "mode"), mode)) {
                json_array_append(modes, mode);
                break;
            }
    json_object_set_new(rec, "modes", modes);
    return rec;
}

/* The other world's records of the same scenario in an earlier results.json. */
static json_t *kept_records(const char *path, const char *scenario, const char *world)
{
    json_t *kept = json_array();
    json_t *old = json_load_file(path, 0, NULL);
    const char *name = json_string_value(json_object_get(json_object_get(old, "scenario"), "name"));
    size_t i;
    json_t *r;
    if (name && !strcmp(name, scenario))
        json_array_foreach(json_object_get(old, "runs"), i, r) {
            const char *w = json_string_value(json_object_get(r, "world"));
            if (w && strcmp(w, world))
                json_array_append(kept, r);
        }
    json_decref(old);
    return kept;
}

int scn_results_write_doc(const char *dir, const json_t *scenario, uint64_t seed, const char *world,
                          json_t *records, size_t *kept, char *err, size_t errlen)
{
    char path[600];
    snprintf(path, sizeof path, "%s/results.json", dir);
    json_t *all = kept_records(path, json_string_value(json_object_get(scenario, "name")), world);
    *kept = json_array_size(all);
    bool mixed = *kept > 0;
    json_array_extend(all, records);
    json_t *doc = json_pack("{s:{s:s, s:I, s:s}, s:o, s:o}", "lvslab", "version", LVSLAB_VERSION, "seed",
                            (json_int_t)seed, "world", mixed ? "sim+emu" : world, "scenario",
                            scenario_record(scenario, all), "runs", all);
    int rc = 0;
    if (json_dump_file(doc, path, JSON_INDENT(1) | JSON_REAL_PRECISION(9)) < 0) {
        snprintf(err, errlen, "cannot write %s", path);
        rc = -1;
    }
    json_decref(doc);
    return rc;
}

int scn_results_write(const char *dir, const struct scenario *sc, const char *world, json_t *records,
                      size_t *kept, char *err, size_t errlen)
{
    json_t *scenario = scn_results_scenario(sc);
    int rc = scn_results_write_doc(dir, scenario, sc->seed, world, records, kept, err, errlen);
    json_decref(scenario);
    return rc;
}
