/*
 * The director's connection rules on crafted segments: the kernel's state
 * table in each direction and its active/inactive counts, timeouts (and
 * ipvsadm --set) through the expiry wheel, the upper and lower thresholds,
 * persistence templates with a netmask, expire_quiescent_template,
 * expire_nodest_conn, and conn_reuse_mode with and without conntrack.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "lvs/ipvsadm.h"
#include "lvs/proto_tcp.h"
#include "net/mark.h"
#include "tests/support/director_rig.h"
#include "tests/support/leak_check.h"

static struct rig r;

static struct ipvs_conn *conn_of(uint32_t k)
{
    return ipvs_conn_in_get(&r.ipvs, 0, IPPROTO_TCP, rig_client(k), rig_cport(k), RIG_VIP, RIG_PORT);
}

static struct ipvs_dest *dest(int i)
{
    struct ipvs_service *svc = ipvs_service_find(&r.ipvs, IPPROTO_TCP, RIG_VIP, RIG_PORT, 0);
    return ipvs_dest_find(svc, RIG_RIP(i), RIG_PORT);
}

static void run_to(sim_time_t t)
{
    sched_run_until(&r.clock, t);
}

static void teardown(void)
{
    leak_check(rig_free(&r));
}

TestSuite(ipvs_conn, .fini = teardown);

Test(ipvs_conn, dr_states_follow_the_input_only_table)
{
    rig_init(&r, IPVS_FWD_DROUTE, 1, "rr", false);
    rig_send(&r, 0, TCP_SYN);
    struct ipvs_conn *c = conn_of(0);
    cr_assert_not_null(c);
    cr_assert_str_eq(ipvs_tcp_state_name(c->state), "SYN_RECV");
    cr_assert(dest(0)->inactconns == 0 && dest(0)->activeconns == 1, "SYN_RECV is active (Linux 4.8+)");
    cr_assert_eq(c->timeout_ms, 60000);
    rig_send(&r, 0, TCP_ACK);
    cr_assert_str_eq(ipvs_tcp_state_name(c->state), "ESTABLISHED");
    cr_assert(dest(0)->inactconns == 0 && dest(0)->activeconns == 1);
    cr_assert_eq(c->timeout_ms, 900000);
    rig_send(&r, 0, TCP_FIN | TCP_ACK);      /* FIN beats ACK in the flag order */
    cr_assert_str_eq(ipvs_tcp_state_name(c->state), "FIN_WAIT");
    cr_assert(dest(0)->inactconns == 1 && dest(0)->activeconns == 0);
    rig_send(&r, 0, TCP_ACK);
    cr_assert_str_eq(ipvs_tcp_state_name(c->state), "FIN_WAIT");
    rig_send(&r, 0, TCP_RST);
    cr_assert_str_eq(ipvs_tcp_state_name(c->state), "CLOSE");
    cr_assert_eq(c->timeout_ms, 10000);
    rig_send(&r, 0, 0);                        /* no flag the table knows: CLOSE */
    cr_assert_str_eq(ipvs_tcp_state_name(c->state), "CLOSE");
}

Test(ipvs_conn, nat_states_see_both_directions)
{
    rig_init(&r, IPVS_FWD_MASQ, 1, "rr", false);
    rig_send(&r, 0, TCP_SYN);
    struct ipvs_conn *c = conn_of(0);
    rig_reply(&r, 0, 0, TCP_SYN | TCP_ACK);
    cr_assert_str_eq(ipvs_tcp_state_name(c->state), "SYN_RECV");
    rig_send(&r, 0, TCP_ACK);
    cr_assert_str_eq(ipvs_tcp_state_name(c->state), "ESTABLISHED");
    rig_reply(&r, 0, 0, TCP_FIN | TCP_ACK);    /* the server closes first */
    cr_assert_str_eq(ipvs_tcp_state_name(c->state), "FIN_WAIT");
    rig_send(&r, 0, TCP_FIN | TCP_ACK);
    cr_assert_str_eq(ipvs_tcp_state_name(c->state), "TIME_WAIT");
    cr_assert_eq(c->timeout_ms, 120000);
    cr_assert_eq(r.ipvs.stats.inpkts, 3);
    cr_assert_eq(r.ipvs.stats.outpkts, 2);
    cr_assert_eq(r.back_dev.frames, 3 + 1, "3 segments and the ARP reply on the back");
}

/* An ACK on an ESTABLISHED entry takes the inline path (state kept,
 * timeout set); any other flag, or a reply on a NOOUTPUT entry, must still
 * go through the table. */
Test(ipvs_conn, only_a_plain_ack_on_an_established_entry_skips_the_table)
{
    rig_init(&r, IPVS_FWD_DROUTE, 1, "rr", false);
    struct ipvs_conn *c[5];
    for (uint32_t k = 0; k < 5; k++) {
        rig_send(&r, k, TCP_SYN);
        rig_send(&r, k, TCP_ACK);
        c[k] = conn_of(k);
        cr_assert_str_eq(ipvs_tcp_state_name(c[k]->state), "ESTABLISHED");
    }
    r.ipvs.timeouts = (struct ipvs_timeouts){ .tcp = 7, .tcpfin = 3, .udp = 2 };
    rig_send(&r, 0, TCP_ACK | TCP_PSH);
    cr_assert_str_eq(ipvs_tcp_state_name(c[0]->state), "ESTABLISHED");
    cr_assert_eq(c[0]->timeout_ms, 7000, "ipvsadm --set applies to the next ACK");
    rig_send(&r, 0, TCP_PSH);                 /* no ACK: no flag the table knows */
    cr_assert_str_eq(ipvs_tcp_state_name(c[0]->state), "CLOSE");
    rig_send(&r, 1, TCP_ACK | TCP_RST);
    cr_assert_str_eq(ipvs_tcp_state_name(c[1]->state), "CLOSE");
    rig_send(&r, 2, TCP_ACK | TCP_FIN);
    cr_assert_str_eq(ipvs_tcp_state_name(c[2]->state), "FIN_WAIT");
    cr_assert_eq(c[2]->timeout_ms, 3000);
    rig_send(&r, 3, TCP_ACK | TCP_SYN);
    cr_assert_str_eq(ipvs_tcp_state_name(c[3]->state), "ESTABLISHED");
    cr_assert(dest(0)->activeconns == 2 && dest(0)->inactconns == 3);
    cr_assert(c[4]->flags & IPVS_CONN_F_NOOUTPUT);
    ipvs_tcp_transition(&r.ipvs, c[4], IPVS_DIR_OUTPUT, TCP_ACK);
    cr_assert_not(c[4]->flags & IPVS_CONN_F_NOOUTPUT, "a reply seen: the entry sees both directions");
    cr_assert_str_eq(ipvs_tcp_state_name(c[4]->state), "ESTABLISHED");
}

/* Since Linux 4.8 the handshake's states count as active: a SYN flood
 * weighs on a dest as its established connections do, and lc spreads it;
 * with only ESTABLISHED active (older kernels) the dest without an
 * established connection takes the whole burst. */
