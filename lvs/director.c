/*
 * IPVS's packet path on the host's hooks: connection lookup, the kernel's
 * connection-reuse and no-dest rules, scheduling with persistence
 * templates, FULLNAT local port allocation, state tracking, statistics and
 * transmit.
 */
#include "lvs/director.h"

#include <errno.h>

#include "lvs/conn.h"
#include "lvs/est.h"
#include "lvs/icmp.h"
#include "lvs/proto_tcp.h"
#include "lvs/sched.h"
#include "lvs/sync.h"
#include "lvs/synproxy.h"
#include "lvs/xmit.h"
#include "net/hdr.h"
#include "net/host.h"
#include "net/icmp.h"

/* The first thing a new entry lives before a packet gives it a state. */
#define IPVS_INITIAL_TIMEOUT_MS 3000

struct ipvs_service *ipvs_service_lookup(struct ipvs *ipvs, uint32_t fwmark, uint8_t protocol,
                                         uint32_t addr, uint16_t port)
{
    struct ipvs_service *svc;
    if (fwmark && (svc = ipvs_service_find(ipvs, 0, 0, 0, fwmark)))
        return svc;
    if ((svc = ipvs_service_find(ipvs, protocol, addr, port, 0)))
        return svc;
    /* ip_vs_service_find: a TCP packet to the FTP data port or an
     * unprivileged port may be an FTP data connection of the FTP service */
    if (protocol == IPPROTO_TCP && ipvs->ftp_services && (port == IPVS_FTPDATA || port >= 1024) &&
        (svc = ipvs_service_find(ipvs, protocol, addr, IPVS_FTPPORT, 0)))
        return svc;
    return ipvs_service_find(ipvs, protocol, addr, 0, 0);
}

int ipvs_laddr_add(struct ipvs *ipvs, const struct ipvs_service_conf *conf, uint32_t laddr)
{
    struct ipvs_service *svc = ipvs_service_find(ipvs, conf->protocol, conf->addr, conf->port, conf->fwmark);
    if (!svc)
        return -ESRCH;
    if (!host_is_local(ipvs->host, laddr))
        return -EINVAL;
    for (int i = 0; i < svc->nladdrs; i++)
        if (svc->laddrs[i] == laddr)
            return -EEXIST;
    if (svc->nladdrs == IPVS_MAX_LADDRS)
        return -ENOSPC;
    /* the patch's counter starts at 0 and is incremented before use: the
     * first port is lport_min + 1, and lport_min comes after lport_max */
    svc->lport_next[svc->nladdrs] = IPVS_LPORT_MIN + 1;
    svc->laddrs[svc->nladdrs++] = laddr;
    ipvs->fullnat_laddrs++;
    return 0;
}

/* A local address and port whose reply tuple no connection holds: local
 * addresses in turn, ports upward from where the last search stopped. */
static bool fullnat_pick(struct ipvs *ipvs, struct ipvs_service *svc, struct ipvs_conn_param *cp)
{
    if (!svc->nladdrs)
        return false;
    const uint32_t span = IPVS_LPORT_MAX - IPVS_LPORT_MIN + 1;
    for (int a = 0; a < svc->nladdrs; a++) {
        int i = svc->laddr_next;
        svc->laddr_next = (svc->laddr_next + 1) % svc->nladdrs;
        uint16_t port = svc->lport_next[i];
        for (uint32_t n = 0; n < span; n++) {
            uint16_t next = port == IPVS_LPORT_MAX ? IPVS_LPORT_MIN : (uint16_t)(port + 1);
            if (!ipvs_conn_out_get(ipvs, cp->protocol, cp->daddr, cp->dport, svc->laddrs[i], port)) {
                cp->laddr = svc->laddrs[i];
                cp->lport = port;
                svc->lport_next[i] = next;
                return true;
            }
            port = next;
        }
    }
    return false;
}

/* ip_vs_check_template: a template's dest must still be there, and with
 * expire_quiescent_template it must not be quiescent. */
static bool template_valid(struct ipvs *ipvs, struct ipvs_conn *t)
{
    struct ipvs_dest *d = t->dest;
    if (d && d->available && !(ipvs->sysctl.expire_quiescent_template && d->weight == 0))
        return true;
    ipvs_conn_invalidate_template(ipvs, t);
    return false;
}

