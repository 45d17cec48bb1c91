/*
 * keepalived.conf: the good fixtures parse into the expected structs
 * (defaults applied, values inherited) and build the expected IPVS table,
 * compared with `ipvsadm -L -n` text; each bad fixture fails at its exact
 * file:line naming the keyword, and leaves nothing behind.
 */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include "lvs/director.h"
#include "lvs/ipvsadm.h"
#include "lvs/keepalived/check.h"
#include "lvs/keepalived/conf.h"
#include "sim/world.h"

#define FIX "tests/fixtures/keepalived/"
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static struct ka_conf parse_ok(const char *path)
{
    struct ka_conf conf;
    char err[256];
    cr_assert_eq(ka_conf_parse_file(path, &conf, err, sizeof err), 0, "%s", err);
    return conf;
}

Test(keepalived_conf, dr_http_get_structs)
{
    struct ka_conf c = parse_ok(FIX "dr_http_get.conf");
    cr_assert_str_eq(c.global.router_id, "LVS_DEVEL");
    cr_assert_eq(c.global.vrrp_version, 2);
    cr_assert_eq(c.nvrrp, 1);
    const struct ka_vrrp_instance *v = &c.vrrp[0];
    cr_assert_str_eq(v->name, "VI_1");
    cr_assert_eq(v->state, KA_VRRP_MASTER);
    cr_assert_str_eq(v->interface, "eth0");
    cr_assert_eq(v->virtual_router_id, 51);
    cr_assert_eq(v->priority, 150);
    cr_assert_eq(v->advert_int, SIM_S);
    cr_assert_eq(v->version, 2);
    cr_assert_eq(v->auth_type, KA_AUTH_PASS);
    cr_assert_str_eq(v->auth_pass, "1111");
    cr_assert_eq(v->garp_master_delay, 5 * SIM_S);
    cr_assert_eq(v->garp_master_repeat, 5);
    cr_assert(!v->nopreempt);
    cr_assert_eq(v->nvips, 1);
    cr_assert_eq(v->vips[0].addr, IP4(10, 0, 0, 100));
    cr_assert_eq(v->vips[0].prefix, 24);
    cr_assert_str_eq(v->vips[0].dev, "eth0");

    cr_assert_eq(c.nvs, 1);
    const struct ka_virtual_server *vs = &c.vs[0];
    cr_assert_eq(vs->line, 21);
    cr_assert_eq(vs->addr, IP4(10, 0, 0, 100));
    cr_assert_eq(vs->port, 80);
    cr_assert_eq(vs->protocol, IPPROTO_TCP);
    cr_assert_str_eq(vs->sched, "wrr");
    cr_assert_eq(vs->fwd, IPVS_FWD_DROUTE);
    cr_assert_eq(vs->persistence_timeout, 50);
    cr_assert_eq(vs->delay_loop, 6 * SIM_S);
    cr_assert_eq(vs->quorum, 1);
    cr_assert_eq(vs->hysteresis, 0);
    cr_assert_eq(vs->nrs, 2);
    const struct ka_real_server *r1 = &vs->rs[0], *r2 = &vs->rs[1];
    cr_assert_eq(r1->weight, 3);
    cr_assert_eq(r1->ncheckers, 1);
    const struct ka_checker_conf *h1 = &r1->checkers[0];
    cr_assert_eq(h1->kind, KA_CHECK_HTTP);
    cr_assert_eq(h1->connect_ip, IP4(10, 0, 0, 11));
    cr_assert_eq(h1->connect_port, 80);
    cr_assert_eq(h1->connect_timeout, 3 * SIM_S);
    cr_assert_eq(h1->retry, 3);
    cr_assert_eq(h1->delay_before_retry, 3 * SIM_S);
    cr_assert_eq(h1->delay_loop, 6 * SIM_S);
    cr_assert_eq(h1->warmup, 6 * SIM_S);
    cr_assert_str_eq(h1->urls[0].path, "/health");
    cr_assert(h1->urls[0].has_digest);
    cr_assert_eq(h1->urls[0].digest[0], 0x64);
    cr_assert_eq(h1->urls[0].digest[15], 0x4d);
    cr_assert_eq(h1->urls[0].nstatus, 1);   /* keepalived's default: 200-299 */
    cr_assert_eq(h1->urls[0].status[0].lo, 200);
    cr_assert_eq(h1->urls[0].status[0].hi, 299);
    /* the brace on the next line; nb_get_retry; HTTP_GET's 3 s default */
    cr_assert_eq(r2->weight, 1);
    const struct ka_checker_conf *h2 = &r2->checkers[0];
    cr_assert_str_eq(h2->urls[0].path, "/index.html");
    cr_assert_eq(h2->urls[0].nstatus, 2);
    cr_assert_eq(h2->urls[0].status[1].lo, 301);
    cr_assert_eq(h2->urls[0].status[1].hi, 302);
    cr_assert_eq(h2->retry, 2);
    cr_assert_eq(h2->delay_before_retry, 3 * SIM_S);
    cr_assert_eq(h2->connect_timeout, 2 * SIM_S);
    ka_conf_free(&c);
}

