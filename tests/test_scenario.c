/* Scenario scripts: a good one loads and builds the topology it declares;
 * serve's health key refuses bad values with the script's line; the
 * warnings of their keepalived.conf files are gathered once before runs.
 * Bad scripts (each failing with the script's file:line and a plain
 * message) are under tests/bad/, checked by tests/bad_input.sh. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario/keepalived.h"
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
    cr_assert_eq(runs[0].sweep[0].num, 1);
    cr_assert_eq(runs[1].sweep[0].num, 3);
    cr_assert_eq(runs[3].mode, SCN_NAT);
    scenario_free(&sc);
}

Test(scenario, build_declares_the_lan_with_the_run_parameters)
{
    load_ok("good.lua", NULL, 0);
    struct scn_run run = { .mode = SCN_DR, .sweep = { { .num = 3 } } };
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
    cr_assert_eq(runs[0].sweep[0].num, 2);
    cr_assert_eq(sc.duration, 3 * SIM_S);
    scenario_free(&sc);

    const char *unknown[] = { "nosuch=1" };
    cr_assert_eq(scenario_load(&sc, FIX "good.lua", unknown, 1, err, sizeof err), -1);
    cr_assert_str_eq(err, "--set nosuch=1: the scenario has no parameter \"nosuch\" (it has clients, servers; and "
                          "duration, warmup, after and seed)");
}

Test(scenario, the_main_scenario_builds_every_run)
{
    cr_assert_eq(scenario_load(&sc, "scenarios/compare-modes.lua", NULL, 0, err, sizeof err), 0,
                 "%s", err);
    struct scn_run runs[64];
    int n = scenario_runs(&sc, runs, 64);
    cr_assert_eq(n, sc.nmodes * sc.sweep[0].nvalues);
    for (int i = 0; i < n; i++) {
        struct scn_topo t;
        cr_assert_eq(scenario_build(&sc, &runs[i], &t, err, sizeof err), 0, "run %d: %s", i, err);
        cr_assert_eq(t.nrealservers, (int)runs[i].sweep[0].num);
        cr_assert_eq(t.directors[0].nipvsadm, 1 + (int)runs[i].sweep[0].num);
        scn_topo_free(&t);
    }
    scenario_free(&sc);
}

/* The error of building a script whose build(run) serves an http server
 * on host "s" with the given options. */
static const char *serve_error(const char *opts)
{
    char path[] = "/tmp/lvslab-serve-XXXXXX.lua";
    int fd = mkstemps(path, 4);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "scenario { name = \"serve\", duration = \"1s\", modes = { \"dr\" } }\n"
               "function build(run)\n"
               "  host(\"s\")\n"
               "  serve(\"s\", %s)\n"
               "end\n", opts);
    fclose(f);
    int rc = scenario_load(&sc, path, NULL, 0, err, sizeof err);
    cr_assert_eq(rc, 0, "%s", err);
    struct scn_run run = { .mode = SCN_DR };
    struct scn_topo t;
    rc = scenario_build(&sc, &run, &t, err, sizeof err);
    scenario_free(&sc);
    unlink(path);
    cr_assert_eq(rc, -1, "serve %s built without an error", opts);
    const char *at = strstr(err, ".lua:4: ");    /* the script's name is random */
    cr_assert_not_null(at, "%s", err);
    return at + strlen(".lua:4: ");
}

