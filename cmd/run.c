/*
 * `lvslab run SCENARIO`: every run of a scenario script (each mode it
 * compares, each value of its sweep) in the simulator, one after another,
 * into OUT/results.json, then the report beside it (reports/report.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/args.h"
#include "cmd/cmd.h"
#include "cmd/progress.h"
#include "cmd/progress_board.h"
#include "cmd/run_split.h"
#include "cmd/sweep.h"
#include "sim/run.h"
#include "scenario/plan.h"
#include "scenario/results.h"

#define MAX_RUNS SCN_MAX_RUNS
#define RUN_ARGS                                                                                     \
    (CMD_ARG_MODE | CMD_ARG_SET | CMD_ARG_SEED | CMD_ARG_OUT | CMD_ARG_JOBS | CMD_ARG_PCAP | CMD_ARG_QUIET | \
     CMD_ARG_PCAP_SELECT | CMD_ARG_SNAPLEN | CMD_ARG_PCAP_FRAMES)

static void usage(FILE *f)
{
    fprintf(f, "usage: lvslab run SCENARIO.lua [--mode MODE,...] [--set KEY=VALUE]... [--seed N]\n"
               "                  [--out DIR] [--pcap[=PATTERN,...] [--snaplen N] [--pcap-frames N]]\n"
               "                  [--jobs N] [--quiet] [--plan [--json] | --only K[,K-L...]]\n"
               "  Simulates every run of the scenario (each mode it compares, each value of its\n"
               "  sweep) and writes DIR/results.json (default DIR: out/<scenario name>), CSV files,\n"
               "  summary.md and index.html, then prints a table of the runs and the full path of\n"
               "  index.html. Runs: each mode, then the swept parameters in name order, the last\n"
               "  varying fastest (their cross product). Every run's world is built and checked\n"
               "  before the first is simulated (a mistake stops with file:line). Reports are\n"
               "  written under a temporary name and renamed; files of an earlier run that this\n"
               "  one did not write are removed. Charts take the swept numeric parameter as x\n"
               "  (a series per mode and other swept values; names alone: grouped bars), and\n"
               "  each run has a chart of its own (time series, connection table, shares).\n"
               "  --mode    only these of the scenario's modes (nat, tun, dr, fullnat)\n"
               "  --set     override a scenario parameter, or duration, warmup or seed; on a\n"
               "            swept parameter one value ends its sweep, V1,V2,... replaces it\n"
               "  --seed    the same as --set seed=N: same scenario and seed, same results\n"
               "  --pcap    capture every host's NICs (not switch ports) to pcapng files\n"
               "            DIR/pcap/<mode>[/<param>-<value>[_...]]/<node>-<iface>.pcap where Linux taps\n"
               "            (sent frames as they leave the queue, received ones as the stack takes\n"
               "            them); =PATTERN,... only the nodes or node-iface these globs match,\n"
               "            switches too (--pcap='director,rs*,lan-port1'). DIR/pcap/ of an\n"
               "            earlier run is removed first, with or without --pcap\n"
               "  --snaplen bytes kept of each frame, as tcpdump -s (default 0: whole frames)\n"
               "  --pcap-frames  frames per capture at most, as tcpdump -c (default %d;\n"
               "            0: all, tens of GB for a busy run)\n"
               "  --jobs    runs simulated at once (default: the CPUs online); the results\n"
               "            do not depend on it\n"
               "  --quiet   no progress on stderr, no table of the runs\n"
               "  --plan    list the runs, one a line (index, mode, swept values, seed), or\n"
               "            with --json as JSON; runs nothing\n"
               "  --only    run just these runs (indexes from --plan) into DIR/runs/, with\n"
               "            the plan in DIR/plan.json: a part for 'lvslab merge' (docs/cluster.md)\n"
               "exit codes: 0 written, 1 the run or a write failed, 2 bad usage or a bad scenario\n",
            CMD_PCAP_FRAMES);
}

static void run_label(const struct scenario *sc, const struct scn_run *run, char *out, size_t len)
{
    char values[160];
    scn_run_label(sc, run, " ", values, sizeof values);
    snprintf(out, len, "%s%s%s", scn_mode_name(run->mode), values[0] ? " " : "", values);
}

struct run_slot {
    struct scn_run run;
    char label[192], rel[160], pcap_dir[700], file[700];
    pid_t pid;
};

static void plan_slot(const struct scenario *sc, const struct scn_run *run, const char *dir, int i,
                      struct run_slot *slot)
{
    slot->run = *run;
    run_label(sc, run, slot->label, sizeof slot->label);
    char values[128];
    scn_run_folder(sc, run, values, sizeof values);
    snprintf(slot->rel, sizeof slot->rel, "pcap/%s%s%s", scn_mode_name(run->mode), values[0] ? "/" : "", values);
    snprintf(slot->pcap_dir, sizeof slot->pcap_dir, "%s/%s", dir, slot->rel);
    snprintf(slot->file, sizeof slot->file, "%s/.run-%d.json", dir, i);
}

/* What --pcap, --snaplen and --pcap-frames ask of the slot's run. */
static void slot_capture(const struct cmd_args *a, const struct run_slot *slot, struct scn_capture *c)
{
    *c = (struct scn_capture){ .snaplen = a->snaplen >= 0 ? (uint32_t)a->snaplen : CMD_PCAP_SNAPLEN,
                               .max_frames = a->pcap_frames >= 0 ? (uint64_t)a->pcap_frames : CMD_PCAP_FRAMES };
    snprintf(c->dir, sizeof c->dir, "%s", slot->pcap_dir);
    snprintf(c->patterns, sizeof c->patterns, "%s", a->pcap_patterns ? a->pcap_patterns : "");
}