Test(keepalived_conf, nat_tcp_check_structs)
{
    struct ka_conf c = parse_ok(FIX "nat_tcp_check.conf");
    cr_assert_eq(c.global.vrrp_version, 3);
    const struct ka_vrrp_instance *v = &c.vrrp[0];
    cr_assert_eq(v->state, KA_VRRP_BACKUP);
    cr_assert_eq(v->version, 3);          /* from global_defs */
    cr_assert_eq(v->advert_int, 500 * SIM_MS);
    cr_assert(v->nopreempt);
    cr_assert_eq(v->preempt_delay, 30 * SIM_S);
    cr_assert_eq(v->garp_master_delay, 2 * SIM_S);
    cr_assert_eq(v->garp_master_repeat, 3);
    cr_assert_eq(v->nvips, 2);
    cr_assert_eq(v->vips[1].prefix, 32);
    cr_assert_str_eq(v->vips[1].dev, "");

    cr_assert_eq(c.nvs, 2);
    const struct ka_virtual_server *vs = &c.vs[0];
    cr_assert_eq(vs->fwd, IPVS_FWD_MASQ);
    cr_assert(vs->alpha && vs->omega && !vs->inhibit_on_failure);
    cr_assert_eq(vs->quorum, 2);
    cr_assert_eq(vs->hysteresis, 1);
    cr_assert(vs->has_sorry_server);
    cr_assert_eq(vs->sorry_addr, IP4(10, 2, 0, 200));
    cr_assert_eq(vs->sorry_port, 8080);
    const struct ka_real_server *r1 = &vs->rs[0], *r2 = &vs->rs[1];
    cr_assert(r1->inhibit_on_failure);
    cr_assert(!r2->inhibit_on_failure);
    cr_assert_eq(r2->weight, 1);
    const struct ka_checker_conf *t1 = &r1->checkers[0];
    cr_assert_eq(t1->kind, KA_CHECK_TCP);
    cr_assert(t1->alpha);                  /* inherited from the virtual server */
    cr_assert_eq(t1->connect_port, 8081);
    cr_assert_eq(t1->connect_ip, IP4(10, 2, 0, 11));
    cr_assert_eq(t1->connect_timeout, 4 * SIM_S);
    cr_assert_eq(t1->retry, 1);            /* TCP_CHECK's default */
    cr_assert_eq(t1->delay_before_retry, SIM_S);
    cr_assert_eq(t1->delay_loop, 10 * SIM_S);
    const struct ka_checker_conf *t2 = &r2->checkers[0], *m2 = &r2->checkers[1];
    cr_assert_eq(t2->connect_ip, IP4(10, 2, 0, 112));
    cr_assert_eq(t2->connect_port, 8080);
    cr_assert_eq(t2->retry, 0);
    cr_assert_eq(t2->warmup, 0);
    cr_assert_eq(t2->delay_before_retry, 2 * SIM_S);
    cr_assert_eq(m2->kind, KA_CHECK_MISC);
    cr_assert_str_eq(m2->misc_path, "/usr/local/bin/check_app --port 8080");
    cr_assert_eq(m2->misc_timeout, 3 * SIM_S);
    cr_assert_eq(m2->retry, 0);            /* MISC_CHECK's default */

    const struct ka_virtual_server *fw = &c.vs[1];
    cr_assert_eq(fw->fwmark, 443);
    cr_assert_eq(fw->protocol, 0);
    cr_assert_eq(fw->delay_loop, 60 * SIM_S);   /* keepalived's default */
    cr_assert_eq(fw->persistence_granularity, IP4(255, 255, 255, 0));
    cr_assert_eq(fw->rs[0].port, 0);            /* DR on a fwmark service */
    cr_assert_eq(fw->rs[0].check_port, 443);
    cr_assert_eq(fw->rs[0].checkers[0].connect_port, 443);
    cr_assert_eq(fw->rs[0].checkers[0].connect_timeout, 5 * SIM_S);
    ka_conf_free(&c);
}

