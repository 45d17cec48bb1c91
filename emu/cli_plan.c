/* `lvslab emu plan`: what `lvslab emu up` would build, as JSON on stdout. */
#include <stdio.h>

#include "emu/cli_emu.h"
#include "emu/plan.h"
#include "emu/world.h"
#include "sim/cli.h"

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

int emu_cli_plan(int argc, char **argv, FILE *out, FILE *err)
{
    struct emu_run_args a;
    int parsed = emu_cli_parse_run_args(argc, argv, &a);
    if (parsed)
        return parsed > 0 ? usage(out, CLI_OK) : usage(err, CLI_USAGE);
    char msg[512];
    if (emu_world_tag_check(a.tag, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab emu plan: %s\n", msg);
        return CLI_USAGE;
    }
    struct scenario sc;
    struct scn_run run;
    struct scn_topo topo;
    if (emu_cli_load_run(a.script, a.mode, a.sets, a.nsets, &sc, &run, &topo, msg, sizeof msg) < 0) {
        fprintf(err, "lvslab emu plan: %s\n", msg);
        return CLI_USAGE;
    }
    struct emu_director_argv dargs;
    emu_cli_director_args(&a, run.mode, &dargs);
    json_t *plan = emu_plan_json(&sc, &run, &topo, a.tag, a.shape, dargs.argv);
    int rc = json_dumpf(plan, out, JSON_INDENT(2)) == 0 && fputc('\n', out) != EOF ? CLI_OK : CLI_FAILED;
    if (rc != CLI_OK)
        fprintf(err, "lvslab emu plan: cannot write the plan\n");
    json_decref(plan);
    scn_topo_free(&topo);
    scenario_free(&sc);
    return rc;
}