/* One run in this process: its record, or NULL with the message in err. */
static json_t *run_one(struct scenario *sc, const struct run_slot *slot, const struct cmd_args *a,
                       struct progress *prog, int n, FILE *err)
{
    char msg[512];
    if (a->pcap && scn_mkdirs(slot->pcap_dir) < 0) {
        fprintf(err, "lvslab run: %s: %s\n", slot->pcap_dir, strerror(errno));
        return NULL;
    }
    progress_run_begins(prog, n, slot->label);
    struct scn_capture capture;
    slot_capture(a, slot, &capture);
    struct sim_run_opts o = { .capture = a->pcap ? &capture : NULL, .pcap_rel = slot->rel,
                              .progress = progress_update, .progress_ctx = prog };
    json_t *rec = sim_run(sc, &slot->run, &o, msg, sizeof msg);
    if (!rec)
        fprintf(err, "%slvslab run: %s: %s\n", prog->drawn ? "\n" : "", slot->label, msg);
    else
        progress_run_ends(prog, sc->warmup + sc->duration + sc->after);
    return rec;
}

/* A child process runs one slot, reports its progress on fd, and leaves
 * its record in slot->file. */
static pid_t spawn(struct scenario *sc, const struct run_slot *slot, const struct cmd_args *a, int n, int fd,
                   FILE *err)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    char msg[512];
    json_t *rec = NULL;
    if (a->pcap && scn_mkdirs(slot->pcap_dir) < 0) {
        fprintf(err, "lvslab run: %s: %s\n", slot->pcap_dir, strerror(errno));
    } else {
        struct progress_pipe pp = { .fd = fd, .run = n };
        struct scn_capture capture;
        slot_capture(a, slot, &capture);
        struct sim_run_opts o = { .capture = a->pcap ? &capture : NULL, .pcap_rel = slot->rel,
                                  .progress = progress_pipe_update, .progress_ctx = &pp };
        rec = sim_run(sc, &slot->run, &o, msg, sizeof msg);
        if (!rec)
            fprintf(err, "\nlvslab run: %s: %s\n", slot->label, msg);
    }
    int rc = rec && json_dump_file(rec, slot->file, JSON_REAL_PRECISION(17)) == 0 ? CMD_OK : CMD_USAGE;
    fflush(NULL);
    _exit(rc);
}