Test(scenario, a_bad_health_page_names_the_server_and_the_key)
{
    cr_assert_str_eq(serve_error("{ health = { path = 5 } }"),
                     "serve s: health: path must be a string, not number");
    cr_assert_str_eq(serve_error("{ health = { path = \"health\" } }"),
                     "serve s: health: path \"health\" is not a path (/..., no spaces or '?', under 256 "
                     "characters)");
    cr_assert_str_eq(serve_error("{ health = { path = \"/a?b\" } }"),
                     "serve s: health: path \"/a?b\" is not a path (/..., no spaces or '?', under 256 "
                     "characters)");
    cr_assert(strstr(serve_error("{ health = { status = 99 } }"), "serve s: health: status ") != NULL, "%s", err);
    cr_assert(strstr(serve_error("{ health = { status = 200.5 } }"),
                     "serve s: health: status must be a whole number, not 200.5") != NULL, "%s", err);
    cr_assert_str_eq(serve_error("{ health = { path = \"/h\", stauts = 503 } }"),
                     "serve s: health: unknown key \"stauts\" (known: path, status, body)");
    cr_assert_str_eq(serve_error("{ health = \"/health\" }"),
                     "serve s: health: expected a table of options, got string");
    cr_assert_str_eq(serve_error("{ kind = \"bulk\", health = {} }"),
                     "serve s: only an http server has a health page");
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

Test(scenario, lb_kind_is_checked_against_how_the_real_servers_are_set_up)
{
    cr_assert_eq(scenario_load(&sc, FIX "lb_kind.lua", NULL, 0, err, sizeof err), 0, "%s", err);
    struct scn_run runs[4];
    cr_assert_eq(scenario_runs(&sc, runs, 4), 2);
    cr_assert_eq(runs[1].mode, SCN_NAT);
    struct scn_topo t;
    struct ka_conf conf;
    char *out = NULL;
    cr_assert_eq(scenario_build(&sc, &runs[0], &t, err, sizeof err), 0, "%s", err);   /* dr: fits */
    cr_assert_eq(ka_conf_parse_file(t.directors[0].keepalived, &conf, err, sizeof err), 0, "%s", err);
    scn_ka_wiring(&t, &conf, &out);
    cr_assert_null(out, "%s", out);
    ka_conf_free(&conf);
    scn_topo_free(&t);

    cr_assert_eq(scenario_build(&sc, &runs[1], &t, err, sizeof err), 0, "%s", err);   /* nat under DR */
    cr_assert_eq(ka_conf_parse_file(t.directors[0].keepalived, &conf, err, sizeof err), 0, "%s", err);
    scn_ka_wiring(&t, &conf, &out);
    scn_ka_wiring(&t, &conf, &out);           /* a line already there is not added again */
    cr_assert_eq(count_lines(out), 2, "%s", out);
    const char *want = FIX "keepalived/misc.conf:9: real_server 10.0.0.11 80 of virtual_server TCP "
                           "10.0.0.100:80: lb_kind DR (line 3), but the scenario sets rs1 up for nat (";
    cr_assert(strncmp(out, want, strlen(want)) == 0, "%s", out);
    cr_assert(strstr(out, "misc.conf:14: real_server 10.0.0.12 80 of virtual_server TCP 10.0.0.100:80: "
                          "lb_kind DR (line 3), but the scenario sets rs2 up for nat ("), "%s", out);
    free(out);
    ka_conf_free(&conf);
    scn_topo_free(&t);

    char *all = scn_ka_warnings(&sc, runs, 2);   /* both runs: the nat run's two lines */
    cr_assert_eq(count_lines(all), 2, "%s", all);
    free(all);
    cr_assert_null(scn_ka_warnings(&sc, runs, 1));
    scenario_free(&sc);
}

Test(scenario, a_files_parser_warnings_are_gathered_once)
{
    const char *set[] = { "notes=true" };
    cr_assert_eq(scenario_load(&sc, FIX "http_get.lua", set, 1, err, sizeof err), 0, "%s", err);
    struct scn_run runs[2];
    cr_assert_eq(scenario_runs(&sc, runs, 1), 1);
    runs[1] = runs[0];                          /* the same file in two runs */
    char *all = scn_ka_warnings(&sc, runs, 2);
    cr_assert_str_eq(all, FIX "keepalived/http_get_notes.conf: ignored, as they do not change the simulation: "
                              "notification_email (line 5), notification_email_from (line 9), smtp_server "
                              "(line 10), smtp_connect_timeout (line 11)\n");
    free(all);
    scenario_free(&sc);

    cr_assert_eq(scenario_load(&sc, FIX "http_get.lua", NULL, 0, err, sizeof err), 0, "%s", err);
    cr_assert_null(scn_ka_warnings(&sc, runs, 1));
    scenario_free(&sc);
}

Test(scenario, a_sweep_of_two_parameters_runs_their_cross_product_in_name_order)
{
    cr_assert_eq(scenario_load(&sc, FIX "cross.lua", NULL, 0, err, sizeof err), 0, "%s", err);
    cr_assert_eq(sc.nsweep, 2);
    cr_assert_str_eq(sc.sweep[0].param, "sched");
    cr_assert_str_eq(sc.sweep[1].param, "servers");
    struct scn_run runs[16];
    cr_assert_eq(scenario_runs(&sc, runs, 16), 8);
    static const char *const want[] = { "sched=rr servers=1", "sched=rr servers=2", "sched=wlc servers=1",
                                        "sched=wlc servers=2" };
    for (int i = 0; i < 8; i++) {
        char label[64];
        scn_run_label(&sc, &runs[i], " ", label, sizeof label);
        cr_assert_str_eq(label, want[i % 4], "run %d: %s", i, label);
        cr_assert_eq(runs[i].mode, i < 4 ? SCN_DR : SCN_NAT);
        struct scn_topo t;
        cr_assert_eq(scenario_build(&sc, &runs[i], &t, err, sizeof err), 0, "run %d: %s", i, err);
        cr_assert_eq(t.nrealservers, (int)runs[i].sweep[1].num);
        cr_assert(strstr(t.directors[0].ipvsadm[0], runs[i].sweep[0].str), "%s", t.directors[0].ipvsadm[0]);
        cr_assert_eq(t.events[0].at, 1500 * SIM_MS);    /* run.warmup + run.duration / 2 */
        scn_topo_free(&t);
    }
    char folder[64];
    scn_run_folder(&sc, &runs[7], folder, sizeof folder);
    cr_assert_str_eq(folder, "sched-wlc_servers-2");
    scenario_free(&sc);
}

Test(scenario, set_pins_or_lists_a_swept_parameter_of_names_or_numbers)
{
    const char *pin[] = { "sched=wlc", "servers=3,4,5" };
    cr_assert_eq(scenario_load(&sc, FIX "cross.lua", pin, 2, err, sizeof err), 0, "%s", err);
    struct scn_run runs[16];
    cr_assert_eq(scenario_runs(&sc, runs, 16), 6);
    cr_assert_str_eq(runs[0].sweep[0].str, "wlc");
    cr_assert_eq(runs[2].sweep[1].num, 5);
    scenario_free(&sc);

    const char *bad[] = { "servers=two" };
    cr_assert_eq(scenario_load(&sc, FIX "cross.lua", bad, 1, err, sizeof err), -1);
    cr_assert_str_eq(err, "--set servers=two: \"two\" is not a number (servers takes numbers)");
    const char *badname[] = { "sched=w/lc" };
    cr_assert_eq(scenario_load(&sc, FIX "cross.lua", badname, 1, err, sizeof err), -1);
    cr_assert(strstr(err, "--set sched=w/lc: \"w/lc\" is not a name"), "%s", err);
}
