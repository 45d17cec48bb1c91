/* The plan of an emulated run (emu/plan.c): the names a world builder
 * needs are the ones `lvslab emu up` and the director use (in a shaped
 * world a delayed link to a switch gets a bridge of its own), each link
 * carries its rate and delays, each mode's real servers hold the VIP where
 * the Linux set-up puts it, and only addresses to add are listed. */
#include <criterion/criterion.h>
#include <string.h>

#include "cmd/emu.h"
#include "emu/plan.h"
#include "emu/world.h"

static json_t *plan_of(const char *mode, struct scn_topo *topo, struct scenario *sc)
{
    static const char *const sets[] = { "servers=2", "clients=1" };
    struct scn_run run;
    char err[512];
    cr_assert_eq(scenario_load_run("scenarios/compare-modes.lua", mode, sets, 2, sc, &run, topo, err, sizeof err),
                 0, "%s", err);
    char *dargs[] = { "compare-modes.lua", "--mode", (char *)mode, NULL };
    return emu_plan_json(sc, &run, topo, "m1", false, dargs);
}

static json_t *find(json_t *array, const char *key, const char *value)
{
    size_t i;
    json_t *o;
    json_array_foreach(array, i, o)
        if (!strcmp(json_string_value(json_object_get(o, key)), value))
            return o;
    cr_assert_fail("no entry with %s \"%s\"", key, value);
    return NULL;
}

Test(emu_plan, switch_bridge_and_director_port_named_as_the_world_names_them)
{
    struct scn_topo topo;
    struct scenario sc;
    json_t *plan = plan_of("dr", &topo, &sc);
    cr_assert_str_eq(json_string_value(json_object_get(plan, "mode")), "dr");
    cr_assert_str_eq(json_string_value(json_object_get(plan, "tag")), "m1");
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)sc.seed);
    cr_assert_str_eq(json_string_value(json_object_get(plan, "seed")), seed, "the run's seed, for the delay lines");

    char bridge[16], tap[16], port_bridge[16];
    int lan = scn_topo_node(&topo, "lan");
    emu_world_switch_bridge("m1", lan, bridge);
    json_t *sw = find(json_object_get(plan, "nodes"), "name", "lan");
    cr_assert_str_eq(json_string_value(json_object_get(sw, "kind")), "switch");
    cr_assert_str_eq(json_string_value(json_object_get(sw, "bridge")), bridge);

    int director_links = 0;
    size_t i;
    json_t *link;
    json_array_foreach(json_object_get(plan, "links"), i, link) {
        json_t *port = json_object_get(link, "director_port");
        const char *a = json_string_value(json_object_get(json_array_get(json_object_get(link, "ends"), 0), "node"));
        const char *b = json_string_value(json_object_get(json_array_get(json_object_get(link, "ends"), 1), "node"));
        bool director_end = !strcmp(a, "director") || !strcmp(b, "director");
        cr_assert_eq(port != NULL, director_end, "link %zu (%s-%s): director_port only on a director's link", i, a, b);
        if (!port)
            continue;
        director_links++;
        emu_world_director_port("m1", &topo, (int)i, false, tap, port_bridge);
        cr_assert_str_eq(json_string_value(json_object_get(port, "tap")), tap);
        cr_assert_str_eq(json_string_value(json_object_get(port, "bridge")), port_bridge);
        cr_assert_str_eq(port_bridge, bridge, "the director's TAP joins the LAN switch's bridge");
    }
    cr_assert_eq(director_links, 1);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(plan, "director_args"), 2)), "dr");
    json_decref(plan);
    scn_topo_free(&topo);
    scenario_free(&sc);
}

Test(emu_plan, real_servers_hold_the_vip_where_their_mode_needs_it)
{
    static const char *const modes[] = { "nat", "dr", "tun", "fullnat" };
    static const char *const vip_dev[] = { NULL, "lo", EMU_TUN_DEV, NULL };
    for (int m = 0; m < 4; m++) {
        struct scn_topo topo;
        struct scenario sc;
        json_t *plan = plan_of(modes[m], &topo, &sc);
        json_t *rs = find(json_object_get(plan, "realservers"), "node", "rs2");
        cr_assert_str_eq(json_string_value(json_object_get(rs, "mode")), modes[m]);
        cr_assert_str_eq(json_string_value(json_object_get(rs, "vip")), "10.0.0.100");
        json_t *dev = json_object_get(rs, "vip_dev");
        if (vip_dev[m])
            cr_assert_str_eq(json_string_value(dev), vip_dev[m], "%s", modes[m]);
        else
            cr_assert(json_is_null(dev), "%s: no VIP on the real server", modes[m]);
        json_t *gateway = json_object_get(rs, "gateway");
        cr_assert(m == 0 ? !strcmp(json_string_value(gateway), "10.0.0.2") : json_is_null(gateway), "%s", modes[m]);
        json_decref(plan);
        scn_topo_free(&topo);
        scenario_free(&sc);
    }
}

