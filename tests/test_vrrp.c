/*
 * VRRP between two directors in the simulator: the advert format (both
 * versions, checksums, tshark's reading), the backup taking over at the
 * master-down interval after the master crashes (with its gratuitous ARPs
 * and the client's ARP cache following), preemption when the old master
 * comes back and its absence with nopreempt, a graceful stop handing over
 * after the skew time, and malformed adverts dropped and counted.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>

#include "net/arp.h"
#include "net/csum.h"
#include "net/ipv4.h"
#include "tests/support/vrrp_lab.h"

#define CRASH_AT (6 * SIM_S)

struct crash_ctx {
    struct vl_lab *l;
    int k;
};

static void crash_cb(void *arg) { struct crash_ctx *c = arg; vl_crash(c->l, c->k); }
static void reboot_cb(void *arg) { struct crash_ctx *c = arg; vl_reboot(c->l, c->k); }
static void graceful_cb(void *arg) { struct crash_ctx *c = arg; vrrp_daemon_stop(c->l->d[c->k].vrrp, true); }

/* Lines tshark prints for a display filter over a file. */
static int tshark_count(const char *file, const char *filter)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "tshark -r %s -Y '%s' 2>/dev/null | wc -l", file, filter);
    FILE *f = popen(cmd, "r");
    cr_assert_not_null(f);
    int n = -1;
    cr_assert_eq(fscanf(f, "%d", &n), 1);
    pclose(f);
    return n;
}

