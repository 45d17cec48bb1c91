/*
 * The VRRP daemon and its instances' state machine: start-up, the advert
 * and master-down timers, received adverts demultiplexed by interface and
 * VRID and checked, the BACKUP and MASTER rules of RFC 3768 §6.4 as
 * keepalived applies them, FAULT while a tracked script fails, sync groups
 * moving together, and the report of every transition.
 */
#include "lvs/keepalived/vrrp_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "net/hdr.h"
#include "net/ipv4.h"

const char *vrrp_state_name(enum vrrp_state s)
{
    static const char *const names[] = { "INIT", "BACKUP", "MASTER", "FAULT" };
    return (unsigned)s < 4 ? names[s] : "?";
}

const char *vrrp_reason_name(enum vrrp_reason r)
{
    static const char *const names[] = {
        [VRRP_REASON_START] = "start", [VRRP_REASON_OWNER] = "owner",
        [VRRP_REASON_MASTER_DOWN] = "master_down", [VRRP_REASON_PRIORITY_ZERO] = "priority_zero",
        [VRRP_REASON_PREEMPT] = "preempt", [VRRP_REASON_HIGHER_PRIORITY] = "higher_priority",
        [VRRP_REASON_SHUTDOWN] = "shutdown", [VRRP_REASON_HALT] = "halt",
        [VRRP_REASON_FAULT] = "track_script", [VRRP_REASON_FAULT_CLEARED] = "track_script_ok",
        [VRRP_REASON_SYNC] = "sync_group",
    };
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}

void vrrp_conf_defaults(struct ka_vrrp_conf *c)
{
    memset(c, 0, sizeof *c);
    c->state = VRRP_STATE_BACKUP;
    c->priority = 100;
    c->version = 2;
    c->advert_int = SIM_S;
    c->garp_master_repeat = 5;
    c->garp_master_delay = 5 * SIM_S;
}

/* ---- timing ---- */

static uint8_t own_priority(const struct vrrp_instance *vi) { return vi->priority; }

static sim_time_t skew_of(const struct vrrp_instance *vi, unsigned weight)
{
    /* v2: weight/256 s; v3: weight * Master_Adver_Interval / 256 */
    sim_time_t unit = vi->conf.version == 3 ? vi->master_adver_int : SIM_S;
    return (sim_time_t)weight * unit / 256;
}

static sim_time_t vrrp_skew_time(const struct vrrp_instance *vi) { return skew_of(vi, 256u - own_priority(vi)); }

sim_time_t vrrp_master_down_interval(const struct vrrp_instance *vi)
{
    return 3 * vi->master_adver_int + vrrp_skew_time(vi);
}

static struct rt *rt_of(const struct vrrp_instance *vi) { return vi->d->h->rt; }

static void report(struct vrrp_instance *vi, enum vrrp_state to, enum vrrp_reason why)
{
    enum vrrp_state from = vi->state;
    vi->state = to;
    if (vi->d->fn) {
        struct vrrp_event ev = { .time = rt_now(rt_of(vi)), .instance = vi->conf.name,
                                 .from = from, .to = to, .reason = why };
        vi->d->fn(vi->d->ctx, &ev);
    }
}

/* ---- sending ---- */

