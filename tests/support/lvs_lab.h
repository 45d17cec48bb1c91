/*
 * Test support: a small LVS lab in the simulator, for one forwarding mode.
 * DR and TUN put the client, the director and three real servers on one
 * switched LAN (the VIP on the servers' lo or tunl0); NAT and FULLNAT put
 * the client in front (10.1.0.0/24) and the servers behind the director
 * (10.2.0.0/24), NAT servers routing back through it and FULLNAT servers
 * answering its local address. Servers answer each request with a
 * response whose first byte names them and whose bytes are checkable.
 * Header-only, for tests.
 */
#ifndef TESTS_SUPPORT_LVS_LAB_H
#define TESTS_SUPPORT_LVS_LAB_H

#include <stdio.h>
#include <string.h>

#include "lvs/director.h"
#include "net/hdr.h"
#include "net/ipip.h"
#include "net/route.h"
#include "net/tcp.h"
#include "sim/nic.h"
#include "sim/world.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define LAB_SERVERS 3
#define LAB_PORT 80
#define LAB_REQUEST 100
#define LAB_MAX_FETCHES 64

struct lab_fetch {
    struct lab *lab;
    struct tcp_sock *s;
    uint16_t sport;            /* 0: an ephemeral port */
    sim_time_t started, connected;
    size_t got;
    int server;                /* the first response byte: which server answered */
    bool bad_byte, done;
};

struct lab_server {
    struct lab *lab;
    int id;
    int accepted;
    int toa_ok, toa_missing;   /* FULLNAT: the client's address came in TOA */
};

struct lab_conn {
    struct lab_server *srv;
    struct tcp_sock *s;
    size_t got;
};

struct lab {
    struct sim_world *w;
    enum ipvs_fwd fwd;
    struct sim_node *client, *director, *rs[LAB_SERVERS];
    struct ipvs ipvs;
    struct ipvs_service_conf svc;
    uint32_t vip, rip[LAB_SERVERS], laddr, client_addr;
    struct lab_server srv[LAB_SERVERS];
    struct lab_fetch fetch[LAB_MAX_FETCHES];
    int nfetch;
    size_t response;
    char pcap_dir[64];
};

static uint8_t lab_byte(int server, size_t k)
{
    return k == 0 ? (uint8_t)server : (uint8_t)(k * 131 + (size_t)server);
}

/* ---- the servers ---- */

static void lab_srv_closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    (void)s, (void)why;
    free(ctx);
}

static size_t lab_srv_received(void *ctx, struct tcp_sock *s, const uint8_t *data, size_t len)
{
    (void)data;
    struct lab_conn *c = ctx;
    size_t before = c->got;
    c->got += len;
    if (before < LAB_REQUEST && c->got >= LAB_REQUEST) {
        static uint8_t buf[1 << 20];
        size_t n = c->srv->lab->response;
        for (size_t k = 0; k < n; k++)
            buf[k] = lab_byte(c->srv->id, k);
        tcp_send(s, buf, n);   /* fits the send buffer: the tests keep responses small */
        tcp_shutdown(s);
    }
    return len;
}

static void lab_srv_eof(void *ctx, struct tcp_sock *s)
{
    (void)ctx;
    tcp_shutdown(s);
}

static const struct tcp_callbacks lab_srv_conn_cb = {
    .received = lab_srv_received, .eof = lab_srv_eof, .closed = lab_srv_closed,
};

static void *lab_srv_accepted(void *listen_ctx, struct tcp_sock *listener, struct tcp_sock *s)
{
    (void)listener;
    struct lab_server *srv = listen_ctx;
    srv->accepted++;
    if (srv->lab->fwd == IPVS_FWD_FULLNAT) {
        uint32_t addr;
        uint16_t port;
        if (tcp_sock_toa(s, &addr, &port) && addr == srv->lab->client_addr)
            srv->toa_ok++;
        else
            srv->toa_missing++;
    }
    struct lab_conn *c = calloc(1, sizeof *c);
    c->srv = srv;
    c->s = s;
    tcp_set_callbacks(s, &lab_srv_conn_cb, c);
    return c;
}