static void syn_burst_case(bool established_only, uint32_t expect_active1, uint32_t expect_inact1)
{
    rig_init(&r, IPVS_FWD_DROUTE, 2, "lc", false);
    r.ipvs.sysctl.tcp_active_established_only = established_only;
    rig_send(&r, 0, TCP_SYN);                  /* lc: dest 1, first in the list */
    rig_send(&r, 0, TCP_ACK);
    cr_assert_eq(conn_of(0)->daddr, RIG_RIP(1));
    for (uint32_t k = 1; k <= 4; k++)
        rig_send(&r, k, TCP_SYN);
    cr_assert_eq(dest(1)->activeconns, expect_active1);
    cr_assert_eq(dest(1)->inactconns, expect_inact1);
    cr_assert_eq(dest(0)->activeconns + dest(0)->inactconns, 5 - expect_active1 - expect_inact1);
}

Test(ipvs_conn, a_syn_flood_counts_as_active_and_lc_spreads_it)
{
    syn_burst_case(false, 3, 0);              /* ties go to dest 1, first in the list */
    cr_assert_eq(dest(0)->activeconns, 2);
    cr_assert_eq(dest(0)->inactconns, 0);
}

Test(ipvs_conn, with_established_only_a_syn_flood_is_inactive)
{
    syn_burst_case(true, 1, 0);
    cr_assert_eq(dest(0)->activeconns, 0);
    cr_assert_eq(dest(0)->inactconns, 4);
}

Test(ipvs_conn, entries_expire_on_their_state_timeout)
{
    rig_init(&r, IPVS_FWD_DROUTE, 1, "rr", false);
    rig_send(&r, 0, TCP_SYN);                  /* SYN_RECV: 60 s */
    run_to(59 * SIM_S + 900 * SIM_MS);
    cr_assert_not_null(conn_of(0));
    run_to(60 * SIM_S + 100 * SIM_MS);
    cr_assert_null(conn_of(0));
    cr_assert_eq(dest(0)->inactconns, 0);
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 0);
}

Test(ipvs_conn, a_packet_pushes_the_deadline_back)
{
    rig_init(&r, IPVS_FWD_DROUTE, 1, "rr", false);
    rig_send(&r, 0, TCP_SYN);
    run_to(50 * SIM_S);
    rig_send(&r, 0, TCP_SYN);                  /* SYN again at 50 s: now until 110 s */
    run_to(100 * SIM_S);
    cr_assert_not_null(conn_of(0));
    run_to(111 * SIM_S);
    cr_assert_null(conn_of(0));
}

Test(ipvs_conn, set_timeouts_apply_to_established_and_udp)
{
    rig_init(&r, IPVS_FWD_DROUTE, 1, "rr", false);
    r.ipvs.timeouts = (struct ipvs_timeouts){ .tcp = 5, .tcpfin = 3, .udp = 2 };
    struct ipvs_service_conf u = { .protocol = IPPROTO_UDP, .addr = RIG_VIP, .port = 53, .sched_name = "rr" };
    cr_assert_eq(ipvs_service_add(&r.ipvs, &u), 0);
    cr_assert_eq(ipvs_dest_add(&r.ipvs, &u, &(struct ipvs_dest_conf){ .addr = RIG_RIP(0), .port = 53,
                                                                       .fwd = IPVS_FWD_DROUTE, .weight = 1 }), 0);
    rig_send(&r, 0, TCP_SYN);
    rig_send(&r, 0, TCP_ACK);
    netif_input(r.front, rig_frame(&r, r.front->mac, rig_client(1), 5353, RIG_VIP, 53, IPPROTO_UDP, 0, 30));
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 2);
    run_to(2 * SIM_S + 100 * SIM_MS);
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 1, "the UDP entry lives 2 s");
    cr_assert_not_null(conn_of(0));
    run_to(5 * SIM_S + 100 * SIM_MS);
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 0, "ESTABLISHED lives 5 s");
}

Test(ipvs_conn, upper_threshold_overloads_and_lower_lifts)
{
    rig_init(&r, IPVS_FWD_DROUTE, 2, "rr", false);
    /* dest 1 (added last, so first in the list) takes at most 2 */
    struct ipvs_dest_conf dc = { .addr = RIG_RIP(1), .port = RIG_PORT, .fwd = IPVS_FWD_DROUTE, .weight = 1,
                                 .u_threshold = 2, .l_threshold = 1 };
    cr_assert_eq(ipvs_dest_edit(&r.ipvs, &r.svc, &dc), 0);
    for (uint32_t k = 0; k < 6; k++)
        rig_send(&r, k, TCP_SYN);
    cr_assert(dest(1)->overloaded);
    cr_assert_eq(dest(1)->activeconns, 2);
    cr_assert_eq(dest(0)->activeconns, 4);
    /* below the lower threshold the overload is lifted */
    for (uint32_t k = 0; k <= 2; k += 2) {    /* k=0 and k=2 went to dest 1 */
        rig_send(&r, k, TCP_RST);              /* a client RST leaves SYN_RECV as it is */
        cr_assert_str_eq(ipvs_tcp_state_name(conn_of(k)->state), "SYN_RECV");
        rig_send(&r, k, TCP_ACK);
        rig_send(&r, k, TCP_RST);              /* from ESTABLISHED it is CLOSE: 10 s */
        cr_assert_str_eq(ipvs_tcp_state_name(conn_of(k)->state), "CLOSE");
    }
    run_to(11 * SIM_S);
    cr_assert_eq(dest(1)->inactconns, 0);
    cr_assert(!dest(1)->overloaded);
}

Test(ipvs_conn, no_usable_dest_answers_port_unreachable)
{
    rig_init(&r, IPVS_FWD_DROUTE, 1, "rr", true);
    struct ipvs_dest_conf dc = { .addr = RIG_RIP(0), .port = RIG_PORT, .fwd = IPVS_FWD_DROUTE, .weight = 0 };
    cr_assert_eq(ipvs_dest_edit(&r.ipvs, &r.svc, &dc), 0);
    rig_send(&r, 0, TCP_SYN);
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 0);
    struct pkt *icmp = r.front_dev.last;
    cr_assert_not_null(icmp);
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(icmp->data + ETH_HLEN);
    const struct icmp_hdr *ic = (const struct icmp_hdr *)((const uint8_t *)ip + ipv4_hdr_len(ip));
    cr_assert_eq(ip->proto, IPPROTO_ICMP_);
    cr_assert_eq(ntohl(ip->daddr), rig_client(0));
    cr_assert(ic->type == ICMP_DEST_UNREACH && ic->code == ICMP_PORT_UNREACH);
}