static void send_advert(struct vrrp_instance *vi, uint8_t priority)
{
    struct host *h = vi->d->h;
    const struct ka_vrrp_conf *c = &vi->conf;
    struct vrrp_advert a = { .version = c->version, .vrid = c->vrid, .priority = priority,
                             .naddr = (uint8_t)c->nvips };
    if (c->version == 2) {
        a.adver_int = (uint16_t)(c->advert_int / SIM_S);
        a.auth_type = (uint8_t)c->auth_type;
        if (c->auth_type == VRRP_AUTH_PASS)
            memcpy(a.auth_data, c->auth_pass, VRRP_AUTH_LEN);
    } else {
        a.adver_int = (uint16_t)(c->advert_int / (10 * SIM_MS));
    }
    memcpy(a.addrs, c->vips, sizeof(uint32_t) * (size_t)c->nvips);
    size_t len = vrrp_pkt_len(c->version, a.naddr);
    struct pkt *p = pkt_alloc(h->pool, (uint32_t)len);
    if (!p)
        return;
    vrrp_pkt_write(p->data, &a, vi->saddr, VRRP_GROUP);
    struct ipv4_tx tx = { .src = vi->saddr, .dst = VRRP_GROUP, .proto = VRRP_PROTO,
                          .tos = 0xc0, .ttl = VRRP_TTL, .dev = vi->nif };
    ipv4_send_tx(h, p, &tx);
    vi->stats.adverts_sent++;
    if (priority == 0)
        vi->stats.pri_zero_sent++;
}

/* ---- transitions ---- */

static void arm_master_down(struct vrrp_instance *vi, sim_time_t after)
{
    rt_timer_arm_in(rt_of(vi), &vi->timer, after);
}

static void sync_group(struct vrrp_instance *vi, enum vrrp_state to);

static void become_master(struct vrrp_instance *vi, enum vrrp_reason why)
{
    vi->master_adver_int = vi->conf.advert_int;
    /* the advert first, so the old master drops the addresses before the GARPs */
    send_advert(vi, own_priority(vi));
    report(vi, VRRP_STATE_MASTER, why);
    vi->stats.become_master++;
    vrrp_vips_take(vi);
    rt_timer_arm_in(rt_of(vi), &vi->timer, vi->conf.advert_int);
    sync_group(vi, VRRP_STATE_MASTER);
}

static void become_backup(struct vrrp_instance *vi, enum vrrp_reason why)
{
    if (vi->state == VRRP_STATE_MASTER)
        vi->stats.release_master++;
    vrrp_vips_release(vi);
    vi->preempt_time = 0;
    vi->next_master_reason = VRRP_REASON_MASTER_DOWN;
    report(vi, VRRP_STATE_BACKUP, why);
    arm_master_down(vi, vrrp_master_down_interval(vi));
    sync_group(vi, VRRP_STATE_BACKUP);
}

/* keepalived leaving MASTER for FAULT: priority 0 first, so the backup
 * takes over after its skew time, then the addresses go. */
static void become_fault(struct vrrp_instance *vi, enum vrrp_reason why)
{
    rt_timer_cancel(rt_of(vi), &vi->timer);
    if (vi->state == VRRP_STATE_MASTER) {
        vi->stats.release_master++;
        send_advert(vi, 0);
    }
    vrrp_vips_release(vi);
    vi->preempt_time = 0;
    report(vi, VRRP_STATE_FAULT, why);
    sync_group(vi, VRRP_STATE_FAULT);
}

/* Whether the instance, or another of its sync group, has a fault of its own. */
static bool group_faulty(const struct vrrp_instance *vi)
{
    if (vi->faulty)
        return true;
    for (int i = 0; vi->group >= 0 && i < vi->d->ninst; i++)
        if (vi->d->inst[i]->group == vi->group && vi->d->inst[i]->faulty)
            return true;
    return false;
}

/* keepalived's sync groups: an instance that becomes MASTER takes the
 * group's BACKUPs with it, one that becomes BACKUP brings its MASTERs
 * down, one in FAULT puts them all in FAULT, and they leave FAULT together
 * when no member has a fault of its own. */
static void sync_group(struct vrrp_instance *vi, enum vrrp_state to)
{
    struct vrrp_daemon *d = vi->d;
    if (vi->group < 0 || d->syncing)
        return;
    d->syncing = true;
    for (int i = 0; i < d->ninst; i++) {
        struct vrrp_instance *m = d->inst[i];
        if (m == vi || m->group != vi->group)
            continue;
        if (to == VRRP_STATE_MASTER && m->state == VRRP_STATE_BACKUP)
            become_master(m, VRRP_REASON_SYNC);
        else if (to == VRRP_STATE_BACKUP && (m->state == VRRP_STATE_MASTER || m->state == VRRP_STATE_FAULT))
            become_backup(m, VRRP_REASON_SYNC);
        else if (to == VRRP_STATE_FAULT && (m->state == VRRP_STATE_MASTER || m->state == VRRP_STATE_BACKUP))
            become_fault(m, VRRP_REASON_SYNC);
    }
    d->syncing = false;
}

