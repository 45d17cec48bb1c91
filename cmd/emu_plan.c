/* `lvslab emu plan`: what `lvslab emu up` would build, as JSON on stdout. */
#include <stdio.h>

#include "cmd/emu.h"
#include "emu/plan.h"
#include "emu/world.h"
#include "cmd/cmd.h"

static int usage(FILE *f, int rc)
{
    fprintf(f, "usage: lvslab emu plan SCENARIO [--mode MODE] [--set KEY=VALUE]... [--tag TAG] [--pcap DIR] [--shape]\n"
               "  Print, as one JSON object, the world 'lvslab emu up' would build for the same\n"
               "  arguments: nodes, addresses, routes, links, bridge and TAP names under TAG,\n"
               "  real-server set-up, servers, clients, and the arguments with which\n"
               "  'lvslab emu director' reloads the run (--shape: as 'emu up --shape' would\n"
               "  build it). Builds nothing. emu/mininet/ builds\n"
               "  the same world on Mininet from it.\n");
    return rc;
}

int cmd_emu_plan(int argc, char **argv, FILE *out, FILE *err)
{
    struct cmd_args a;
    bool shape = false;
    int parsed = cmd_args_parse(&a, "lvslab emu plan", CMD_EMU_ONE_RUN_ARGS, cmd_emu_shape_opt, &shape, argc, argv,
                                err);
    if (parsed)
        return parsed > 0 ? usage(out, CMD_OK) : usage(err, CMD_USAGE);
    if (!a.tag)
        a.tag = "lv";
    char msg[512];
    if (emu_world_tag_check(a.tag, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab emu plan: %s\n", msg);
        return CMD_USAGE;
    }
    struct scenario sc;
    struct scn_run run;
    struct scn_topo topo;
    if (scenario_load_run(a.script, a.modes, a.sets, a.nsets, &sc, &run, &topo, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab emu plan: %s\n", msg);
        return CMD_USAGE;
    }
    struct cmd_emu_director_argv dargs;
    cmd_emu_director_args(&a, shape, run.mode, &dargs);
    json_t *plan = emu_plan_json(&sc, &run, &topo, a.tag, shape, dargs.argv);
    int rc = json_dumpf(plan, out, JSON_INDENT(2)) == 0 && fputc('\n', out) != EOF ? CMD_OK : CMD_FAILED;
    if (rc != CMD_OK)
        fprintf(err, "lvslab emu plan: cannot write the plan\n");
    json_decref(plan);
    scn_topo_free(&topo);
    scenario_free(&sc);
    return rc;
}