Test(ipvs_conn, persistence_keeps_a_client_network_on_one_dest)
{
    rig_init(&r, IPVS_FWD_DROUTE, 3, "rr", false);
    r.svc.flags = IPVS_SVC_PERSISTENT;
    r.svc.timeout = 300;
    r.svc.netmask = 0xffffff00;
    cr_assert_eq(ipvs_service_edit(&r.ipvs, &r.svc), 0);
    for (uint32_t k = 0; k < 5; k++)           /* one client, five ports */
        rig_send(&r, k, TCP_SYN);
    uint32_t first = conn_of(0)->daddr;
    for (uint32_t k = 1; k < 5; k++)
        cr_assert_eq(conn_of(k)->daddr, first);
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 6, "five connections and one template");
    struct ipvs_conn *t = ipvs_conn_template_get(&r.ipvs, IPPROTO_TCP, rig_client(0) & 0xffffff00, RIG_VIP, RIG_PORT);
    cr_assert_not_null(t);
    cr_assert_eq(ipvs_conn_cold(t)->n_control, 5);
    cr_assert_eq(ipvs_dest_find(ipvs_service_find(&r.ipvs, IPPROTO_TCP, RIG_VIP, RIG_PORT, 0), first,
                                RIG_PORT)->persistconns, 1);
    /* client 1 << 20 is 172.16.1.0, another /24: the scheduler picks again */
    rig_send(&r, 1u << 20, TCP_SYN);
    cr_assert_neq(conn_of(1u << 20)->daddr, first);
    /* the template outlives its connections by its own timeout */
    run_to(70 * SIM_S);                        /* the SYN_RECV entries are gone */
    cr_assert_null(conn_of(0));
    cr_assert_not_null(ipvs_conn_template_get(&r.ipvs, IPPROTO_TCP, rig_client(0) & 0xffffff00, RIG_VIP, RIG_PORT));
    run_to(400 * SIM_S);
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 0);
}

/* A template whose time is up while a connection still holds it is
 * re-armed for 60 s (ip_vs_conn_expire's expire_later), not for -p again. */
Test(ipvs_conn, a_template_that_still_controls_is_rearmed_for_60s)
{
    rig_init(&r, IPVS_FWD_DROUTE, 1, "rr", false);
    r.svc.flags = IPVS_SVC_PERSISTENT;
    r.svc.timeout = 300;
    cr_assert_eq(ipvs_service_edit(&r.ipvs, &r.svc), 0);
    rig_send(&r, 0, TCP_SYN);
    rig_send(&r, 0, TCP_ACK);                  /* ESTABLISHED: 900 s */
    run_to(340 * SIM_S);
    struct ipvs_conn *t = ipvs_conn_template_get(&r.ipvs, IPPROTO_TCP, rig_client(0), RIG_VIP, RIG_PORT);
    cr_assert_not_null(t, "held past its 300 s");
    cr_assert_eq(t->timeout_ms, 60000);
    rig_send(&r, 0, TCP_RST);                  /* CLOSE: the connection goes at 350 s */
    run_to(355 * SIM_S);
    cr_assert_null(conn_of(0));
    cr_assert_not_null(ipvs_conn_template_get(&r.ipvs, IPPROTO_TCP, rig_client(0), RIG_VIP, RIG_PORT));
    run_to(361 * SIM_S);
    cr_assert_null(ipvs_conn_template_get(&r.ipvs, IPPROTO_TCP, rig_client(0), RIG_VIP, RIG_PORT),
                   "300 s plus 60, not 300 s twice");
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 0);
}

static void quiescent_case(bool expire_quiescent, bool expect_same)
{
    rig_init(&r, IPVS_FWD_DROUTE, 2, "rr", false);
    r.ipvs.sysctl.expire_quiescent_template = expire_quiescent;
    r.svc.flags = IPVS_SVC_PERSISTENT;
    r.svc.timeout = 300;
    ipvs_service_edit(&r.ipvs, &r.svc);
    rig_send(&r, 0, TCP_SYN);
    uint32_t first = conn_of(0)->daddr;
    struct ipvs_dest_conf dc = { .addr = first, .port = RIG_PORT, .fwd = IPVS_FWD_DROUTE, .weight = 0 };
    cr_assert_eq(ipvs_dest_edit(&r.ipvs, &r.svc, &dc), 0);
    rig_send(&r, 1, TCP_SYN);
    cr_assert_eq(conn_of(1)->daddr == first, expect_same);
}

Test(ipvs_conn, a_quiescent_dest_keeps_its_persistent_clients)
{
    quiescent_case(false, true);
}

Test(ipvs_conn, expire_quiescent_template_moves_them)
{
    quiescent_case(true, false);
}

static void nodest_case(bool expire_nodest)
{
    rig_init(&r, IPVS_FWD_DROUTE, 2, "rr", false);
    r.ipvs.sysctl.expire_nodest_conn = expire_nodest;
    rig_send(&r, 0, TCP_SYN);
    rig_send(&r, 0, TCP_ACK);
    struct ipvs_conn *c = conn_of(0);
    struct ipvs_dest_conf dc = { .addr = c->daddr, .port = RIG_PORT };
    cr_assert_eq(ipvs_dest_del(&r.ipvs, &r.svc, &dc), 0);
    cr_assert_not_null(r.ipvs.trash, "the deleted dest waits in the trash");
    uint64_t out = r.back_dev.frames;
    rig_send(&r, 0, TCP_ACK);
    cr_assert_eq(r.back_dev.frames, out, "a packet for a deleted dest is dropped");
    cr_assert_eq(conn_of(0) == NULL, expire_nodest);
    run_to(179 * SIM_S);
    cr_assert_not_null(r.ipvs.trash, "unheld, it waits 120 s after the check at 60 s");
    run_to(181 * SIM_S);
    cr_assert_eq(r.ipvs.trash == NULL, expire_nodest, "freed 120 s after its last connection went");
}

Test(ipvs_conn, without_expire_nodest_conn_the_entry_stays)
{
    nodest_case(false);
}

Test(ipvs_conn, expire_nodest_conn_drops_the_entry)
{
    nodest_case(true);
}

Test(ipvs_conn, a_readded_dest_comes_back_from_the_trash)
{
    rig_init(&r, IPVS_FWD_DROUTE, 1, "rr", false);
    rig_send(&r, 0, TCP_SYN);
    struct ipvs_dest_conf dc = { .addr = RIG_RIP(0), .port = RIG_PORT, .fwd = IPVS_FWD_DROUTE, .weight = 3 };
    cr_assert_eq(ipvs_dest_del(&r.ipvs, &r.svc, &dc), 0);
    cr_assert_eq(ipvs_dest_add(&r.ipvs, &r.svc, &dc), 0);
    cr_assert_null(r.ipvs.trash);
    cr_assert_eq(dest(0)->activeconns, 1, "its connection came back with it");
    cr_assert_eq(dest(0)->weight, 3);
    cr_assert_eq(ipvs_dest_add(&r.ipvs, &r.svc, &dc), -EEXIST);
}

/* A dest deleted with no connection still goes to the trash, and comes
 * back from it with its counters when it is added again in time. */
