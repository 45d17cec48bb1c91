/*
 * The lvslab command: one dispatcher over the subcommands of each layer.
 * Exit codes: 0 success, 1 the run failed, 2 bad usage or bad input.
 */
#include <stdio.h>
#include <string.h>

#include "reports/report.h"
#include "sim/cli.h"

static const struct cli_command cli_report = {
    .name = "report",
    .summary = "write CSV, summary.md and index.html from a results.json",
    .main = report_cli,
};

static const struct cli_command *const commands[] = {
    &cli_run,
    &cli_report,
    &cli_pcap,
    &cli_ipvsadm,
    &cli_sched,
    &cli_emu,
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
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i]->name))
            return commands[i]->main(argc - 1, argv + 1, stdout, stderr);
    fprintf(stderr, "lvslab: unknown command \"%s\"\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