/* ---- building the table ---- */

static enum ka_misc_verdict misc_never(void *ctx, const struct ka_misc_req *req)
{
    (void)ctx, (void)req;
    return KA_MISC_FAIL;
}

static char *apply_listing(const char *path)
{
    struct ka_conf conf = parse_ok(path);
    struct sim_world *w = sim_world_new(1);
    struct sim_node *d = sim_add_host(w, "director");
    struct ipvs ipvs;
    ipvs_director_init(&ipvs, d->host);
    struct ka_checks_opts o = { .misc = misc_never };
    char err[256];
    struct ka_checks *kc = ka_conf_apply(&conf, &ipvs, &o, err, sizeof err);
    cr_assert_not_null(kc, "%s", err);
    char *buf;
    size_t len;
    FILE *out = open_memstream(&buf, &len);
    ipvsadm_list_all(&ipvs, IPVSADM_FMT_NUMERIC, out);
    fclose(out);
    ka_checks_free(kc);
    ipvs_director_destroy(&ipvs);
    cr_assert_eq(sim_world_free(w), 0, "packets leaked");
    ka_conf_free(&conf);
    return buf;
}

Test(keepalived_conf, dr_http_get_table)
{
    char *got = apply_listing(FIX "dr_http_get.conf");
    cr_assert_str_eq(got,
                     "IP Virtual Server version 1.2.1 (size=4096)\n"
                     "Prot LocalAddress:Port Scheduler Flags\n"
                     "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
                     "TCP  10.0.0.100:80 wrr persistent 50\n"
                     "  -> 10.0.0.11:80                 Route   3      0          0         \n"
                     "  -> 10.0.0.12:80                 Route   1      0          0         \n");
    free(got);
}

/* alpha: no real server at start, so quorum is down and the sorry server
 * serves; the inhibited server is there at weight 0. */
Test(keepalived_conf, nat_tcp_check_table)
{
    char *got = apply_listing(FIX "nat_tcp_check.conf");
    cr_assert_str_eq(got,
                     "IP Virtual Server version 1.2.1 (size=4096)\n"
                     "Prot LocalAddress:Port Scheduler Flags\n"
                     "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
                     "TCP  192.168.1.100:80 wlc\n"
                     "  -> 10.2.0.11:8080               Masq    0      0          0         \n"
                     "  -> 10.2.0.200:8080              Masq    1      0          0         \n"
                     "FWM  443 sh persistent 300 mask 255.255.255.0\n"
                     "  -> 192.168.1.11:0               Route   1      0          0         \n");
    free(got);
}