Test(ipvs_conn, an_unheld_deleted_dest_waits_in_the_trash_with_its_counters)
{
    rig_init(&r, IPVS_FWD_DROUTE, 1, "rr", false);
    rig_send(&r, 0, TCP_SYN);
    rig_send(&r, 0, TCP_RST);                  /* SYN_RECV stays; then expire it */
    ipvs_conn_expire_now(&r.ipvs, conn_of(0));
    cr_assert_eq(dest(0)->stats.conns, 1);
    struct ipvs_dest_conf dc = { .addr = RIG_RIP(0), .port = RIG_PORT, .fwd = IPVS_FWD_DROUTE, .weight = 2 };
    cr_assert_eq(ipvs_dest_del(&r.ipvs, &r.svc, &dc), 0);
    cr_assert_not_null(r.ipvs.trash);
    run_to(100 * SIM_S);
    cr_assert_eq(ipvs_dest_add(&r.ipvs, &r.svc, &dc), 0);
    cr_assert_null(r.ipvs.trash);
    cr_assert_eq(dest(0)->stats.conns, 1, "revived with its counters");
    cr_assert_eq(dest(0)->weight, 2);
    cr_assert_eq(ipvs_dest_del(&r.ipvs, &r.svc, &dc), 0);
    run_to(279 * SIM_S);                       /* first seen unheld at 160 s, freed at 280 s */
    cr_assert_not_null(r.ipvs.trash);
    run_to(281 * SIM_S);
    cr_assert_null(r.ipvs.trash, "freed by the trash timer");
    cr_assert_eq(ipvs_dest_add(&r.ipvs, &r.svc, &dc), 0);
    cr_assert_eq(dest(0)->stats.conns, 0, "a new dest");
}

/* A service deleted and made again finds its old dests in the trash (by
 * protocol, address and port): their connections forward again, and their
 * statistics start from zero. */
Test(ipvs_conn, a_remade_service_revives_its_dests_connections)
{
    rig_init(&r, IPVS_FWD_DROUTE, 1, "rr", false);
    rig_send(&r, 0, TCP_SYN);
    rig_send(&r, 0, TCP_ACK);
    cr_assert_eq(ipvs_service_del(&r.ipvs, &r.svc), 0);
    uint64_t out = r.back_dev.frames;
    rig_send(&r, 0, TCP_ACK);
    cr_assert_eq(r.back_dev.frames, out, "its dest is gone: dropped");
    cr_assert_eq(ipvs_service_add(&r.ipvs, &r.svc), 0);
    struct ipvs_dest_conf dc = { .addr = RIG_RIP(0), .port = RIG_PORT, .fwd = IPVS_FWD_DROUTE, .weight = 1 };
    cr_assert_eq(ipvs_dest_add(&r.ipvs, &r.svc, &dc), 0);
    cr_assert_null(r.ipvs.trash);
    cr_assert_eq(dest(0)->activeconns, 1, "its connection came back with it");
    cr_assert_eq(dest(0)->stats.conns, 0, "a new service: statistics zeroed");
    rig_send(&r, 0, TCP_ACK);
    cr_assert_eq(r.back_dev.frames, out + 1, "forwarded again");
    cr_assert_eq(conn_of(0)->dest, dest(0));
}

/* With expire_nodest_conn, deleting a dest flushes its connections at
 * once, without waiting for their packets (Linux 5.9+), and a template
 * that controls no other connection with them. */
Test(ipvs_conn, expire_nodest_conn_flushes_a_deleted_dests_connections)
{
    rig_init(&r, IPVS_FWD_DROUTE, 2, "rr", false);
    r.ipvs.sysctl.expire_nodest_conn = true;
    r.svc.flags = IPVS_SVC_PERSISTENT;
    r.svc.timeout = 300;
    r.svc.netmask = 0xffffff00;
    cr_assert_eq(ipvs_service_edit(&r.ipvs, &r.svc), 0);
    for (uint32_t k = 0; k < 3; k++) {
        rig_send(&r, k, TCP_SYN);
        rig_send(&r, k, TCP_ACK);
    }
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 4);
    struct ipvs_dest_conf dc = { .addr = conn_of(0)->daddr, .port = RIG_PORT };
    cr_assert_eq(ipvs_dest_del(&r.ipvs, &r.svc, &dc), 0);
    run_to(1 * SIM_MS);
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 0, "connections and template flushed with no packet");
    rig_send(&r, 3, TCP_SYN);
    cr_assert_not_null(conn_of(3));
    cr_assert_neq(conn_of(3)->daddr, dc.addr);
}

/* A client reuses its port while the director still holds the old entry
 * in TIME_WAIT, as kube-proxy's clients do. */
static struct ipvs_conn *reuse_case(bool conntrack)
{
    rig_init(&r, IPVS_FWD_MASQ, 2, "rr", false);
    r.ipvs.sysctl.conntrack = conntrack;
    rig_send(&r, 0, TCP_SYN);
    rig_reply(&r, 1, 0, TCP_SYN | TCP_ACK);
    rig_send(&r, 0, TCP_ACK);
    rig_send(&r, 0, TCP_FIN | TCP_ACK);
    rig_reply(&r, 1, 0, TCP_FIN | TCP_ACK);
    cr_assert_str_eq(ipvs_tcp_state_name(conn_of(0)->state), "TIME_WAIT");
    rig_send(&r, 0, TCP_SYN);
    return conn_of(0);
}

Test(ipvs_conn, conn_reuse_reschedules_a_syn_on_a_closing_entry)
{
    struct ipvs_conn *c = reuse_case(false);
    cr_assert_not_null(c);
    cr_assert_str_eq(ipvs_tcp_state_name(c->state), "SYN_RECV");
    cr_assert_eq(c->daddr, RIG_RIP(0), "round robin moved on");
}

static struct ipvs_conn *conn_hinted(uint32_t k, uint32_t hint)
{
    return ipvs_conn_in_get(&r.ipvs, hint, IPPROTO_TCP, rig_client(k), rig_cport(k), RIG_VIP, RIG_PORT);
}

/* The look ahead's hint is checked: another connection's entry, an entry
 * out of the table that held the packet's tuple, and a reference no entry
 * has never stand for the packet's. */
Test(ipvs_conn, a_lookup_takes_a_hint_only_when_it_is_the_packets_entry)
{
    rig_init(&r, IPVS_FWD_MASQ, 2, "rr", false);
    rig_send(&r, 0, TCP_SYN);
    rig_send(&r, 1, TCP_SYN);
    struct ipvs_conn *old = conn_of(0), *other = conn_of(1);
    ipvs_conn_expire_now(&r.ipvs, old);        /* out of the table; its memory waits for its wheel slot */
    cr_assert_null(conn_hinted(0, old->ref), "a dead entry is no connection");
    rig_send(&r, 0, TCP_SYN);
    struct ipvs_conn *now = conn_of(0);
    cr_assert_not_null(now);
    cr_assert_neq(now, old);
    cr_assert_eq(conn_hinted(0, now->ref), now);
    cr_assert_eq(conn_hinted(0, old->ref), now, "the entry it replaced");
    cr_assert_eq(conn_hinted(0, other->ref), now, "another connection's");
    cr_assert_eq(conn_hinted(0, 0xffffffffu), now, "a reference no entry has");
    cr_assert_null(conn_hinted(2, other->ref), "no connection: a hint makes none");
}