/* ip_vs_sched_persist: the client's network goes where its template says,
 * or a new template is made with the scheduler's pick. A template is keyed
 * by the packet's protocol, the client's network and the VIP, plus the
 * port when the packet is for the service's own port (but for FTP's); a
 * fwmark service's by protocol 0 (IPPROTO_IP) and the mark. The connection goes to the
 * dest's port only for the service's own port (*dport). */
static struct ipvs_dest *schedule_persist(struct ipvs *ipvs, struct ipvs_service *svc,
                                          const struct ipvs_tuple *t, struct ipvs_conn **tmpl_out,
                                          uint16_t *dport)
{
    uint32_t snet = t->saddr & svc->netmask;
    uint8_t proto = t->protocol;
    uint32_t vaddr = t->daddr;
    uint16_t vport = 0;
    /* the template's port, and its dest's: not for FTP, whose control
     * and data connections share <protocol, caddr, 0, vaddr, 0> */
    bool own_port = t->dport == svc->port && svc->port != IPVS_FTPPORT;
    if (own_port)
        vport = t->dport;
    else if (t->dport != svc->port && svc->fwmark) {
        proto = 0;                    /* IPPROTO_IP */
        vaddr = svc->fwmark;
    }
    struct ipvs_conn *tmpl = ipvs_conn_template_get(ipvs, proto, snet, vaddr, vport);
    host_work_add(ipvs->host, WORK_PERSIST, 1);
    if (!tmpl || !template_valid(ipvs, tmpl)) {
        struct ipvs_dest *d = svc->sched->schedule(svc, t);
        host_work_add(ipvs->host, WORK_SCHEDULE, 1);
        if (!d)
            return NULL;
        struct ipvs_conn_param tp = { .protocol = proto, .caddr = snet, .vaddr = vaddr, .vport = vport,
                                      .daddr = d->addr, .dport = own_port ? d->port : 0,
                                      .flags = IPVS_CONN_F_TEMPLATE, .fwd = (uint8_t)d->fwd };
        tmpl = ipvs_conn_new(ipvs, &tp, d, svc->timeout * 1000u);
    }
    ipvs_conn_touch(ipvs, tmpl, rt_now(ipvs->rt));
    *tmpl_out = tmpl;
    *dport = t->dport == svc->port && tmpl->dest->port ? tmpl->dest->port : t->dport;
    return tmpl->dest;
}

/* Packets svc does not schedule that pass to the director's own stack:
 * a client's from the FTP data port (ip_vs_schedule never schedules an
 * active FTP data connection), and, as ip_vs_leave, an FTP service's for
 * other ports than its own. */
static bool not_scheduled_passes(const struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    return t->sport == IPVS_FTPDATA || (svc->port == IPVS_FTPPORT && t->dport != IPVS_FTPPORT);
}

/* A new connection for a packet to svc, or NULL: the packet passes when
 * not_scheduled_passes says so, else it is dropped (no dest: the client was
 * told; no local port). */
