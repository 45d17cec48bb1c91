/*
 * The lvslab command: one dispatcher over the subcommands of each layer.
 * Exit codes: 0 success, 1 the run failed, 2 bad usage or bad input.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct cmd_command *const commands[] = {
    &cmd_run,
    &cmd_report,
    &cmd_merge,
    &cmd_slurm,
    &cmd_pcap,
    &cmd_ipvsadm,
    &cmd_keepalived,
    &cmd_sched,
    &cmd_emu,
    &cmd_calibrate,
};

static void usage(FILE *out)
{
    fprintf(out, "usage: lvslab COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out, "\n'lvslab COMMAND --help' describes each.\n"
                 "exit codes: 0 success, 1 the run failed, 2 bad usage or bad input\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CMD_USAGE : CMD_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i]->name))
            return commands[i]->main(argc - 1, argv + 1, stdout, stderr);
    fprintf(stderr, "lvslab: unknown command \"%s\"\n", argv[1]);
    usage(stderr);
    return CMD_USAGE;
}
