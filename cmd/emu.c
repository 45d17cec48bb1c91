/* `lvslab emu ...`: the emulated world's subcommands. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/emu.h"
#include "emu/delay_line.h"
#include "emu/ipip_endpoint.h"
#include "emu/world.h"
#include "engine/units.h"
#include "cmd/cmd.h"
#include "scenario/scenario.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int tun_endpoint(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(err, "usage: lvslab emu tun-endpoint DEVICE\n"
                     "  Decapsulate IP-in-IP packets for this host onto the TUN device DEVICE\n"
                     "  (created if missing; give it the VIP). Runs until SIGINT or SIGTERM.\n");
        return argc == 2 && !strcmp(argv[1], "--help") ? CMD_OK : CMD_USAGE;
    }
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    struct emu_ipip_stats stats;
    char msg[256];
    if (emu_ipip_endpoint_run(argv[1], &stop_requested, &stats, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab emu tun-endpoint: %s\n", msg);
        return CMD_FAILED;
    }
    fprintf(out, "decapsulated=%llu malformed=%llu write_errors=%llu\n",
            (unsigned long long)stats.decapsulated, (unsigned long long)stats.malformed,
            (unsigned long long)stats.write_errors);
    return CMD_OK;
}

static int delay_line_usage(FILE *f, int rc)
{
    fprintf(f, "usage: lvslab emu delay-line TAP_A TAP_B [--delay TIME] [--jitter TIME] [--loss P] [--rate RATE]\n"
               "                                 [--seed N] [--ends A,B]\n"
               "  Create TAP devices TAP_A and TAP_B and pass every frame from one to the\n"
               "  other after TIME (one way; jitter adds up to TIME more, never reordering),\n"
               "  dropping each with probability P; RATE sizes the queue (the rate itself is\n"
               "  set with tc). Jitter and loss are drawn from the run's seed N (default 0)\n"
               "  in the streams the simulator's link between NICs A and B uses (default\n"
               "  a,b). Move the TAPs to the link's ends and bring them up. Runs until\n"
               "  SIGINT or SIGTERM (lvslab emu up starts one per link with a delay).\n");
    return rc;
}

/* --NAME VALUE into p; 0, or -1 with err. */
static int delay_line_option(const char *name, const char *value, struct emu_delay_params *p,
                             char *err, size_t errlen)
{
    char *end;
    if (!strcmp(name, "--delay"))
        return units_parse_time(value, &p->delay, err, errlen);
    if (!strcmp(name, "--jitter"))
        return units_parse_time(value, &p->jitter, err, errlen);
    if (!strcmp(name, "--rate"))
        return units_parse_rate(value, &p->rate_bps, err, errlen);
    if (!strcmp(name, "--loss")) {
        p->loss = strtod(value, &end);
        if (end == value || *end || !(p->loss >= 0 && p->loss < 1)) {
            snprintf(err, errlen, "--loss \"%s\": a probability in [0, 1)", value);
            return -1;
        }
        return 0;
    }
    if (!strcmp(name, "--ends")) {
        const char *comma = strchr(value, ',');
        size_t a = comma ? (size_t)(comma - value) : 0, b = comma ? strlen(comma + 1) : 0;
        if (!comma || !a || !b || a >= EMU_DELAY_END_MAX || b >= EMU_DELAY_END_MAX || strchr(comma + 1, ',')) {
            snprintf(err, errlen, "--ends \"%s\": two names, A,B, each 1-%d characters", value,
                     EMU_DELAY_END_MAX - 1);
            return -1;
        }
        snprintf(p->ends[0], sizeof p->ends[0], "%.*s", (int)a, value);
        snprintf(p->ends[1], sizeof p->ends[1], "%s", comma + 1);
        return 0;
    }
    if (!strcmp(name, "--seed")) {
        errno = 0;
        p->seed = strtoull(value, &end, 0);
        if (end == value || *end || errno) {
            snprintf(err, errlen, "--seed \"%s\": not a number", value);
            return -1;
        }
        return 0;
    }
    snprintf(err, errlen, "unknown option %s", name);
    return -1;
}

static int delay_line(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc == 2 && !strcmp(argv[1], "--help"))
        return delay_line_usage(out, CMD_OK);
    if (argc < 3 || argv[1][0] == '-' || argv[2][0] == '-' || argc % 2 == 0)
        return delay_line_usage(err, CMD_USAGE);
    struct emu_delay_params p = { .ends = { "a", "b" } };
    char msg[256];
    for (int i = 3; i + 1 < argc; i += 2)
        if (delay_line_option(argv[i], argv[i + 1], &p, msg, sizeof msg) < 0) {
            fprintf(err, "lvslab emu delay-line: %s\n", msg);
            return CMD_USAGE;
        }
    struct emu_delay_stats st;
    if (emu_delay_line_run(argv[1], argv[2], &p, &st, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab emu delay-line: %s\n", msg);
        return CMD_FAILED;
    }
    for (int i = 0; i < 2; i++)
        fprintf(out, "%s to %s: passed=%llu lost=%llu dropped=%llu\n", argv[1 + i], argv[2 - i],
                (unsigned long long)st.passed[i], (unsigned long long)st.lost[i],
                (unsigned long long)st.dropped[i]);
    return CMD_OK;
}

