/* The TCP keys of sysctl(node, {...}): valid values reach the node and, in
 * the simulated world, the host's TCP settings and, for emulation, sysctl
 * lines; bad keys and values stop the script naming what is valid. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/tcp.h"
#include "scenario/api.h"
#include "scenario/tcp_sysctl.h"
#include "support/wire.h"

static struct scenario sc;
static char err[512];

/* Build a script whose build(run) declares host "h" and calls
 * sysctl("h", opts); rc of the build, the topology in *t when 0. */
static int build_with(const char *opts, struct scn_topo *t)
{
    char path[] = "/tmp/lvslab-tcpsysctl-XXXXXX.lua";
    int fd = mkstemps(path, 4);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "scenario { name = \"t\", duration = \"1s\", modes = { \"dr\" } }\n"
               "function build(run)\n"
               "  host(\"h\")\n"
               "  sysctl(\"h\", %s)\n"
               "end\n", opts);
    fclose(f);
    int rc = scenario_load(&sc, path, NULL, 0, err, sizeof err);
    cr_assert_eq(rc, 0, "%s", err);
    struct scn_run run = { .mode = SCN_DR };
    rc = scenario_build(&sc, &run, t, err, sizeof err);
    scenario_free(&sc);
    unlink(path);
    return rc;
}

static const char *error_of(const char *opts)
{
    struct scn_topo t;
    cr_assert_eq(build_with(opts, &t), -1, "sysctl %s built without an error", opts);
    const char *at = strstr(err, ".lua:4: ");
    cr_assert_not_null(at, "%s", err);
    return at + strlen(".lua:4: ");
}

Test(scenario_tcp_sysctl, values_reach_the_node_the_host_and_the_sysctl_lines)
{
    struct scn_topo t;
    int rc = build_with("{ tcp_rmem = {4096, 87380, 1048576}, tcp_wmem = \"4096 65536 2097152\", "
                        "tcp_congestion_control = \"reno\", tcp_sack = false, tcp_timestamps = 0, "
                        "tcp_dsack = false, tcp_moderate_rcvbuf = false, tcp_slow_start_after_idle = false }", &t);
    cr_assert_eq(rc, 0, "%s", err);
    const struct scn_tcp_sysctl *x = &t.nodes[scn_topo_node(&t, "h")].tcp;
    cr_assert_eq(x->rmem[2], 1048576);
    cr_assert_eq(x->wmem[1], 65536);
    cr_assert_str_eq(x->congestion_control, "reno");
    cr_assert(!(x->set & SCN_TCP_WINDOW_SCALING), "a key not given is not set");

    struct sched s;
    sched_init(&s);
    struct pkt_pool *pool = pkt_pool_new();
    struct wire_pair P;
    wire_pair(&P, &s, pool, 50 * SIM_US, 1);
    scn_tcp_sysctl_apply(P.a, x);
    const struct tcp_config *c = tcp_stack_config(P.a);
    cr_assert_eq(c->rmem[1], 87380);
    cr_assert_eq(c->wmem[2], 2097152);
    cr_assert_str_eq(c->cc, "reno");
    cr_assert(!c->sack && !c->dsack && !c->timestamps && !c->moderate_rcvbuf && !c->slow_start_after_idle);
    cr_assert(c->window_scaling, "left at Linux's default");
    cr_assert_str_eq(tcp_stack_config(P.b)->cc, "cubic", "the default elsewhere");
    wire_pair_free(&P);
    pkt_pool_free(pool);
    sched_destroy(&s);

    char lines[9][96];
    int n = scn_tcp_sysctl_lines(x, lines, 9);
    cr_assert_eq(n, 8);
    cr_assert_str_eq(lines[0], "net.ipv4.tcp_rmem=4096 87380 1048576");
    cr_assert_str_eq(lines[3], "net.ipv4.tcp_congestion_control=reno");
    cr_assert_str_eq(lines[5], "net.ipv4.tcp_dsack=0");
    cr_assert_str_eq(lines[6], "net.ipv4.tcp_timestamps=0");
    scn_topo_free(&t);
}

Test(scenario_tcp_sysctl, bad_keys_and_values_name_what_is_valid)
{
    cr_assert_str_eq(error_of("{ tcp_congestion_control = \"bbr\" }"),
                     "sysctl h: tcp_congestion_control \"bbr\" is not modelled (valid: \"cubic\", \"reno\")");
    cr_assert_str_eq(error_of("{ tcp_rmem = {4096, 131072} }"),
                     "sysctl h: tcp_rmem must be {min, default, max} in bytes");
    cr_assert_str_eq(error_of("{ tcp_wmem = {4096, 8192, 4096} }"),
                     "sysctl h: tcp_wmem needs min <= default <= max and default >= 4096");
    cr_assert_str_eq(error_of("{ tcp_sack = \"yes\" }"), "sysctl h: tcp_sack must be true or false (or 1 or 0)");
    const char *e = error_of("{ tcp_rmen = {1, 2, 3} }");
    cr_assert(strstr(e, "sysctl h: unknown key \"tcp_rmen\" (known: ") == e, "%s", e);
    cr_assert(strstr(e, "tcp_rmem, tcp_wmem, tcp_moderate_rcvbuf, tcp_congestion_control") != NULL, "%s", e);
}

Test(scenario_tcp_sysctl, tcp_limit_output_bytes_reaches_the_host_and_is_checked)
{
    struct scn_topo t;
    cr_assert_eq(build_with("{ tcp_limit_output_bytes = 262144 }", &t), 0, "%s", err);
    const struct scn_tcp_sysctl *x = &t.nodes[scn_topo_node(&t, "h")].tcp;
    cr_assert_eq(x->limit_output_bytes, 262144);

    struct sched s;
    sched_init(&s);
    struct pkt_pool *pool = pkt_pool_new();
    struct wire_pair P;
    wire_pair(&P, &s, pool, 50 * SIM_US, 1);
    cr_assert_eq(tcp_stack_config(P.a)->limit_output_bytes, 4194304, "Linux 6.x's default");
    scn_tcp_sysctl_apply(P.a, x);
    cr_assert_eq(tcp_stack_config(P.a)->limit_output_bytes, 262144);
    wire_pair_free(&P);
    pkt_pool_free(pool);
    sched_destroy(&s);

    char lines[8][96];
    cr_assert_eq(scn_tcp_sysctl_lines(x, lines, 8), 1);
    cr_assert_str_eq(lines[0], "net.ipv4.tcp_limit_output_bytes=262144");
    scn_topo_free(&t);

    cr_assert_str_eq(error_of("{ tcp_limit_output_bytes = -1 }"),
                     "sysctl h: tcp_limit_output_bytes must be a whole number of bytes from 0 to 2147483647");
    cr_assert_str_eq(error_of("{ tcp_limit_output_bytes = \"1MB\" }"),
                     "sysctl h: tcp_limit_output_bytes must be a whole number of bytes from 0 to 2147483647");
}
