/*
 * Test support: two directors in front of three real servers, in DR on
 * one switched LAN (10.0.0.0/24): the client .2, director d1 .1 (VRRP
 * priority 150, configured MASTER), director d2 .3 (priority 100, BACKUP),
 * servers .11-.13 holding the VIP .100 on lo. Both directors have the same
 * IPVS table; VRRP decides which holds the VIP. Each server runs a bulk
 * server on port 80; the client can download through the VIP. State
 * transitions are recorded. Header-only, for tests.
 */
#ifndef TESTS_SUPPORT_VRRP_LAB_H
#define TESTS_SUPPORT_VRRP_LAB_H

#include <stdio.h>
#include <string.h>

#include "apps/bulk.h"
#include "lvs/director.h"
#include "lvs/keepalived/vrrp.h"
#include "lvs/sync.h"
#include "net/hdr.h"
#include "sim/nic.h"
#include "sim/world.h"

#define VL_IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define VL_VIP VL_IP4(10, 0, 0, 100)
#define VL_CLIENT VL_IP4(10, 0, 0, 2)
#define VL_SERVERS 3
#define VL_PORT 80
#define VL_MAX_EVENTS 32

struct vl_director {
    struct sim_node *node;
    struct ipvs ipvs;
    struct vrrp_daemon *vrrp;
    struct vrrp_instance *vi;
};

struct vl_event {
    int director;              /* 0: d1, 1: d2 */
    struct vrrp_event ev;
};

struct vl_lab {
    struct sim_world *w;
    struct sim_node *client, *rs[VL_SERVERS];
    struct vl_director d[2];
    struct bulk_server *srv[VL_SERVERS];
    struct bulk_client *dl;
    struct vl_event events[VL_MAX_EVENTS];
    int nevents;
    char pcap_dir[64];
};

struct vl_sink {
    struct vl_lab *lab;
    int director;
};
static struct vl_sink vl_sinks[2];

static void vl_on_event(void *ctx, const struct vrrp_event *ev)
{
    struct vl_sink *s = ctx;
    struct vl_lab *l = s->lab;
    if (l->nevents < VL_MAX_EVENTS)
        l->events[l->nevents++] = (struct vl_event){ .director = s->director, .ev = *ev };
}

/* The first transition of a director into `to` at or after `from`; NULL if none. */
static const struct vl_event *vl_find(const struct vl_lab *l, int director, enum vrrp_state to, sim_time_t from)
{
    for (int i = 0; i < l->nevents; i++)
        if (l->events[i].director == director && l->events[i].ev.to == to && l->events[i].ev.time >= from)
            return &l->events[i];
    return NULL;
}

static const struct sim_link_params vl_link = { .rate_bps = 10000000, .delay = 20 * SIM_US,
                                                .mtu = 1500, .queue_pkts = 1000 };

static struct sim_node *vl_host(struct vl_lab *l, const char *name, struct sim_node *sw, uint32_t addr)
{
    struct sim_node *n = sim_add_host(l->w, name);
    sim_connect(l->w, n, sw, &vl_link);
    netif_add_addr(n->nics[n->nnics - 1]->nif, addr, 24);
    return n;
}

/* The two directors' VRRP configuration; tests change it before vl_start. */
static void vl_vrrp_conf(struct ka_vrrp_conf *c, int director)
{
    vrrp_conf_defaults(c);
    snprintf(c->name, sizeof c->name, "VI_1");
    snprintf(c->interface, sizeof c->interface, "eth0");
    c->vrid = 51;
    c->state = director == 0 ? VRRP_STATE_MASTER : VRRP_STATE_BACKUP;
    c->priority = director == 0 ? 150 : 100;
    c->vips[0] = VL_VIP;
    c->vip_prefix[0] = 32;
    c->nvips = 1;
}