static uint32_t key_of(const struct ipvs_conn *c)
{
    return (c->caddr - rig_client(0)) << 12 | (uint32_t)(c->cport - rig_cport(0));
}

/* The lookup walks the chain on from the hint: it finds an entry further
 * on, and skips a DEAD one holding the packet's tuple that it reaches
 * through another DEAD entry's old link. */
Test(ipvs_conn, a_lookup_walks_on_from_the_hint_and_takes_no_dead_entry)
{
    rig_init(&r, IPVS_FWD_DROUTE, 1, "rr", false);
    struct ipvs_conn *x = NULL;
    for (uint32_t k = 0; k < 4000; k++)
        rig_send(&r, k, TCP_SYN);
    for (uint32_t k = 0; k < 4000 && !x; k++)
        if (conn_of(k)->in_next)
            x = conn_of(k);
    cr_assert_not_null(x, "4000 entries in 8192 chains: some chain holds two");
    struct ipvs_conn *y = x->in_next;
    uint32_t ky = key_of(y);
    cr_assert_eq(conn_of(ky), y);
    cr_assert_eq(conn_hinted(ky, x->ref), y, "the entry after the hint");
    ipvs_conn_expire_now(&r.ipvs, x);         /* x keeps its link to y */
    cr_assert_eq(conn_hinted(ky, x->ref), y, "through a dead entry's link");
    ipvs_conn_expire_now(&r.ipvs, y);
    cr_assert_null(conn_hinted(ky, x->ref), "y is dead: no connection");
    rig_send(&r, ky, TCP_SYN);
    struct ipvs_conn *now = conn_of(ky);
    cr_assert(now && now != y);
    cr_assert_eq(conn_hinted(ky, x->ref), now, "not the dead entry that held the tuple");
}

Test(ipvs_conn, with_conntrack_the_reusing_syn_is_dropped)
{
    uint64_t drops_before = 0;
    struct ipvs_conn *c = reuse_case(true);
    cr_assert_null(c, "the SYN was dropped and the old entry expired");
    cr_assert_gt(r.h->drops[DROP_HOOK], drops_before);
    rig_send(&r, 0, TCP_SYN);                  /* the client's retry a second later */
    cr_assert_not_null(conn_of(0));
}

Test(ipvs_conn, connections_list_as_ipvsadm_lc)
{
    rig_init(&r, IPVS_FWD_MASQ, 2, "rr", false);
    rig_send(&r, 0, TCP_SYN);
    rig_send(&r, 1, TCP_SYN);
    rig_send(&r, 1, TCP_ACK);
    run_to(1 * SIM_S);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ipvsadm_list_conns(ipvs_director_conn_rows, &r.ipvs, IPVSADM_FMT_NUMERIC | IPVSADM_FMT_NOSORT, out);
    fclose(out);
    cr_assert(strstr(text, "IPVS connection entries\n"), "%s", text);
    cr_assert(strstr(text, "TCP 00:59  SYN_RECV    172.16.0.0:1024    10.1.0.100:80      10.2.0.12:80"), "%s", text);
    cr_assert(strstr(text, "TCP 14:59  ESTABLISHED 172.16.0.0:1025    10.1.0.100:80      10.2.0.11:80"), "%s", text);
    free(text);
}

static char *list_conns(void)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ipvsadm_list_conns(ipvs_director_conn_rows, &r.ipvs, IPVSADM_FMT_NUMERIC | IPVSADM_FMT_NOSORT, out);
    fclose(out);
    return text;
}

/* -L -c as the kernel's /proc/net/ip_vs_conn: the time left in whole
 * seconds rounded down; a template NONE until a connection it controls is
 * ESTABLISHED, then ASSURED (Linux 5.9+); a template ip_vs_check_template
 * invalidated stays listed, with ports 65535, until its time is up. */
Test(ipvs_conn, connection_listing_rounds_down_and_shows_template_states)
{
    rig_init(&r, IPVS_FWD_DROUTE, 2, "rr", false);
    r.ipvs.sysctl.expire_quiescent_template = true;
    r.svc.flags = IPVS_SVC_PERSISTENT;
    r.svc.timeout = 300;
    cr_assert_eq(ipvs_service_edit(&r.ipvs, &r.svc), 0);
    rig_send(&r, 0, TCP_SYN);
    run_to(1500 * SIM_MS);
    char *text = list_conns();
    cr_assert(strstr(text, "TCP 00:58  SYN_RECV    172.16.0.0:1024    10.1.0.100:80      10.2.0.12:80\n"), "%s", text);
    cr_assert(strstr(text, "TCP 04:58  NONE        172.16.0.0:0       10.1.0.100:80      10.2.0.12:80\n"), "%s", text);
    free(text);
    rig_send(&r, 0, TCP_ACK);
    text = list_conns();
    cr_assert(strstr(text, "TCP 04:58  ASSURED     172.16.0.0:0       10.1.0.100:80      10.2.0.12:80\n"), "%s", text);
    free(text);
    struct ipvs_dest_conf dc = { .addr = RIG_RIP(1), .port = RIG_PORT, .fwd = IPVS_FWD_DROUTE, .weight = 0 };
    cr_assert_eq(ipvs_dest_edit(&r.ipvs, &r.svc, &dc), 0);
    rig_send(&r, 1, TCP_SYN);                  /* the quiescent dest's template is invalidated */
    cr_assert_eq(conn_of(1)->daddr, RIG_RIP(0));
    text = list_conns();
    cr_assert(strstr(text, "TCP 04:58  ASSURED     172.16.0.0:0       10.1.0.100:65535   10.2.0.12:65535\n"), "%s", text);
    cr_assert(strstr(text, "TCP 05:00  NONE        172.16.0.0:0       10.1.0.100:80      10.2.0.11:80\n"), "%s", text);
    free(text);
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 4);
}

static const struct ipv4_hdr *sent_ip(const struct rig_dev *d)
{
    cr_assert_not_null(d->last);
    return (const struct ipv4_hdr *)(d->last->data + ETH_HLEN);
}

