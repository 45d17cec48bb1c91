/* The analytic bound of a run, worked by hand for fixed sizes (a 200-byte
 * request, ten full segments of response, a connection each) on the lan
 * topology: what each mode puts through the director and the servers. Ten
 * segments are more than TCP Small Queues lets out before the server
 * closes, so its FIN rides the last one and the client's FIN acknowledges
 * both: one frame fewer each way than a separate FIN. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>

#include "scenario/bound.h"

#define FIX "tests/fixtures/scenarios/"

static json_t *bound_in(const char *script, enum scn_mode mode, double servers, const char *const *sets, int nsets)
{
    char err[512];
    struct scenario sc;
    cr_assert_eq(scenario_load(&sc, script, sets, nsets, err, sizeof err), 0, "%s", err);
    struct scn_topo topo;
    struct scn_run run = { .mode = mode, .sweep = { { .num = servers } } };
    cr_assert_eq(scenario_build(&sc, &run, &topo, err, sizeof err), 0, "%s", err);
    json_t *b = scn_bound(&topo, mode, 1);
    scn_topo_free(&topo);
    scenario_free(&sc);
    return b;
}

static json_t *bound_of(enum scn_mode mode, const char *per_packet)
{
    char set[64];
    snprintf(set, sizeof set, "per_packet=%s", per_packet);
    const char *sets[] = { set };
    return bound_in(FIX "bound.lua", mode, NAN, sets, 1);
}

static void expect(enum scn_mode mode, const char *per_packet, double mbps, const char *limited_by)
{
    json_t *b = bound_of(mode, per_packet);
    double got = json_number_value(json_object_get(b, "goodput_mbps"));
    cr_assert_float_eq(got, mbps, 0.05, "%s: %.3f Mbit/s, not %.3f", scn_mode_name(mode), got, mbps);
    cr_assert_str_eq(json_string_value(json_object_get(b, "limited_by")), limited_by);
    cr_assert(json_is_string(json_object_get(b, "detail")));
    json_decref(b);
}

/* NAT, one-armed: the director's port carries both ways. Client to server:
 * SYN 74, the handshake's ACK 66, the request 200+66, 9 quick ACKs, FIN
 * (the tenth's ACK): 13 frames, 1066 bytes. Server to client: SYN-ACK 74,
 * its quick ACK of the request, 10 segments 14480+660 (the FIN on the
 * last), last ACK: 13 frames, 15346 bytes. With 24 bytes of FCS, preamble
 * and gap a frame: 17036 bytes a request, so 125e6/17036 requests/s of
 * 14480 bytes. */
Test(run_bound, nat_is_held_by_the_directors_nic)
{
    expect(SCN_NAT, "1us", 125e6 / 17036 * 14480 * 8 / 1e6, "director NIC");
}

/* FULLNAT takes the timestamps out (the client's SYN loses them): 10
 * segments of at most 1460, frames of 54 bytes, a SYN-ACK of 66; TOA on
 * the SYN, the handshake's ACK and the request. Client to server: 13
 * frames, 200 + 12 * 54 + 74 + 3 * 8 = 946 bytes; back: 13 frames,
 * 14480 + 12 * 54 + 66 = 15194; 16764 with the overhead. */
Test(run_bound, fullnat_drops_timestamps_and_pays_for_toa)
{
    expect(SCN_FULLNAT, "1us", 125e6 / 16764 * 14480 * 8 / 1e6, "director NIC");
}

/* DR and TUN: the director sees 1378 bytes a request (TUN 20 more a
 * frame), so each server's 1 Gbit/s (15658 bytes a reply) binds: two
 * servers. */
Test(run_bound, dr_and_tun_are_held_by_the_servers)
{
    expect(SCN_DR, "1us", 2 * 125e6 / 15658 * 14480 * 8 / 1e6, "servers");
    expect(SCN_TUN, "1us", 2 * 125e6 / 15658 * 14480 * 8 / 1e6, "servers");
}

/* 20 us a packet: NAT's 26 frames a request take 520 us of the one core;
 * DR's 13 take 260 us, still above what the servers allow. */
Test(run_bound, a_slow_director_cpu_binds_nat_first)
{
    expect(SCN_NAT, "20us", 1e6 / 520 * 14480 * 8 / 1e6, "director CPU");
    expect(SCN_DR, "20us", 1e6 / 260 * 14480 * 8 / 1e6, "director CPU");
}

/* The paths, not the modes' usual suspects: across a WAN the narrow link
 * on the replies' way binds TUN; between two subnets, the director's port
 * on the clients' side carries every reply. */
Test(run_bound, the_narrowest_link_on_the_way_binds)
{
    json_t *b = bound_in("scenarios/tun-wan.lua", SCN_TUN, NAN, NULL, 0);
    cr_assert_str_eq(json_string_value(json_object_get(b, "limited_by")), "a link on the way");
    cr_assert(strstr(json_string_value(json_object_get(b, "detail")), "router_b-router_a link (0.1 Gbit/s)"),
              "%s", json_string_value(json_object_get(b, "detail")));
    cr_assert(json_number_value(json_object_get(b, "goodput_mbps")) < 100);
    json_decref(b);
    b = bound_in("scenarios/nat-routed.lua", SCN_NAT, 2, NULL, 0);
    cr_assert_str_eq(json_string_value(json_object_get(b, "limited_by")), "director NIC");
    cr_assert(strstr(json_string_value(json_object_get(b, "detail")), "director-public link"),
              "%s", json_string_value(json_object_get(b, "detail")));
    json_decref(b);
}
