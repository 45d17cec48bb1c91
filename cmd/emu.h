/*
 * Pieces of `lvslab emu` shared by its subcommands: the arguments with
 * which `lvslab emu director` reloads a run wherever it is started (by
 * `emu up`, `emu run`, or a Mininet builder reading `emu plan`), and the
 * subcommands in files of their own.
 */
#ifndef CMD_EMU_H
#define CMD_EMU_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "cmd/args.h"
#include "scenario/scenario.h"

/* The director's argv: the scenario by absolute path, --mode, every --set,
 * --pcap DIR (absolute; the folder must exist) and --shaped when the
 * world's links are shaped. NULL-terminated. */
struct cmd_emu_director_argv {
    char *argv[2 * (CMD_MAX_SETS + 2) + 8];
    char script[PATH_MAX], pcap[PATH_MAX];
};
void cmd_emu_director_args(const struct cmd_args *a, bool shaped, enum scn_mode mode,
                           struct cmd_emu_director_argv *d);

/* What `emu up`, `emu plan` and `emu director` take of the shared options
 * (one run: one --mode), and the own option of `emu up` and `emu plan`:
 * --shape (a cmd_args_own_fn on a bool; cmd/emu.c). */
#define CMD_EMU_ONE_RUN_ARGS (CMD_ARG_MODE | CMD_ARG_SET | CMD_ARG_SEED | CMD_ARG_TAG | CMD_ARG_PCAP_DIR)
int cmd_emu_shape_opt(void *shape, const char *arg, const char *next, FILE *err);

/* `lvslab emu director ...` (argv[0] is "director"). */
int cmd_emu_director(int argc, char **argv, FILE *out, FILE *err);
/* `lvslab emu run ...` (argv[0] is "run"). */
int cmd_emu_run(int argc, char **argv, FILE *out, FILE *err);
/* `lvslab emu plan ...` (argv[0] is "plan"). */
int cmd_emu_plan(int argc, char **argv, FILE *out, FILE *err);

#endif