Test(keepalived_conf, apply_refused_by_ipvs_names_the_virtual_server)
{
    struct ka_conf conf;
    char err[256];
    cr_assert_eq(ka_conf_parse_string("virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n}\n", "x.conf",
                                      &conf, err, sizeof err), 0, "%s", err);
    struct sim_world *w = sim_world_new(1);
    struct ipvs ipvs;
    ipvs_director_init(&ipvs, sim_add_host(w, "director")->host);
    struct ka_checks_opts o = { 0 };
    struct ka_checks *first = ka_conf_apply(&conf, &ipvs, &o, err, sizeof err);
    cr_assert_not_null(first);
    cr_assert_null(ka_conf_apply(&conf, &ipvs, &o, err, sizeof err));
    cr_assert_str_eq(err, "x.conf:1: virtual_server: Service already exists");
    cr_assert_eq(ipvs.num_services, 1);
    ka_checks_free(first);
    ipvs_director_destroy(&ipvs);
    cr_assert_eq(sim_world_free(w), 0);
    ka_conf_free(&conf);
}

/* ---- bad files ---- */

static void bad(const char *file, const char *want)
{
    char path[256], err[256], full[512];
    snprintf(path, sizeof path, FIX "%s", file);
    snprintf(full, sizeof full, FIX "%s", want);
    struct ka_conf conf;
    cr_assert_eq(ka_conf_parse_file(path, &conf, err, sizeof err), -1, "%s parsed", file);
    cr_assert_str_eq(err, full);
    cr_assert_eq(conf.nvs, 0);
    cr_assert_null(conf.vs);
    cr_assert_null(conf.vrrp);
}

Test(keepalived_conf, bad_files_name_line_and_keyword)
{
    bad("bad_unknown_keyword.conf",
        "bad_unknown_keyword.conf:4: unknown keyword `lb_algoo` in virtual_server (did you mean lb_algo?)");
    bad("bad_address.conf", "bad_address.conf:4: real_server: '10.0.0.300' is not an IPv4 address");
    bad("bad_missing_brace.conf",
        "bad_missing_brace.conf:7: virtual_server: missing '}' for the block opened at line 1");
    bad("bad_weight_range.conf", "bad_weight_range.conf:5: weight: '70000' is not a whole number from 0 to 65535");
    bad("bad_scheduler.conf", "bad_scheduler.conf:3: lb_algo: unknown scheduler 'fastest'");
    bad("bad_digest.conf",
        "bad_digest.conf:8: digest: '640205b7b0fc66c1ea91c463fac6334' is not an MD5 digest (32 hex digits)");
    bad("bad_vrrp_state.conf", "bad_vrrp_state.conf:2: state: 'PRIMARY' is not MASTER or BACKUP");
    bad("bad_dr_port.conf",
        "bad_dr_port.conf:4: real_server: port 8080 differs from the virtual server's 80, which DR cannot change");
    bad("bad_no_block.conf", "bad_no_block.conf:4: real_server: missing '{'");
    bad("bad_stray_close.conf", "bad_stray_close.conf:4: }: no block to close");
    bad("bad_timeout.conf", "bad_timeout.conf:6: connect_timeout: '3s' is not a time from 1e-06 to 1e+06 seconds");
    bad("bad_global_key.conf",
        "bad_global_key.conf:3: unknown keyword `notification_emial_from` in global_defs "
        "(did you mean notification_email_from?)");
}

static void bad_text(const char *text, const char *want)
{
    struct ka_conf conf;
    char err[256];
    cr_assert_eq(ka_conf_parse_string(text, "t.conf", &conf, err, sizeof err), -1, "parsed: %s", text);
    cr_assert_str_eq(err, want);
}