void vrrp_track_changed(struct vrrp_daemon *d, int script)
{
    for (int i = 0; i < d->ninst; i++) {
        struct vrrp_instance *vi = d->inst[i];
        bool tracks = false;
        for (int t = 0; t < vi->conf.ntracks; t++)
            tracks |= vi->conf.tracks[t].script == script;
        if (!tracks)
            continue;
        vrrp_track_eval(vi);
        if (vi->faulty && (vi->state == VRRP_STATE_MASTER || vi->state == VRRP_STATE_BACKUP))
            become_fault(vi, VRRP_REASON_FAULT);
        else if (vi->state == VRRP_STATE_FAULT && !group_faulty(vi))
            become_backup(vi, VRRP_REASON_FAULT_CLEARED);
    }
}

static void on_timer(void *arg)
{
    struct vrrp_instance *vi = arg;
    if (vi->state == VRRP_STATE_MASTER) {
        send_advert(vi, own_priority(vi));
        rt_timer_arm_in(rt_of(vi), &vi->timer, vi->conf.advert_int);
    } else if (vi->state == VRRP_STATE_BACKUP) {
        become_master(vi, vi->next_master_reason);
    }
}

static void instance_start(struct vrrp_instance *vi)
{
    if (vi->state != VRRP_STATE_INIT)
        return;
    vi->master_adver_int = vi->conf.advert_int;
    vi->master_addr = 0;
    vi->last_advert = 0;
    vi->preempt_time = 0;
    vrrp_vips_release(vi);                /* keepalived clears them at start */
    if (group_faulty(vi)) {
        report(vi, VRRP_STATE_FAULT, VRRP_REASON_FAULT);
        return;
    }
    if (vi->conf.state == VRRP_STATE_MASTER && own_priority(vi) == 255) {
        become_master(vi, VRRP_REASON_OWNER);
        return;
    }
    vi->next_master_reason = VRRP_REASON_MASTER_DOWN;
    report(vi, VRRP_STATE_BACKUP, VRRP_REASON_START);
    /* a configured MASTER waits one advert interval for a better master */
    arm_master_down(vi, vi->conf.state == VRRP_STATE_MASTER ? vi->master_adver_int + skew_of(vi, 1)
                                                            : vrrp_master_down_interval(vi));
}

static void instance_stop(struct vrrp_instance *vi, bool graceful)
{
    if (vi->state == VRRP_STATE_INIT)
        return;
    rt_timer_cancel(rt_of(vi), &vi->timer);
    rt_timer_cancel(rt_of(vi), &vi->garp_timer);
    if (graceful && vi->state == VRRP_STATE_MASTER) {
        send_advert(vi, 0);
        vrrp_vips_release(vi);
    }
    report(vi, VRRP_STATE_INIT, graceful ? VRRP_REASON_SHUTDOWN : VRRP_REASON_HALT);
}

/* ---- receiving ---- */

/* The sender's primary address against ours, as RFC 3768 §6.4.3 breaks ties. */
static int addr_cmp(uint32_t theirs, uint32_t ours) { return theirs > ours ? 1 : theirs < ours ? -1 : 0; }

