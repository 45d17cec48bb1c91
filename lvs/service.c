/*
 * Virtual services and their real servers: add, edit and delete with the
 * kernel's checks (ip_vs_ctl.c), the dest trash for dests that connections
 * still hold, lookup of the service a packet is for, and ipvsadm's error
 * texts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "lvs/conn.h"
#include "lvs/est.h"
#include "lvs/ipvs.h"
#include "lvs/sched.h"

const char *ipvs_fwd_name(enum ipvs_fwd fwd)
{
    static const char *const names[IPVS_FWD_METHODS] = {
        [IPVS_FWD_MASQ] = "Masq", [IPVS_FWD_TUNNEL] = "Tunnel",
        [IPVS_FWD_DROUTE] = "Route", [IPVS_FWD_FULLNAT] = "FullNat",
    };
    return (unsigned)fwd < IPVS_FWD_METHODS ? names[fwd] : "?";
}

static void trash_expire(void *arg);
static void nodest_flush(void *arg);

void ipvs_init(struct ipvs *ipvs, struct host *host, struct rt *rt)
{
    *ipvs = (struct ipvs){
        .host = host, .rt = rt,
        .sysctl = { .conn_reuse_mode = 1, .sync_threshold = 3, .sync_period = 50 },
        .timeouts = { .tcp = 900, .tcpfin = 120, .udp = 300 },
    };
    rt_timer_init(&ipvs->trash_timer, trash_expire, ipvs);
    rt_timer_init(&ipvs->nodest_timer, nodest_flush, ipvs);
}

static void service_put(struct ipvs_service *svc);

static void trash_free(struct ipvs *ipvs, struct ipvs_dest *d)
{
    for (struct ipvs_dest **pp = &ipvs->trash; *pp; pp = &(*pp)->next)
        if (*pp == d) {
            *pp = d->next;
            break;
        }
    service_put(d->svc);
    free(d);
}

void ipvs_destroy(struct ipvs *ipvs)
{
    ipvs_est_stop(ipvs);
    if (ipvs->rt) {
        rt_timer_cancel(ipvs->rt, &ipvs->trash_timer);
        rt_timer_cancel(ipvs->rt, &ipvs->nodest_timer);
    }
    ipvs->trash_closing = true;
    ipvs_flush(ipvs);
    for (struct ipvs_dest *d = ipvs->trash, *next; d; d = next) {
        next = d->next;
        if (!d->refcnt)
            trash_free(ipvs, d);
    }
}

/* ip_vs_dest_trash_expire: a dest no one holds is freed 120 s after the
 * first check that found it so (the checks are 60 s apart). */
static void trash_expire(void *arg)
{
    struct ipvs *ipvs = arg;
    sim_time_t now = rt_now(ipvs->rt);
    for (struct ipvs_dest *d = ipvs->trash, *next; d; d = next) {
        next = d->next;
        if (d->refcnt)
            continue;
        if (!d->idle_start)
            d->idle_start = now > 0 ? now : 1;
        else if (now >= d->idle_start + IPVS_DEST_TRASH_PERIOD_S * SIM_S)
            trash_free(ipvs, d);
    }
    if (ipvs->trash)
        rt_timer_arm_in(ipvs->rt, &ipvs->trash_timer, IPVS_DEST_TRASH_PERIOD_S / 2 * SIM_S);
}

static void nodest_flush(void *arg)
{
    ipvs_conn_flush_nodest(arg);
}

static bool same_service(const struct ipvs_service *s, const struct ipvs_service_conf *c)
{
    if (c->fwmark)
        return s->fwmark == c->fwmark;
    return !s->fwmark && s->protocol == c->protocol && s->addr == c->addr && s->port == c->port;
}

static struct ipvs_service *find_conf(struct ipvs *ipvs, const struct ipvs_service_conf *c)
{
    for (struct ipvs_service *s = ipvs->services; s; s = s->next)
        if (same_service(s, c))
            return s;
    return NULL;
}

struct ipvs_service *ipvs_service_find(struct ipvs *ipvs, uint8_t protocol, uint32_t addr,
                                       uint16_t port, uint32_t fwmark)
{
    struct ipvs_service_conf c = { .protocol = protocol, .addr = addr, .port = port, .fwmark = fwmark };
    return find_conf(ipvs, &c);
}

struct ipvs_dest *ipvs_dest_find(struct ipvs_service *svc, uint32_t addr, uint16_t port)
{
    for (struct ipvs_dest *d = svc->dests; d; d = d->next)
        if (d->addr == addr && d->port == port)
            return d;
    return NULL;
}

static void service_put(struct ipvs_service *svc)
{
    if (--svc->refcnt == 0)
        free(svc);
}