Test(ipvs_conn, tun_answers_frag_needed_for_a_df_packet_that_no_longer_fits)
{
    rig_init(&r, IPVS_FWD_TUNNEL, 1, "rr", true);
    rig_send(&r, 0, TCP_SYN);
    uint64_t back = r.back_dev.frames;
    struct pkt *p = rig_segment(&r, 0, TCP_ACK, 1460);       /* a 1500-byte IP packet */
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
    ip->frag_off = htons(IPV4_DF);
    ipv4_set_checksum((uint8_t *)ip);
    netif_input(r.front, p);
    cr_assert_eq(r.back_dev.frames, back, "nothing went to the server");
    const struct ipv4_hdr *err = sent_ip(&r.front_dev);
    const struct icmp_hdr *ic = (const struct icmp_hdr *)((const uint8_t *)err + ipv4_hdr_len(err));
    cr_assert_eq(err->proto, IPPROTO_ICMP_);
    cr_assert(ic->type == ICMP_DEST_UNREACH && ic->code == ICMP_FRAG_NEEDED);
    cr_assert_eq(ntohs(ic->un.frag.mtu), 1480);
    cr_assert_eq(ntohl(err->daddr), rig_client(0));
    /* a packet that fits goes out inside an outer header of protocol 4 */
    netif_input(r.front, rig_segment(&r, 0, TCP_ACK, 1000));
    const struct ipv4_hdr *outer = sent_ip(&r.back_dev);
    cr_assert_eq(outer->proto, IPPROTO_IPIP);
    cr_assert_eq(ntohl(outer->daddr), RIG_RIP(0));
    cr_assert_eq(csum_buf(outer, IPV4_HLEN), 0, "outer checksum");
}

/* The server's port unreachable about the client's segment to its RIP
 * carrying payload bytes, quoting quote_l4 bytes of it, as the director
 * forwards it to the client. */
static const struct ipv4_hdr *nat_server_icmp_error_of(uint32_t quote_l4, uint32_t payload)
{
    rig_init(&r, IPVS_FWD_MASQ, 1, "rr", true);
    rig_send(&r, 0, TCP_SYN);
    struct pkt *quoted = rig_frame(&r, r.back->mac, rig_client(0), rig_cport(0), RIG_RIP(0), RIG_PORT,
                                   IPPROTO_TCP, payload ? TCP_ACK : TCP_SYN, payload);
    uint32_t qlen = IPV4_HLEN + quote_l4, len = ETH_HLEN + IPV4_HLEN + 8 + qlen;
    struct pkt *p = rig_frame(&r, r.back->mac, RIG_RIP(0), 0, rig_client(0), 0, IPPROTO_UDP, 0, 0);
    pkt_put(p, len - p->len);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(p->data + ETH_HLEN);
    ip->proto = IPPROTO_ICMP_;
    ip->tot_len = htons((uint16_t)(len - ETH_HLEN));
    ipv4_set_checksum((uint8_t *)ip);
    uint8_t *icmp = (uint8_t *)(ip + 1);
    memset(icmp, 0, 8);
    icmp[0] = ICMP_DEST_UNREACH;
    icmp[1] = ICMP_PORT_UNREACH;
    memcpy(icmp + 8, quoted->data + ETH_HLEN, qlen);
    pkt_free(quoted);
    uint16_t check = csum_buf(icmp, 8 + qlen);
    memcpy(icmp + 2, &check, 2);
    netif_input(r.back, p);
    const struct ipv4_hdr *out = sent_ip(&r.front_dev);
    cr_assert_eq(out->proto, IPPROTO_ICMP_);
    cr_assert_eq(ntohl(out->saddr), RIG_VIP);
    cr_assert_eq(ntohl(out->daddr), rig_client(0));
    const struct ipv4_hdr *q = (const struct ipv4_hdr *)((const uint8_t *)out + IPV4_HLEN + 8);
    cr_assert_eq(ntohl(q->daddr), RIG_VIP, "the quoted segment went to the VIP");
    cr_assert_eq(csum_buf(out, IPV4_HLEN), 0);
    cr_assert_eq(csum_buf(q, IPV4_HLEN), 0);
    cr_assert_eq(csum_buf((const uint8_t *)out + IPV4_HLEN, 8 + qlen), 0, "ICMP checksum");
    return q;
}

static const struct ipv4_hdr *nat_server_icmp_error(uint32_t quote_l4)
{
    return nat_server_icmp_error_of(quote_l4, 0);
}

Test(ipvs_conn, nat_server_icmp_error_reaches_the_client_as_from_the_vip)
{
    nat_server_icmp_error(8);
}

/* With the whole TCP header quoted, its checksum follows the rewrite (as
 * netfilter's NAT keeps it), so the quote is a valid segment again. */
Test(ipvs_conn, icmp_error_quoting_a_whole_tcp_header_keeps_its_checksum_right)
{
    const struct ipv4_hdr *q = nat_server_icmp_error(TCP_HLEN);
    uint32_t sum = csum_pseudo(q->saddr, q->daddr, IPPROTO_TCP, TCP_HLEN);
    cr_assert_eq(csum_fold(csum_partial(q + 1, TCP_HLEN, sum)), 0, "quoted TCP checksum");
}

/* A long quote, as Linux sends (the whole 528-byte segment, within 576
 * bytes): the ICMP checksum covers all of it after the rewrite, and the
 * quoted TCP checksum is right over the whole segment. */
Test(ipvs_conn, icmp_error_quoting_a_whole_segment_keeps_both_checksums_right)
{
    uint32_t seg = TCP_HLEN + 508;
    const struct ipv4_hdr *q = nat_server_icmp_error_of(seg, 508);
    cr_assert_eq(ntohs(q->tot_len), IPV4_HLEN + seg);
    uint32_t sum = csum_pseudo(q->saddr, q->daddr, IPPROTO_TCP, (uint16_t)seg);
    cr_assert_eq(csum_fold(csum_partial(q + 1, seg, sum)), 0, "quoted TCP checksum");
}

/* A firewall-mark service takes what the mangle rule marks: ports 80-81 of
 * the VIP, one persistent template for both (protocol 0, port 0). */