static void backup_rx(struct vrrp_instance *vi, const struct vrrp_advert *a, uint32_t from)
{
    sim_time_t now = rt_now(rt_of(vi));
    if (a->priority == 0) {
        vi->stats.pri_zero_rcvd++;
        vi->next_master_reason = VRRP_REASON_PRIORITY_ZERO;
        arm_master_down(vi, vrrp_skew_time(vi));
        return;
    }
    bool delaying = vi->conf.preempt_delay && (!vi->preempt_time || vi->preempt_time > now);
    if (!(vi->conf.nopreempt || a->priority >= own_priority(vi) || delaying)) {
        /* a lower-priority master: discarded, the master-down timer runs on */
        vi->next_master_reason = VRRP_REASON_PREEMPT;
        vi->master_addr = from;
        return;
    }
    if (vi->conf.version == 3)
        vi->master_adver_int = (sim_time_t)a->adver_int * 10 * SIM_MS;
    vi->master_addr = from;
    vi->last_advert = now;
    vi->next_master_reason = VRRP_REASON_MASTER_DOWN;
    if (vi->conf.preempt_delay) {
        if (a->priority >= own_priority(vi))
            vi->preempt_time = 0;
        else if (!vi->preempt_time)
            vi->preempt_time = now + vi->conf.preempt_delay;
    }
    arm_master_down(vi, vrrp_master_down_interval(vi));
}

static void master_rx(struct vrrp_instance *vi, const struct vrrp_advert *a, uint32_t from)
{
    int cmp = addr_cmp(from, vi->saddr);
    if (a->priority == 0) {
        /* RFC 3768 §6.4.3: answer at once and restart the advert timer */
        vi->stats.pri_zero_rcvd++;
        send_advert(vi, own_priority(vi));
        rt_timer_arm_in(rt_of(vi), &vi->timer, vi->conf.advert_int);
        return;
    }
    if (a->priority < own_priority(vi) || (a->priority == own_priority(vi) && cmp < 0)) {
        /* keepalived (lower_prio_no_advert off): force a new election now */
        send_advert(vi, own_priority(vi));
        return;
    }
    if (a->priority == own_priority(vi) && cmp == 0)
        return;                       /* our own address: nothing to decide */
    if (vi->conf.version == 3)
        vi->master_adver_int = (sim_time_t)a->adver_int * 10 * SIM_MS;
    vi->master_addr = from;
    vi->last_advert = rt_now(rt_of(vi));
    become_backup(vi, VRRP_REASON_HIGHER_PRIORITY);
}

static bool vips_match(const struct vrrp_instance *vi, const struct vrrp_advert *a)
{
    if (a->naddr != vi->conf.nvips)
        return false;
    for (int i = 0; i < vi->conf.nvips; i++) {
        bool found = false;
        for (int k = 0; k < a->naddr; k++)
            found |= a->addrs[k] == vi->conf.vips[i];
        if (!found)
            return false;
    }
    return true;
}

/* The instance's own checks (keepalived's vrrp_check_packet): version,
 * authentication, v2's fixed interval. */
static enum vrrp_drop instance_check(const struct vrrp_instance *vi, const struct vrrp_advert *a)
{
    const struct ka_vrrp_conf *c = &vi->conf;
    if (a->version != c->version)
        return VRRP_DROP_VERSION;
    if (c->version == 2) {
        if (a->auth_type != c->auth_type)
            return VRRP_DROP_AUTH;
        if (c->auth_type == VRRP_AUTH_PASS && memcmp(a->auth_data, c->auth_pass, VRRP_AUTH_LEN))
            return VRRP_DROP_AUTH;
        if ((sim_time_t)a->adver_int * SIM_S != c->advert_int)
            return VRRP_DROP_INTERVAL;
    }
    return VRRP_DROP_REASONS;
}