static void set_service(struct ipvs_service *s, const struct ipvs_service_conf *c)
{
    s->flags = c->flags;
    s->timeout = c->timeout;
    s->netmask = c->netmask ? c->netmask : 0xffffffffu;
}

/* "none" (Linux 4.?+): a service without a scheduler, which makes no new
 * connection of its own (its entries come from connection sync, or
 * templates already there); ipvsadm lists it as none. */
static struct ipvs_dest *none_schedule(struct ipvs_service *svc, const struct ipvs_tuple *t)
{
    (void)svc;
    (void)t;
    return NULL;
}

static const struct ipvs_sched_ops none_sched = { .name = "none", .schedule = none_schedule };

static const struct ipvs_sched_ops *sched_find(const char *name)
{
    return strcmp(name, "none") ? ipvs_sched_find(name) : &none_sched;
}

int ipvs_service_add(struct ipvs *ipvs, const struct ipvs_service_conf *conf)
{
    const struct ipvs_sched_ops *sched = sched_find(conf->sched_name);
    if (!sched)
        return -ENOENT;
    if (find_conf(ipvs, conf))
        return -EEXIST;
    struct ipvs_service *s = xcalloc(1, sizeof *s);
    *s = (struct ipvs_service){ .ipvs = ipvs, .protocol = conf->fwmark ? 0 : conf->protocol,
                                .addr = conf->fwmark ? 0 : conf->addr,
                                .port = conf->fwmark ? 0 : conf->port, .fwmark = conf->fwmark,
                                .sched = sched, .refcnt = 1 };
    set_service(s, conf);
    if (sched->init_service && sched->init_service(s) < 0) {
        free(s);
        return -ENOMEM;
    }
    struct ipvs_service **tail = &ipvs->services;
    while (*tail)
        tail = &(*tail)->next;
    *tail = s;
    ipvs->num_services++;
    if (s->port == IPVS_FTPPORT)
        ipvs->ftp_services++;
    return 0;
}

/* A new scheduler sees the dests in list order, as the kernel's bind. */
static int bind_scheduler(struct ipvs_service *s, const struct ipvs_sched_ops *sched)
{
    s->sched = sched;
    s->sched_data = NULL;
    if (sched->init_service && sched->init_service(s) < 0)
        return -ENOMEM;
    return 0;
}

/* The SYN proxy must see the real server's SYN-ACK: only NAT and FULLNAT
 * replies come back through the director. */
static bool synproxy_can_reach(uint32_t svc_flags, enum ipvs_fwd fwd)
{
    return !(svc_flags & IPVS_SVC_SYNPROXY) || fwd == IPVS_FWD_MASQ || fwd == IPVS_FWD_FULLNAT;
}

int ipvs_service_edit(struct ipvs *ipvs, const struct ipvs_service_conf *conf)
{
    const struct ipvs_sched_ops *sched = sched_find(conf->sched_name);
    if (!sched)
        return -ENOENT;
    struct ipvs_service *s = find_conf(ipvs, conf);
    if (!s)
        return -ESRCH;
    for (const struct ipvs_dest *d = s->dests; d; d = d->next)
        if (!synproxy_can_reach(conf->flags, d->fwd))
            return -EOPNOTSUPP;
    if (sched != s->sched) {
        if (s->sched->done_service)
            s->sched->done_service(s);
        if (bind_scheduler(s, sched) < 0)
            return -ENOMEM;
    }
    set_service(s, conf);
    return 0;
}

/* Unlink a dest from its service; connections that hold it keep it in the
 * trash until the last one lets go. */
static void unlink_dest(struct ipvs *ipvs, struct ipvs_service *svc, struct ipvs_dest *d)
{
    struct ipvs_dest **pp = &svc->dests;
    while (*pp != d)
        pp = &(*pp)->next;
    *pp = d->next;
    svc->num_dests--;
    if (svc->sched->del_dest)
        svc->sched->del_dest(svc, d);
    d->available = false;
    if (!ipvs->rt || ipvs->trash_closing) {
        if (d->refcnt) {
            d->next = ipvs->trash;
            ipvs->trash = d;
        } else {
            service_put(svc);
            free(d);
        }
        return;
    }
    /* __ip_vs_del_dest: into the trash, whose timer starts with its first dest */
    if (!ipvs->trash)
        rt_timer_arm_in(ipvs->rt, &ipvs->trash_timer, IPVS_DEST_TRASH_PERIOD_S / 2 * SIM_S);
    d->idle_start = 0;
    d->next = ipvs->trash;
    ipvs->trash = d;
    /* and with expire_nodest_conn its connections are flushed (Linux 5.9+),
     * a jiffy later in the kernel's work queue: here at once after this event */
    if (ipvs->sysctl.expire_nodest_conn && ipvs->conns && !rt_timer_armed(&ipvs->nodest_timer))
        rt_timer_arm_in(ipvs->rt, &ipvs->nodest_timer, 0);
}

