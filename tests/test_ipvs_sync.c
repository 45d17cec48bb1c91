/*
 * IPVS connection sync: the version 1 message format (round trip, the
 * kernel's refusals), and end to end between two DR directors under VRRP:
 * a long download through the master survives the master's crash when the
 * backup was kept in sync, and is reset by the backup's own stack when it
 * was not; the sync messages decode in tshark.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>

#include "lvs/conn.h"
#include "lvs/proto_tcp.h"
#include "tests/support/vrrp_lab.h"

struct collect {
    struct ipvs_sync_entry e[64];
    int n;
};

static void collect_fn(void *ctx, const struct ipvs_sync_entry *e)
{
    struct collect *c = ctx;
    c->e[c->n++] = *e;
}

static void add_entries(const uint8_t *buf, size_t len, uint64_t *drops, struct ipvs_sync_entry *out, int *n)
{
    struct collect c = { .n = 0 };
    ipvs_sync_msg_parse(buf, len, 7, drops, collect_fn, &c);
    memcpy(out, c.e, sizeof(c.e[0]) * (size_t)c.n);
    *n = c.n;
}

static const struct ipvs_sync_entry entry = {
    .protocol = IPPROTO_TCP, .flags = IPVS_SYNC_F_DROUTE | IPVS_SYNC_F_NOOUTPUT, .state = IPVS_TCP_ESTABLISHED,
    .cport = 40000, .vport = 80, .dport = 80, .timeout_s = 900,
    .caddr = VL_IP4(10, 0, 0, 2), .vaddr = VL_VIP, .daddr = VL_IP4(10, 0, 0, 11),
};

Test(ipvs_sync, messages_round_trip_and_fill_up_to_the_mtu)
{
    uint8_t buf[1472];
    size_t len = ipvs_sync_msg_init(buf, 7);
    int fitted = 0;
    for (size_t next; (next = ipvs_sync_msg_add(buf, len, sizeof buf, &entry)); fitted++)
        len = next;
    cr_assert_eq(fitted, 40, "(1472 - 8) / 36 entries in a message");
    cr_assert_eq(len, 8 + 40 * 36u);
    cr_assert_eq(buf[0], 0);
    cr_assert_eq(buf[1], 7);
    cr_assert_eq(buf[2] << 8 | buf[3], (int)len);
    cr_assert_eq(buf[4], 40);
    cr_assert_eq(buf[5], 1);
    uint64_t drops[IPVS_SYNC_DROP_REASONS] = { 0 };
    struct ipvs_sync_entry got[64];
    int n;
    add_entries(buf, len, drops, got, &n);
    cr_assert_eq(n, 40);
    /* field by field: the struct's padding is not part of the message */
    const struct ipvs_sync_entry *e = &got[39];
    cr_assert_eq(e->protocol, entry.protocol);
    cr_assert_eq(e->flags, entry.flags | IPVS_SYNC_F_SYNC);
    cr_assert_eq(e->state, entry.state);
    cr_assert_eq(e->cport, entry.cport);
    cr_assert_eq(e->vport, entry.vport);
    cr_assert_eq(e->dport, entry.dport);
    cr_assert_eq(e->fwmark, entry.fwmark);
    cr_assert_eq(e->timeout_s, entry.timeout_s);
    cr_assert_eq(e->caddr, entry.caddr);
    cr_assert_eq(e->vaddr, entry.vaddr);
    cr_assert_eq(e->daddr, entry.daddr);
}

Test(ipvs_sync, bad_messages_are_refused_as_the_kernel_does)
{
    uint8_t buf[256];
    size_t len = ipvs_sync_msg_init(buf, 7);
    len = ipvs_sync_msg_add(buf, len, sizeof buf, &entry);
    len = ipvs_sync_msg_add(buf, len, sizeof buf, &entry);
    uint64_t drops[IPVS_SYNC_DROP_REASONS] = { 0 };
    struct ipvs_sync_entry got[64];
    int n;
    add_entries(buf, len - 1, drops, got, &n);             /* size field and datagram differ */
    cr_assert_eq(n, 0);
    cr_assert_eq(drops[IPVS_SYNC_DROP_SIZE], 1);
    add_entries(buf, 3, drops, got, &n);
    cr_assert_eq(drops[IPVS_SYNC_DROP_SHORT], 1);
    buf[1] = 8;                                             /* another sync id */
    add_entries(buf, len, drops, got, &n);
    cr_assert_eq(n, 0);
    cr_assert_eq(drops[IPVS_SYNC_DROP_SYNCID], 1);
    buf[1] = 7;
    buf[5] = 0;                                             /* not version 1 */
    add_entries(buf, len, drops, got, &n);
    cr_assert_eq(drops[IPVS_SYNC_DROP_VERSION], 1);
    buf[5] = 1;
    buf[8 + 9] = 42;                                        /* first entry: a TCP state that does not exist */
    add_entries(buf, len, drops, got, &n);
    cr_assert_eq(n, 1, "a bad state skips the entry, not the message");
    cr_assert_eq(drops[IPVS_SYNC_DROP_STATE], 1);
    buf[8 + 9] = IPVS_TCP_ESTABLISHED;
    buf[8 + 36 + 3] = 200;                                  /* second entry longer than the message */
    add_entries(buf, len, drops, got, &n);
    cr_assert_eq(n, 1);
    cr_assert_eq(drops[IPVS_SYNC_DROP_BOGUS_CONN], 1);
    buf[8 + 36 + 3] = 36;
    buf[8 + 1] = 47;                                        /* GRE: not a protocol IPVS syncs */
    add_entries(buf, len, drops, got, &n);
    cr_assert_eq(n, 1);
    cr_assert_eq(drops[IPVS_SYNC_DROP_PROTOCOL], 1);
}