Test(keepalived_conf, bad_values_and_shapes)
{
    bad_text("virtual_server 10.0.0.1 80 {\n lb_kind DR\n}\n", "t.conf:1: virtual_server: no lb_algo");
    bad_text("virtual_server 10.0.0.1 80 {\n lb_algo rr\n}\n", "t.conf:1: virtual_server: no lb_kind");
    bad_text("virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind SNAT\n}\n",
             "t.conf:3: lb_kind: 'SNAT' is not NAT, DR, TUN or FNAT");
    bad_text("virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n quorum 3\n real_server 10.0.0.2 80 {\n }\n}\n",
             "t.conf:1: quorum: 3 is more than the real servers' total weight 1");
    bad_text("virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n hysteresis 1\n}\n",
             "t.conf:1: hysteresis: 1 is not below the quorum 1");
    bad_text("virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 80 {\n }\n"
             " real_server 10.0.0.2 80 {\n }\n}\n",
             "t.conf:6: real_server: 10.0.0.2 80 is given twice (first at line 4)");
    bad_text("virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 80 {\n"
             "  HTTP_GET {\n   connect_timeout 1\n  }\n }\n}\n",
             "t.conf:5: HTTP_GET: no url");
    bad_text("virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 80 {\n"
             "  TCP_CHECK {\n   misc_path /bin/true\n  }\n }\n}\n",
             "t.conf:6: unknown keyword `misc_path` in TCP_CHECK");
    bad_text("virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n persistence_granularity 255.0.255.0\n}\n",
             "t.conf:4: persistence_granularity: '255.0.255.0' is not a netmask");
    bad_text("virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n delay_loop\n}\n",
             "t.conf:4: delay_loop: takes 1 argument, not 0");
    bad_text("virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n alpha yes\n}\n",
             "t.conf:4: alpha: takes 0 arguments, not 1");
    bad_text("vrrp_instance A {\n interface eth0\n virtual_router_id 300\n}\n",
             "t.conf:3: virtual_router_id: '300' is not a whole number from 1 to 255");
    bad_text("vrrp_instance A {\n interface eth0\n virtual_router_id 3\n virtual_ipaddress {\n  10.0.0.1/33\n }\n}\n",
             "t.conf:5: virtual_ipaddress: '33' is not a whole number from 0 to 32");
    bad_text("vrrp_instance A {\n interface eth0\n virtual_router_id 3\n version 3\n authentication {\n"
             "  auth_type PASS\n  auth_pass x\n }\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n",
             "t.conf:1: authentication: VRRP version 3 has no authentication (A)");
    bad_text("vrrp_instance A {\n authentication {\n  auth_pass 123456789\n }\n}\n",
             "t.conf:3: auth_pass: '123456789' is longer than 8 characters");
    bad_text("vrrp_instance A {\n interface eth0\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n",
             "t.conf:1: vrrp_instance: A has no virtual_router_id");
    bad_text("include /etc/keepalived/other.conf\n",
             "t.conf:1: `include` in the file is keepalived's but lvslab does not model it");
    bad_text("global_defs {\n router_id \"unterminated\n}\n", "t.conf:2: \": unterminated quoted string");
}

/* keepalived's own sample (doc/samples/keepalived.conf.sample), as
 * written: its e-mail and SMTP settings are accepted and named in one
 * warning; nothing else is said. */