static struct ipvs_conn *schedule(struct ipvs *ipvs, struct ipvs_service *svc, const struct ipvs_tuple *t,
                                  struct pkt *p)
{
    struct ipvs_conn *tmpl = NULL;
    uint16_t dport = 0;
    if (t->sport == IPVS_FTPDATA)
        return NULL;
    struct ipvs_dest *d = NULL;
    if (svc->flags & IPVS_SVC_PERSISTENT)
        d = schedule_persist(ipvs, svc, t, &tmpl, &dport);
    else if (svc->fwmark || t->dport == svc->port) {
        d = svc->sched->schedule(svc, t);
        host_work_add(ipvs->host, WORK_SCHEDULE, 1);
    }
    if (!d) {
        /* ip_vs_leave: the kernel answers port unreachable */
        if (!not_scheduled_passes(svc, t))
            icmp_send_error(ipvs->host, p, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
        return NULL;
    }
    struct ipvs_conn_param cp = {
        .protocol = t->protocol, .caddr = t->saddr, .cport = t->sport, .vaddr = t->daddr,
        .vport = t->dport, .daddr = d->addr, .dport = tmpl ? dport : d->port ? d->port : t->dport,
        .flags = IPVS_CONN_F_INACTIVE, .fwd = (uint8_t)d->fwd,
    };
    if (d->fwd == IPVS_FWD_DROUTE || d->fwd == IPVS_FWD_TUNNEL)
        cp.flags |= IPVS_CONN_F_NOOUTPUT;
    if (ipvs->sysctl.conntrack)
        cp.flags |= IPVS_CONN_F_NFCT;
    if (d->fwd == IPVS_FWD_FULLNAT && !fullnat_pick(ipvs, svc, &cp))
        return NULL;
    struct ipvs_conn *c = ipvs_conn_new(ipvs, &cp, d, IPVS_INITIAL_TIMEOUT_MS);
    if (tmpl)
        ipvs_conn_set_control(c, tmpl);
    host_work_add(ipvs->host, WORK_CONN_NEW, 1);
    d->stats.conns++;
    svc->stats.conns++;
    ipvs->stats.conns++;
    return c;
}

/* The kernel's is_new_conn_expected: a SYN for a connection that is closing
 * may start a new one. */
static bool new_conn_expected(const struct ipvs *ipvs, const struct ipvs_conn *c)
{
    if (ipvs_conn_cold(c)->control)
        return false;
    if (c->protocol != IPPROTO_TCP)
        return false;
    return c->state == IPVS_TCP_TIME_WAIT || c->state == IPVS_TCP_CLOSE ||
           ((ipvs->sysctl.conn_reuse_mode & 2) && c->state == IPVS_TCP_FIN_WAIT &&
            (c->flags & IPVS_CONN_F_NOOUTPUT));
}

enum reuse { REUSE_KEEP, REUSE_RESCHEDULE, REUSE_DROP };

/* conn_reuse_mode: a SYN on an old entry reschedules it, unless conntrack
 * still tracks the old flow; then the kernel drops the SYN and the client
 * retries a second later (the kube-proxy stall). */
static enum reuse conn_reuse(struct ipvs *ipvs, struct ipvs_conn *c)
{
    bool resched = false;
    if (ipvs->sysctl.expire_nodest_conn && c->dest && c->dest->weight == 0)
        resched = true;
    else if (new_conn_expected(ipvs, c))
        resched = !ipvs_conn_cold(c)->n_control || !(c->flags & IPVS_CONN_F_NFCT);
    if (!resched)
        return REUSE_KEEP;
    bool old_ct = c->flags & IPVS_CONN_F_NFCT;
    if (!ipvs_conn_cold(c)->n_control)
        ipvs_conn_expire_now(ipvs, c);
    return old_ct ? REUSE_DROP : REUSE_RESCHEDULE;
}

static inline void count_one(struct ipvs_stats *s, uint32_t bytes, bool in)
{
    if (in) {
        s->inpkts++;
        s->inbytes += bytes;
    } else {
        s->outpkts++;
        s->outbytes += bytes;
    }
}

/* The packet in the director's, the dest's and the service's counters.
 * count, track and parse run on every packet and are forced inline: gcc
 * keeps them apart otherwise (two callers each), and a call and the tuple
 * passed through memory cost more than their bodies. */
static inline __attribute__((always_inline)) void count(struct ipvs *ipvs, struct ipvs_conn *c, uint32_t bytes,
                                                        bool in)
{
    struct ipvs_dest *d = c->dest;
    count_one(&ipvs->stats, bytes, in);
    if (d) {
        count_one(&d->stats, bytes, in);
        count_one(&d->svc->stats, bytes, in);
    }
}

/* State and timeout after a packet of the connection. */
static inline __attribute__((always_inline)) void track(struct ipvs *ipvs, struct ipvs_conn *c, enum ipvs_dir dir,
                                                        uint8_t tcp_flags)
{
    if (c->protocol == IPPROTO_TCP)
        ipvs_tcp_transition(ipvs, c, dir, tcp_flags);
    else
        c->timeout_ms = ipvs->timeouts.udp * 1000u;
    ipvs_conn_touch(ipvs, c, rt_now(ipvs->rt));
}

/* The tuple of an IPv4 header and the ports at l4. */
static inline void fill_tuple(struct ipvs_tuple *t, const struct ipv4_hdr *ip, const uint8_t *l4)
{
    t->protocol = ip->proto;
    t->saddr = ntohl(ip->saddr);
    t->daddr = ntohl(ip->daddr);
    t->sport = (uint16_t)(l4[0] << 8 | l4[1]);
    t->dport = (uint16_t)(l4[2] << 8 | l4[3]);
}

/* The tuple of a TCP or UDP packet, false when its header is cut short. */
static inline __attribute__((always_inline)) bool parse(const struct pkt *p, struct ipvs_tuple *t, uint8_t *tcp_flags)
{
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
    if (ip->proto != IPPROTO_TCP && ip->proto != IPPROTO_UDP)
        return false;
    unsigned ihl = ipv4_hdr_len(ip);
    if (ntohs(ip->frag_off) & IPV4_OFFMASK)
        return false;                 /* not the first fragment: no ports */
    unsigned need = ip->proto == IPPROTO_TCP ? TCP_HLEN : sizeof(struct udp_hdr);
    if (p->len < ihl + need)
        return false;
    const uint8_t *l4 = p->data + ihl;
    fill_tuple(t, ip, l4);
    *tcp_flags = ip->proto == IPPROTO_TCP ? ((const struct tcp_hdr *)l4)->flags : 0;
    return true;
}

static enum host_verdict reply(struct ipvs *ipvs, struct ipvs_conn *c, struct pkt *p, uint8_t tcp_flags)
{
    if ((c->flags & IPVS_CONN_F_SYNPROXY) && !ipvs_synproxy_out(ipvs, c, p, tcp_flags))
        return VERDICT_STOLEN;
    count(ipvs, c, p->len, false);
    track(ipvs, c, IPVS_DIR_OUTPUT, tcp_flags);
    if (c->protocol == IPPROTO_UDP)
        ipvs_conn_assure_template(c);      /* udp_state_transition: a reply */
    ipvs_xmit_reply(ipvs, c, p);
    return VERDICT_STOLEN;
}

/* A TCP packet to a SYN-proxy service that no connection holds: a SYN is
 * answered with a cookie, an ACK with a good one makes the connection. */
static enum host_verdict synproxy_new(struct ipvs *ipvs, struct ipvs_service *svc, const struct ipvs_tuple *t,
                                      struct pkt *p)
{
    struct ipvs_syncookie_opts opts;
    switch (ipvs_synproxy_new(ipvs, p, &opts)) {
    case IPVS_SYNPROXY_TAKEN:
        return VERDICT_STOLEN;
    case IPVS_SYNPROXY_PASS:
        return VERDICT_ACCEPT;
    case IPVS_SYNPROXY_CONNECT:
        break;
    }
    struct ipvs_conn *c = schedule(ipvs, svc, t, p);
    if (!c)
        return not_scheduled_passes(svc, t) ? VERDICT_ACCEPT : VERDICT_DROP;
    count(ipvs, c, p->len, true);
    ipvs_synproxy_connect(ipvs, c, p, &opts);
    return VERDICT_STOLEN;
}

/* LOCAL_IN: requests to a virtual service, FULLNAT replies. */
static enum host_verdict hook_in(void *ctx, struct host *h, struct pkt *p)
{
    struct ipvs *ipvs = ctx;
    struct ipvs_tuple t;
    uint8_t flags;
    if (!ipvs->conns)
        return VERDICT_ACCEPT;        /* destroyed: the hooks stay, inert */
    if (!parse(p, &t, &flags)) {
        const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
        return ip->proto == IPPROTO_ICMP_ ? ipvs_icmp_in(ipvs, p) : VERDICT_ACCEPT;
    }
    struct ipvs_conn *c = ipvs_conn_in_get(ipvs, p->hint, t.protocol, t.saddr, t.sport, t.daddr, t.dport);
    host_work_add(h, c ? WORK_CONN_HIT : WORK_CONN_MISS, 1);
    if (!c && ipvs->fullnat_laddrs) {
        struct ipvs_conn *r = ipvs_conn_out_get(ipvs, t.protocol, t.saddr, t.sport, t.daddr, t.dport);
        host_work_add(h, r ? WORK_CONN_HIT : WORK_CONN_MISS, 1);
        if (r && r->fwd == IPVS_FWD_FULLNAT)
            return reply(ipvs, r, p, flags);
    }
    bool syn = t.protocol == IPPROTO_TCP && (flags & (TCP_SYN | TCP_RST)) == TCP_SYN;
    if (c && syn && ipvs->sysctl.conn_reuse_mode) {
        enum reuse r = conn_reuse(ipvs, c);
        if (r == REUSE_DROP)
            return VERDICT_DROP;
        if (r == REUSE_RESCHEDULE)
            c = NULL;
    }
    if (!c) {
        struct ipvs_service *svc = ipvs_service_lookup(ipvs, p->mark, t.protocol, t.daddr, t.dport);
        if (!svc)
            return VERDICT_ACCEPT;
        if ((svc->flags & IPVS_SVC_SYNPROXY) && t.protocol == IPPROTO_TCP)
            return synproxy_new(ipvs, svc, &t, p);
        if (t.protocol == IPPROTO_TCP && !syn && !(ipvs->sysctl.sloppy_tcp && !(flags & TCP_RST)))
            return VERDICT_ACCEPT;    /* no entry and no SYN: the host's own stack answers */
        c = schedule(ipvs, svc, &t, p);
        if (!c)
            return not_scheduled_passes(svc, &t) ? VERDICT_ACCEPT : VERDICT_DROP;
    }
    if (c->dest && !c->dest->available) {
        /* the dest was deleted: its packets are dropped, the entry expired at once if asked */
        if (ipvs->sysctl.expire_nodest_conn)
            ipvs_conn_expire_now(ipvs, c);
        return VERDICT_DROP;
    }
    count(ipvs, c, p->len, true);
    if ((c->flags & IPVS_CONN_F_SYNPROXY) && !ipvs_synproxy_in(ipvs, c, p))
        return VERDICT_STOLEN;
    track(ipvs, c, IPVS_DIR_INPUT, flags);
    /* a real server at one of the director's own addresses: the kernel's
     * LOCALNODE (ip_vs_null_xmit), the packet goes on to the local stack
     * unchanged, whatever the forwarding method */
    bool local = host_is_local(ipvs->host, c->daddr);
    if (!local)
        ipvs_xmit_for(c->fwd)(ipvs, c, p);
    uint32_t pkts = ++c->in_pkts;
    if (ipvs->sync)
        ipvs_sync_conn(ipvs, c, pkts);
    return local ? VERDICT_ACCEPT : VERDICT_STOLEN;
}

/* FORWARD: NAT replies from the real servers, on their way to the client. */
static enum host_verdict hook_forward(void *ctx, struct host *h, struct pkt *p)
{
    struct ipvs *ipvs = ctx;
    struct ipvs_tuple t;
    uint8_t flags;
    if (!ipvs->conns)
        return VERDICT_ACCEPT;
    if (!parse(p, &t, &flags)) {
        const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
        return ip->proto == IPPROTO_ICMP_ ? ipvs_icmp_forward(ipvs, p) : VERDICT_ACCEPT;
    }
    struct ipvs_conn *c = ipvs_conn_out_get(ipvs, t.protocol, t.saddr, t.sport, t.daddr, t.dport);
    host_work_add(h, c ? WORK_CONN_HIT : WORK_CONN_MISS, 1);
    if (!c || c->fwd != IPVS_FWD_MASQ)
        return VERDICT_ACCEPT;
    return reply(ipvs, c, p, flags);
}

/* The tuple of a client's frame (data at the Ethernet header) as far as
 * its headers are there, false when it has none. */
static bool frame_tuple(const struct pkt *frame, struct ipvs_tuple *t)
{
    const uint8_t *d = frame->data;
    if (frame->len < ETH_HLEN + IPV4_HLEN + 4 || d[12] != 0x08 || d[13] != 0x00)
        return false;
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(d + ETH_HLEN);
    unsigned ihl = ipv4_hdr_len(ip);
    if ((ip->proto != IPPROTO_TCP && ip->proto != IPPROTO_UDP) || frame->len < ETH_HLEN + ihl + 4)
        return false;
    fill_tuple(t, ip, d + ETH_HLEN + ihl);
    return true;
}

/* The host's look ahead at a burst: the connection-table lines the client
 * segments among the frames will read; each frame's hint is the first
 * entry of its chain, for hook_in. The first stage, each frame's bucket,
 * is here, so that the tuple goes from the frame to the hash in registers. */
static void look_ahead(void *ctx, struct pkt *const *frames, unsigned n)
{
    const struct ipvs *ipvs = ctx;
    if (!ipvs->conns) {
        for (unsigned i = 0; i < n; i++)
            frames[i]->hint = 0;
        return;
    }
    /* n of each are filled and read (ipvs_conn_prefetch_burst's access
     * attributes tell the compiler): no zeroing of the rest */
    const uint32_t *buckets[HOST_BURST_MAX];
    uint32_t hints[HOST_BURST_MAX];
    for (unsigned i = 0; i < n; i++) {
        struct ipvs_tuple t;
        buckets[i] = NULL;            /* not a client's segment */
        if (frame_tuple(frames[i], &t)) {
            buckets[i] = ipvs_conn_in_bucket(ipvs->conns, &t);
            __builtin_prefetch(buckets[i]);
        }
    }
    ipvs_conn_prefetch_burst(ipvs, buckets, hints, n);
    for (unsigned i = 0; i < n; i++)
        frames[i]->hint = hints[i];
}

void ipvs_director_init(struct ipvs *ipvs, struct host *host)
{
    ipvs_init(ipvs, host, host->rt);
    ipvs->seed = rng_next(&host->rng);       /* the host's stream follows the run's seed */
    ipvs_syncookie_key_init(&ipvs->synproxy_key, ipvs->seed ^ 0x53594e50524f5859ull);   /* "SYNPROXY" */
    ipvs_conn_table_new(ipvs, rng_next(&host->rng));
    host_add_hook(host, HOOK_LOCAL_IN, hook_in, ipvs);
    host_add_hook(host, HOOK_FORWARD, hook_forward, ipvs);
    host->prefetch = (struct host_prefetch){ .fn = look_ahead, .ctx = ipvs };
    ipvs_est_start(ipvs);
}

struct rows {
    struct ipvs *ipvs;
    ipvsadm_conn_emit emit;
    void *sink;
};

static void conn_row(void *ctx, const struct ipvs_conn *c)
{
    const struct rows *r = ctx;
    if (c->flags & IPVS_CONN_F_DEAD)
        return;
    sim_time_t left = c->expires - rt_now(r->ipvs->rt);
    struct ipvsadm_conn_row row = {
        .protocol = c->protocol,
        /* ip_vs_state_name: a template's own states (Linux 5.9+) */
        .state = c->flags & IPVS_CONN_F_TEMPLATE ? (c->state & IPVS_CTPL_S_ASSURED ? "ASSURED" : "NONE")
                 : c->protocol == IPPROTO_TCP ? ipvs_tcp_state_name(c->state)
                 : c->protocol == IPPROTO_UDP ? "UDP" : "NONE",
        .expire_s = left > 0 ? (uint32_t)(left / SIM_S) : 0,   /* whole seconds, rounded down */
        .caddr = c->caddr, .vaddr = c->vaddr, .daddr = c->daddr,
        .cport = c->cport, .vport = c->vport, .dport = c->dport,
    };
    r->emit(r->sink, &row);
}

void ipvs_director_conn_rows(void *arg, ipvsadm_conn_emit emit, void *sink)
{
    struct rows r = { .ipvs = arg, .emit = emit, .sink = sink };
    if (r.ipvs->conns)
        ipvs_conn_foreach(r.ipvs, conn_row, &r);
}

void ipvs_director_destroy(struct ipvs *ipvs)
{
    ipvs_sync_free(ipvs);
    ipvs_conn_table_free(ipvs);
    ipvs_destroy(ipvs);
}
