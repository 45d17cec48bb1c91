/* ipvsadm in lvslab: command lines in every form build the expected tables;
 * every class of bad line gives ipvsadm's message and leaves the tables as
 * they were; the listings match ipvsadm's layout written out by hand; the
 * rate estimator gives the kernel's numbers; random lines never crash. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "engine/rng.h"
#include "engine/sched.h"
#include "lvs/est.h"
#include "lvs/ipvsadm.h"

static struct ipvs ipvs;

static void setup(void) { ipvs_init(&ipvs, NULL, NULL); }
static void teardown(void) { ipvs_destroy(&ipvs); }

TestSuite(ipvsadm, .init = setup, .fini = teardown);

/* The output of one command line that must succeed. */
static char *run_out(const char *line)
{
    char *buf = NULL, err[256];
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct ipvsadm_io io = { .out = out };
    int r = ipvsadm_run(&ipvs, line, NULL, &io, err, sizeof err);
    fclose(out);
    cr_assert_eq(r, 0, "\"%s\" failed: %s", line, err);
    return buf;
}

static void run(const char *line)
{
    free(run_out(line));
}

static char *listing(unsigned format)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ipvsadm_list_all(&ipvs, format, out);
    fclose(out);
    return buf;
}

/* Everything a line could change, as text. */
static char *snapshot(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ipvsadm_list_all(&ipvs, IPVSADM_FMT_NUMERIC, out);
    ipvsadm_list_all(&ipvs, IPVSADM_FMT_NUMERIC | IPVSADM_FMT_THRESHOLDS, out);
    ipvsadm_list_all(&ipvs, IPVSADM_FMT_NUMERIC | IPVSADM_FMT_PERSISTENTCONN, out);
    ipvsadm_list_all(&ipvs, IPVSADM_FMT_NUMERIC | IPVSADM_FMT_STATS | IPVSADM_FMT_EXACT, out);
    ipvsadm_list_timeout(&ipvs, out);
    fclose(out);
    return buf;
}

/* A line that must fail with this message and change nothing. */
static void bad(const char *line, const char *msg)
{
    char err[256], *before = snapshot();
    struct ipvsadm_io io = { .out = stdout };
    int r = ipvsadm_run(&ipvs, line, NULL, &io, err, sizeof err);
    char *after = snapshot();
    cr_assert_eq(r, -1, "\"%s\" succeeded", line);
    cr_assert_str_eq(err, msg, "\"%s\": got \"%s\"", line, err);
    cr_assert_str_eq(before, after, "\"%s\" changed the tables", line);
    free(before);
    free(after);
}

static void expect_listing(unsigned format, const char *want)
{
    char *got = listing(format);
    cr_assert_str_eq(got, want, "listing:\n%s\nwant:\n%s", got, want);
    free(got);
}

static void sample_table(void)
{
    run("ipvsadm -A -t 10.0.0.100:80 -s rr");
    run("ipvsadm -a -t 10.0.0.100:80 -r 10.0.0.2:80 -m -w 3");
    run("ipvsadm -a -t 10.0.0.100:80 -r 10.0.0.1 -g");
    run("ipvsadm --add-service --udp-service 10.0.0.100:53 --scheduler rr --persistent");
    run("ipvsadm --add-server --udp-service 10.0.0.100:53 --real-server 10.0.0.3:5353 --ipip");
    run("ipvsadm -A -f 7 -s rr -p 600 -M 255.255.255.0");
    run("ipvsadm -a -f 7 -r 10.0.0.4:8080 --fullnat -w 0");
}

#define HEADER "IP Virtual Server version 1.2.1 (size=4096)\n"
#define TITLE                                                                     \
    "Prot LocalAddress:Port Scheduler Flags\n"                                    \
    "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"

static const char sample_listing[] =
    HEADER TITLE
    "TCP  10.0.0.100:80 rr\n"
    "  -> 10.0.0.1:80                  Route   1      0          0         \n"
    "  -> 10.0.0.2:80                  Masq    3      0          0         \n"
    "UDP  10.0.0.100:53 rr persistent 360\n"
    "  -> 10.0.0.3:53                  Tunnel  1      0          0         \n"
    "FWM  7 rr persistent 600 mask 255.255.255.0\n"
    "  -> 10.0.0.4:8080                FullNat 0      0          0         \n";

Test(ipvsadm, sample_table_lists_as_ipvsadm)
{
    sample_table();
    expect_listing(IPVSADM_FMT_NUMERIC, sample_listing);
    char *out = run_out("ipvsadm -L -n");
    cr_assert_str_eq(out, sample_listing);
    free(out);
    out = run_out("-Ln");
    cr_assert_str_eq(out, sample_listing);
    free(out);
    out = run_out("ipvsadm --list --numeric");
    cr_assert_str_eq(out, sample_listing);
    free(out);
}

Test(ipvsadm, without_numeric_ports_by_name)
{
    run("-A -t 10.0.0.100:http -s rr");
    run("-a -t 10.0.0.100:80 -r 10.0.0.1:8080 -m");
    expect_listing(0, HEADER TITLE
                   "TCP  10.0.0.100:http rr\n"
                   "  -> 10.0.0.1:http-alt            Masq    1      0          0         \n");
}