struct failover {
    struct app_stats dl;
    size_t d2_conns_at_takeover;
    struct ipvs_sync_stats master, backup;
    uint64_t d2_conns_scheduled;
};

static struct vl_lab *probe_lab;
static size_t probe_conns;
static void probe_cb(void *arg)
{
    (void)arg;
    probe_conns = ipvs_conn_count(&probe_lab->d[1].ipvs);
}

/* An 8 MB download from 2 s over 10 Mbps links (about 7 s); d1 crashes at
 * 6 s and d2 takes over about 3.6 s later. */
static void run_failover(struct vl_lab *l, bool sync, const char *pcap, struct failover *out)
{
    vl_init(l, pcap);
    struct ka_vrrp_conf conf[2];
    vl_vrrp_conf(&conf[0], 0);
    vl_vrrp_conf(&conf[1], 1);
    vl_start(l, conf);
    if (sync)
        cr_assert_eq(vl_sync_on(l), 0);
    vl_download(l, 8000000, 2 * SIM_S);
    probe_lab = l;
    sched_run_until(&l->w->sched, 6 * SIM_S);
    vl_crash(l, 0);
    sched_call_at(&l->w->sched, 8 * SIM_S, probe_cb, NULL);   /* before d2 takes over */
    sched_run_until(&l->w->sched, 60 * SIM_S);
    cr_assert_not_null(vl_find(l, 1, VRRP_STATE_MASTER, 6 * SIM_S), "d2 never took over");
    out->dl = *bulk_client_stats(l->dl);
    out->d2_conns_at_takeover = probe_conns;
    out->master = ipvs_sync_stats(&l->d[0].ipvs);
    out->backup = ipvs_sync_stats(&l->d[1].ipvs);
    out->d2_conns_scheduled = l->d[1].ipvs.stats.conns;
}

Test(ipvs_sync, a_download_survives_the_master_crash_when_the_backup_is_in_sync)
{
    char dir[] = "/tmp/lvslab-sync-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    struct vl_lab l;
    struct failover f;
    run_failover(&l, true, dir, &f);
    cr_assert_eq(f.dl.completed, 1, "download failed (%llu bytes, %llu resets)",
                 (unsigned long long)f.dl.bytes_received, (unsigned long long)f.dl.fails[APP_FAIL_RESET]);
    cr_assert_eq(f.dl.bytes_received, 8000000);
    cr_assert_eq(f.dl.bad_bytes, 0);
    cr_assert_eq(f.d2_conns_at_takeover, 1, "the backup held the connection before it took over");
    cr_assert_eq(f.d2_conns_scheduled, 0, "the backup scheduled nothing: the entry came from sync");
    cr_assert_gt(f.master.msgs_sent, 0);
    cr_assert_gt(f.backup.conns_created, 0);
    cr_assert_eq(f.backup.conns_without_dest, 0);
    cr_assert_gt(l.d[1].ipvs.stats.inpkts, 0, "the client's segments went through d2 after the failover");
    cr_assert_eq(vl_free(&l), 0);
    /* on the wire: UDP to 224.0.0.81:8848 with TTL 1, read by tshark's ipvs dissector */
    char file[128], cmd[600];
    snprintf(file, sizeof file, "%s/d2-eth0.pcap", dir);
    snprintf(cmd, sizeof cmd, "tshark -r %s -Y 'ipvs' 2>/dev/null | wc -l", file);
    FILE *p = popen(cmd, "r");
    int total = -1, good = -2;
    cr_assert_eq(fscanf(p, "%d", &total), 1);
    pclose(p);
    snprintf(cmd, sizeof cmd, "tshark -r %s -Y 'ipvs && ip.dst == 224.0.0.81 && udp.dstport == 8848 && ip.ttl == 1 && "
             "ipvs.syncid == 7 && ipvs.caddr == 10.0.0.2 && ipvs.vaddr == 10.0.0.100 && ipvs.vport == 80' "
             "2>/dev/null | wc -l", file);
    p = popen(cmd, "r");
    cr_assert_eq(fscanf(p, "%d", &good), 1);
    pclose(p);
    cr_assert_eq((uint64_t)total, f.master.msgs_sent, "tshark saw %d sync messages", total);
    cr_assert_eq(good, total);
    snprintf(cmd, sizeof cmd, "sh scripts/pcap-check.sh %s >/dev/null && rm -rf %s", file, dir);
    cr_assert_eq(system(cmd), 0, "%s fails tshark's checks", file);
}

Test(ipvs_sync, without_sync_the_backup_resets_the_download)
{
    struct vl_lab l;
    struct failover f;
    run_failover(&l, false, "", &f);
    /* the client's next segment reaches d2 with no entry and no SYN: IPVS
     * lets it through to d2's own stack, which holds the VIP and resets */
    cr_assert_eq(f.d2_conns_at_takeover, 0);
    cr_assert_eq(f.dl.completed, 0);
    cr_assert_eq(f.dl.failed, 1);
    cr_assert_eq(f.dl.fails[APP_FAIL_RESET], 1);
    cr_assert_lt(f.dl.bytes_received, 8000000);
    cr_assert_gt(l.d[1].node->host->drops[DROP_TCP_NO_SOCKET], 0, "d2's stack answered with a reset");
    cr_assert_eq(vl_free(&l), 0);
}