static const struct tcp_callbacks lab_srv_listen_cb = { .accepted = lab_srv_accepted };

/* ---- the client ---- */

static void lab_fetch_connected(void *ctx, struct tcp_sock *s)
{
    struct lab_fetch *f = ctx;
    f->connected = sched_now(&f->lab->w->sched);
    uint8_t req[LAB_REQUEST];
    memset(req, 'q', sizeof req);
    tcp_send(s, req, sizeof req);
}

static size_t lab_fetch_received(void *ctx, struct tcp_sock *s, const uint8_t *data, size_t len)
{
    (void)s;
    struct lab_fetch *f = ctx;
    for (size_t i = 0; i < len; i++, f->got++) {
        if (f->got == 0)
            f->server = data[i];
        else if (data[i] != lab_byte(f->server, f->got))
            f->bad_byte = true;
    }
    return len;
}

static void lab_fetch_eof(void *ctx, struct tcp_sock *s)
{
    struct lab_fetch *f = ctx;
    f->done = true;
    tcp_close(s);
    f->s = NULL;
}

static void lab_fetch_closed(void *ctx, struct tcp_sock *s, enum tcp_close_reason why)
{
    (void)s, (void)why;
    struct lab_fetch *f = ctx;
    f->s = NULL;
}

static const struct tcp_callbacks lab_fetch_cb = {
    .connected = lab_fetch_connected, .received = lab_fetch_received,
    .eof = lab_fetch_eof, .closed = lab_fetch_closed,
};

static void lab_fetch_start(void *arg)
{
    struct lab_fetch *f = arg;
    struct lab *l = f->lab;
    f->started = sched_now(&l->w->sched);
    f->s = tcp_connect_opts(l->client->host, 0, f->sport, l->vip, LAB_PORT, &lab_fetch_cb, f, NULL);
}

/* One fetch at `at` from a chosen client port. */
static struct lab_fetch *lab_fetch_from(struct lab *l, sim_time_t at, uint16_t sport)
{
    struct lab_fetch *f = &l->fetch[l->nfetch++];
    *f = (struct lab_fetch){ .lab = l, .server = -1, .sport = sport };
    sched_call_at(&l->w->sched, at, lab_fetch_start, f);
    return f;
}

/* Start n fetches from the client, spaced `gap` apart from `at`. */
static void lab_fetches(struct lab *l, int n, sim_time_t at, sim_time_t gap)
{
    for (int i = 0; i < n && l->nfetch < LAB_MAX_FETCHES; i++) {
        struct lab_fetch *f = &l->fetch[l->nfetch++];
        *f = (struct lab_fetch){ .lab = l, .server = -1 };
        sched_call_at(&l->w->sched, at + i * gap, lab_fetch_start, f);
    }
}

/* ---- the world ---- */

static const struct sim_link_params lab_link = { .rate_bps = 1000000000, .delay = 20 * SIM_US,
                                                 .mtu = 1500, .queue_pkts = 1000 };

static struct sim_node *lab_host(struct lab *l, const char *name, struct sim_node *sw, uint32_t addr)
{
    struct sim_node *n = sim_add_host(l->w, name);
    sim_connect(l->w, n, sw, &lab_link);
    netif_add_addr(n->nics[n->nnics - 1]->nif, addr, 24);
    return n;
}

/* Set-up mistakes a lab can be built with, to show what they break. */
enum lab_quirk {
    LAB_NO_ARP_FIX = 1 << 0,   /* DR/TUN servers keep arp_ignore/arp_announce at 0 */
    LAB_NO_GATEWAY = 1 << 1,   /* NAT servers lack the route back through the director */
};