static int up_usage(FILE *f, int rc)
{
    fprintf(f, "usage: lvslab emu up SCENARIO [--mode MODE] [--set KEY=VALUE]... [--tag TAG] [--pcap DIR] [--shape]\n"
               "  Build one run of SCENARIO (the first mode and sweep value unless --mode or\n"
               "  --set pick another) out of network namespaces, bridges and veth pairs, set\n"
               "  the real servers up for the mode, start their servers and the director\n"
               "  (lvslab emu director, on TAPs; --pcap DIR captures them). --shape gives\n"
               "  every link what the scenario says: its rate (tc htb), and its delay,\n"
               "  jitter and loss (a delay line between two TAPs instead of a veth). TAG (1-4 lower-case letters or digits,\n"
               "  default lv) names everything made; 'lvslab emu down TAG' removes it. The\n"
               "  director's listing: kill -USR1 its pid, then read /run/lvslab/TAG/NODE.status.\n");
    return rc;
}

int cmd_emu_shape_opt(void *shape, const char *arg, const char *next, FILE *err)
{
    (void)next, (void)err;
    if (strcmp(arg, "--shape"))
        return 0;
    *(bool *)shape = true;
    return 1;
}

static int up(int argc, char **argv, FILE *out, FILE *err)
{
    struct cmd_args a;
    bool shape = false;
    int parsed = cmd_args_parse(&a, "lvslab emu up", CMD_EMU_ONE_RUN_ARGS, cmd_emu_shape_opt, &shape, argc, argv, err);
    if (parsed)
        return parsed > 0 ? up_usage(out, CMD_OK) : up_usage(err, CMD_USAGE);
    if (!a.tag)
        a.tag = "lv";
    struct scenario sc;
    struct scn_run run;
    struct scn_topo topo;
    char msg[512];
    if (scenario_load_run(a.script, a.modes, a.sets, a.nsets, &sc, &run, &topo, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab emu up: %s\n", msg);
        return CMD_USAGE;
    }
    cmd_keepalived_warnings(&sc, &run, 1, "lvslab emu up", err);
    char self[256];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
    if (a.pcap_dir && (mkdir(a.pcap_dir, 0755) < 0 && errno != EEXIST)) {
        fprintf(err, "lvslab emu up: %s: %s\n", a.pcap_dir, strerror(errno));
        scn_topo_free(&topo);
        scenario_free(&sc);
        return CMD_FAILED;
    }
    /* the director reloads the same run (from wherever it starts) */
    struct cmd_emu_director_argv dargs;
    cmd_emu_director_args(&a, shape, run.mode, &dargs);
    struct emu_world w;
    int rc = emu_world_up(&w, &topo, a.tag, self, dargs.argv, shape, sc.seed, msg, sizeof msg);
    if (rc < 0) {
        fprintf(err, "lvslab emu up: %s\n", msg);
    } else {
        fprintf(out, "%s (%s): up as \"%s\"\n", sc.name, scn_mode_name(run.mode), a.tag);
        for (int i = 0; i < topo.nnodes; i++)
            if (w.ns[i][0])
                fprintf(out, "  %-12s ip netns exec %s ...\n", topo.nodes[i].name, w.ns[i]);
        for (int i = 0; i < topo.ndirectors; i++) {
            const char *name = topo.nodes[topo.directors[i].node].name;
            char log[192];
            emu_world_director_file(a.tag, name, "log", log, sizeof log);
            fprintf(out, "  %-12s lvslab emu director (root namespace, TAPs lt%s*), log %s\n", name, a.tag, log);
        }
    }
    emu_world_free(&w);
    scn_topo_free(&topo);
    scenario_free(&sc);
    return rc < 0 ? CMD_FAILED : CMD_OK;
}

static int down(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(argc == 2 ? out : err, "usage: lvslab emu down TAG\n"
                "  Remove what 'lvslab emu up' made under TAG.\n");
        return argc == 2 ? CMD_OK : CMD_USAGE;
    }
    char msg[512];
    if (emu_world_down(argv[1], msg, sizeof msg) < 0) {
        fprintf(err, "lvslab emu down: %s\n", msg);
        return CMD_FAILED;
    }
    fprintf(out, "%s: down\n", argv[1]);
    return CMD_OK;
}

static int emu_main(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc >= 2 && !strcmp(argv[1], "tun-endpoint"))
        return tun_endpoint(argc - 1, argv + 1, out, err);
    if (argc >= 2 && !strcmp(argv[1], "delay-line"))
        return delay_line(argc - 1, argv + 1, out, err);
    if (argc >= 2 && !strcmp(argv[1], "up"))
        return up(argc - 1, argv + 1, out, err);
    if (argc >= 2 && !strcmp(argv[1], "director"))
        return cmd_emu_director(argc - 1, argv + 1, out, err);
    if (argc >= 2 && !strcmp(argv[1], "down"))
        return down(argc - 1, argv + 1, out, err);
    if (argc >= 2 && !strcmp(argv[1], "run"))
        return cmd_emu_run(argc - 1, argv + 1, out, err);
    if (argc >= 2 && !strcmp(argv[1], "plan"))
        return cmd_emu_plan(argc - 1, argv + 1, out, err);
    fprintf(argc >= 2 && !strcmp(argv[1], "--help") ? out : err,
            "usage: lvslab emu SUBCOMMAND\n"
            "  up SCENARIO ...       build one run of a scenario from namespaces and bridges\n"
            "  down TAG              remove it\n"
            "  run SCENARIO ...      every run of a scenario, emulated, into results.json\n"
            "  plan SCENARIO ...     what up would build, as JSON (for emu/mininet/)\n"
            "  director SCENARIO ... one scenario director on TAP devices (emu up starts it)\n"
            "  tun-endpoint DEVICE   userspace IP-in-IP decapsulation for a TUN-mode real server\n"
            "  delay-line A B ...    a link's delay, jitter and loss between two TAPs\n");
    return argc >= 2 && !strcmp(argv[1], "--help") ? CMD_OK : CMD_USAGE;
}

const struct cmd_command cmd_emu = {
    .name = "emu",
    .summary = "the emulated world: real interfaces, namespaces",
    .main = emu_main,
};
