/* Scenario scripts: a good one loads and builds the topology it declares.
 * Bad ones (each failing with the script's file:line and a plain message)
 * are under tests/bad/, checked by tests/bad_input.sh. */
#include <criterion/criterion.h>

#include "scenario/scenario.h"

#define FIX "tests/fixtures/scenarios/"

static struct scenario sc;
static char err[512];

static void load_ok(const char *file, const char *const *set, int nset)
{
    int rc = scenario_load(&sc, FIX "good.lua", set, nset, err, sizeof err);
    (void)file;
    cr_assert_eq(rc, 0, "load failed: %s", err);
}

Test(scenario, good_script_gives_one_run_per_mode_and_sweep_value)
{
    load_ok("good.lua", NULL, 0);
    cr_assert_str_eq(sc.name, "good");
    cr_assert_eq(sc.duration, 2 * SIM_S);
    cr_assert_eq(sc.warmup, 500 * SIM_MS);
    struct scn_run runs[16];
    int n = scenario_runs(&sc, runs, 16);
    cr_assert_eq(n, 4);
    cr_assert_eq(runs[0].mode, SCN_DR);
    cr_assert_eq(runs[0].sweep_value, 1);
    cr_assert_eq(runs[1].sweep_value, 3);
    cr_assert_eq(runs[3].mode, SCN_NAT);
    scenario_free(&sc);
}

Test(scenario, build_declares_the_lan_with_the_run_parameters)
{
    load_ok("good.lua", NULL, 0);
    struct scn_run run = { .mode = SCN_DR, .sweep_value = 3 };
    struct scn_topo t;
    cr_assert_eq(scenario_build(&sc, &run, &t, err, sizeof err), 0, "%s", err);
    cr_assert_eq(t.nnodes, 8);          /* router, lan, director, 2 clients, 3 servers */
    cr_assert_eq(t.nlinks, 7);
    cr_assert_eq(t.nrealservers, 3);
    cr_assert_eq(t.realservers[2].mode, SCN_DR);
    cr_assert_eq(t.directors[0].nipvsadm, 4);
    cr_assert_str_eq(t.directors[0].ipvsadm[1], "-a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1");
    cr_assert_eq(t.nworkloads, 1);
    cr_assert_eq(t.workloads[0].nfrom, 2);
    cr_assert_eq(t.workloads[0].dport, 80);
    cr_assert_eq(t.nevents, 1);
    cr_assert_eq(t.events[0].at, SIM_S);
    cr_assert_eq(t.events[0].node, scn_topo_node(&t, "rs1"));
    int rs1 = scn_topo_node(&t, "rs1");
    cr_assert_eq(t.nodes[rs1].nroutes, 1);
    cr_assert_eq(t.nodes[rs1].routes[0].via, 0x0a000001);   /* DR: back via the router */
    scn_topo_free(&t);

    run.mode = SCN_NAT;
    cr_assert_eq(scenario_build(&sc, &run, &t, err, sizeof err), 0, "%s", err);
    cr_assert_eq(t.nodes[rs1].routes[0].via, 0x0a000002);   /* NAT: via the director */
    scn_topo_free(&t);
    scenario_free(&sc);
}

Test(scenario, set_overrides_a_parameter_and_fixes_the_sweep)
{
    const char *set[] = { "servers=2", "duration=3s" };
    load_ok("good.lua", set, 2);
    struct scn_run runs[16];
    cr_assert_eq(scenario_runs(&sc, runs, 16), 2);
    cr_assert_eq(runs[0].sweep_value, 2);
    cr_assert_eq(sc.duration, 3 * SIM_S);
    scenario_free(&sc);

    const char *unknown[] = { "nosuch=1" };
    cr_assert_eq(scenario_load(&sc, FIX "good.lua", unknown, 1, err, sizeof err), -1);
    cr_assert_str_eq(err, "--set nosuch=1: the scenario has no parameter \"nosuch\"");
}

Test(scenario, the_main_scenario_builds_every_run)
{
    cr_assert_eq(scenario_load(&sc, "scenarios/compare-modes.lua", NULL, 0, err, sizeof err), 0,
                 "%s", err);
    struct scn_run runs[64];
    int n = scenario_runs(&sc, runs, 64);
    cr_assert_eq(n, sc.nmodes * sc.nsweep);
    for (int i = 0; i < n; i++) {
        struct scn_topo t;
        cr_assert_eq(scenario_build(&sc, &runs[i], &t, err, sizeof err), 0, "run %d: %s", i, err);
        cr_assert_eq(t.nrealservers, (int)runs[i].sweep_value);
        cr_assert_eq(t.directors[0].nipvsadm, 1 + (int)runs[i].sweep_value);
        scn_topo_free(&t);
    }
    scenario_free(&sc);
}