Test(keepalived_conf, stock_sample_parses_with_one_warning)
{
    struct ka_conf c;
    char err[512];
    cr_assert_eq(ka_conf_parse_file(FIX "stock_sample.conf", &c, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(c.warnings, FIX "stock_sample.conf: ignored, as they do not change the simulation: "
                     "notification_email (line 4), notification_email_from (line 7), smtp_server (line 8), "
                     "smtp_connect_timeout (line 9)\n");
    cr_assert_eq(c.nvrrp, 1);
    cr_assert_eq(c.nvs, 1);
    cr_assert(c.vs[0].has_sorry_server && c.vs[0].rs[0].checkers[0].retry == 3);
    ka_conf_free(&c);
    cr_assert_null(c.warnings);
    /* a clean file has no warnings */
    cr_assert_eq(ka_conf_parse_file(FIX "nat_tcp_check.conf", &c, err, sizeof err), 0, "%s", err);
    cr_assert_null(c.warnings);
    ka_conf_free(&c);
}

/* Every unknown keyword of the file in one pass, each with the closest
 * keyword of its section; a block after one is skipped, not "takes no
 * block"; ignored keywords in every section join the one warning. */
Test(keepalived_conf, unknown_keywords_all_at_once)
{
    struct ka_conf c;
    char err[1024];
    const char *text = "global_defs {\n notifcation_email {\n  a@b\n }\n}\n"
                       "virtual_server 10.0.0.1 80 {\n lb_algoo rr\n lb_kind NAT\n"
                       " real_sever 10.0.0.2 80 {\n  weight 1\n }\n"
                       " real_server 10.0.0.3 80 {\n  SSL_GET {\n   url {\n    path /\n   }\n  }\n }\n}\n"
                       "vrrp_instnace VI_1 {\n state MASTER\n}\n";
    cr_assert_eq(ka_conf_parse_string(text, "t.conf", &c, err, sizeof err), -1);
    cr_assert_str_eq(err, "t.conf:2: unknown keyword `notifcation_email` in global_defs (did you mean notification_email?)\n"
                          "t.conf:7: unknown keyword `lb_algoo` in virtual_server (did you mean lb_algo?)\n"
                          "t.conf:9: unknown keyword `real_sever` in virtual_server (did you mean real_server?)\n"
                          "t.conf:13: `SSL_GET` in real_server is keepalived's but lvslab does not model it\n"
                          "t.conf:20: unknown keyword `vrrp_instnace` in the file (did you mean vrrp_instance?)");
    text = "virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n nat_mask 255.255.255.0\n smtp_alert\n"
           " real_server 10.0.0.2 80 {\n  notify_down \"/bin/echo down\"\n }\n}\n"
           "vrrp_instance V {\n interface eth0\n virtual_router_id 1\n notify_master /x.sh\n"
           " virtual_ipaddress {\n  10.0.0.1\n }\n}\n"
           "global_defs {\n enable_script_security\n script_user root\n vrrp_skip_check_adv_addr\n"
           " vrrp_garp_interval 0\n vrrp_gna_interval 0\n}\n";
    cr_assert_eq(ka_conf_parse_string(text, "t.conf", &c, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(c.warnings, "t.conf: ignored, as they do not change the simulation: nat_mask (line 4), "
                     "smtp_alert (line 5), notify_down (line 7), notify_master (line 13), "
                     "enable_script_security (line 19), script_user (line 20), vrrp_skip_check_adv_addr (line 21), "
                     "vrrp_garp_interval (line 22), vrrp_gna_interval (line 23)\n");
    ka_conf_free(&c);
}

/* Old names read as keepalived reads them, each with its warning:
 * nb_get_retry as retry, lvs_id as router_id, and a vrrp_instance's
 * lvs_sync_daemon_interface as global_defs' lvs_sync_daemon IFACE INSTANCE. */
Test(keepalived_conf, old_names_are_read_with_a_warning)
{
    struct ka_conf c;
    char err[512];
    const char *text = "global_defs {\n lvs_id OLD\n}\n"
                       "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n"
                       " lvs_sync_daemon_interface eth1\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n"
                       "virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 80 {\n"
                       "  HTTP_GET {\n   url {\n    path /\n   }\n   nb_get_retry 4\n  }\n }\n}\n";
    cr_assert_eq(ka_conf_parse_string(text, "t.conf", &c, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(c.global.router_id, "OLD");
    cr_assert(c.global.lvs_sync.on);
    cr_assert_str_eq(c.global.lvs_sync.interface, "eth1");
    cr_assert_str_eq(c.global.lvs_sync.instance, "VI_1");
    cr_assert_eq(c.global.lvs_sync.syncid, 7);
    cr_assert_eq(c.vs[0].rs[0].checkers[0].retry, 4);
    cr_assert_str_eq(c.warnings, "t.conf:2: lvs_id: the old name of router_id, read as router_id\n"
                     "t.conf:7: lvs_sync_daemon_interface: deprecated, read as global_defs' lvs_sync_daemon eth1 VI_1\n"
                     "t.conf:20: nb_get_retry: deprecated, read as retry\n");
    ka_conf_free(&c);
}

Test(keepalived_conf, comments_quotes_and_braces_anywhere)
{
    struct ka_conf c;
    char err[256];
    const char *text = "# a comment\n! another\nvirtual_server 10.0.0.1 80 { # trailing\n"
                       " lb_algo rr ; lb_kind NAT\n}\n";
    /* keepalived has no ';': the line is lb_algo with four words */
    cr_assert_eq(ka_conf_parse_string(text, "t.conf", &c, err, sizeof err), -1);
    cr_assert_str_eq(err, "t.conf:4: lb_algo: takes 1 argument, not 4");
    text = "virtual_server 10.0.0.1 80\n\n{\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 80 { weight 7 }\n"
           " real_server 10.0.0.3 80 { MISC_CHECK { misc_path \"a b # c\" } }\n"
           " real_server 10.0.0.4 80 { MISC_CHECK { misc_path /bin/true\n misc_dynamic } }\n}\n";
    cr_assert_eq(ka_conf_parse_string(text, "t.conf", &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(c.vs[0].rs[0].weight, 7);
    cr_assert_str_eq(c.vs[0].rs[1].checkers[0].misc_path, "a b # c");
    cr_assert_eq(c.vs[0].rs[1].checkers[0].misc_timeout, 60 * SIM_S);   /* the virtual server's delay_loop */
    cr_assert(!c.vs[0].rs[1].checkers[0].misc_dynamic);
    cr_assert(c.vs[0].rs[2].checkers[0].misc_dynamic);
    ka_conf_free(&c);
    text = "virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n"
           " real_server 10.0.0.3 80 { MISC_CHECK { misc_path /bin/true\n misc_dynamic 1 } }\n}\n";
    cr_assert_eq(ka_conf_parse_string(text, "t.conf", &c, err, sizeof err), -1);
    cr_assert_str_eq(err, "t.conf:5: misc_dynamic: takes 0 arguments, not 1");
}

/* lvs_sync_daemon: the sync daemon follows a vrrp_instance, its id by
 * default the instance's virtual_router_id. */
Test(keepalived_conf, lvs_sync_daemon_follows_an_instance)
{
    const char *vrrp = "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 51\n"
                       " virtual_ipaddress {\n  10.0.0.100\n }\n}\n";
    char text[512], err[256];
    snprintf(text, sizeof text, "global_defs {\n lvs_sync_daemon eth1 VI_1\n}\n%s", vrrp);
    struct ka_conf c;
    cr_assert_eq(ka_conf_parse_string(text, "t.conf", &c, err, sizeof err), 0, "%s", err);
    cr_assert(c.global.lvs_sync.on);
    cr_assert_str_eq(c.global.lvs_sync.interface, "eth1");
    cr_assert_str_eq(c.global.lvs_sync.instance, "VI_1");
    cr_assert_eq(c.global.lvs_sync.syncid, 51);
    ka_conf_free(&c);
    snprintf(text, sizeof text, "global_defs {\n lvs_sync_daemon eth0 VI_1 id 7 port 9000 ttl 2\n}\n%s", vrrp);
    cr_assert_eq(ka_conf_parse_string(text, "t.conf", &c, err, sizeof err), 0, "%s", err);
    cr_assert(c.global.lvs_sync.syncid == 7 && c.global.lvs_sync.port == 9000 && c.global.lvs_sync.ttl == 2);
    ka_conf_free(&c);
    snprintf(text, sizeof text, "global_defs {\n lvs_sync_daemon eth0 VI_9\n}\n%s", vrrp);
    bad_text(text, "t.conf:2: lvs_sync_daemon: no vrrp_instance named VI_9");
    snprintf(text, sizeof text, "global_defs {\n lvs_sync_daemon eth0 VI_1 speed 3\n}\n%s", vrrp);
    bad_text(text, "t.conf:2: lvs_sync_daemon: unknown option \"speed\"");
    snprintf(text, sizeof text, "global_defs {\n lvs_sync_daemon eth0\n}\n%s", vrrp);
    bad_text(text, "t.conf:2: lvs_sync_daemon: expects an interface, a vrrp_instance and option pairs");
}

Test(keepalived_conf, vrrp_script_track_script_and_sync_group)
{
    struct ka_conf c = parse_ok(FIX "track_sync.conf");
    cr_assert_eq(c.nscripts, 2);
    const struct ka_vrrp_script *p = &c.scripts[0], *n = &c.scripts[1];
    cr_assert_str_eq(p->name, "chk_proxy");
    cr_assert_str_eq(p->script, "killall -0 nginx");
    cr_assert_eq(p->interval, 2 * SIM_S);
    cr_assert_eq(p->timeout, 2 * SIM_S, "the timeout defaults to the interval");
    cr_assert_eq(p->weight, -60);
    cr_assert_eq(p->rise, 3);
    cr_assert_eq(p->fall, 2);
    cr_assert(!p->init_fail);
    cr_assert_eq(n->interval, SIM_S);
    cr_assert_eq(n->weight, 0);
    cr_assert_eq(n->rise, 1);
    cr_assert_eq(n->fall, 1);
    cr_assert(n->init_fail);

    cr_assert_eq(c.nvrrp, 2);
    const struct ka_vrrp_instance *ext = &c.vrrp[0], *in = &c.vrrp[1];
    cr_assert_eq(ext->ntrack, 2, "the unknown script is dropped; the group's chk_node is the instance's own");
    cr_assert_eq(ext->track[0].script, 0);
    cr_assert_eq(ext->track[0].weight, -60);
    cr_assert_eq(ext->track[1].script, 1);
    cr_assert_eq(ext->track[1].weight, 5, "the instance's weight wins over the script's");
    cr_assert_eq(in->ntrack, 1);
    cr_assert_eq(in->track[0].script, 1);
    cr_assert_eq(in->track[0].weight, 0, "the group's line: the script's weight");

    cr_assert_eq(c.ngroups, 1);
    cr_assert_str_eq(c.groups[0].name, "VG_1");
    cr_assert_eq(c.groups[0].nmembers, 2);
    cr_assert_eq(c.groups[0].members[0], 0);
    cr_assert_eq(c.groups[0].members[1], 1);
    cr_assert_eq(ext->sync_group, 0);
    cr_assert_eq(in->sync_group, 0);

    cr_assert_not_null(c.warnings);
    cr_assert_not_null(strstr(c.warnings, "track_sync.conf:43: track_script: VI_EXT: no vrrp_script named "
                                          "chk_missing: ignored"), "%s", c.warnings);
    cr_assert_not_null(strstr(c.warnings, "notify_master (line 15)"), "%s", c.warnings);
    cr_assert_not_null(strstr(c.warnings, "user (line 24)"), "%s", c.warnings);
    ka_conf_free(&c);
}

Test(keepalived_conf, bad_tracking_and_groups)
{
    bad("bad_script_weight.conf", "bad_script_weight.conf:3: weight: '-300' is not a whole number from -253 to 253");
    bad("bad_sync_twice.conf", "bad_sync_twice.conf:16: group: A is already in vrrp_sync_group G1");
    bad_text("vrrp_script s {\n    interval 2\n}\n", "t.conf:1: vrrp_script: s has no script");
    bad_text("vrrp_script s {\n    script x\n    weight 10 reverse\n}\n",
             "t.conf:3: weight: 'reverse': weight reverse is not modelled (only weight N)");
    bad_text("vrrp_script s {\n    script x\n    interval 0\n}\n",
             "t.conf:3: interval: '0' is not a whole number from 1 to 86400");
    bad_text("vrrp_script s {\n    script x\n    fal 2\n}\n",
             "t.conf:3: unknown keyword `fal` in vrrp_script (did you mean fall?)");
    bad_text("vrrp_instance A {\n    interface eth0\n    virtual_router_id 1\n    virtual_ipaddress {\n"
             "        10.0.0.1\n    }\n    track_script {\n        s weight\n    }\n}\n",
             "t.conf:8: track_script: s: after the name only \"weight N\" may follow");
    bad_text("vrrp_sync_group G {\n    group {\n    }\n}\n", "t.conf:1: vrrp_sync_group: G has no group { instances }");
}
