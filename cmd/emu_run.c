/*
 * `lvslab emu run SCENARIO`: the scenario's runs in the emulated world, one
 * after another (emu/run.c), recorded as "emu" runs in results.json beside
 * the simulated runs of the same scenario, with the report.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "cmd/args.h"
#include "cmd/cmd.h"
#include "cmd/emu.h"
#include "cmd/sweep.h"
#include "emu/run.h"
#include "emu/run_load.h"
#include "emu/world.h"
#include "scenario/results.h"

#define EMU_RUN_ARGS (CMD_ARG_MODE | CMD_ARG_SET | CMD_ARG_SEED | CMD_ARG_OUT | CMD_ARG_PCAP | CMD_ARG_TAG)

static int usage(FILE *f, int rc)
{
    fprintf(f, "usage: lvslab emu run SCENARIO [--mode MODE,...] [--set KEY=VALUE]... [--out DIR] [--pcap]\n"
               "                       [--tag TAG]\n"
               "  Run each of the scenario's runs (each mode it compares, each sweep value) in\n"
               "  the emulated world: namespaces and bridges, every link at its rate (tc htb),\n"
               "  lvslab's director on TAPs, real servers (python3 http.server) and real\n"
               "  clients (wrk) for the scenario's duration. The runs go into DIR/results.json\n"
               "  (default out/<scenario name>) as world \"emu\", beside the simulated runs\n"
               "  'lvslab run' wrote there, and the report is written again. --pcap captures\n"
               "  the director's TAPs. Each run's world is named TAG (default e<pid>; 'lvslab\n"
               "  emu down TAG' if interrupted). Needs root.\n"
               "  Exit codes: 0 written, 1 a run failed, 2 bad usage or scenario error.\n");
    return rc;
}

/* One run. Its record, or NULL with err and *code CMD_USAGE (the
 * scenario) or CMD_FAILED (the run). */
static json_t *run_one(struct scenario *sc, const struct scn_run *run, const struct cmd_args *a,
                       const char *dir, const char *tag, int *code, char *err, size_t errlen)
{
    struct scn_topo topo;
    *code = CMD_USAGE;
    if (scenario_build(sc, run, &topo, err, errlen) < 0)
        return NULL;
    if (emu_loads_check(&topo, err, errlen) < 0) {
        scn_topo_free(&topo);
        return NULL;
    }
    *code = CMD_FAILED;
    char self[PATH_MAX], rel[160], pcap_dir[700], value[SCN_MAX_DIMS][96];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
    snprintf(rel, sizeof rel, "pcap-emu/%s", scn_mode_name(run->mode));
    char values[128];
    scn_run_folder(sc, run, values, sizeof values);
    if (values[0])
        snprintf(rel + strlen(rel), sizeof rel - strlen(rel), "/%s", values);
    snprintf(pcap_dir, sizeof pcap_dir, "%s/%s", dir, rel);
    if (a->pcap && scn_mkdirs(pcap_dir) < 0) {
        snprintf(err, errlen, "%.300s: %s", pcap_dir, strerror(errno));
        scn_topo_free(&topo);
        return NULL;
    }
    /* the director reloads this very run: the sweep value pinned */
    struct cmd_args one = *a;
    one.pcap_dir = a->pcap ? pcap_dir : NULL;
    for (int d = 0; d < sc->nsweep; d++) {
        char v[64];
        scn_value_text(&run->sweep[d], v, sizeof v);
        snprintf(value[d], sizeof value[d], "%s=%s", sc->sweep[d].param, v);
        one.sets[one.nsets++] = value[d];
    }
    struct cmd_emu_director_argv dargs;
    cmd_emu_director_args(&one, true, run->mode, &dargs);
    struct emu_run_opts o = { .tag = tag, .self = self, .director_argv = dargs.argv, .dir = dir,
                              .pcap_rel = a->pcap ? rel : NULL };
    json_t *rec = emu_run(sc, run, &topo, &o, err, errlen);
    scn_topo_free(&topo);
    if (rec)
        *code = CMD_OK;
    return rec;
}

int cmd_emu_run(int argc, char **argv, FILE *out, FILE *err)
{
    struct cmd_args a;
    int parsed = cmd_args_parse(&a, "lvslab emu run", EMU_RUN_ARGS, NULL, NULL, argc, argv, err);
    if (parsed)
        return parsed > 0 ? usage(out, CMD_OK) : usage(err, CMD_USAGE);
    struct cmd_sweep sw;
    if (cmd_sweep_load(&sw, &a, "lvslab emu run", err) < 0)
        return CMD_USAGE;
    struct scenario *sc = &sw.sc;
    const char *dir = sw.dir;
    int nruns = sw.n;
    char msg[512], tag[EMU_TAG_MAX];
    if (a.tag)
        snprintf(tag, sizeof tag, "%s", a.tag);
    else
        snprintf(tag, sizeof tag, "e%d", (int)(getpid() % 1000));
    /* a run that does not build stops all before any is emulated */
    int rc = cmd_runs_check(sc, sw.runs, nruns, "lvslab emu run", err);
    if (rc == CMD_OK && scn_mkdirs(dir) < 0) {
        fprintf(err, "lvslab emu run: %s: %s\n", dir, strerror(errno));
        rc = CMD_FAILED;
    }
    json_t *list = json_array();
    for (int i = 0; i < nruns && rc == CMD_OK; i++) {
        fprintf(out, "emulated run %d/%d: %s", i + 1, nruns, scn_mode_name(sw.runs[i].mode));
        char values[160];
        scn_run_label(sc, &sw.runs[i], " ", values, sizeof values);
        fprintf(out, "%s%s", values[0] ? " " : "", values);
        fprintf(out, " (tag %s)\n", tag);
        fflush(out);
        json_t *rec = run_one(sc, &sw.runs[i], &a, dir, tag, &rc, msg, sizeof msg);
        if (!rec) {
            fprintf(err, "lvslab emu run: %s\n", msg);
        } else {
            json_array_append_new(list, rec);
        }
    }
    size_t kept = 0;
    if (rc == CMD_OK && (scn_results_write(dir, sc, "emu", list, &kept, msg, sizeof msg) < 0 ||
                         cmd_report_write(dir, msg, sizeof msg) < 0)) {
        fprintf(err, "lvslab emu run: %s\n", msg);
        rc = CMD_FAILED;
    } else if (rc == CMD_OK) {
        fprintf(out, "wrote %s/{results.json,summary.md,index.html}", dir);
        if (kept)
            fprintf(out, " beside the %zu simulated runs there", kept);
        fputc('\n', out);
    }
    json_decref(list);
    cmd_sweep_free(&sw);
    return rc;
}
