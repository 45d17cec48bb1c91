/*
 * `lvslab keepalived --check FILE`: keepalived.conf read as a director
 * would read it, as `keepalived -t` checks a file: exit 0 when lvslab
 * would run it (its warnings on stderr), 2 with every message otherwise.
 * The file alone does not say how the real servers are wired, so whether
 * lb_kind fits them is not checked here. Also the pass the run commands
 * make before a scenario's runs: each run built, its warnings printed.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd/args.h"
#include "cmd/cmd.h"
#include "lvs/keepalived/conf.h"
#include "scenario/keepalived.h"

static void print_warnings(char *notes, const char *who, FILE *err)
{
    for (char *line = notes, *end; line && *line; line = end + 1) {
        end = strchr(line, '\n');
        fprintf(err, "%s: warning: %.*s\n", who, (int)(end - line), line);
    }
    free(notes);
}

void cmd_keepalived_warnings(struct scenario *sc, const struct scn_run *runs, int nruns, const char *who,
                             FILE *err)
{
    print_warnings(scn_ka_warnings(sc, runs, nruns), who, err);
}

int cmd_runs_check(struct scenario *sc, const struct scn_run *runs, int nruns, const char *who, FILE *err)
{
    char *notes, msg[512];
    int bad;
    int rc = scn_runs_check(sc, runs, nruns, &notes, &bad, msg, sizeof msg);
    print_warnings(notes, who, err);
    if (rc == 0)
        return CMD_OK;
    char values[160];
    scn_run_label(sc, &runs[bad], " ", values, sizeof values);
    fprintf(err, "%s: %s%s%s: %s\n", who, scn_mode_name(runs[bad].mode), values[0] ? " " : "", values, msg);
    return CMD_USAGE;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: lvslab keepalived --check FILE\n"
               "Reads FILE as keepalived.conf, as a director of `lvslab run` would (keepalived -t):\n"
               "every unknown keyword at once, keywords that change nothing in the simulation\n"
               "(e-mail, SMTP, notify scripts, ...) named in one warning, old names read with a\n"
               "warning. Whether lb_kind fits how the real servers are wired depends on the\n"
               "scenario, not the file: it is not checked here.\n"
               "exit codes: 0 valid (warnings on stderr), 2 bad usage or an invalid file\n");
}

static int check_opt(void *ctx, const char *arg, const char *next, FILE *err)
{
    (void)next, (void)err;
    if (strcmp(arg, "--check") && strcmp(arg, "-t"))
        return 0;
    *(bool *)ctx = true;
    return 1;
}

static int keepalived_main(int argc, char **argv, FILE *out, FILE *err)
{
    bool check = false;
    struct cmd_args a;
    bool file = false;
    for (int i = 1; i < argc; i++)
        file |= argv[i][0] != '-';
    if (!file && argc > 1 && strcmp(argv[1], "--help") && strcmp(argv[1], "-h")) {
        fprintf(err, "lvslab keepalived: which file?\n");
        usage(err);
        return CMD_USAGE;
    }
    int parsed = argc < 2 ? -1 : cmd_args_parse(&a, "lvslab keepalived", 0, check_opt, &check, argc, argv, err);
    if (parsed != 0 || !check) {
        if (parsed == 0)
            fprintf(err, "lvslab keepalived: --check is the only mode\n");
        usage(parsed == 1 ? out : err);
        return parsed == 1 ? CMD_OK : CMD_USAGE;
    }
    struct ka_conf conf;
    char msg[8192];
    if (ka_conf_parse_file(a.script, &conf, msg, sizeof msg) < 0) {
        fprintf(err, "%s\n", msg);
        return CMD_USAGE;
    }
    if (conf.warnings)
        fprintf(err, "%s", conf.warnings);
    fprintf(out, "%s: valid: %d virtual server%s, %d vrrp instance%s\n", a.script, conf.nvs, conf.nvs == 1 ? "" : "s",
            conf.nvrrp, conf.nvrrp == 1 ? "" : "s");
    ka_conf_free(&conf);
    return CMD_OK;
}

const struct cmd_command cmd_keepalived = {
    .name = "keepalived",
    .summary = "check a keepalived.conf as lvslab reads it (--check FILE, as keepalived -t)",
    .main = keepalived_main,
};