Test(ipvs_conn, fwmark_service_takes_marked_packets)
{
    rig_init(&r, IPVS_FWD_DROUTE, 0, "rr", false);
    struct ipvs_service_conf fw = { .fwmark = 7, .sched_name = "rr", .flags = IPVS_SVC_PERSISTENT,
                                    .timeout = 60 };
    cr_assert_eq(ipvs_service_add(&r.ipvs, &fw), 0);
    for (int d = 0; d < 2; d++)
        cr_assert_eq(ipvs_dest_add(&r.ipvs, &fw, &(struct ipvs_dest_conf){ .addr = RIG_RIP(d), .fwd = IPVS_FWD_DROUTE,
                                                                           .weight = 1 }), 0);
    rig_introduce(&r, r.back, RIG_RIP(0), 11);
    rig_introduce(&r, r.back, RIG_RIP(1), 12);
    struct mark_rule rule = { .protocol = IPPROTO_TCP, .daddr = RIG_VIP, .prefix_len = 32,
                              .dport_lo = 80, .dport_hi = 81, .mark = 7 };
    cr_assert_eq(mark_rule_add(r.h, &rule), 0);
    netif_input(r.front, rig_frame(&r, r.front->mac, rig_client(0), 1000, RIG_VIP, 80, IPPROTO_TCP, TCP_SYN, 0));
    netif_input(r.front, rig_frame(&r, r.front->mac, rig_client(0), 1001, RIG_VIP, 81, IPPROTO_TCP, TCP_SYN, 0));
    netif_input(r.front, rig_frame(&r, r.front->mac, rig_client(0), 1002, RIG_VIP, 82, IPPROTO_TCP, TCP_SYN, 0));
    struct ipvs_conn *a = ipvs_conn_in_get(&r.ipvs, 0, IPPROTO_TCP, rig_client(0), 1000, RIG_VIP, 80);
    struct ipvs_conn *b = ipvs_conn_in_get(&r.ipvs, 0, IPPROTO_TCP, rig_client(0), 1001, RIG_VIP, 81);
    cr_assert(a && b, "marked SYNs make connections");
    cr_assert_eq(a->daddr, b->daddr, "one template for the client across the marked ports");
    cr_assert_eq(a->dport, 80, "a port-less dest takes the packet's port");
    cr_assert_eq(b->dport, 81);
    cr_assert_null(ipvs_conn_in_get(&r.ipvs, 0, IPPROTO_TCP, rig_client(0), 1002, RIG_VIP, 82), "port 82 is unmarked");
    cr_assert_not_null(ipvs_conn_template_get(&r.ipvs, 0, rig_client(0), 7, 0));
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 3, "two connections and the template");
    /* the template (protocol 0) lives through a turn of the expiry wheel */
    run_to(40 * SIM_S);
    struct ipvs_conn *t = ipvs_conn_template_get(&r.ipvs, 0, rig_client(0), 7, 0);
    cr_assert(t && (t->flags & IPVS_CONN_F_TEMPLATE) && ipvs_conn_cold(t)->n_control == 2, "the template is still whole");
    netif_input(r.front, rig_frame(&r, r.front->mac, rig_client(0), 1003, RIG_VIP, 80, IPPROTO_TCP, TCP_SYN, 0));
    struct ipvs_conn *c = ipvs_conn_in_get(&r.ipvs, 0, IPPROTO_TCP, rig_client(0), 1003, RIG_VIP, 80);
    cr_assert(c && c->daddr == a->daddr && c != t, "a later SYN follows the template");
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 4);
    cr_assert_eq(ipvs_conn_template_get(&r.ipvs, 0, rig_client(0), 7, 0), t);
}

/* Port-zero persistent services keep their templates apart by protocol
 * (<protocol, caddr, 0, vaddr, 0>): a client's UDP datagram does not follow
 * its TCP template to the TCP service's real server. Only fwmark templates
 * take protocol 0, which -L -c names IP. */
Test(ipvs_conn, port_zero_templates_are_keyed_by_the_packets_protocol)
{
    rig_init(&r, IPVS_FWD_DROUTE, 0, "rr", false);
    struct ipvs_service_conf tcp = { .protocol = IPPROTO_TCP, .addr = RIG_VIP, .sched_name = "rr",
                                     .flags = IPVS_SVC_PERSISTENT, .timeout = 300 };
    struct ipvs_service_conf udp = tcp;
    udp.protocol = IPPROTO_UDP;
    cr_assert_eq(ipvs_service_add(&r.ipvs, &tcp), 0);
    cr_assert_eq(ipvs_service_add(&r.ipvs, &udp), 0);
    cr_assert_eq(ipvs_dest_add(&r.ipvs, &tcp, &(struct ipvs_dest_conf){ .addr = RIG_RIP(0), .fwd = IPVS_FWD_DROUTE,
                                                                        .weight = 1 }), 0);
    cr_assert_eq(ipvs_dest_add(&r.ipvs, &udp, &(struct ipvs_dest_conf){ .addr = RIG_RIP(1), .fwd = IPVS_FWD_DROUTE,
                                                                        .weight = 1 }), 0);
    rig_introduce(&r, r.back, RIG_RIP(0), 11);
    rig_introduce(&r, r.back, RIG_RIP(1), 12);
    netif_input(r.front, rig_frame(&r, r.front->mac, rig_client(0), 1000, RIG_VIP, 443, IPPROTO_TCP, TCP_SYN, 0));
    netif_input(r.front, rig_frame(&r, r.front->mac, rig_client(0), 1001, RIG_VIP, 53, IPPROTO_UDP, 0, 20));
    struct ipvs_conn *t = ipvs_conn_in_get(&r.ipvs, 0, IPPROTO_TCP, rig_client(0), 1000, RIG_VIP, 443);
    struct ipvs_conn *u = ipvs_conn_in_get(&r.ipvs, 0, IPPROTO_UDP, rig_client(0), 1001, RIG_VIP, 53);
    cr_assert(t && u);
    cr_assert_eq(t->daddr, RIG_RIP(0));
    cr_assert_eq(u->daddr, RIG_RIP(1), "the UDP service's own real server");
    cr_assert_not_null(ipvs_conn_template_get(&r.ipvs, IPPROTO_TCP, rig_client(0), RIG_VIP, 0));
    cr_assert_not_null(ipvs_conn_template_get(&r.ipvs, IPPROTO_UDP, rig_client(0), RIG_VIP, 0));
    cr_assert_null(ipvs_conn_template_get(&r.ipvs, 0, rig_client(0), RIG_VIP, 0));
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 4);
}

Test(ipvs_conn, fwmark_templates_list_as_protocol_ip)
{
    rig_init(&r, IPVS_FWD_DROUTE, 0, "rr", false);
    struct ipvs_service_conf fw = { .fwmark = 7, .sched_name = "rr", .flags = IPVS_SVC_PERSISTENT,
                                    .timeout = 60 };
    cr_assert_eq(ipvs_service_add(&r.ipvs, &fw), 0);
    cr_assert_eq(ipvs_dest_add(&r.ipvs, &fw, &(struct ipvs_dest_conf){ .addr = RIG_RIP(0), .fwd = IPVS_FWD_DROUTE,
                                                                       .weight = 1 }), 0);
    rig_introduce(&r, r.back, RIG_RIP(0), 11);
    struct mark_rule rule = { .protocol = IPPROTO_TCP, .daddr = RIG_VIP, .prefix_len = 32,
                              .dport_lo = 80, .dport_hi = 80, .mark = 7 };
    cr_assert_eq(mark_rule_add(r.h, &rule), 0);
    netif_input(r.front, rig_frame(&r, r.front->mac, rig_client(0), 1000, RIG_VIP, 80, IPPROTO_TCP, TCP_SYN, 0));
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ipvsadm_list_conns(ipvs_director_conn_rows, &r.ipvs, IPVSADM_FMT_NUMERIC, out);
    fclose(out);
    cr_assert(strstr(text, "\nIP  01:00  NONE        172.16.0.0:0       0.0.0.7:0          10.2.0.11:0\n"), "%s", text);
    free(text);
}

static struct ipvs_conn *tcp_conn(uint16_t cport, uint16_t vport)
{
    return ipvs_conn_in_get(&r.ipvs, 0, IPPROTO_TCP, rig_client(0), cport, RIG_VIP, vport);
}

