/* The subcommands of the lvslab command: each layer's entry point and its
 * one-line summary. argv[0] is the subcommand's name. */
#ifndef SIM_CLI_H
#define SIM_CLI_H

#include <stdio.h>

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

struct cli_command {
    const char *name;
    const char *summary;
    int (*main)(int argc, char **argv, FILE *out, FILE *err);
};

extern const struct cli_command cli_emu;
extern const struct cli_command cli_ipvsadm;
extern const struct cli_command cli_pcap;
extern const struct cli_command cli_run;
extern const struct cli_command cli_sched;

#endif
