/*
 * `lvslab ipvsadm`: ipvsadm lines run in order on one director table of
 * its own, so its syntax, checks, messages and listings can be tried
 * without a kernel. Lines come from the arguments (each argument one line),
 * from -f FILE, or from standard input; a `-L` line prints the listing as
 * ipvsadm does. The first bad line stops the run with ipvsadm's message,
 * prefixed with where the line came from.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/sched.h"
#include "lvs/ipvs.h"
#include "lvs/ipvsadm.h"
#include "cmd/cmd.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: lvslab ipvsadm 'LINE' ['LINE'...]\n"
               "       lvslab ipvsadm -f FILE      (one ipvsadm line per line; - for stdin)\n"
               "Each LINE is an ipvsadm command (the word ipvsadm may lead it), run in order on\n"
               "one table; -L lines print ipvsadm's listing. Blank lines and # comments are skipped.\n"
               "exit codes: 0 all lines ran, 2 a line was refused (its message names it)\n");
}

static int run_line(struct ipvs *ipvs, const char *line, const char *where, FILE *out, FILE *err)
{
    const char *p = line + strspn(line, " \t");
    if (!*p || *p == '\n' || *p == '#')
        return CMD_OK;
    char msg[512];
    struct ipvsadm_io io = { .out = out };
    if (ipvsadm_run(ipvs, line, where, &io, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab ipvsadm: %s\n", msg);
        return CMD_USAGE;
    }
    return CMD_OK;
}

static int run_file(struct ipvs *ipvs, const char *path, FILE *out, FILE *err)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        fprintf(err, "lvslab ipvsadm: cannot read %s: %m\n", path);
        return CMD_USAGE;
    }
    char line[1024], where[300];
    int rc = CMD_OK;
    for (int n = 1; rc == CMD_OK && fgets(line, sizeof line, f); n++) {
        line[strcspn(line, "\n")] = '\0';
        snprintf(where, sizeof where, "%s:%d", strcmp(path, "-") ? path : "stdin", n);
        rc = run_line(ipvs, line, where, out, err);
    }
    if (f != stdin)
        fclose(f);
    return rc;
}

static int ipvsadm_main(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? err : out);
        return argc < 2 ? CMD_USAGE : CMD_OK;
    }
    struct sched clock;
    sched_init(&clock);
    struct ipvs ipvs;
    ipvs_init(&ipvs, NULL, sched_rt(&clock));
    int rc = CMD_OK;
    if (!strcmp(argv[1], "-f")) {
        if (argc != 3) {
            usage(err);
            rc = CMD_USAGE;
        } else {
            rc = run_file(&ipvs, argv[2], out, err);
        }
    } else {
        char where[32];
        for (int i = 1; rc == CMD_OK && i < argc; i++) {
            snprintf(where, sizeof where, "argument %d", i);
            rc = run_line(&ipvs, argv[i], where, out, err);
        }
    }
    ipvs_destroy(&ipvs);
    sched_destroy(&clock);
    return rc;
}

const struct cmd_command cmd_ipvsadm = {
    .name = "ipvsadm",
    .summary = "run ipvsadm lines on a table of its own and print the listings",
    .main = ipvsadm_main,
};
