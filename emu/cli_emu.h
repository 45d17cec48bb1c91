/*
 * Pieces of `lvslab emu` shared by its subcommands: picking one run of a
 * scenario (the first mode and sweep value unless --mode or --set choose),
 * and the director and run subcommands (emu/cli_director.c, emu/cli_emu_run.c).
 */
#ifndef EMU_CLI_EMU_H
#define EMU_CLI_EMU_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "sim/scenario.h"

/* Load script with the --set overrides and build the run of mode (NULL:
 * the first). 0 with sc, run and topo filled, or -1 with err (nothing to free). */
int emu_cli_load_run(const char *script, const char *mode, const char *const *sets, int nsets,
                     struct scenario *sc, struct scn_run *run, struct scn_topo *topo, char *err, size_t errlen);

#define EMU_MAX_SETS 32

/* SCENARIO [--mode MODE] [--set KEY=VALUE]... [--tag TAG] [--pcap DIR] [--shape] */
struct emu_run_args {
    const char *script, *mode, *tag, *pcap;   /* tag defaults to "lv" */
    const char *sets[EMU_MAX_SETS];
    int nsets;
    bool shape;                /* links as the scenario has them: rate, delay, jitter, loss */
};

/* Parse argv[1..]: 1 for --help, 0, or -1 (an unknown or incomplete
 * option, a second scenario, no scenario, too many --set). */
int emu_cli_parse_run_args(int argc, char **argv, struct emu_run_args *a);

/* How `lvslab emu director` reloads a run from wherever it starts: the
 * scenario by absolute path, --mode, every --set, and --pcap (absolute;
 * the directory must exist). argv is NULL-terminated. */
struct emu_director_argv {
    char *argv[2 * EMU_MAX_SETS + 8];
    char script[PATH_MAX], pcap[PATH_MAX];
};
void emu_cli_director_args(const struct emu_run_args *a, enum scn_mode mode, struct emu_director_argv *d);

/* `lvslab emu director ...` (argv[0] is "director"). */
int emu_cli_director(int argc, char **argv, FILE *out, FILE *err);
/* `lvslab emu run ...` (argv[0] is "run"): emu/cli_emu_run.c. */
int emu_cli_run(int argc, char **argv, FILE *out, FILE *err);
/* `lvslab emu plan ...` (argv[0] is "plan"). */
int emu_cli_plan(int argc, char **argv, FILE *out, FILE *err);

#endif
