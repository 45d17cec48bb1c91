/*
 * The options the subcommands share, parsed in one place so that each has
 * one spelling, one limit and one message wherever it is taken: --mode,
 * --set, --seed, --out, --jobs, --pcap (a flag, --pcap=PATTERN,... for
 * the simulator, or --pcap DIR for the emulated world's single-run
 * commands), --snaplen, --pcap-frames, --tag, --quiet. A subcommand names
 * the ones it takes and handles its own options through a callback.
 */
#ifndef CMD_ARGS_H
#define CMD_ARGS_H

#include <stdbool.h>
#include <stdio.h>

#define CMD_MAX_SETS 64        /* --set options on one command line */
#define CMD_MAX_JOBS 256

enum cmd_arg {
    CMD_ARG_MODE = 1u << 0,     /* --mode MODE[,MODE...] */
    CMD_ARG_SET = 1u << 1,      /* --set KEY=VALUE, up to CMD_MAX_SETS */
    CMD_ARG_SEED = 1u << 2,     /* --seed N: the same as --set seed=N */
    CMD_ARG_OUT = 1u << 3,      /* --out DIR */
    CMD_ARG_JOBS = 1u << 4,     /* --jobs N, 1 to CMD_MAX_JOBS */
    CMD_ARG_PCAP = 1u << 5,     /* --pcap: capture under the output folder */
    CMD_ARG_PCAP_DIR = 1u << 6, /* --pcap DIR */
    CMD_ARG_TAG = 1u << 7,      /* --tag TAG */
    CMD_ARG_QUIET = 1u << 8,    /* --quiet */
    CMD_ARG_PCAP_SELECT = 1u << 9, /* --pcap=PATTERN,...: which nodes or node-iface (globs) */
    CMD_ARG_SNAPLEN = 1u << 10, /* --snaplen N: bytes kept of each frame, 0 all (tcpdump -s) */
    CMD_ARG_PCAP_FRAMES = 1u << 11, /* --pcap-frames N: frames per capture at most (tcpdump -c), 0 all */
};

/* The simulator's captures when --snaplen and --pcap-frames are not given:
 * whole frames, the first CMD_PCAP_FRAMES of each interface (full captures
 * of a busy run are tens of GB). */
#define CMD_PCAP_SNAPLEN 0
#define CMD_PCAP_FRAMES 4000
#define CMD_PCAP_FRAMES_MAX 1000000000L

struct cmd_args {
    const char *script;         /* the one SCENARIO */
    const char *modes, *out, *tag, *pcap_dir;
    const char *pcap_patterns;  /* --pcap=...'s; NULL: the default selection */
    long snaplen;               /* -1 when not given */
    long pcap_frames;           /* -1 when not given; 0: all */
    /* the --set values, then --seed's as seed=N; one more slot is left
     * free for a caller that pins a run's sweep value */
    const char *sets[CMD_MAX_SETS + 2];
    int nsets;
    long jobs;                  /* 0 when not given */
    bool pcap, quiet;
    char seed[48];
};

/* A subcommand's own options: called with each argument that is not a
 * shared option it takes, and the argument after it (NULL at the end).
 * Returns how many it used (1 or 2), 0 for an option it does not know, or
 * -1 having written its own message. */
typedef int (*cmd_args_own_fn)(void *ctx, const char *arg, const char *next, FILE *err);

/* argv[1..] as `cmd` ("lvslab run") takes it: the shared options in
 * `accepted` (enum cmd_arg), the subcommand's own through own (may be
 * NULL), and exactly one SCENARIO. 0; 1 for --help or -h; or -1 with
 * "CMD: ..." on err. */
int cmd_args_parse(struct cmd_args *a, const char *cmd, unsigned accepted, cmd_args_own_fn own, void *ctx,
                   int argc, char **argv, FILE *err);

#endif