int ipvs_service_del(struct ipvs *ipvs, const struct ipvs_service_conf *conf)
{
    struct ipvs_service **pp = &ipvs->services;
    while (*pp && !same_service(*pp, conf))
        pp = &(*pp)->next;
    struct ipvs_service *s = *pp;
    if (!s)
        return -ESRCH;
    *pp = s->next;
    ipvs->num_services--;
    if (s->port == IPVS_FTPPORT)
        ipvs->ftp_services--;
    ipvs->fullnat_laddrs -= s->nladdrs;
    while (s->dests)
        unlink_dest(ipvs, s, s->dests);
    if (s->sched->done_service)
        s->sched->done_service(s);
    s->sched = NULL;
    service_put(s);
    return 0;
}

void ipvs_flush(struct ipvs *ipvs)
{
    while (ipvs->services) {
        struct ipvs_service_conf c = { .protocol = ipvs->services->protocol, .addr = ipvs->services->addr,
                                       .port = ipvs->services->port, .fwmark = ipvs->services->fwmark };
        ipvs_service_del(ipvs, &c);
    }
}

void ipvs_zero(struct ipvs *ipvs, const struct ipvs_service_conf *conf)
{
    for (struct ipvs_service *s = ipvs->services; s; s = s->next) {
        if (conf && !same_service(s, conf))
            continue;
        s->stats = (struct ipvs_stats){ 0 };
        s->est = (struct ipvs_est){ 0 };
        for (struct ipvs_dest *d = s->dests; d; d = d->next) {
            d->stats = (struct ipvs_stats){ 0 };
            d->est = (struct ipvs_est){ 0 };
        }
    }
    if (!conf)
        ipvs->stats = (struct ipvs_stats){ 0 };
}

/* ip_vs_add_dest and ip_vs_edit_dest: a negative weight, or a lower
 * threshold above the upper one (0, none, included), is ERANGE. */
static int check_dest(const struct ipvs_dest_conf *c)
{
    if (c->weight < 0 || c->l_threshold > c->u_threshold)
        return -ERANGE;
    return 0;
}

/* ip_vs_new_dest: a real server's address must be unicast or local
 * (inet_addr_type): not 0.0.0.0/8, the limited broadcast or multicast.
 * A local subnet's broadcast address is not recognised here. */
static bool dest_addr_unicast(uint32_t a)
{
    return (a >> 24) != 0 && a != 0xffffffffu && (a >> 28) != 0xe;
}

static void set_dest(struct ipvs_dest *d, const struct ipvs_dest_conf *c, bool add)
{
    if (add || c->weight != 0)      /* as __ip_vs_update_dest: the latest non-zero weight */
        d->last_weight = c->weight;
    d->fwd = c->fwd;
    d->weight = c->weight;
    d->available = true;
    /* as __ip_vs_update_dest: a raised or removed upper threshold lifts the overload */
    if (c->u_threshold == 0 || c->u_threshold > d->u_threshold)
        d->overloaded = false;
    d->u_threshold = c->u_threshold;
    d->l_threshold = c->l_threshold;
}

/* ip_vs_trash_get_dest: a dest of a service with this one's protocol,
 * address and port (or fwmark) waiting in the trash, taken out of it and
 * bound to svc (a service made anew zeroes its statistics). */
static struct ipvs_dest *trash_take(struct ipvs *ipvs, struct ipvs_service *svc, const struct ipvs_dest_conf *c)
{
    for (struct ipvs_dest **pp = &ipvs->trash; *pp; pp = &(*pp)->next) {
        struct ipvs_dest *d = *pp;
        const struct ipvs_service *o = d->svc;
        if (d->addr == c->addr && d->port == c->port && o->fwmark == svc->fwmark &&
            o->protocol == svc->protocol && (svc->fwmark || (o->addr == svc->addr && o->port == svc->port))) {
            *pp = d->next;
            if (o != svc) {
                d->stats = (struct ipvs_stats){ 0 };
                d->est = (struct ipvs_est){ 0 };
                svc->refcnt++;
                d->svc = svc;
                service_put((struct ipvs_service *)o);
            }
            return d;
        }
    }
    return NULL;
}

