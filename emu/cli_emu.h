/*
 * Pieces of `lvslab emu` shared by its subcommands: picking one run of a
 * scenario (the first mode and sweep value unless --mode or --set choose),
 * and the director and run subcommands (emu/cli_director.c, emu/cli_emu_run.c).
 */
#ifndef EMU_CLI_EMU_H
#define EMU_CLI_EMU_H

#include <stdio.h>

#include "sim/scenario.h"

/* Load script with the --set overrides and build the run of mode (NULL:
 * the first). 0 with sc, run and topo filled, or -1 with err (nothing to free). */
int emu_cli_load_run(const char *script, const char *mode, const char *const *sets, int nsets,
                     struct scenario *sc, struct scn_run *run, struct scn_topo *topo, char *err, size_t errlen);

/* `lvslab emu director ...` (argv[0] is "director"). */
int emu_cli_director(int argc, char **argv, FILE *out, FILE *err);
/* `lvslab emu run ...` (argv[0] is "run"): emu/cli_emu_run.c. */
int emu_cli_run(int argc, char **argv, FILE *out, FILE *err);

#endif