/* Reap any child that has ended: its slot index, its exit code in *code; -1 if none. */
static int reap(struct run_slot *slots, int nruns, int *code)
{
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    for (int i = 0; pid > 0 && i < nruns; i++)
        if (slots[i].pid == pid) {
            slots[i].pid = 0;
            *code = WIFEXITED(status) ? WEXITSTATUS(status) : CMD_FAILED;
            return i;
        }
    return -1;
}

/* Up to jobs runs at once, each in a process of its own; CMD_OK or the exit code. */
static int run_side_by_side(struct scenario *sc, struct run_slot *slots, int nruns, const struct cmd_args *a,
                            FILE *err)
{
    int fds[2];
    if (pipe(fds) < 0) {
        fprintf(err, "lvslab run: pipe: %s\n", strerror(errno));
        return CMD_FAILED;
    }
    fcntl(fds[1], F_SETFL, O_NONBLOCK);    /* a run never waits on its progress */
    struct progress_board board;
    progress_board_init(&board, err, a->quiet, nruns, sc->warmup + sc->duration + sc->after);
    int rc = CMD_OK, started = 0, running = 0;
    while (started < nruns || running > 0) {
        if (rc == CMD_OK && started < nruns && running < a->jobs) {
            progress_board_run_begins(&board, started);
            slots[started].pid = spawn(sc, &slots[started], a, started, fds[1], err);
            if (slots[started].pid < 0) {
                fprintf(err, "lvslab run: fork: %s\n", strerror(errno));
                rc = CMD_FAILED;
            } else {
                running++;
            }
            started++;
            continue;
        }
        if (running == 0)
            break;
        struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
        struct progress_report r;
        if (poll(&pfd, 1, 50) > 0 && read(fds[0], &r, sizeof r) == (ssize_t)sizeof r)
            progress_board_take(&board, &r);
        int code, done;
        while ((done = reap(slots, nruns, &code)) >= 0) {
            running--;
            if (code == CMD_OK)
                progress_board_run_ends(&board, done, slots[done].label);
            else if (rc == CMD_OK)
                rc = code;
        }
    }
    progress_board_free(&board);
    close(fds[0]);
    close(fds[1]);
    return rc;
}

/* The captures of the simulated runs these runs replace, with or without
 * --pcap, so that none from an earlier run is left beside the new results:
 * all of DIR/pcap/ (every simulated run in results.json is replaced), or
 * for a part (--only: other parts may share DIR) each run's own folder.
 * The emulated runs' DIR/pcap-emu/ stays, as do those runs. */
static int remove_old_pcaps(const char *dir, const struct run_slot *slots, int nruns, bool part, FILE *err)
{
    char path[700];
    for (int i = 0; i < (part ? nruns : 1); i++) {
        if (part)
            snprintf(path, sizeof path, "%s", slots[i].pcap_dir);
        else
            snprintf(path, sizeof path, "%s/pcap", dir);
        if (scn_rmtree(path) < 0) {
            fprintf(err, "lvslab run: %s: %s\n", path, strerror(errno));
            return CMD_FAILED;
        }
    }
    return CMD_OK;
}

/* Every run into the "runs" array, in order; CMD_OK or the exit code. */
static int run_all(struct scenario *sc, const struct scn_run *runs, int nruns, const struct cmd_args *a,
                   const char *dir, bool part, json_t *list, FILE *err)
{
    struct run_slot *slots = calloc((size_t)nruns + 1, sizeof *slots);
    for (int i = 0; i < nruns; i++)
        plan_slot(sc, &runs[i], dir, i, &slots[i]);
    int rc = remove_old_pcaps(dir, slots, nruns, part, err);
    if (rc != CMD_OK) {
        free(slots);
        return rc;
    }
    if (a->jobs <= 1) {
        struct progress prog;
        progress_init(&prog, err, a->quiet, nruns);
        for (int i = 0; i < nruns && rc == CMD_OK; i++) {
            json_t *rec = run_one(sc, &slots[i], a, &prog, i + 1, err);
            rc = rec ? CMD_OK : CMD_USAGE;
            if (rec)
                json_array_append_new(list, rec);
        }
        free(slots);
        return rc;
    }
    rc = run_side_by_side(sc, slots, nruns, a, err);
    for (int i = 0; i < nruns && rc == CMD_OK; i++) {
        json_error_t jerr;
        json_t *rec = json_load_file(slots[i].file, 0, &jerr);
        if (!rec) {
            fprintf(err, "lvslab run: %s: %s\n", slots[i].file, jerr.text);
            rc = CMD_FAILED;
        } else {
            json_array_append_new(list, rec);
        }
    }
    for (int i = 0; i < nruns; i++)
        unlink(slots[i].file);
    free(slots);
    return rc;
}