static void vl_init(struct vl_lab *l, const char *pcap_dir)
{
    memset(l, 0, sizeof *l);
    l->w = sim_world_new(11);
    if (pcap_dir && *pcap_dir) {
        snprintf(l->pcap_dir, sizeof l->pcap_dir, "%s", pcap_dir);
        sim_world_capture(l->w, pcap_dir);
    }
    struct sim_node *sw = sim_add_switch(l->w, "lan");
    l->client = vl_host(l, "client", sw, VL_CLIENT);
    const uint32_t dir_addr[2] = { VL_IP4(10, 0, 0, 1), VL_IP4(10, 0, 0, 3) };
    for (int k = 0; k < 2; k++) {
        char name[SIM_NAME_MAX];
        snprintf(name, sizeof name, "d%d", k + 1);
        l->d[k].node = vl_host(l, name, sw, dir_addr[k]);
    }
    for (int i = 0; i < VL_SERVERS; i++) {
        char name[SIM_NAME_MAX];
        snprintf(name, sizeof name, "rs%d", i + 1);
        l->rs[i] = vl_host(l, name, sw, VL_IP4(10, 0, 0, 11 + i));
        struct host *h = l->rs[i]->host;
        netif_add_addr(h->lo, VL_VIP, 32);
        h->arp_ignore_all = 1;
        h->arp_announce_all = 2;
        struct bulk_server_cfg sc = { .port = VL_PORT, .id = (uint32_t)i + 1 };
        l->srv[i] = bulk_server_new(h, &sc);
    }
    struct ipvs_service_conf svc = { .protocol = IPPROTO_TCP, .addr = VL_VIP, .port = VL_PORT, .sched_name = "rr" };
    for (int k = 0; k < 2; k++) {
        struct vl_director *d = &l->d[k];
        ipvs_director_init(&d->ipvs, d->node->host);
        ipvs_service_add(&d->ipvs, &svc);
        for (int i = 0; i < VL_SERVERS; i++) {
            struct ipvs_dest_conf dc = { .addr = VL_IP4(10, 0, 0, 11 + i), .port = VL_PORT,
                                         .fwd = IPVS_FWD_DROUTE, .weight = 1 };
            ipvs_dest_add(&d->ipvs, &svc, &dc);
        }
        vl_sinks[k] = (struct vl_sink){ .lab = l, .director = k };
        d->vrrp = vrrp_daemon_new(d->node->host, vl_on_event, &vl_sinks[k]);
    }
}

/* Add the VRRP instances (from the confs) and start both daemons at time 0. */
static void vl_start(struct vl_lab *l, const struct ka_vrrp_conf conf[2])
{
    for (int k = 0; k < 2; k++) {
        char err[128];
        l->d[k].vi = vrrp_instance_add(l->d[k].vrrp, &conf[k], err, sizeof err);
        if (!l->d[k].vi)
            fprintf(stderr, "vrrp_instance_add: %s\n", err);
        vrrp_daemon_start(l->d[k].vrrp);
    }
}

/* `ipvsadm --start-daemon master` on d1 and `backup` on d2, syncid 7. */
static inline int vl_sync_on(struct vl_lab *l)
{
    struct ipvs_sync_conf c = { .mcast_ifn = "eth0", .syncid = 7 };
    int a = ipvs_sync_start(&l->d[0].ipvs, IPVS_SYNC_MASTER, &c);
    int b = ipvs_sync_start(&l->d[1].ipvs, IPVS_SYNC_BACKUP, &c);
    return a ? a : b;
}

/* A download of `bytes` from the VIP starting at `at`. */
static inline void vl_download(struct vl_lab *l, uint64_t bytes, sim_time_t at)
{
    struct bulk_client_cfg cc = { .name = "dl", .dst = VL_VIP, .dport = VL_PORT, .dir = BULK_DOWN,
                                  .bytes = bytes, .start = at, .win_stop = SIM_NEVER };
    l->dl = bulk_client_new(l->client->host, &cc);
    bulk_client_start(l->dl);
}

/* A director crashes (no priority 0, its sync daemons gone, nothing more
 * in or out), or comes back and starts keepalived again. */
static inline void vl_crash(struct vl_lab *l, int k)
{
    vrrp_daemon_stop(l->d[k].vrrp, false);
    ipvs_sync_stop(&l->d[k].ipvs, IPVS_SYNC_MASTER);
    ipvs_sync_stop(&l->d[k].ipvs, IPVS_SYNC_BACKUP);
    sim_node_fail(l->d[k].node, true);
}

static inline void vl_reboot(struct vl_lab *l, int k)
{
    sim_node_fail(l->d[k].node, false);
    vrrp_daemon_start(l->d[k].vrrp);
}

/* Frees the lab; the packets still live (0 expected). */
static size_t vl_free(struct vl_lab *l)
{
    if (l->dl)
        bulk_client_free(l->dl);
    for (int i = 0; i < VL_SERVERS; i++)
        bulk_server_free(l->srv[i]);
    for (int k = 0; k < 2; k++) {
        vrrp_daemon_free(l->d[k].vrrp);
        ipvs_director_destroy(&l->d[k].ipvs);
    }
    return sim_world_free(l->w);
}

#endif