Test(ipvsadm, parse_defaults_as_ipvsadm)
{
    struct ipvsadm_cmd c;
    char err[256];
    cr_assert_eq(ipvsadm_parse("-A -t 10.0.0.100:80", &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(c.cmd, IPVSADM_CMD_ADD);
    cr_assert_str_eq(c.svc.sched_name, "wlc");
    cr_assert_eq(c.svc.protocol, IPPROTO_TCP);
    cr_assert_eq(c.svc.addr, 0x0a000064u);
    cr_assert_eq(c.svc.port, 80);
    cr_assert_eq(c.svc.flags, 0);
    cr_assert_eq(c.svc.netmask, 0xffffffffu);

    cr_assert_eq(ipvsadm_parse("-a -t 10.0.0.100:80 -r 10.0.0.1:8080", &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(c.cmd, IPVSADM_CMD_ADDDEST);
    cr_assert_eq(c.dest.fwd, IPVS_FWD_DROUTE, "gatewaying is the default");
    cr_assert_eq(c.dest.weight, 1);
    cr_assert_eq(c.dest.port, 80, "DR takes the service's port");

    cr_assert_eq(ipvsadm_parse("-A -t 10.0.0.100:0 -p", &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(c.svc.timeout, 360, "IPVS_SVC_PERSISTENT_TIMEOUT");
    cr_assert_eq(c.svc.flags, IPVS_SVC_PERSISTENT);

    cr_assert_eq(ipvsadm_parse("-A -t 10.0.0.100:80 -s sh -b sh-fallback,sh-port", &c, err, sizeof err), 0,
                 "%s", err);
    cr_assert_eq(c.svc.flags, IPVS_SCHED_FLAG_1 | IPVS_SCHED_FLAG_2);
    cr_assert_eq(ipvsadm_parse("-E -f 3 -s mh --sched-flags mh-port", &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(c.svc.flags, IPVS_SCHED_FLAG_2);
    cr_assert_eq(c.svc.fwmark, 3);

    cr_assert_eq(ipvsadm_parse("--set 100 0 50", &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(c.cmd, IPVSADM_CMD_TIMEOUT);
    cr_assert_eq(c.timeouts.tcp, 100);
    cr_assert_eq(c.timeouts.tcpfin, 0);
    cr_assert_eq(c.timeouts.udp, 50);

    cr_assert_eq(ipvsadm_parse("", &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(c.cmd, IPVSADM_CMD_LIST, "ipvsadm alone lists");
    cr_assert_eq(ipvsadm_parse("/sbin/ipvsadm", &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(c.cmd, IPVSADM_CMD_LIST);
}

Test(ipvsadm, short_groups_attached_and_long_equals)
{
    run("-At 10.0.0.100:80 -srr");
    run("-at 10.0.0.100:80 -r10.0.0.1:81 -mw5");
    run("--add-server --tcp-service=10.0.0.100:80 --real-server=10.0.0.2:82 --masquerading --weight=7 "
        "--u-threshold=100 --l-threshold=50");
    expect_listing(IPVSADM_FMT_NUMERIC | IPVSADM_FMT_THRESHOLDS,
                   HEADER
                   "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
                   "  -> RemoteAddress:Port\n"
                   "TCP  10.0.0.100:80 rr\n"
                   "  -> 10.0.0.1:81                  0          0          0          0         \n"
                   "  -> 10.0.0.2:82                  100        50         0          0         \n");
    struct ipvs_dest *d = ipvs_dest_find(ipvs.services, 0x0a000001u, 81);
    cr_assert_not_null(d);
    cr_assert_eq(d->weight, 5);
    cr_assert_eq(d->fwd, IPVS_FWD_MASQ);
}

Test(ipvsadm, port_mapping_only_with_nat_and_fullnat)
{
    run("-A -t 10.0.0.100:80 -s rr");
    run("-a -t 10.0.0.100:80 -r 10.0.0.1:8080 -g");
    run("-a -t 10.0.0.100:80 -r 10.0.0.2:8080 -i");
    run("-a -t 10.0.0.100:80 -r 10.0.0.3:8080 -m");
    run("-a -t 10.0.0.100:80 -r 10.0.0.4:8080 --fullnat");
    expect_listing(IPVSADM_FMT_NUMERIC, HEADER TITLE
                   "TCP  10.0.0.100:80 rr\n"
                   "  -> 10.0.0.1:80                  Route   1      0          0         \n"
                   "  -> 10.0.0.2:80                  Tunnel  1      0          0         \n"
                   "  -> 10.0.0.3:8080                Masq    1      0          0         \n"
                   "  -> 10.0.0.4:8080                FullNat 1      0          0         \n");
}

Test(ipvsadm, edit_delete_flush)
{
    sample_table();
    run("-E -t 10.0.0.100:80 -s rr -p 120 -M 255.255.0.0");
    run("-e -t 10.0.0.100:80 -r 10.0.0.2:80 -m -w 9");
    run("--delete-server -u 10.0.0.100:53 -r 10.0.0.3");
    run("-D -f 7");
    expect_listing(IPVSADM_FMT_NUMERIC, HEADER TITLE
                   "TCP  10.0.0.100:80 rr persistent 120 mask 255.255.0.0\n"
                   "  -> 10.0.0.1:80                  Route   1      0          0         \n"
                   "  -> 10.0.0.2:80                  Masq    9      0          0         \n"
                   "UDP  10.0.0.100:53 rr persistent 360\n");
    run("-E -t 10.0.0.100:80 -s rr");   /* -E resets what it is not given, as ipvsadm */
    run("-e -t 10.0.0.100:80 -r 10.0.0.2:80 -m");
    expect_listing(IPVSADM_FMT_NUMERIC, HEADER TITLE
                   "TCP  10.0.0.100:80 rr\n"
                   "  -> 10.0.0.1:80                  Route   1      0          0         \n"
                   "  -> 10.0.0.2:80                  Masq    1      0          0         \n"
                   "UDP  10.0.0.100:53 rr persistent 360\n");
    run("-C");
    expect_listing(IPVSADM_FMT_NUMERIC, HEADER TITLE);
    cr_assert_eq(ipvs.num_services, 0);
}

Test(ipvsadm, sched_flags_listed)
{
    run("-A -t 10.0.0.100:80 -s rr -b flag-1,flag-3");
    run("-A -t 10.0.0.100:81 -s rr -p 10 -b flag-2");
    expect_listing(IPVSADM_FMT_NUMERIC, HEADER TITLE
                   "TCP  10.0.0.100:80 rr (flag-1,flag-3)\n"
                   "TCP  10.0.0.100:81 rr (flag-2) persistent 10\n");
}

Test(ipvsadm, services_and_servers_sorted_as_libipvs)
{
    run("-A -f 5 -s rr");
    run("-A -u 10.0.0.1:53 -s rr");
    run("-A -t 10.0.0.2:80 -s rr");
    run("-A -t 10.0.0.1:443 -s rr");
    run("-A -t 10.0.0.1:80 -s rr");
    run("-A -f 2 -s rr");
    run("-a -t 10.0.0.1:80 -r 10.0.1.9 -g");
    run("-a -t 10.0.0.1:80 -r 10.0.1.10 -g");
    run("-a -t 10.0.0.1:80 -r 10.0.1.10:81 -m");
    expect_listing(IPVSADM_FMT_NUMERIC, HEADER TITLE
                   "TCP  10.0.0.1:80 rr\n"
                   "  -> 10.0.1.9:80                  Route   1      0          0         \n"
                   "  -> 10.0.1.10:80                 Route   1      0          0         \n"
                   "  -> 10.0.1.10:81                 Masq    1      0          0         \n"
                   "TCP  10.0.0.1:443 rr\n"
                   "TCP  10.0.0.2:80 rr\n"
                   "UDP  10.0.0.1:53 rr\n"
                   "FWM  2 rr\n"
                   "FWM  5 rr\n");
    expect_listing(IPVSADM_FMT_NUMERIC | IPVSADM_FMT_NOSORT, HEADER TITLE
                   "FWM  5 rr\n"
                   "UDP  10.0.0.1:53 rr\n"
                   "TCP  10.0.0.2:80 rr\n"
                   "TCP  10.0.0.1:443 rr\n"
                   "TCP  10.0.0.1:80 rr\n"
                   "  -> 10.0.1.10:81                 Masq    1      0          0         \n"
                   "  -> 10.0.1.10:80                 Route   1      0          0         \n"
                   "  -> 10.0.1.9:80                  Route   1      0          0         \n"
                   "FWM  2 rr\n");
}

Test(ipvsadm, address_compare_wraps_as_libipvs)
{
    /* 1.0.0.1 - 200.0.0.1 is positive as an int: ipvsadm lists 200.0.0.1 first */
    run("-A -t 1.0.0.1:80 -s rr");
    run("-A -t 200.0.0.1:80 -s rr");
    expect_listing(IPVSADM_FMT_NUMERIC, HEADER TITLE
                   "TCP  200.0.0.1:80 rr\n"
                   "TCP  1.0.0.1:80 rr\n");
}

Test(ipvsadm, one_service_and_timeout_listings)
{
    sample_table();
    char *out = run_out("-L -n -u 10.0.0.100:53");
    cr_assert_str_eq(out, TITLE
                     "UDP  10.0.0.100:53 rr persistent 360\n"
                     "  -> 10.0.0.3:53                  Tunnel  1      0          0         \n");
    free(out);
    out = run_out("-L --timeout");
    cr_assert_str_eq(out, "Timeout (tcp tcpfin udp): 900 120 300\n");
    free(out);
    run("--set 100 0 50");
    out = run_out("-L --timeout");
    cr_assert_str_eq(out, "Timeout (tcp tcpfin udp): 100 120 50\n", "a zero keeps the timeout");
    free(out);
}

static void set_stats(struct ipvs_stats *s, uint64_t c, uint64_t ip, uint64_t op, uint64_t ib, uint64_t ob)
{
    *s = (struct ipvs_stats){ .conns = c, .inpkts = ip, .outpkts = op, .inbytes = ib, .outbytes = ob };
}

Test(ipvsadm, stats_scaled_and_exact)
{
    run("-A -t 10.0.0.100:80 -s rr");
    run("-a -t 10.0.0.100:80 -r 10.0.0.2 -m");
    struct ipvs_service *s = ipvs.services;
    set_stats(&s->stats, 123, 100000000, 99999999, 1234567890123ULL, 123456789012345678ULL);
    set_stats(&s->dests->stats, 5, 6, 7, 8, 999999999);
    char *out = run_out("-L -n --stats");
    cr_assert_str_eq(out, HEADER
                     "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
                     "  -> RemoteAddress:Port\n"
                     "TCP  10.0.0.100:80                     123  100000K 99999999    1234G  123456T\n"
                     "  -> 10.0.0.2:80                         5        6        7        8  999999K\n");
    free(out);
    out = run_out("-L -n --stats --exact");
    cr_assert_str_eq(out, HEADER
                     "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
                     "  -> RemoteAddress:Port\n"
                     "TCP  10.0.0.100:80                     123 100000000 99999999 1234567890123 "
                     "123456789012345678\n"
                     "  -> 10.0.0.2:80                         5        6        7        8 999999999\n");
    free(out);
    run("-Z -t 10.0.0.100:80");
    cr_assert_eq(s->stats.conns, 0);
    cr_assert_eq(s->dests->stats.outbytes, 0);
}

Test(ipvsadm, rates_from_the_estimator)
{
    run("-A -t 10.0.0.100:80 -s rr");
    run("-a -t 10.0.0.100:80 -r 10.0.0.2 -m");
    struct ipvs_service *s = ipvs.services;
    /* a steady 50 conn/s, 1000 pkt/s in, 800 out, 1 MB/s in, 200 MB/s out, for 200 s */
    for (int t = 1; t <= 100; t++) {
        set_stats(&s->stats, 100ULL * t, 2000ULL * t, 1600ULL * t, 2000000ULL * t, 400000000ULL * t);
        s->dests->stats = s->stats;
        ipvs_est_tick(&ipvs);
    }
    char *out = run_out("-L -n --rate");
    cr_assert_str_eq(out, HEADER
                     "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
                     "  -> RemoteAddress:Port\n"
                     "TCP  10.0.0.100:80                      50     1000      800  1000000  200000K\n"
                     "  -> 10.0.0.2:80                        50     1000      800  1000000  200000K\n");
    free(out);
}

Test(ipvsadm, persistent_conn_listing)
{
    run("-A -t 10.0.0.100:80 -s rr -p");
    run("-a -t 10.0.0.100:80 -r 10.0.0.2 -w 4");
    ipvs.services->dests->persistconns = 7;
    ipvs.services->dests->activeconns = 2;
    ipvs.services->dests->inactconns = 3;
    expect_listing(IPVSADM_FMT_NUMERIC | IPVSADM_FMT_PERSISTENTCONN,
                   HEADER
                   "Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n"
                   "  -> RemoteAddress:Port\n"
                   "TCP  10.0.0.100:80 rr persistent 360\n"
                   "  -> 10.0.0.2:80                  4         7           2          3         \n");
}

static void two_conns(void *arg, ipvsadm_conn_emit emit, void *sink)
{
    (void)arg;
    struct ipvsadm_conn_row a = { .protocol = IPPROTO_TCP, .state = "ESTABLISHED", .expire_s = 899,
                                  .caddr = 0xc0a80105u, .cport = 40000, .vaddr = 0x0a000064u, .vport = 80,
                                  .daddr = 0x0a000002u, .dport = 80 };
    struct ipvsadm_conn_row b = { .protocol = IPPROTO_UDP, .state = "UDP", .expire_s = 5,
                                  .caddr = 0xc0a80106u, .cport = 5353, .vaddr = 0x0a000064u, .vport = 53,
                                  .daddr = 0x0a000003u, .dport = 53 };
    emit(sink, &a);
    emit(sink, &b);
}

Test(ipvsadm, connection_listing)
{
    char *buf = NULL, err[256];
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct ipvsadm_io io = { .out = out, .conns = two_conns };
    cr_assert_eq(ipvsadm_run(&ipvs, "ipvsadm -L -n -c", NULL, &io, err, sizeof err), 0, "%s", err);
    fclose(out);
    cr_assert_str_eq(buf, "IPVS connection entries\n"
                          "pro expire state       source             virtual            destination\n"
                          "TCP 14:59  ESTABLISHED 192.168.1.5:40000  10.0.0.100:80      10.0.0.2:80\n"
                          "UDP 00:05  UDP         192.168.1.6:5353   10.0.0.100:53      10.0.0.3:53\n");
    free(buf);
    out = open_memstream(&buf, &len);
    io = (struct ipvsadm_io){ .out = out };
    cr_assert_eq(ipvsadm_run(&ipvs, "-Lcn", NULL, &io, err, sizeof err), 0, "%s", err);
    fclose(out);
    cr_assert_str_eq(buf, "IPVS connection entries\n"
                          "pro expire state       source             virtual            destination\n");
    free(buf);
}

Test(ipvsadm, parse_errors_leave_tables_unchanged)
{
    sample_table();
    bad("-A -t 10.0.0.1", "Zero port specified for non-persistent service");
    bad("-A -t 10.0.0.1:0 -s rr", "Zero port specified for non-persistent service");
    bad("-A -t 10.0.0.1:80 -w 3", "Illegal 'weight' option with the 'add-service' command");
    bad("-A -t 10.0.0.1:80 -r 10.0.0.2", "Illegal 'real-server' option with the 'add-service' command");
    bad("-A -s rr", "You need to supply the 'service-address' option for the 'add-service' command");
    bad("-a -t 10.0.0.100:80", "You need to supply the 'real-server' option for the 'add-server' command");
    bad("-a -t 10.0.0.100:80 -r 10.0.0.9 -s rr", "Illegal 'scheduler' option with the 'add-server' command");
    bad("-d -t 10.0.0.100:80 -r 10.0.0.1 -w 2", "Illegal 'weight' option with the 'delete-server' command");
    bad("-D -t 10.0.0.100:80 -s rr", "Illegal 'scheduler' option with the 'delete-service' command");
    bad("-C -t 10.0.0.100:80", "Illegal 'service-address' option with the 'flush' command");
    bad("-Z -n", "Illegal 'numeric' option with the 'zero' command");
    bad("-L -s rr", "Illegal 'scheduler' option with the 'list' command");
    bad("-L -c --timeout", "The option 'timeout' conflicts with the 'connection' option in the 'list' command");
    bad("-L -c --stats", "options conflicts in the list command");
    bad("-L --timeout --persistent-conn", "options conflicts in the list command");
    bad("-a -t 10.0.0.100:80 -r 10.0.0.9 -w 65536", "illegal weight specified");
    bad("-a -t 10.0.0.100:80 -r 10.0.0.9 -w -1", "illegal weight specified");
    bad("-a -t 10.0.0.100:80 -r 10.0.0.9 -w 1x", "illegal weight specified");
    bad("-a -t 10.0.0.100:80 -r 10.0.0.9 -x abc", "illegal u_threshold specified");
    bad("-a -t 10.0.0.100:80 -r 10.0.0.9 -y 2147483648", "illegal l_threshold specified");
    bad("-a -t 10.0.0.100:80 -r 10.0.0.9 -y", "-y: missing argument");
    bad("-a -t 10.0.0.100:80 -r", "-r: missing argument");
    bad("-A -t 300.0.0.1:80", "illegal virtual server address[:port] specified");
    bad("-A -t www.example.com:80", "illegal virtual server address[:port] specified");
    bad("-A -t 80", "illegal virtual server address[:port] specified");
    bad("-A -t 10.0.0.1:65536", "illegal virtual server address[:port] specified");
    bad("-A -t 10.0.0.1:gopher", "illegal virtual server address[:port] specified");
    bad("-A -t 10.0.0.1:", "illegal virtual server address[:port] specified");
    bad("-A -t [::1]:80", "illegal virtual server address[:port] specified");
    bad("-a -t 10.0.0.100:80 -r nowhere", "illegal real server address[:port] specified");
    bad("-A -t 10.0.0.1:80 -s rr -s rr", "multiple 'scheduler' options specified");
    bad("-A -t 10.0.0.1:80 -t 10.0.0.2:80", "multiple 'service-address' options specified");
    bad("-a -t 10.0.0.100:80 -r 10.0.0.9 -m -g", "multiple 'forwarding-method' options specified");
    bad("-a -t 10.0.0.100:80 -r 10.0.0.9 -m --fullnat", "multiple 'forwarding-method' options specified");
    bad("-A -t 10.0.0.1:80 -p 0", "invalid timeout value `0' specified");
    bad("-A -t 10.0.0.1:80 -p 2678401", "invalid timeout value `2678401' specified");
    bad("-A -t 10.0.0.1:80 -p abc", "invalid timeout value `abc' specified");
    bad("-A -f 0", "invalid fwmark value `0' specified");
    bad("-A -f 4294967296", "invalid fwmark value `4294967296' specified");
    bad("-A -f -3", "invalid fwmark value `-3' specified");
    bad("-A -t 10.0.0.1:80 -M 255.255.255.300", "illegal virtual server persistent mask specified");
    bad("-A -t 10.0.0.1:80 -s rr -b sh-port", "incompatible scheduler flag `sh-port'");
    bad("-A -t 10.0.0.1:80 -b mh-fallback", "incompatible scheduler flag `mh-fallback'");
    bad("-A -t 10.0.0.1:80 -s sh -b sh-port,bogus", "invalid scheduler flag `bogus'");
    bad("-A -t 10.0.0.1:80 -s rr -b ,", "invalid scheduler flag `,'");
    bad("--set 1 2", "--set option requires 3 timeout values");
    bad("--set 1 2 x", "invalid timeout value `x' specified");
    bad("--set 1 2 3 4", "unexpected argument 4");
    bad("-C foo", "unexpected argument foo");
    bad("-A -t 10.0.0.1:80 -L", "invalid option `-L'");
    bad("-A -t 10.0.0.1:80 --clear", "invalid option `--clear'");
    bad("-A --bogus", "--bogus: unknown option");
    bad("-A -q", "-q: unknown option");
    bad("-C --numeric=3", "--numeric: option does not take an argument");
    bad("-A -t 10.0.0.1:80 --pe sip", "option `--pe' is not supported by lvslab");
    bad("--start-daemon master", "option `--start-daemon' is not supported by lvslab");
    bad("-t 10.0.0.1:80 -A",
        "no command: the first option must be one of -A -E -D -C -L -Z -a -e -d --set "
        "(Try `ipvsadm -h' or 'ipvsadm --help' for more information.)");
    bad("ipvsadm --bogus", "--bogus: unknown option");
}

Test(ipvsadm, kernel_errors_leave_tables_unchanged)
{
    sample_table();
    bad("-A -t 10.0.0.100:80 -s rr", "Service already exists");
    bad("-A -t 10.0.0.1:80 -s nosuch",
        "Scheduler or persistence engine not found: scheduler `nosuch' not found (schedulers: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos)");
    bad("-E -t 10.0.0.100:80 -s nosuch",
        "Scheduler or persistence engine not found: scheduler `nosuch' not found (schedulers: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos)");
    bad("-E -t 10.0.0.1:80 -s rr", "No such service");
    bad("-D -t 10.0.0.1:80", "No such service");
    bad("-D -u 10.0.0.100:80", "No such service");
    bad("-Z -t 10.0.0.1:80", "No such service");
    bad("-a -t 10.0.0.1:80 -r 10.0.0.2", "Service not defined");
    bad("-a -t 10.0.0.100:80 -r 10.0.0.2 -m", "Destination already exists");
    bad("-e -t 10.0.0.100:80 -r 10.0.0.9", "No such destination");
    bad("-e -t 10.0.0.1:80 -r 10.0.0.9", "Service not defined");
    bad("-d -t 10.0.0.100:80 -r 10.0.0.9", "No such destination");
    bad("-d -t 10.0.0.1:80 -r 10.0.0.9", "Service not defined");
    bad("-a -t 10.0.0.100:80 -r 10.0.0.9 -x 5 -y 10", strerror(ERANGE));
    bad("-L -t 10.0.0.1:80", "No such service");
    expect_listing(IPVSADM_FMT_NUMERIC, sample_listing);
}

/* The kernel's and ipvsadm's checks: a lower threshold above the upper
 * one even without -x, a real server that is not unicast, --set beyond
 * INT_MAX / HZ; "none" is a scheduler; port names by the protocol given
 * before them, as getservbyname(name, "tcp" or "udp"). */
Test(ipvsadm, kernel_checks_and_names_as_ipvsadm)
{
    sample_table();
    bad("-a -t 10.0.0.100:80 -r 10.0.0.9 -y 10", strerror(ERANGE));
    bad("-e -t 10.0.0.100:80 -r 10.0.0.1 -y 1", strerror(ERANGE));
    const char *unicast = "Invalid operation.  Possibly wrong module version, address not unicast, ...";
    bad("-a -t 10.0.0.100:80 -r 0.0.0.0", unicast);
    bad("-a -t 10.0.0.100:80 -r 224.0.0.5", unicast);
    bad("-a -t 10.0.0.100:80 -r 255.255.255.255", unicast);
    bad("-A -u 10.0.0.1:http", "illegal virtual server address[:port] specified");   /* 80/tcp only */
    bad("-a -r 10.0.0.9:http -t 10.0.0.100:80 -m", "illegal real server address[:port] specified");
    expect_listing(IPVSADM_FMT_NUMERIC, sample_listing);

    struct ipvsadm_cmd c;
    char err[256];
    cr_assert_eq(ipvsadm_parse("--set 1 2 3", &c, err, sizeof err), 0, "%s", err);
    c.timeouts.tcp = INT_MAX / 250 + 1;       /* beyond ipvsadm's own 31 days with HZ 1000 only */
    cr_assert_eq(ipvsadm_exec(&ipvs, &c, NULL, err, sizeof err), -1);
    cr_assert_str_eq(err, "Invalid timeout value");
    c.timeouts.tcp = INT_MAX / 250;
    cr_assert_eq(ipvsadm_exec(&ipvs, &c, NULL, err, sizeof err), 0, "%s", err);

    run("-A -t 10.0.0.7:80 -s none");
    run("-A -u 10.0.0.7:domain -s rr");
    run("-a -u 10.0.0.7:53 -r 10.0.0.9:domain");
    run("-a -t 10.0.0.7:www -r 10.0.0.9:mail -m");
    run("-A -u 10.0.0.8:80 -s rr");
    char *out = run_out("-L -t 10.0.0.7:80");
    cr_assert_str_eq(out, "Prot LocalAddress:Port Scheduler Flags\n"
                          "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
                          "TCP  10.0.0.7:http none\n"
                          "  -> 10.0.0.9:smtp                Masq    1      0          0         \n", "%s", out);
    free(out);
    out = run_out("-L -u 10.0.0.8:80");
    cr_assert(strstr(out, "UDP  10.0.0.8:80 rr\n"), "no udp name for 80: %s", out);
    free(out);
    out = run_out("-L -u 10.0.0.7:53");
    cr_assert(strstr(out, "UDP  10.0.0.7:domain rr\n"), "%s", out);
    free(out);
}

/* What ipvsadm -S (ipvsadm-save) writes, as ipvsadm 1.31 writes it (a
 * tunnel dest with --tun-type ipip), runs back line by line; a refused
 * scheduler gets libipvs's text, which does not name it. */
Test(ipvsadm, save_output_runs_back)
{
    static const char *const lines[] = {
        "-A -t 10.0.0.100:http -s rr",
        "-a -t 10.0.0.100:http -r 10.0.0.1:http -g -w 1",
        "-a -t 10.0.0.100:http -r 10.0.0.2:http -m -w 3",
        "-A -u 10.0.0.100:domain -s rr -p 360",
        "-a -u 10.0.0.100:domain -r 10.0.0.3:domain -i -w 1 --tun-type ipip",
        "-A -f 7 -s rr -p 600 -M 255.255.255.0",
        "-a -f 7 -r 10.0.0.4:8080 --fullnat -w 0",
    };
    char err[256], where[32];
    struct ipvsadm_io io = { .out = stdout };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        snprintf(where, sizeof where, "rules:%zu", i + 1);
        cr_assert_eq(ipvsadm_run(&ipvs, lines[i], where, &io, err, sizeof err), 0, "%s", err);
    }
    expect_listing(IPVSADM_FMT_NUMERIC,
                   HEADER TITLE
                   "TCP  10.0.0.100:80 rr\n"
                   "  -> 10.0.0.1:80                  Route   1      0          0         \n"
                   "  -> 10.0.0.2:80                  Masq    3      0          0         \n"
                   "UDP  10.0.0.100:53 rr persistent 360\n"
                   "  -> 10.0.0.3:53                  Tunnel  1      0          0         \n"
                   "FWM  7 rr persistent 600 mask 255.255.255.0\n"
                   "  -> 10.0.0.4:8080                FullNat 0      0          0         \n");
    cr_assert_eq(ipvsadm_run(&ipvs, "-A -t 10.0.0.101:https -s wlcc", "rules:8", &io, err, sizeof err), -1);
    cr_assert_str_eq(err, "rules:8: Scheduler or persistence engine not found: scheduler `wlcc' not found (schedulers: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos)");
    bad("-a -t 10.0.0.100:80 -r 10.0.0.9 -i --tun-type gue", "tunnel type `gue' is not supported by lvslab (only ipip)");
    bad("-a -t 10.0.0.100:80 -r 10.0.0.9 -i --tun-type udp", "illegal tunnel type specified");
    bad("-A -t 10.0.0.9:80 --tun-type ipip", "Illegal 'tun-type' option with the 'add-service' command");
}

Test(ipvsadm, errors_name_where_the_line_came_from)
{
    char err[256];
    struct ipvsadm_io io = { .out = stdout };
    cr_assert_eq(ipvsadm_run(&ipvs, "ipvsadm -A -t 10.0.0.1", "lab.lua:12", &io, err, sizeof err), -1);
    cr_assert_str_eq(err, "lab.lua:12: Zero port specified for non-persistent service");
    cr_assert_eq(ipvsadm_run(&ipvs, "ipvsadm -D -t 10.0.0.1:80", "lab.lua:13", &io, err, sizeof err), -1);
    cr_assert_str_eq(err, "lab.lua:13: No such service");
    cr_assert_eq(ipvsadm_run(&ipvs, "-L -n", NULL, NULL, err, sizeof err), -1);
    cr_assert_str_eq(err, "a listing needs an output");
}

/* ---- the estimator ---- */

Test(ipvsadm, estimator_follows_the_kernel)
{
    struct ipvs_est e = { 0 };
    struct ipvs_stats s = { 0 };
    struct ipvs_rates r;
    /* 100 connections and 1 MB in the first 2 s */
    s.conns = 100;
    s.inbytes = 1000000;
    ipvs_est_update(&e, &s);
    cr_assert_eq(e.cps, (100u << 9) >> 2);                 /* 12800: 12.5 conn/s scaled by 2^10 */
    cr_assert_eq(e.inbps, (1000000ull << 4) >> 2);         /* 4000000 */
    ipvs_est_read(&e, &r);
    cr_assert_eq(r.cps, 12);                               /* (12800 + 0x1ff) >> 10 */
    cr_assert_eq(r.inbps, 125000);                         /* (4000000 + 0xf) >> 5 */
    /* as many in the next 2 s: avg += (51200 - 12800) >> 2 */
    s.conns = 200;
    s.inbytes = 2000000;
    ipvs_est_update(&e, &s);
    cr_assert_eq(e.cps, 22400);
    ipvs_est_read(&e, &r);
    cr_assert_eq(r.cps, 22);
    cr_assert_eq(r.inbps, (7000000 + 15) >> 5);
    /* then nothing: the average falls by a quarter, with an arithmetic shift */
    ipvs_est_update(&e, &s);
    cr_assert_eq(e.cps, 22400 - 5600);
    ipvs_est_read(&e, &r);
    cr_assert_eq(r.cps, (16800 + 511) >> 10);
    cr_assert_eq(e.last.conns, 200);
}

Test(ipvsadm, estimator_ticks_every_service_and_dest_every_2s)
{
    struct sched sc;
    sched_init(&sc);
    struct ipvs d;
    ipvs_init(&d, NULL, sched_rt(&sc));
    char err[256];
    struct ipvsadm_io io = { .out = stdout };
    cr_assert_eq(ipvsadm_run(&d, "-A -t 10.0.0.100:80 -s rr", NULL, &io, err, sizeof err), 0, "%s", err);
    cr_assert_eq(ipvsadm_run(&d, "-a -t 10.0.0.100:80 -r 10.0.0.1 -m", NULL, &io, err, sizeof err), 0, "%s",
                 err);
    ipvs_est_start(&d);
    ipvs_est_start(&d);   /* a second start changes nothing */
    d.services->stats.conns = 10;
    d.services->dests->stats.conns = 4;
    sched_run_until(&sc, IPVS_EST_INTERVAL - 1);
    cr_assert_eq(d.services->est.cps, 0, "no tick before 2 s");
    sched_run_until(&sc, IPVS_EST_INTERVAL);
    cr_assert_eq(d.services->est.cps, (10u << 9) >> 2);
    cr_assert_eq(d.services->dests->est.cps, (4u << 9) >> 2);
    sched_run_until(&sc, 3 * IPVS_EST_INTERVAL);
    cr_assert_eq(d.services->est.last.conns, 10);
    cr_assert_eq(d.services->est.cps, 1280 + ((0 - 1280) >> 2) + ((0 - (1280 + ((0 - 1280) >> 2))) >> 2));
    ipvs_est_stop(&d);
    cr_assert_eq(sched_pending(&sc), 0);
    ipvs_est_start(&d);
    cr_assert_eq(sched_pending(&sc), 1);
    ipvs_destroy(&d);     /* stops the estimator */
    cr_assert_eq(sched_pending(&sc), 0);
    sched_destroy(&sc);
}

/* ---- random lines ---- */

Test(ipvsadm, random_lines_never_crash_and_fail_cleanly)
{
    static const char *const words[] = {
        "ipvsadm", "-A", "-E", "-D", "-C", "-Z", "-a", "-e", "-d", "-L", "-l", "--set", "-t", "-u", "-f",
        "-s", "rr", "wlc", "sh", "mh", "-p", "-M", "-r", "-m", "-g", "-i", "--fullnat", "-w", "-x", "-y",
        "-n", "-c", "--timeout", "--stats", "--rate", "--exact", "--thresholds", "--persistent-conn",
        "--nosort", "-b", "flag-1", "sh-port,sh-fallback", ",", "10.0.0.1:80", "10.0.0.2", "10.0.0.1:0",
        "10.0.0.3:http", "1", "0", "7", "-1", "65535", "65536", "300", "255.255.255.0", "x", "", "--",
        "-Ln", "-At", "-w5", "--weight=2", "--tcp-service=10.0.0.1:80", "-pt", "[::1]:80", "--pe",
        "999999999999999999999", "10.0.0.1:99999", ":", "-", "--=", "-=",
    };
    const size_t nwords = sizeof words / sizeof words[0];
    struct rng rng;
    rng_init(&rng, 42, "ipvsadm-fuzz");
    char *devnull_buf = NULL;
    size_t devnull_len = 0;
    FILE *sink = open_memstream(&devnull_buf, &devnull_len);
    struct ipvsadm_io io = { .out = sink, .conns = two_conns };
    int failures = 0, successes = 0;
    for (int i = 0; i < 4000; i++) {
        char line[512] = "";
        int n = 1 + (int)rng_below(&rng, 9);
        for (int k = 0; k < n; k++) {
            strcat(line, words[rng_below(&rng, nwords)]);
            strcat(line, rng_below(&rng, 8) ? " " : "\t");
        }
        char err[256], *before = snapshot();
        int r = ipvsadm_run(&ipvs, line, "fuzz:1", &io, err, sizeof err);
        char *after = snapshot();
        if (r < 0) {
            failures++;
            cr_assert_str_eq(before, after, "failed line \"%s\" (%s) changed the tables", line, err);
            cr_assert(!strncmp(err, "fuzz:1: ", 8) && strlen(err) > 8, "\"%s\": bad message \"%s\"", line, err);
        } else {
            successes++;
        }
        free(before);
        free(after);
        /* random bytes too */
        for (int k = 0; k < 40; k++)
            line[k] = (char)(1 + rng_below(&rng, 255));
        line[40] = '\0';
        before = snapshot();
        r = ipvsadm_run(&ipvs, line, NULL, &io, err, sizeof err);
        after = snapshot();
        if (r < 0)
            cr_assert_str_eq(before, after);
        free(before);
        free(after);
    }
    fclose(sink);
    free(devnull_buf);
    cr_assert_gt(failures, 100);
    cr_assert_gt(successes, 10, "the vocabulary should make some good lines");
}
