/*
 * lvslab calibrate: measure what each operation on the director's path
 * costs on this machine (cmd/calibrate_paths.c) and write a cost profile
 * (scenario/cpu_profile.h) that scenarios name with
 * director_cpu = {cores = N, profile = FILE}.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd/calibrate_emu.h"
#include "cmd/calibrate_paths.h"
#include "cmd/cmd.h"

#define DEFAULT_OUT "out/calibrate/director.conf"

static void usage(FILE *f)
{
    fprintf(f, "usage: lvslab calibrate [--out FILE] [--conns N] [--pkts N] [--repeats N]\n"
               "       lvslab calibrate --from-emu RESULTS --base PROFILE [--out FILE]\n"
               "  measures each operation of the director's path on this machine and writes a\n"
               "  cost profile (default " DEFAULT_OUT "); --conns: connections in the table\n"
               "  (1000), --pkts: frames per measurement (200000), --repeats: the least of N\n"
               "  rounds (5, at most 63). --from-emu: RESULTS holds a scenario simulated with\n"
               "  the cost profile PROFILE and emulated (lvslab run, then lvslab emu run): the\n"
               "  emulated director's CPU per packet beyond PROFILE's goes to frame_in and\n"
               "  frame_out, and PROFILE so changed is written\n");
}

/* "model name" of /proc/cpuinfo, and how many of them. */
static void cpu_model(char *buf, size_t len)
{
    snprintf(buf, len, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "model name", 10) && n++ == 0) {
            const char *v = strchr(line, ':');
            snprintf(buf, len, "%.200s", v ? v + 2 : line);
            buf[strcspn(buf, "\n")] = 0;
        }
    fclose(f);
    size_t at = strlen(buf);
    snprintf(buf + at, len - at, ", %d CPUs", n);
}

static int number_arg(const char *opt, const char *v, unsigned long lo, unsigned long hi, unsigned long *out,
                      FILE *err)
{
    char *end;
    errno = 0;
    unsigned long n = v ? strtoul(v, &end, 10) : 0;
    if (!v || !*v || *end || errno || n < lo || n > hi) {
        fprintf(err, "lvslab calibrate: %s needs a whole number from %lu to %lu\n", opt, lo, hi);
        return -1;
    }
    *out = n;
    return 0;
}

static void make_parent(const char *path)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *s = dir + 1; (s = strchr(s, '/')); s++) {
        *s = 0;
        mkdir(dir, 0777);
        *s = '/';
    }
}

static int calibrate_main(int argc, char **argv, FILE *out, FILE *err)
{
    const char *path = DEFAULT_OUT, *from_emu = NULL, *base = NULL;
    unsigned long conns = 1000, pkts = 200000, repeats = 5;
    /* every option but --help takes one value */
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int rc = 0;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(out);
            return CMD_OK;
        } else if (!strcmp(a, "--out") && v) {
            path = v;
        } else if (!strcmp(a, "--from-emu") && v) {
            from_emu = v;
        } else if (!strcmp(a, "--base") && v) {
            base = v;
        } else if (!strcmp(a, "--conns")) {
            rc = number_arg(a, v, 1, 4000000, &conns, err);
        } else if (!strcmp(a, "--pkts")) {
            rc = number_arg(a, v, 1000, 100000000, &pkts, err);
        } else if (!strcmp(a, "--repeats")) {
            rc = number_arg(a, v, 1, 63, &repeats, err);
        } else if (!v && (!strcmp(a, "--out") || !strcmp(a, "--from-emu") || !strcmp(a, "--base"))) {
            fprintf(err, "lvslab calibrate: %s needs a value\n", a);
            return CMD_USAGE;
        } else {
            fprintf(err, "lvslab calibrate: unknown option \"%s\"\n", a);
            usage(err);
            return CMD_USAGE;
        }
        if (rc < 0)
            return CMD_USAGE;
    }
    struct scn_cpu_profile p;
    char model[256], header[2048], date[32], note[1024];
    cpu_model(model, sizeof model);
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d", gmtime(&now));
    if (!from_emu != !base) {
        fprintf(err, "lvslab calibrate: --from-emu and --base go together\n");
        return CMD_USAGE;
    }
    if (from_emu) {
        char perr[768];
        if (scn_cpu_profile_load(base, &p, perr, sizeof perr) < 0) {
            fprintf(err, "lvslab calibrate: --base: %s\n", perr);
            return CMD_USAGE;
        }
        if (cal_from_emu(from_emu, &p, note, sizeof note, err) < 0)
            return CMD_FAILED;
        snprintf(header, sizeof header,
                 "# lvslab director CPU cost profile: nanoseconds per operation (docs/fidelity.md)\n"
                 "# reference: %s\n"
                 "# %s: %s with the emulated director's I/O\n%s", model, date, base, note);
    } else {
        struct cal_opts o = { .conns = (uint32_t)conns, .pkts = pkts, .repeats = (int)repeats };
        if (cal_measure(&o, &p, err) < 0)
            return CMD_FAILED;
        snprintf(header, sizeof header,
                 "# lvslab director CPU cost profile: nanoseconds per operation (docs/fidelity.md)\n"
                 "# reference: %s\n"
                 "# measured %s by: lvslab calibrate --conns %lu --pkts %lu --repeats %lu\n",
                 model, date, conns, pkts, repeats);
    }
    make_parent(path);
    if (scn_cpu_profile_write(path, &p, header) < 0) {
        fprintf(err, "lvslab calibrate: %s: %s\n", path, strerror(errno));
        return CMD_FAILED;
    }
    fputs(header, out);
    for (int c = 0; c < SCN_COSTS; c++)
        fprintf(out, "%-14s %9.3f ns\n", scn_cost_name(c), p.ns[c]);
    fprintf(out, "wrote %s\n", path);
    return CMD_OK;
}

const struct cmd_command cmd_calibrate = {
    .name = "calibrate",
    .summary = "measure the director's cost per operation here, write a CPU cost profile",
    .main = calibrate_main,
};