static void vrrp_input(void *ctx, struct host *h, struct pkt *p)
{
    struct vrrp_daemon *d = ctx;
    const struct ipv4_hdr *ip = (const struct ipv4_hdr *)pkt_l3(p);
    uint32_t saddr = ntohl(ip->saddr), daddr = ntohl(ip->daddr);
    enum vrrp_drop why = VRRP_DROP_REASONS;
    struct vrrp_advert a;
    struct vrrp_instance *vi = NULL;
    if (ip->ttl != VRRP_TTL)
        why = VRRP_DROP_TTL;
    else if (daddr != VRRP_GROUP)
        why = VRRP_DROP_NOT_GROUP;
    else if (vrrp_pkt_parse(p->data, p->len, saddr, daddr, &a) != VRRP_PKT_OK)
        why = VRRP_DROP_MALFORMED;
    else {
        for (int i = 0; i < d->ninst && !vi; i++)
            if (d->inst[i]->nif == p->in_if && d->inst[i]->conf.vrid == a.vrid)
                vi = d->inst[i];
        if (!vi)
            why = VRRP_DROP_UNKNOWN_VRID;
        else if (vi->state == VRRP_STATE_INIT)
            why = VRRP_DROP_STOPPED;
        else
            why = instance_check(vi, &a);
    }
    pkt_free(p);
    (void)h;
    if (why != VRRP_DROP_REASONS) {
        d->drops[why]++;
        return;
    }
    vi->stats.adverts_rcvd++;
    if (!vips_match(vi, &a))
        vi->stats.addr_list_err++;    /* keepalived counts it and goes on */
    if (vi->state == VRRP_STATE_FAULT)
        return;                       /* heard, and nothing decided until the fault clears */
    if (vi->state == VRRP_STATE_BACKUP)
        backup_rx(vi, &a, saddr);
    else
        master_rx(vi, &a, saddr);
}

/* ---- the daemon ---- */

struct vrrp_daemon *vrrp_daemon_new(struct host *h, vrrp_event_fn fn, void *ctx)
{
    struct vrrp_daemon *d = xcalloc(1, sizeof *d);
    d->h = h;
    d->fn = fn;
    d->ctx = ctx;
    host_set_proto(h, VRRP_PROTO, vrrp_input, NULL, d);
    host_join_group(h, VRRP_GROUP);
    return d;
}

void vrrp_daemon_free(struct vrrp_daemon *d)
{
    if (!d)
        return;
    d->fn = NULL;
    vrrp_daemon_stop(d, false);
    vrrp_scripts_free(d);
    for (int i = 0; i < d->ninst; i++)
        free(d->inst[i]);
    host_set_proto(d->h, VRRP_PROTO, NULL, NULL, NULL);
    host_leave_group(d->h, VRRP_GROUP);
    free(d);
}

__attribute__((format(printf, 3, 4)))
static struct vrrp_instance *refuse(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return NULL;
}