int ipvs_dest_add(struct ipvs *ipvs, const struct ipvs_service_conf *sc, const struct ipvs_dest_conf *conf)
{
    int err = check_dest(conf);
    if (err)
        return err;
    struct ipvs_service *svc = find_conf(ipvs, sc);
    if (!svc)
        return -ESRCH;
    if (ipvs_dest_find(svc, conf->addr, conf->port))
        return -EEXIST;
    if (!synproxy_can_reach(svc->flags, conf->fwd))
        return -EOPNOTSUPP;
    struct ipvs_dest *d = trash_take(ipvs, svc, conf);
    if (!d) {
        if (!dest_addr_unicast(conf->addr))
            return -EINVAL;
        d = xcalloc(1, sizeof *d);
        *d = (struct ipvs_dest){ .svc = svc, .addr = conf->addr, .port = conf->port };
        svc->refcnt++;
    }
    set_dest(d, conf, true);
    d->next = svc->dests;          /* list_add_rcu: at the head */
    svc->dests = d;
    svc->num_dests++;
    if (svc->sched->add_dest)
        svc->sched->add_dest(svc, d);
    return 0;
}

int ipvs_dest_edit(struct ipvs *ipvs, const struct ipvs_service_conf *sc, const struct ipvs_dest_conf *conf)
{
    int err = check_dest(conf);
    if (err)
        return err;
    struct ipvs_service *svc = find_conf(ipvs, sc);
    if (!svc)
        return -ESRCH;
    struct ipvs_dest *d = ipvs_dest_find(svc, conf->addr, conf->port);
    if (!d)
        return -ENOENT;
    if (!synproxy_can_reach(svc->flags, conf->fwd))
        return -EOPNOTSUPP;
    set_dest(d, conf, false);
    if (svc->sched->upd_dest)
        svc->sched->upd_dest(svc, d);
    return 0;
}

int ipvs_dest_del(struct ipvs *ipvs, const struct ipvs_service_conf *sc, const struct ipvs_dest_conf *conf)
{
    struct ipvs_service *svc = find_conf(ipvs, sc);
    if (!svc)
        return -ESRCH;
    struct ipvs_dest *d = ipvs_dest_find(svc, conf->addr, conf->port);
    if (!d)
        return -ENOENT;
    unlink_dest(ipvs, svc, d);
    return 0;
}

void ipvs_dest_hold(struct ipvs_dest *d)
{
    d->refcnt++;
}

void ipvs_dest_put(struct ipvs *ipvs, struct ipvs_dest *d)
{
    if (--d->refcnt || d->available)
        return;
    if (!ipvs->rt || ipvs->trash_closing)     /* no trash timer to collect it */
        trash_free(ipvs, d);
}

const char *ipvs_strerror(enum ipvs_op op, int err)
{
    static const struct { enum ipvs_op op; int err; const char *text; } table[] = {
        { IPVS_OP_ADD_SERVICE, EEXIST, "Service already exists" },
        { IPVS_OP_ADD_SERVICE, ENOENT, "Scheduler or persistence engine not found" },
        { IPVS_OP_EDIT_SERVICE, ESRCH, "No such service" },
        { IPVS_OP_EDIT_SERVICE, ENOENT, "Scheduler or persistence engine not found" },
        { IPVS_OP_DEL_SERVICE, ESRCH, "No such service" },
        { IPVS_OP_ZERO, ESRCH, "No such service" },
        { IPVS_OP_ADD_DEST, ESRCH, "Service not defined" },
        { IPVS_OP_ADD_DEST, EEXIST, "Destination already exists" },
        { IPVS_OP_EDIT_DEST, ESRCH, "Service not defined" },
        { IPVS_OP_EDIT_DEST, ENOENT, "No such destination" },
        { IPVS_OP_DEL_DEST, ESRCH, "Service not defined" },
        { IPVS_OP_DEL_DEST, ENOENT, "No such destination" },
        { IPVS_OP_SET_TIMEOUT, EINVAL, "Invalid timeout value" },
        { IPVS_OP_EDIT_SERVICE, EOPNOTSUPP, "SYN proxy needs NAT or FULLNAT real servers (-m or --fullnat)" },
        { IPVS_OP_ADD_DEST, EOPNOTSUPP, "SYN proxy needs NAT or FULLNAT real servers (-m or --fullnat)" },
        { IPVS_OP_EDIT_DEST, EOPNOTSUPP, "SYN proxy needs NAT or FULLNAT real servers (-m or --fullnat)" },
    };
    int e = err < 0 ? -err : err;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].op == op && table[i].err == e)
            return table[i].text;
    if (e == EINVAL)
        return "Invalid operation.  Possibly wrong module version, address not unicast, ...";
    if (e == ENOMEM)
        return "Memory allocation problem";
    return strerror(e);
}
