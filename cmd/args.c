/* The shared options of the subcommands (see args.h). */
#include "cmd/args.h"

#include <stdlib.h>
#include <string.h>

#include "scenario/pcap.h"

struct shared_opt {
    const char *name;
    enum cmd_arg arg;
    const char *value;          /* what the value is; NULL for a flag */
};

static const struct shared_opt shared_opts[] = {
    { "--mode", CMD_ARG_MODE, "MODE[,MODE...]" },
    { "--set", CMD_ARG_SET, "KEY=VALUE" },
    { "--seed", CMD_ARG_SEED, "N" },
    { "--out", CMD_ARG_OUT, "DIR" },
    { "--jobs", CMD_ARG_JOBS, "N" },
    { "--pcap", CMD_ARG_PCAP, NULL },
    { "--pcap", CMD_ARG_PCAP_DIR, "DIR" },
    { "--tag", CMD_ARG_TAG, "TAG" },
    { "--snaplen", CMD_ARG_SNAPLEN, "N" },
    { "--pcap-frames", CMD_ARG_PCAP_FRAMES, "N" },
    { "--quiet", CMD_ARG_QUIET, NULL },
};

static const struct shared_opt *shared_opt(const char *name, unsigned accepted)
{
    for (size_t i = 0; i < sizeof shared_opts / sizeof *shared_opts; i++)
        if ((shared_opts[i].arg & accepted) && !strcmp(shared_opts[i].name, name))
            return &shared_opts[i];
    return NULL;
}

/* One shared option with its value; 0, or -1 with the message on err. */
static int take(struct cmd_args *a, const char *cmd, enum cmd_arg arg, const char *value, FILE *err)
{
    switch (arg) {
    case CMD_ARG_MODE: a->modes = value; break;
    case CMD_ARG_OUT: a->out = value; break;
    case CMD_ARG_TAG: a->tag = value; break;
    case CMD_ARG_PCAP: a->pcap = true; break;
    case CMD_ARG_PCAP_DIR: a->pcap_dir = value; break;
    case CMD_ARG_QUIET: a->quiet = true; break;
    case CMD_ARG_PCAP_SELECT: {
        char msg[200];
        if (scn_capture_check(value, msg, sizeof msg) < 0 || !*value) {
            fprintf(err, "%s: --pcap=%s: %s\n", cmd, value, *value ? msg : "no pattern after '='");
            return -1;
        }
        a->pcap = true;
        a->pcap_patterns = value;
        break;
    }
    case CMD_ARG_SNAPLEN: {
        char *end;
        a->snaplen = strtol(value, &end, 10);
        if (!*value || *end || a->snaplen < 0 || a->snaplen > (long)SCN_PCAP_SNAPLEN_MAX) {
            fprintf(err, "%s: --snaplen %s: not a number from 0 (whole frames) to %u\n", cmd, value,
                    SCN_PCAP_SNAPLEN_MAX);
            return -1;
        }
        break;
    }
    case CMD_ARG_PCAP_FRAMES: {
        char *end;
        a->pcap_frames = strtol(value, &end, 10);
        if (!*value || *end || a->pcap_frames < 0 || a->pcap_frames > CMD_PCAP_FRAMES_MAX) {
            fprintf(err, "%s: --pcap-frames %s: not a number from 0 (every frame) to %ld\n", cmd, value,
                    CMD_PCAP_FRAMES_MAX);
            return -1;
        }
        break;
    }
    case CMD_ARG_SEED: snprintf(a->seed, sizeof a->seed, "seed=%s", value); break;
    case CMD_ARG_SET:
        if (a->nsets == CMD_MAX_SETS) {
            fprintf(err, "%s: --set %s: at most %d --set options\n", cmd, value, CMD_MAX_SETS);
            return -1;
        }
        a->sets[a->nsets++] = value;
        break;
    case CMD_ARG_JOBS: {
        char *end;
        a->jobs = strtol(value, &end, 10);
        if (!*value || *end || a->jobs < 1 || a->jobs > CMD_MAX_JOBS) {
            fprintf(err, "%s: --jobs %s: not a number from 1 to %d\n", cmd, value, CMD_MAX_JOBS);
            return -1;
        }
        break;
    }
    }
    return 0;
}

int cmd_args_parse(struct cmd_args *a, const char *cmd, unsigned accepted, cmd_args_own_fn own, void *ctx,
                   int argc, char **argv, FILE *err)
{
    memset(a, 0, sizeof *a);
    a->snaplen = -1;
    a->pcap_frames = -1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
            return 1;
        if ((accepted & CMD_ARG_PCAP_SELECT) && !strncmp(arg, "--pcap=", 7)) {
            if (take(a, cmd, CMD_ARG_PCAP_SELECT, arg + 7, err) < 0)
                return -1;
            continue;
        }
        const struct shared_opt *o = shared_opt(arg, accepted);
        if (o) {
            if (o->value && !next) {
                fprintf(err, "%s: %s needs a value: %s %s\n", cmd, arg, arg, o->value);
                return -1;
            }
            if (take(a, cmd, o->arg, next, err) < 0)
                return -1;
            i += o->value != NULL;
            continue;
        }
        int used = own ? own(ctx, arg, next, err) : 0;
        if (used < 0)
            return -1;
        if (used > 0) {
            i += used - 1;
        } else if (arg[0] == '-') {
            fprintf(err, "%s: unknown option \"%s\"\n", cmd, arg);
            return -1;
        } else if (a->script) {
            fprintf(err, "%s: one scenario only, not also \"%s\"\n", cmd, arg);
            return -1;
        } else {
            a->script = arg;
        }
    }
    if (!a->script) {
        fprintf(err, "%s: which scenario?\n", cmd);
        return -1;
    }
    if (!a->pcap && (a->snaplen >= 0 || a->pcap_frames >= 0)) {
        fprintf(err, "%s: %s goes with --pcap\n", cmd, a->snaplen >= 0 ? "--snaplen" : "--pcap-frames");
        return -1;
    }
    if (a->seed[0])
        a->sets[a->nsets++] = a->seed;
    return 0;
}