/* A lab for fwd with the scheduler sched; pcap_dir "" for no capture. */
static void lab_init_quirks(struct lab *l, enum ipvs_fwd fwd, const char *sched, const char *pcap_dir,
                            unsigned quirks)
{
    memset(l, 0, sizeof *l);
    l->fwd = fwd;
    l->response = 20000;
    l->w = sim_world_new(7);
    if (pcap_dir && *pcap_dir) {
        snprintf(l->pcap_dir, sizeof l->pcap_dir, "%s", pcap_dir);
        sim_world_capture(l->w, pcap_dir);
    }
    bool lan = fwd == IPVS_FWD_DROUTE || fwd == IPVS_FWD_TUNNEL;
    struct sim_node *front = sim_add_switch(l->w, "front");
    struct sim_node *back = lan ? front : sim_add_switch(l->w, "back");
    uint32_t front_net = lan ? IP4(10, 0, 0, 0) : IP4(10, 1, 0, 0);
    uint32_t back_net = lan ? IP4(10, 0, 0, 0) : IP4(10, 2, 0, 0);
    l->vip = front_net + 100;
    l->client_addr = front_net + 2;
    l->client = lab_host(l, "client", front, l->client_addr);
    l->director = lab_host(l, "director", front, front_net + 1);
    netif_add_addr(l->director->nics[0]->nif, l->vip, 24);
    if (!lan) {
        sim_connect(l->w, l->director, back, &lab_link);
        netif_add_addr(l->director->nics[1]->nif, back_net + 1, 24);
        l->director->host->ip_forward = true;
        l->laddr = back_net + 1;
    }
    char name[SIM_NAME_MAX];
    for (int i = 0; i < LAB_SERVERS; i++) {
        snprintf(name, sizeof name, "rs%d", i + 1);
        l->rip[i] = back_net + 11 + (uint32_t)i;
        l->rs[i] = lab_host(l, name, back, l->rip[i]);
        struct host *h = l->rs[i]->host;
        if (lan) {
            if (fwd == IPVS_FWD_DROUTE)
                netif_add_addr(h->lo, l->vip, 32);
            else
                netif_add_addr(ipip_add_tunnel(h, "tunl0"), l->vip, 32);
            if (!(quirks & LAB_NO_ARP_FIX)) {
                h->arp_ignore_all = 1;
                h->arp_announce_all = 2;
            }
        } else if (fwd == IPVS_FWD_MASQ && !(quirks & LAB_NO_GATEWAY)) {
            route_add(h, 0, 0, back_net + 1, NULL);
        }
        l->srv[i] = (struct lab_server){ .lab = l, .id = i + 1 };
        tcp_listen(h, 0, LAB_PORT, 128, &lab_srv_listen_cb, &l->srv[i]);
    }
    ipvs_director_init(&l->ipvs, l->director->host);
    l->svc = (struct ipvs_service_conf){ .protocol = IPPROTO_TCP, .addr = l->vip, .port = LAB_PORT };
    snprintf(l->svc.sched_name, sizeof l->svc.sched_name, "%s", sched);
    ipvs_service_add(&l->ipvs, &l->svc);
    for (int i = 0; i < LAB_SERVERS; i++) {
        struct ipvs_dest_conf d = { .addr = l->rip[i], .port = LAB_PORT, .fwd = fwd, .weight = 1 };
        ipvs_dest_add(&l->ipvs, &l->svc, &d);
    }
    if (fwd == IPVS_FWD_FULLNAT)
        ipvs_laddr_add(&l->ipvs, &l->svc, l->laddr);
}

static void lab_init(struct lab *l, enum ipvs_fwd fwd, const char *sched, const char *pcap_dir)
{
    lab_init_quirks(l, fwd, sched, pcap_dir, 0);
}

/* Frees the lab; the packets still live (0 expected). */
static size_t lab_free(struct lab *l)
{
    for (int i = 0; i < l->nfetch; i++)
        if (l->fetch[i].s)
            tcp_abort(l->fetch[i].s);
    ipvs_director_destroy(&l->ipvs);
    return sim_world_free(l->w);
}

#endif