static void ftp_rig(bool persistent)
{
    rig_init(&r, IPVS_FWD_DROUTE, 0, "rr", true);
    struct ipvs_service_conf ftp = { .protocol = IPPROTO_TCP, .addr = RIG_VIP, .port = 21, .sched_name = "rr",
                                     .flags = persistent ? IPVS_SVC_PERSISTENT : 0, .timeout = 300 };
    cr_assert_eq(ipvs_service_add(&r.ipvs, &ftp), 0);
    for (int d = 0; d < 2; d++)
        cr_assert_eq(ipvs_dest_add(&r.ipvs, &ftp, &(struct ipvs_dest_conf){ .addr = RIG_RIP(d), .port = 21,
                                                                            .fwd = IPVS_FWD_DROUTE, .weight = 1 }), 0);
    rig_introduce(&r, r.back, RIG_RIP(0), 11);
    rig_introduce(&r, r.back, RIG_RIP(1), 12);
}

static void syn_to(uint16_t cport, uint16_t vport)
{
    netif_input(r.front, rig_frame(&r, r.front->mac, rig_client(0), cport, RIG_VIP, vport, IPPROTO_TCP, TCP_SYN, 0));
}

/* Persistent FTP (ip_vs_service_find's ftpsvc_counter, ip_vs_sched_persist):
 * a TCP connection to the FTP data port or an unprivileged port of the VIP
 * is the FTP service's, and follows the client's one template, which has
 * no port: <TCP, caddr, 0, vaddr, 0>. */
Test(ipvs_conn, persistent_ftp_takes_the_data_connections)
{
    ftp_rig(true);
    syn_to(1000, 21);
    struct ipvs_conn *ctl = tcp_conn(1000, 21);
    cr_assert_not_null(ctl);
    struct ipvs_conn *t = ipvs_conn_template_get(&r.ipvs, IPPROTO_TCP, rig_client(0), RIG_VIP, 0);
    cr_assert_not_null(t, "the FTP template has port 0");
    cr_assert_eq(t->dport, 0);
    cr_assert_null(ipvs_conn_template_get(&r.ipvs, IPPROTO_TCP, rig_client(0), RIG_VIP, 21));
    syn_to(1001, 30000);                       /* passive data connection */
    syn_to(1002, 20);                          /* to the data port */
    struct ipvs_conn *pasv = tcp_conn(1001, 30000), *data = tcp_conn(1002, 20);
    cr_assert(pasv && data, "scheduled by the FTP service");
    cr_assert_eq(pasv->daddr, ctl->daddr, "the control connection's real server");
    cr_assert_eq(data->daddr, ctl->daddr);
    cr_assert_eq(pasv->dport, 30000);
    cr_assert_eq(ipvs_conn_cold(t)->n_control, 3);
    syn_to(1003, 500);                         /* a privileged port other than 20: not FTP's */
    cr_assert_null(tcp_conn(1003, 500));
    syn_to(20, 21);                            /* from port 20: never scheduled */
    cr_assert_null(tcp_conn(20, 21));
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 4);
}

/* A non-persistent FTP service finds the data connections too but does not
 * schedule them: they pass to the director's own stack (ip_vs_leave), with
 * no port unreachable. */
Test(ipvs_conn, nonpersistent_ftp_lets_other_ports_pass)
{
    ftp_rig(false);
    uint64_t front = r.front_dev.frames;
    syn_to(1001, 30000);
    cr_assert_null(tcp_conn(1001, 30000));
    cr_assert_eq(ipvs_conn_count(&r.ipvs), 0);
    cr_assert(r.front_dev.frames == front || !r.front_dev.last ||
                  ((const struct ipv4_hdr *)(r.front_dev.last->data + ETH_HLEN))->proto != IPPROTO_ICMP_,
              "no port unreachable from IPVS");
    syn_to(1000, 21);
    cr_assert_not_null(tcp_conn(1000, 21));
}

/* What leaves the back interface, summed in order. */
struct sent {
    uint64_t hash;
    uint64_t frames;
};

static void sent_xmit(struct netif *nif, struct pkt *p)
{
    struct sent *s = nif->xmit_ctx;
    for (uint32_t i = 0; i < p->len; i++)
        s->hash = (s->hash ^ p->data[i]) * 0x100000001b3ull;
    s->frames++;
    pkt_free(p);
}

/* Frames of a burst: new connections (SYN, then ACK) mixed with segments
 * of those made earlier, enough of them for the index to grow while a
 * burst is under way. */
static struct pkt *burst_frame(struct rig *g, uint32_t i)
{
    uint32_t k = i / 3;
    if (i % 3 == 0)
        return rig_segment(g, k, TCP_SYN, 0);
    if (i % 3 == 1)
        return rig_segment(g, k, TCP_ACK, 0);
    return rig_segment(g, (k * 7919u) % (k + 1), TCP_ACK | TCP_PSH, 64);
}

static void burst_run(enum ipvs_fwd fwd, bool burst, struct sent *s, uint64_t *inpkts, size_t *conns)
{
    enum { N = 30000, B = 50 };
    rig_init(&r, fwd, 8, "rr", false);
    *s = (struct sent){ .hash = 0xcbf29ce484222325ull };
    r.back->xmit = sent_xmit;
    r.back->xmit_ctx = s;
    struct pkt *f[B];
    for (uint32_t i = 0; i < N; i += B) {
        for (uint32_t j = 0; j < B; j++)
            f[j] = burst_frame(&r, i + j);
        if (burst) {
            netif_input_burst(r.front, f, B);
        } else {
            for (uint32_t j = 0; j < B; j++)
                netif_input(r.front, f[j]);
        }
    }
    *inpkts = r.ipvs.stats.inpkts;
    *conns = ipvs_conn_count(&r.ipvs);
    leak_check(rig_free(&r));
    memset(&r, 0, sizeof r);
}

static void burst_matches_one_by_one(enum ipvs_fwd fwd)
{
    struct sent one, many;
    uint64_t in_one, in_many;
    size_t c_one, c_many;
    burst_run(fwd, false, &one, &in_one, &c_one);
    burst_run(fwd, true, &many, &in_many, &c_many);
    cr_assert_eq(c_one, 10000);
    cr_assert_eq(c_many, c_one);
    cr_assert_eq(in_many, in_one);
    cr_assert_eq(many.frames, one.frames);
    cr_assert_eq(many.hash, one.hash, "the same frames, in the same order");
    rig_init(&r, fwd, 1, "rr", false);    /* for the teardown */
}

Test(ipvs_conn, a_burst_forwards_what_frames_one_by_one_do_nat) { burst_matches_one_by_one(IPVS_FWD_MASQ); }
Test(ipvs_conn, a_burst_forwards_what_frames_one_by_one_do_tun) { burst_matches_one_by_one(IPVS_FWD_TUNNEL); }
Test(ipvs_conn, a_burst_forwards_what_frames_one_by_one_do_fullnat) { burst_matches_one_by_one(IPVS_FWD_FULLNAT); }