struct vrrp_instance *vrrp_instance_add(struct vrrp_daemon *d, const struct ka_vrrp_conf *c,
                                        char *err, size_t errlen)
{
    struct netif *nif = host_netif(d->h, c->interface);
    if (!nif || (nif->flags & NETIF_LOOPBACK) || !nif->naddrs)
        return refuse(err, errlen, "%s: interface %s not found or without an address", c->name, c->interface);
    if (d->ninst == VRRP_MAX_INSTANCES)
        return refuse(err, errlen, "%s: too many instances", c->name);
    if (c->vrid == 0)
        return refuse(err, errlen, "%s: virtual_router_id must be 1..255", c->name);
    if (c->priority == 0)
        return refuse(err, errlen, "%s: priority must be 1..255", c->name);
    if (c->nvips < 1 || c->nvips > VRRP_MAX_VIPS)
        return refuse(err, errlen, "%s: 1 to %d virtual addresses", c->name, VRRP_MAX_VIPS);
    if (c->state != VRRP_STATE_MASTER && c->state != VRRP_STATE_BACKUP)
        return refuse(err, errlen, "%s: state must be MASTER or BACKUP", c->name);
    if (c->version == 2) {
        if (c->advert_int < SIM_S || c->advert_int % SIM_S || c->advert_int > 255 * SIM_S)
            return refuse(err, errlen, "%s: VRRPv2 advert_int must be whole seconds, 1..255", c->name);
    } else if (c->version == 3) {
        if (c->advert_int < 10 * SIM_MS || c->advert_int % (10 * SIM_MS) ||
            c->advert_int > VRRP_V3_MAX_ADVER_CS * 10 * SIM_MS || c->auth_type != VRRP_AUTH_NONE)
            return refuse(err, errlen, "%s: VRRPv3 advert_int must be centiseconds, 0.01..40.95 s, "
                          "and without authentication", c->name);
    } else {
        return refuse(err, errlen, "%s: version must be 2 or 3", c->name);
    }
    if (c->ntracks < 0 || c->ntracks > VRRP_MAX_TRACK)
        return refuse(err, errlen, "%s: 0 to %d tracked scripts", c->name, VRRP_MAX_TRACK);
    for (int t = 0; t < c->ntracks; t++)
        if (c->tracks[t].script < 0 || c->tracks[t].script >= d->nscripts || c->tracks[t].weight < -254 ||
            c->tracks[t].weight > 254)
            return refuse(err, errlen, "%s: tracked script %d is not one of the daemon's, or its weight is not "
                          "-254..254", c->name, c->tracks[t].script);
    for (int i = 0; i < d->ninst; i++)
        if (d->inst[i]->nif == nif && d->inst[i]->conf.vrid == c->vrid)
            return refuse(err, errlen, "%s: VRID %u is already used on %s by %s", c->name, c->vrid,
                          c->interface, d->inst[i]->conf.name);
    struct netif *vip_nif[VRRP_MAX_VIPS];
    for (int i = 0; i < c->nvips; i++) {
        vip_nif[i] = c->vip_dev[i][0] ? host_netif(d->h, c->vip_dev[i]) : nif;
        if (!vip_nif[i] || (vip_nif[i]->flags & NETIF_LOOPBACK))
            return refuse(err, errlen, "%s: virtual_ipaddress dev %s: no such interface", c->name, c->vip_dev[i]);
    }
    struct vrrp_instance *vi = xcalloc(1, sizeof *vi);
    memcpy(vi->vip_nif, vip_nif, sizeof vip_nif[0] * (size_t)c->nvips);
    vi->d = d;
    vi->conf = *c;
    vi->nif = nif;
    vi->saddr = nif->addrs[0].addr;
    vi->state = VRRP_STATE_INIT;
    vi->priority = c->priority;
    vi->group = -1;
    vi->master_adver_int = c->advert_int;
    rt_timer_init(&vi->timer, on_timer, vi);
    rt_timer_init(&vi->garp_timer, vrrp_garp_burst, vi);
    d->inst[d->ninst++] = vi;
    return vi;
}

int vrrp_sync_group_add(struct vrrp_daemon *d, struct vrrp_instance *const *members, int n, char *err,
                        size_t errlen)
{
    if (d->ngroups == VRRP_MAX_GROUPS) {
        snprintf(err, errlen, "more than %d sync groups", VRRP_MAX_GROUPS);
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (members[i]->d != d || members[i]->group >= 0) {
            snprintf(err, errlen, "%s is already in a sync group", members[i]->conf.name);
            return -1;
        }
    for (int i = 0; i < n; i++)
        members[i]->group = d->ngroups;
    d->ngroups++;
    return 0;
}

void vrrp_daemon_start(struct vrrp_daemon *d)
{
    vrrp_scripts_start(d);
    for (int i = 0; i < d->ninst; i++)
        vrrp_track_eval(d->inst[i]);
    for (int i = 0; i < d->ninst; i++)
        instance_start(d->inst[i]);
}

void vrrp_daemon_stop(struct vrrp_daemon *d, bool graceful)
{
    vrrp_scripts_stop(d);
    for (int i = 0; i < d->ninst; i++)
        instance_stop(d->inst[i], graceful);
}

struct vrrp_instance *vrrp_instance_find(struct vrrp_daemon *d, const char *name)
{
    for (int i = 0; i < d->ninst; i++)
        if (!strcmp(d->inst[i]->conf.name, name))
            return d->inst[i];
    return NULL;
}

const uint64_t *vrrp_daemon_drops(const struct vrrp_daemon *d) { return d->drops; }