/* A number of a record as a table cell, "-" when null. */
static void cell(FILE *out, const json_t *v, const char *fmt, int width)
{
    if (json_is_number(v))
        fprintf(out, fmt, width, json_number_value(v));
    else
        fprintf(out, "%*s", width, "-");
}

/* The runs as a compact table on out: what each measured, at a glance. */
static void print_runs(json_t *list, FILE *out)
{
    fprintf(out, "%-40s %10s %10s %9s %10s %8s %9s %-16s\n", "run", "Mbit/s", "bound", "req/s", "p99 ms",
            "failed", "in flight", "limited by");
    size_t i;
    json_t *r;
    json_array_foreach(list, i, r) {
        char label[192], values[160];
        values[0] = '\0';
        size_t used = 0;
        const char *param;
        json_t *v;
        json_object_foreach(json_object_get(r, "sweep"), param, v) {
            if (json_is_string(v))
                used += (size_t)snprintf(values + used, sizeof values - used, " %s=%s", param, json_string_value(v));
            else
                used += (size_t)snprintf(values + used, sizeof values - used, " %s=%g", param, json_number_value(v));
            if (used >= sizeof values)
                break;
        }
        snprintf(label, sizeof label, "%s%s", json_string_value(json_object_get(r, "mode")), values);
        json_t *req = json_object_get(r, "requests");
        fprintf(out, "%-40s", label);
        cell(out, json_object_get(r, "goodput_mbps"), " %*.1f", 10);
        cell(out, json_object_get(json_object_get(r, "bound"), "goodput_mbps"), " %*.1f", 10);
        cell(out, json_object_get(r, "requests_per_s"), " %*.0f", 9);
        cell(out, json_object_get(json_object_get(r, "latency_ms"), "p99"), " %*.3f", 10);
        cell(out, json_object_get(req, "failed"), " %*.0f", 8);
        cell(out, json_object_get(req, "in_flight"), " %*.0f", 9);
        const char *by = json_string_value(json_object_get(json_object_get(r, "bound"), "limited_by"));
        fprintf(out, " %s\n", by ? by : "-");
    }
}

/* The files under path and their bytes, added to *files and *bytes. */
static void count_files(const char *path, size_t *files, uint64_t *bytes)
{
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char sub[1024];
        struct stat st;
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        if (e->d_name[0] == '.' || lstat(sub, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            count_files(sub, files, bytes);
        } else if (S_ISREG(st.st_mode)) {
            (*files)++;
            *bytes += (uint64_t)st.st_size;
        }
    }
    if (d)
        closedir(d);
}

/* "wrote N captures (X MB) in DIR/pcap/", with how they were cut. */
static void print_captures(const char *dir, const struct cmd_args *a, FILE *out)
{
    char path[700];
    snprintf(path, sizeof path, "%s/pcap", dir);
    size_t files = 0;
    uint64_t bytes = 0;
    count_files(path, &files, &bytes);
    long frames = a->pcap_frames >= 0 ? a->pcap_frames : CMD_PCAP_FRAMES;
    long snap = a->snaplen >= 0 ? a->snaplen : CMD_PCAP_SNAPLEN;
    char cut[96];
    if (frames)
        snprintf(cut, sizeof cut, "the first %ld frames of each (--pcap-frames 0: all)", frames);
    else
        snprintf(cut, sizeof cut, "every frame");
    fprintf(out, "wrote %zu captures (%.1f MB) in %s/: %s, %s\n", files, (double)bytes / 1e6, path,
            cut, snap ? "frames cut to --snaplen" : "whole frames");
}