static void mac_str(const uint8_t m[6], char *out)
{
    sprintf(out, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

Test(vrrp, v2_and_v3_adverts_round_trip_with_their_checksums)
{
    struct vrrp_advert a = { .version = 2, .vrid = 51, .priority = 150, .naddr = 2, .auth_type = VRRP_AUTH_PASS,
                             .adver_int = 1, .addrs = { VL_VIP, VL_VIP + 1 }, .auth_data = "secret" };
    uint8_t buf[64];
    size_t n = vrrp_pkt_write(buf, &a, VL_IP4(10, 0, 0, 1), VRRP_GROUP);
    cr_assert_eq(n, 8 + 8 + 8u);
    cr_assert_eq(buf[0], 0x21);
    cr_assert_eq(csum_buf(buf, n), 0, "v2 checksum covers the message alone");
    struct vrrp_advert b;
    cr_assert_eq(vrrp_pkt_parse(buf, n, 1, 2, &b), VRRP_PKT_OK, "no pseudo-header in v2");
    cr_assert_eq(memcmp(&a, &b, sizeof a), 0);

    a = (struct vrrp_advert){ .version = 3, .vrid = 7, .priority = 100, .naddr = 1, .adver_int = 4095,
                              .addrs = { VL_VIP } };
    n = vrrp_pkt_write(buf, &a, VL_IP4(10, 0, 0, 1), VRRP_GROUP);
    cr_assert_eq(n, 12u);
    cr_assert_eq(buf[0], 0x31);
    cr_assert_eq(buf[4], 0x0f, "12-bit interval, reserved bits zero");
    cr_assert_eq(vrrp_pkt_parse(buf, n, VL_IP4(10, 0, 0, 1), VRRP_GROUP, &b), VRRP_PKT_OK);
    cr_assert_eq(b.adver_int, 4095);
    cr_assert_eq(vrrp_pkt_parse(buf, n, VL_IP4(10, 0, 0, 9), VRRP_GROUP, &b), VRRP_PKT_CHECKSUM,
                 "v3's checksum covers the pseudo-header");
    buf[9] ^= 0x40;
    cr_assert_eq(vrrp_pkt_parse(buf, n, VL_IP4(10, 0, 0, 1), VRRP_GROUP, &b), VRRP_PKT_CHECKSUM);
    cr_assert_eq(vrrp_pkt_parse(buf, n - 1, VL_IP4(10, 0, 0, 1), VRRP_GROUP, &b), VRRP_PKT_LENGTH);
    cr_assert_eq(vrrp_pkt_parse(buf, 4, 0, 0, &b), VRRP_PKT_SHORT);
}

/* The master crashes at CRASH_AT; returns the lab run to `until`. */
static void run_crash(struct vl_lab *l, const char *pcap, const struct ka_vrrp_conf conf[2], sim_time_t until)
{
    vl_init(l, pcap);
    vl_start(l, conf);
    vl_download(l, 100000, 2 * SIM_S);      /* the client learns the VIP's MAC from d1 */
    static struct crash_ctx c;
    c = (struct crash_ctx){ l, 0 };
    sched_call_at(&l->w->sched, CRASH_AT, crash_cb, &c);
    sched_run_until(&l->w->sched, until);
}

Test(vrrp, backup_takes_over_at_the_master_down_interval_and_announces_the_vip)
{
    char dir[] = "/tmp/lvslab-vrrp-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    struct vl_lab l;
    struct ka_vrrp_conf conf[2];
    vl_vrrp_conf(&conf[0], 0);
    vl_vrrp_conf(&conf[1], 1);
    run_crash(&l, dir, conf, 14 * SIM_S);
    /* d1, configured MASTER, waits one advert interval (+ the least skew) */
    const struct vl_event *m1 = vl_find(&l, 0, VRRP_STATE_MASTER, 0);
    cr_assert_not_null(m1);
    cr_assert_eq(m1->ev.time, SIM_S + SIM_S / 256, "d1 master at %lld", (long long)m1->ev.time);
    const struct vl_event *m2 = vl_find(&l, 1, VRRP_STATE_MASTER, 0);
    cr_assert_not_null(m2, "d2 never took over");
    cr_assert_geq(m2->ev.time, CRASH_AT, "d2 became master while d1 was alive");
    cr_assert_eq(m2->ev.reason, VRRP_REASON_MASTER_DOWN);
    sim_time_t mdi = 3 * SIM_S + (256 - 100) * SIM_S / 256;
    cr_assert_eq(vrrp_master_down_interval(l.d[1].vi), mdi);
    sim_time_t last = l.d[1].vi->last_advert;
    cr_assert(last <= CRASH_AT && last > CRASH_AT - SIM_S, "last advert at %lld", (long long)last);
    cr_assert_eq(m2->ev.time, last + mdi, "takeover at %lld, last advert %lld", (long long)m2->ev.time,
                 (long long)last);
    cr_assert(m2->ev.time >= CRASH_AT + mdi - SIM_S && m2->ev.time <= CRASH_AT + mdi);
    /* the VIP moved, and the client's ARP cache with it */
    struct netif *d2if = l.d[1].node->nics[0]->nif;
    cr_assert(netif_has_addr(d2if, VL_VIP));
    uint8_t mac[6];
    cr_assert(arp_lookup(l.client->host, VL_VIP, mac));
    cr_assert_eq(memcmp(mac, d2if->mac, 6), 0, "the client still sends the VIP to d1");
    /* two bursts of garp_master_repeat (5): at once and 5 s later */
    cr_assert_eq(l.d[1].vi->stats.garps_sent, 10);
    uint8_t d1mac[6];
    memcpy(d1mac, l.d[0].node->nics[0]->nif->mac, 6);
    char d2mac_s[20], d1mac_s[20];
    mac_str(d2if->mac, d2mac_s);
    mac_str(d1mac, d1mac_s);
    /* a new connection through the VIP goes through d2 */
    cr_assert_eq(bulk_client_stats(l.dl)->completed, 1);
    bulk_client_free(l.dl);
    vl_download(&l, 200000, 14 * SIM_S);
    sched_run_until(&l.w->sched, 22 * SIM_S);
    const struct app_stats *st = bulk_client_stats(l.dl);
    cr_assert_eq(st->completed, 1);
    cr_assert_eq(st->bytes_received, 200000);
    cr_assert_eq(st->bad_bytes, 0);
    cr_assert_eq(l.d[0].ipvs.stats.conns, 1, "the first download went through d1");
    cr_assert_eq(l.d[1].ipvs.stats.conns, 1, "the second through d2");
    cr_assert_eq(vl_free(&l), 0);
    char file[128], filter[400];
    snprintf(file, sizeof file, "%s/client-eth0.pcap", dir);
    snprintf(filter, sizeof filter, "arp.isgratuitous && eth.src == %s && arp.src.proto_ipv4 == 10.0.0.100", d2mac_s);
    cr_assert_eq(tshark_count(file, filter), 10, "GARPs from d2 in the client's capture");
    /* adverts: from the interfaces' own MACs to 01:00:5e:00:00:12, TTL 255, good checksums */
    int adverts = tshark_count(file, "vrrp");
    cr_assert_geq(adverts, 8);
    snprintf(filter, sizeof filter, "vrrp && vrrp.version == 2 && vrrp.type == 1 && vrrp.virt_rtr_id == 51 && "
             "ip.ttl == 255 && ip.dst == 224.0.0.18 && eth.dst == 01:00:5e:00:00:12 && vrrp.checksum.status == 1 && "
             "(eth.src == %s || eth.src == %s) && vrrp.ip_addr == 10.0.0.100 && vrrp.adver_int == 1", d1mac_s, d2mac_s);
    cr_assert_eq(tshark_count(file, filter), adverts, "every advert well formed");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "sh scripts/pcap-check.sh %s/client-eth0.pcap %s/d2-eth0.pcap >/dev/null", dir, dir);
    cr_assert_eq(system(cmd), 0, "pcaps in %s fail tshark's checks", dir);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* d1 crashes at 6 s and comes back at 15 s. */
static void run_reboot(struct vl_lab *l, const struct ka_vrrp_conf conf[2])
{
    static struct crash_ctx c;
    c = (struct crash_ctx){ l, 0 };
    vl_init(l, "");
    vl_start(l, conf);
    vl_download(l, 100000, 2 * SIM_S);
    sched_call_at(&l->w->sched, CRASH_AT, crash_cb, &c);
    sched_call_at(&l->w->sched, 15 * SIM_S, reboot_cb, &c);
    sched_run_until(&l->w->sched, 30 * SIM_S);
}

Test(vrrp, a_recovered_master_with_higher_priority_preempts)
{
    struct vl_lab l;
    struct ka_vrrp_conf conf[2];
    vl_vrrp_conf(&conf[0], 0);
    vl_vrrp_conf(&conf[1], 1);
    run_reboot(&l, conf);
    const struct vl_event *back = vl_find(&l, 0, VRRP_STATE_MASTER, 15 * SIM_S);
    cr_assert_not_null(back, "d1 did not take the VIP back");
    /* it starts in BACKUP, discards d2's lower adverts, and takes over when
     * its start-up timer (one interval and the least skew) runs out */
    cr_assert_eq(back->ev.reason, VRRP_REASON_PREEMPT);
    cr_assert_eq(back->ev.time, 15 * SIM_S + SIM_S + SIM_S / 256);
    const struct vl_event *down = vl_find(&l, 1, VRRP_STATE_BACKUP, 15 * SIM_S);
    cr_assert_not_null(down);
    cr_assert_eq(down->ev.reason, VRRP_REASON_HIGHER_PRIORITY);
    cr_assert(down->ev.time > back->ev.time && down->ev.time < back->ev.time + SIM_MS);
    cr_assert(netif_has_addr(l.d[0].node->nics[0]->nif, VL_VIP));
    cr_assert(!netif_has_addr(l.d[1].node->nics[0]->nif, VL_VIP));
    uint8_t mac[6];
    cr_assert(arp_lookup(l.client->host, VL_VIP, mac));
    cr_assert_eq(memcmp(mac, l.d[0].node->nics[0]->nif->mac, 6), 0);
    cr_assert_eq(vl_free(&l), 0);
}

Test(vrrp, nopreempt_leaves_the_vip_where_it_is)
{
    struct vl_lab l;
    struct ka_vrrp_conf conf[2];
    vl_vrrp_conf(&conf[0], 0);
    vl_vrrp_conf(&conf[1], 1);
    conf[0].state = VRRP_STATE_BACKUP;    /* keepalived wants nopreempt with state BACKUP */
    conf[0].nopreempt = true;
    run_reboot(&l, conf);
    /* both start BACKUP: the higher priority's shorter skew elects d1 */
    const struct vl_event *first = vl_find(&l, 0, VRRP_STATE_MASTER, 0);
    cr_assert_not_null(first);
    cr_assert_eq(first->ev.time, 3 * SIM_S + (256 - 150) * SIM_S / 256);
    cr_assert_not_null(vl_find(&l, 1, VRRP_STATE_MASTER, CRASH_AT));
    cr_assert_null(vl_find(&l, 0, VRRP_STATE_MASTER, 15 * SIM_S), "d1 preempted despite nopreempt");
    cr_assert_eq(l.d[0].vi->state, VRRP_STATE_BACKUP);
    cr_assert_eq(l.d[1].vi->state, VRRP_STATE_MASTER);
    cr_assert_gt(l.d[0].vi->stats.adverts_rcvd, 10, "d1 hears d2 and accepts it");
    cr_assert(netif_has_addr(l.d[1].node->nics[0]->nif, VL_VIP));
    cr_assert_eq(vl_free(&l), 0);
}

Test(vrrp, a_graceful_stop_hands_over_after_the_skew_time)
{
    struct vl_lab l;
    struct ka_vrrp_conf conf[2];
    vl_vrrp_conf(&conf[0], 0);
    vl_vrrp_conf(&conf[1], 1);
    vl_init(&l, "");
    vl_start(&l, conf);
    static struct crash_ctx c;
    c = (struct crash_ctx){ &l, 0 };
    const sim_time_t stop = 6500 * SIM_MS;
    sched_call_at(&l.w->sched, stop, graceful_cb, &c);
    sched_run_until(&l.w->sched, 10 * SIM_S);
    const struct vl_event *m2 = vl_find(&l, 1, VRRP_STATE_MASTER, 0);
    cr_assert_not_null(m2);
    cr_assert_eq(m2->ev.reason, VRRP_REASON_PRIORITY_ZERO);
    sim_time_t skew = (256 - 100) * SIM_S / 256;
    cr_assert(m2->ev.time >= stop + skew && m2->ev.time < stop + skew + SIM_MS, "took over at %lld",
              (long long)m2->ev.time);
    const struct vl_event *s1 = vl_find(&l, 0, VRRP_STATE_INIT, stop);
    cr_assert_not_null(s1);
    cr_assert_eq(s1->ev.reason, VRRP_REASON_SHUTDOWN);
    cr_assert_eq(l.d[0].vi->stats.pri_zero_sent, 1);
    cr_assert_eq(l.d[1].vi->stats.pri_zero_rcvd, 1);
    cr_assert(!netif_has_addr(l.d[0].node->nics[0]->nif, VL_VIP));
    cr_assert_eq(vl_free(&l), 0);
}

Test(vrrp, version_3_times_the_master_down_interval_in_centiseconds)
{
    char dir[] = "/tmp/lvslab-vrrp3-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    struct vl_lab l;
    struct ka_vrrp_conf conf[2];
    for (int k = 0; k < 2; k++) {
        vl_vrrp_conf(&conf[k], k);
        conf[k].version = 3;
        conf[k].advert_int = 500 * SIM_MS;
    }
    run_crash(&l, dir, conf, 9 * SIM_S);
    const struct vl_event *m2 = vl_find(&l, 1, VRRP_STATE_MASTER, 0);
    cr_assert_not_null(m2);
    cr_assert_geq(m2->ev.time, CRASH_AT);
    sim_time_t mdi = 3 * 500 * SIM_MS + (256 - 100) * 500 * SIM_MS / 256;
    cr_assert_eq(vrrp_master_down_interval(l.d[1].vi), mdi);
    sim_time_t last = l.d[1].vi->last_advert;
    cr_assert_eq(m2->ev.time, last + mdi);
    cr_assert(m2->ev.time >= CRASH_AT + mdi - 500 * SIM_MS && m2->ev.time <= CRASH_AT + mdi);
    cr_assert_eq(vl_free(&l), 0);
    char file[128];
    snprintf(file, sizeof file, "%s/d2-eth0.pcap", dir);
    int adverts = tshark_count(file, "vrrp");
    cr_assert_geq(adverts, 10);
    cr_assert_eq(tshark_count(file, "vrrp.version == 3 && vrrp.short_adver_int == 50 && vrrp.checksum.status == 1 "
                                    "&& ip.ttl == 255"), adverts);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "sh scripts/pcap-check.sh %s >/dev/null && rm -rf %s", file, dir);
    cr_assert_eq(system(cmd), 0, "%s fails tshark's checks", file);
}

/* An advert frame from 10.0.0.9 as if on the wire, to be spoiled. */
static struct pkt *advert_frame(struct vl_lab *l, const struct vrrp_advert *a, uint8_t ttl)
{
    size_t vlen = vrrp_pkt_len(a->version, a->naddr);
    struct pkt *p = pkt_alloc(l->w->pool, (uint32_t)(ETH_HLEN + IPV4_HLEN + vlen));
    memset(p->data, 0, p->len);
    struct eth_hdr *eh = (struct eth_hdr *)p->data;
    const uint8_t dst[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x12 }, src[6] = { 2, 0, 0, 0, 0, 9 };
    memcpy(eh->dst, dst, 6);
    memcpy(eh->src, src, 6);
    eh->type = htons(ETH_P_IP);
    struct ipv4_hdr *ip = (struct ipv4_hdr *)(eh + 1);
    ip->ver_ihl = 0x45;
    ip->tot_len = htons((uint16_t)(IPV4_HLEN + vlen));
    ip->ttl = ttl;
    ip->proto = VRRP_PROTO;
    ip->saddr = htonl(VL_IP4(10, 0, 0, 9));
    ip->daddr = htonl(VRRP_GROUP);
    ipv4_set_checksum((uint8_t *)ip);
    vrrp_pkt_write((uint8_t *)(ip + 1), a, VL_IP4(10, 0, 0, 9), VRRP_GROUP);
    return p;
}

Test(vrrp, malformed_or_foreign_adverts_are_dropped_and_counted)
{
    struct vl_lab l;
    struct ka_vrrp_conf conf[2];
    vl_vrrp_conf(&conf[0], 0);
    vl_vrrp_conf(&conf[1], 1);
    vl_init(&l, "");
    vl_start(&l, conf);
    sched_run_until(&l.w->sched, 2 * SIM_S);      /* d1 master, d2 backup */
    struct netif *nif = l.d[1].node->nics[0]->nif;
    const struct vrrp_advert good = { .version = 2, .vrid = 51, .priority = 250, .naddr = 1, .adver_int = 1,
                                      .addrs = { VL_VIP } };
    struct vrrp_advert a;
    netif_input(nif, advert_frame(&l, &good, 64));                      /* TTL not 255 */
    struct pkt *p = advert_frame(&l, &good, 255);
    p->data[ETH_HLEN + IPV4_HLEN + 2] ^= 1;                             /* checksum broken */
    netif_input(nif, p);
    a = good;
    a.vrid = 52;
    netif_input(nif, advert_frame(&l, &a, 255));                        /* nobody's VRID */
    a = good;
    a.auth_type = VRRP_AUTH_PASS;
    netif_input(nif, advert_frame(&l, &a, 255));                        /* authentication differs */
    a = good;
    a.adver_int = 2;
    netif_input(nif, advert_frame(&l, &a, 255));                        /* v2 interval differs */
    a = good;
    a.version = 3;
    netif_input(nif, advert_frame(&l, &a, 255));                        /* the other version */
    p = advert_frame(&l, &good, 255);
    p->data[ETH_HLEN + IPV4_HLEN + 3] = 200;                            /* address count beyond the packet */
    netif_input(nif, p);
    const uint64_t *drops = vrrp_daemon_drops(l.d[1].vrrp);
    cr_assert_eq(drops[VRRP_DROP_TTL], 1);
    cr_assert_eq(drops[VRRP_DROP_MALFORMED], 2);
    cr_assert_eq(drops[VRRP_DROP_UNKNOWN_VRID], 1);
    cr_assert_eq(drops[VRRP_DROP_AUTH], 1);
    cr_assert_eq(drops[VRRP_DROP_INTERVAL], 1);
    cr_assert_eq(drops[VRRP_DROP_VERSION], 1);
    sched_run_until(&l.w->sched, 5 * SIM_S);
    cr_assert_eq(l.d[1].vi->state, VRRP_STATE_BACKUP);
    cr_assert_eq(l.d[0].vi->state, VRRP_STATE_MASTER, "a dropped advert of priority 250 moved nobody");
    /* the same advert, well formed, is a better master: d1 steps down */
    netif_input(l.d[0].node->nics[0]->nif, advert_frame(&l, &good, 255));
    cr_assert_eq(l.d[0].vi->state, VRRP_STATE_BACKUP);
    cr_assert_eq(vl_free(&l), 0);
}
