/* The HTTP-like workload through a director in each forwarding mode (the
 * simulated LVS lab of tests/support/lvs_lab.h, rr over three real
 * servers): a client counts which real server answered from the id in each
 * response header, so one connection per request shares out evenly. */
#include <criterion/criterion.h>

#include "apps/http_client.h"
#include "apps/http_server.h"
/* the lab's own fetch client goes unused here */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "support/lvs_lab.h"
#pragma GCC diagnostic pop

#define APP_PORT 8080

static void share_in_mode(enum ipvs_fwd fwd)
{
    struct lab l;
    lab_init(&l, fwd, "rr", "");
    struct ipvs_service_conf svc = { .protocol = IPPROTO_TCP, .addr = l.vip, .port = APP_PORT };
    snprintf(svc.sched_name, sizeof svc.sched_name, "rr");
    cr_assert_eq(ipvs_service_add(&l.ipvs, &svc), 0);
    struct http_server *srv[LAB_SERVERS];
    for (int i = 0; i < LAB_SERVERS; i++) {
        struct ipvs_dest_conf d = { .addr = l.rip[i], .port = APP_PORT, .fwd = fwd, .weight = 1 };
        cr_assert_eq(ipvs_dest_add(&l.ipvs, &svc, &d), 0);
        struct http_server_cfg sc = { .name = "web", .seed = 1, .port = APP_PORT, .id = l.rip[i] };
        dist_fixed(&sc.service, 0);
        srv[i] = http_server_new(l.rs[i]->host, &sc);
        cr_assert_not_null(srv[i]);
    }
    if (fwd == IPVS_FWD_FULLNAT)
        ipvs_laddr_add(&l.ipvs, &svc, l.laddr);
    struct http_client_cfg cc = {
        .name = "web", .seed = 1, .dst = l.vip, .dport = APP_PORT,
        .load = { .loop = APP_CLOSED, .users = 3, .start = 10 * SIM_MS, .stop = 100 * SIM_MS },
        .keepalive = false, .timeout = 5 * SIM_S,
    };
    dist_exp(&cc.load.think, 5 * SIM_MS);
    dist_fixed(&cc.req_size, 200);
    dist_exp(&cc.resp_size, 8000);
    struct http_client *cli = http_client_new(l.client->host, &cc);
    http_client_start(cli);
    sched_run_until(&l.w->sched, 2 * SIM_S);

    const struct app_stats *st = http_client_stats(cli);
    const char *mode = ipvs_fwd_name(fwd);
    cr_assert_gt(st->issued, 30, "%s: %llu requests", mode, (unsigned long long)st->issued);
    cr_assert_eq(st->completed, st->issued, "%s: %llu of %llu completed (%llu failed)", mode,
                 (unsigned long long)st->completed, (unsigned long long)st->issued,
                 (unsigned long long)st->failed);
    cr_assert_eq(st->bad_bytes, 0);
    uint64_t sum = 0;
    for (int i = 0; i < LAB_SERVERS; i++) {
        uint64_t n = app_stats_server_count(st, l.rip[i]);
        cr_assert(n * LAB_SERVERS + LAB_SERVERS > st->completed && n * LAB_SERVERS < st->completed + LAB_SERVERS,
                  "%s: rs%d answered %llu of %llu", mode, i + 1, (unsigned long long)n,
                  (unsigned long long)st->completed);
        cr_assert_eq(http_server_stats(srv[i])->responses, n);
        sum += n;
    }
    cr_assert_eq(sum, st->completed, "%s: answers from unknown servers", mode);
    http_client_free(cli);
    for (int i = 0; i < LAB_SERVERS; i++)
        http_server_free(srv[i]);
    sched_run_until(&l.w->sched, sched_now(&l.w->sched) + 1 * SIM_S);
    cr_assert_eq(lab_free(&l), 0, "packets leaked");
}

Test(apps_lvs, share_nat) { share_in_mode(IPVS_FWD_MASQ); }
Test(apps_lvs, share_dr) { share_in_mode(IPVS_FWD_DROUTE); }
Test(apps_lvs, share_tun) { share_in_mode(IPVS_FWD_TUNNEL); }
Test(apps_lvs, share_fullnat) { share_in_mode(IPVS_FWD_FULLNAT); }