Test(emu_plan, addresses_routes_servers_and_clients)
{
    struct scn_topo topo;
    struct scenario sc;
    json_t *plan = plan_of("nat", &topo, &sc);
    json_t *rs1 = find(json_object_get(plan, "nodes"), "name", "rs1");
    json_t *lo = find(json_object_get(rs1, "ifaces"), "name", "lo");
    cr_assert_eq(json_array_size(json_object_get(lo, "addrs")), 0, "127.0.0.1 is not an address to add");
    cr_assert(json_is_null(json_object_get(lo, "link")));
    json_t *eth0 = find(json_object_get(rs1, "ifaces"), "name", "eth0");
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(eth0, "addrs"), 0)), "10.0.0.11/24");
    json_t *route = json_array_get(json_object_get(rs1, "routes"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(route, "to")), "default");
    cr_assert_str_eq(json_string_value(json_object_get(route, "via")), "10.0.0.2", "NAT: via the director");
    cr_assert(json_is_true(json_object_get(find(json_object_get(plan, "nodes"), "name", "router"), "forward")));

    json_t *servers = json_object_get(plan, "servers");
    cr_assert_eq(json_array_size(servers), 2);
    json_t *srv = find(servers, "node", "rs2");
    cr_assert_str_eq(json_string_value(json_object_get(srv, "kind")), "http");
    cr_assert_eq(json_integer_value(json_object_get(srv, "port")), 80);
    json_t *clients = json_object_get(plan, "clients");
    cr_assert_eq(json_array_size(clients), 1);
    json_t *c = json_array_get(clients, 0);
    cr_assert_str_eq(json_string_value(json_object_get(c, "node")), "client1");
    cr_assert_str_eq(json_string_value(json_object_get(c, "dst")), "10.0.0.100");
    cr_assert_eq(json_integer_value(json_object_get(c, "port")), 80);
    json_decref(plan);
    scn_topo_free(&topo);
    scenario_free(&sc);
}

Test(emu_plan, shaped_world_gives_a_delayed_director_link_a_bridge_of_its_own)
{
    struct scenario sc;
    struct scn_run run;
    struct scn_topo topo;
    char err[512];
    static const char *const sets[] = { "delayed=1" };
    cr_assert_eq(scenario_load_run("tests/fixtures/scenarios/emu-p2p.lua", NULL, sets, 1, &sc, &run, &topo, err,
                                  sizeof err), 0, "%s", err);
    char *dargs[] = { "emu-p2p.lua", "--set", "delayed=1", NULL };
    char lan_bridge[16];
    emu_world_switch_bridge("m1", scn_topo_node(&topo, "lan"), lan_bridge);
    for (int shaped = 0; shaped < 2; shaped++) {
        json_t *plan = emu_plan_json(&sc, &run, &topo, "m1", shaped, dargs);
        cr_assert_eq(json_is_true(json_object_get(plan, "shape")), shaped);
        size_t i;
        json_t *link;
        json_array_foreach(json_object_get(plan, "links"), i, link) {
            const char *a = json_string_value(json_object_get(json_array_get(json_object_get(link, "ends"), 0), "node"));
            const char *b = json_string_value(json_object_get(json_array_get(json_object_get(link, "ends"), 1), "node"));
            if (strcmp(a, "director") || strcmp(b, "lan"))
                continue;
            cr_assert_eq(json_integer_value(json_object_get(link, "delay_ns")), 5000000, "the fixture's 5 ms");
            cr_assert_eq(json_integer_value(json_object_get(link, "rate_bps")), 1000000000, "the default 1 Gbit/s");
            const char *bridge = json_string_value(json_object_get(json_object_get(link, "director_port"), "bridge"));
            if (shaped)
                cr_assert_str_neq(bridge, lan_bridge, "shaped: the director's TAP is on a bridge of its own");
            else
                cr_assert_str_eq(bridge, lan_bridge, "unshaped: the director's TAP is on the switch's bridge");
        }
        json_decref(plan);
    }
    scn_topo_free(&topo);
    scenario_free(&sc);
}