/* The runs' records into DIR/results.json and the report, or into the part
 * folder of --only; CMD_OK or CMD_FAILED. */
static int write_out(const char *dir, const struct scenario *sc, const struct cmd_args *a, const json_t *plan,
                     const char *only, json_t *list, const int *index, FILE *out, FILE *err)
{
    char msg[512];
    size_t kept = 0;
    if (only) {
        if (cmd_run_write_part(dir, plan, list, index, msg, sizeof msg) < 0) {
            fprintf(err, "lvslab run: %s\n", msg);
            return CMD_FAILED;
        }
        if (!a->quiet)
            fprintf(out, "wrote %s/{plan.json,runs/} (runs %s): 'lvslab merge' joins the parts\n", dir, only);
        return CMD_OK;
    }
    if (scn_results_write(dir, sc, "sim", list, &kept, msg, sizeof msg) < 0 ||
        cmd_report_write(dir, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab run: %s\n", msg);
        return CMD_FAILED;
    }
    if (!a->quiet) {
        print_runs(list, out);
        fprintf(out, "wrote %s/{results.json,summary.md,index.html}\n", dir);
        if (a->pcap)
            print_captures(dir, a, out);
        if (kept)
            fprintf(out, "kept the %zu emulated runs already in %s/results.json\n", kept, dir);
        char full[PATH_MAX], index_html[PATH_MAX + 16];
        if (realpath(dir, full)) {
            snprintf(index_html, sizeof index_html, "%s/index.html", full);
            fprintf(out, "report: %s\n", index_html);
        }
    }
    return CMD_OK;
}

static int run_main(int argc, char **argv, FILE *out, FILE *err)
{
    struct cmd_args a;
    struct run_split split = { 0 };
    int parsed = cmd_args_parse(&a, "lvslab run", RUN_ARGS, cmd_run_split_opt, &split, argc, argv, err);
    if (parsed) {
        usage(parsed > 0 ? out : err);
        return parsed > 0 ? CMD_OK : CMD_USAGE;
    }
    if (split.json && !split.plan) {
        fprintf(err, "lvslab run: --json goes with --plan\n");
        return CMD_USAGE;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (!a.jobs)
        a.jobs = cpus > 0 ? cpus : 1;
    struct cmd_sweep sw;
    if (cmd_sweep_load(&sw, &a, "lvslab run", err) < 0)
        return CMD_USAGE;
    struct scenario *sc = &sw.sc;
    json_t *plan = scn_plan_json(sc, sw.runs, sw.index, sw.n);
    if (split.plan) {
        cmd_run_print_plan(plan, split.json, out);
        json_decref(plan);
        cmd_sweep_free(&sw);
        return CMD_OK;
    }
    int rc = CMD_OK;
    if (split.only && cmd_run_keep_only(split.only, sw.total, sw.runs, sw.index, &sw.n, err) < 0)
        rc = CMD_USAGE;
    if (rc == CMD_OK)   /* a run that does not build stops all before any is simulated */
        rc = cmd_runs_check(sc, sw.runs, sw.n, "lvslab run", err);
    if (rc == CMD_OK && scn_mkdirs(sw.dir) < 0) {
        fprintf(err, "lvslab run: %s: %s\n", sw.dir, strerror(errno));
        rc = CMD_FAILED;
    }
    json_t *list = json_array();
    if (rc == CMD_OK)
        rc = run_all(sc, sw.runs, sw.n, &a, sw.dir, split.only != NULL, list, err);
    if (rc == CMD_OK)
        rc = write_out(sw.dir, sc, &a, plan, split.only, list, sw.index, out, err);
    json_decref(list);
    json_decref(plan);
    cmd_sweep_free(&sw);
    return rc;
}

const struct cmd_command cmd_run = {
    .name = "run",
    .summary = "simulate a scenario's runs and write results.json and its report",
    .main = run_main,
};
