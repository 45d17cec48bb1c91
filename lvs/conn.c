/*
 * The connection table: pooled entries, two chained hash indexes that
 * double as they fill, dest binding with the kernel's counters and overload
 * rule, templates, and the expiry wheel.
 */
#include "lvs/conn.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "engine/xalloc.h"
#include "lvs/synproxy.h"
#include "net/host.h"

#define HUGE_PAGE IPVS_CONN_CHUNK_BYTES
#define CONN_CHUNK IPVS_CONN_PER_CHUNK  /* entries per pool allocation */
#define WHEEL_TICK (SIM_S / 32)         /* expiry precision: 31.25 ms */
#define INDEX_MIN_BITS 12               /* the kernel's default table: 4096 */
#define IPVS_CONN_EXPIRE_LATER_MS 60000u
#define REF_MAX_CHUNKS ((size_t)1 << (32 - IPVS_CONN_REF_SLOT_BITS))

static inline uint32_t ref_of(const struct ipvs_conn *c) { return c ? c->ref : 0; }


static inline size_t in_hash(const struct ipvs_conn_table *t, const struct ipvs_conn *c)
{
    return ipvs_conn_tuple_hash(t, t->in.bits, c->protocol, c->caddr, c->cport, c->vaddr, c->vport);
}

/* The reply tuple: from the dest to the client (NAT) or the local address (FULLNAT). */
static inline uint32_t reply_daddr(const struct ipvs_conn *c) { return c->laddr ? c->laddr : c->caddr; }
static inline uint16_t reply_dport(const struct ipvs_conn *c) { return c->laddr ? c->lport : c->cport; }

static inline size_t out_hash(const struct ipvs_conn_table *t, const struct ipvs_conn *c)
{
    return ipvs_conn_tuple_hash(t, t->out.bits, c->protocol, c->daddr, c->dport, reply_daddr(c), reply_dport(c));
}

/* Zeroed memory on 2 MB pages where it is that large: a million
 * connections touched at random would otherwise miss the TLB on most
 * lookups. */
static void *big_zalloc(size_t bytes)
{
    if (bytes < HUGE_PAGE)
        return xcalloc(1, bytes);
    size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = aligned_alloc(HUGE_PAGE, rounded);
    if (!p)
        xalloc_fail("connection table");
    madvise(p, rounded, MADV_HUGEPAGE);
    memset(p, 0, bytes);
    return p;
}

static void index_init(struct ipvs_conn_index *ix)
{
    ix->bits = INDEX_MIN_BITS;
    ix->buckets = big_zalloc(sizeof *ix->buckets << ix->bits);
    ix->count = 0;
}

/* Double an index (hash_in and hash_out do when it is half full). */
static void index_grow(struct ipvs_conn_table *t, struct ipvs_conn_index *ix, bool out)
{
    size_t old_n = (size_t)1 << ix->bits;
    uint32_t *old = ix->buckets;
    ix->bits++;
    ix->buckets = big_zalloc(old_n * 2 * sizeof *ix->buckets);
    for (size_t i = 0; i < old_n; i++) {
        struct ipvs_conn *c = ipvs_conn_at(t, old[i]), *next;
        for (; c; c = next) {
            uint32_t *head;
            if (out) {
                next = ipvs_conn_cold(c)->out_next;
                head = &ix->buckets[out_hash(t, c)];
                ipvs_conn_cold(c)->out_next = ipvs_conn_at(t, *head);
            } else {
                next = c->in_next;
                head = &ix->buckets[in_hash(t, c)];
                c->in_next = ipvs_conn_at(t, *head);
            }
            *head = c->ref;
        }
    }
    free(old);
}

static void hash_in(struct ipvs_conn_table *t, struct ipvs_conn *c)
{
    if (t->in.count >= (size_t)1 << (t->in.bits - 1))     /* half full: most chains hold one */
        index_grow(t, &t->in, false);
    uint32_t *head = &t->in.buckets[in_hash(t, c)];
    c->in_next = ipvs_conn_at(t, *head);
    *head = c->ref;
    if (++t->in.count > t->count_max)
        t->count_max = t->in.count;
}

static void hash_out(struct ipvs_conn_table *t, struct ipvs_conn *c)
{
    if (t->out.count >= (size_t)1 << (t->out.bits - 1))
        index_grow(t, &t->out, true);
    uint32_t *head = &t->out.buckets[out_hash(t, c)];
    ipvs_conn_cold(c)->out_next = ipvs_conn_at(t, *head);
    *head = c->ref;
    ipvs_conn_cold(c)->hashed_out = true;
    t->out.count++;
}

static void unhash(struct ipvs_conn_table *t, struct ipvs_conn *c)
{
    uint32_t *head = &t->in.buckets[in_hash(t, c)];
    if (*head == c->ref) {
        *head = ref_of(c->in_next);
        t->in.count--;
    } else {
        struct ipvs_conn *prev = ipvs_conn_at(t, *head);
        while (prev && prev->in_next != c)
            prev = prev->in_next;
        if (prev) {
            prev->in_next = c->in_next;
            t->in.count--;
        }
    }
    if (ipvs_conn_cold(c)->hashed_out) {
        head = &t->out.buckets[out_hash(t, c)];
        if (*head == c->ref) {
            *head = ref_of(ipvs_conn_cold(c)->out_next);
        } else {
            struct ipvs_conn *prev = ipvs_conn_at(t, *head);
            while (ipvs_conn_cold(prev)->out_next != c)
                prev = ipvs_conn_cold(prev)->out_next;
            ipvs_conn_cold(prev)->out_next = ipvs_conn_cold(c)->out_next;
        }
        t->out.count--;
        ipvs_conn_cold(c)->hashed_out = false;
    }
}

static struct ipvs_conn *conn_alloc(struct ipvs_conn_table *t)
{
    if (!t->free_list) {
        /* CONN_CHUNK entries on one huge page, aligned on it (see ipvs_conn_cold) */
        if (t->nchunks == REF_MAX_CHUNKS)
            xalloc_fail("connection table");
        struct ipvs_conn *chunk = big_zalloc(HUGE_PAGE);
        t->chunks = xrealloc(t->chunks, (t->nchunks + 1) * sizeof *t->chunks);
        t->chunks[t->nchunks++] = chunk;
        for (size_t i = CONN_CHUNK; i-- > 0;) {
            chunk[i].ref = (uint32_t)((t->nchunks - 1) << IPVS_CONN_REF_SLOT_BITS | i) + 1;
            ipvs_conn_cold(&chunk[i])->wheel_next = t->free_list;
            t->free_list = &chunk[i];
        }
    }
    struct ipvs_conn *c = t->free_list;
    t->free_list = ipvs_conn_cold(c)->wheel_next;
    t->live++;
    return c;
}

static void conn_release(struct ipvs_conn_table *t, struct ipvs_conn *c)
{
    ipvs_conn_cold(c)->wheel_next = t->free_list;
    t->free_list = c;
    t->live--;
}

/* ip_vs_bind_dest: a new connection counts as inactive until ESTABLISHED. */
static void bind_dest(struct ipvs_conn *c, struct ipvs_dest *d)
{
    ipvs_dest_hold(d);
    c->dest = d;
    if (c->flags & IPVS_CONN_F_TEMPLATE)
        d->persistconns++;
    else if (c->flags & IPVS_CONN_F_INACTIVE)
        d->inactconns++;
    else
        d->activeconns++;
    if (d->u_threshold && d->activeconns + d->inactconns >= d->u_threshold)
        d->overloaded = true;
}

/* ip_vs_unbind_dest: counters back, and the overload lifted below the lower
 * threshold (or 3/4 of the upper one when there is no lower). */
static void unbind_dest(struct ipvs *ipvs, struct ipvs_conn *c)
{
    struct ipvs_dest *d = c->dest;
    if (!d)
        return;
    if (c->flags & IPVS_CONN_F_TEMPLATE)
        d->persistconns--;
    else if (c->flags & IPVS_CONN_F_INACTIVE)
        d->inactconns--;
    else
        d->activeconns--;
    uint32_t total = d->activeconns + d->inactconns;
    if (d->l_threshold) {
        if (total < d->l_threshold)
            d->overloaded = false;
    } else if (d->u_threshold) {
        if (total * 4 < d->u_threshold * 3)
            d->overloaded = false;
    } else {
        d->overloaded = false;
    }
    c->dest = NULL;
    ipvs_dest_put(ipvs, d);
}

static int64_t tick_of(sim_time_t t) { return (int64_t)((t + WHEEL_TICK - 1) / WHEEL_TICK); }

static void wheel_file(struct ipvs_conn_table *t, struct ipvs_conn *c)
{
    int64_t k = tick_of(c->expires);
    if (k <= t->tick)
        k = t->tick + 1;
    struct ipvs_conn **slot = &t->wheel[(uint64_t)k % IPVS_CONN_WHEEL_SLOTS];
    ipvs_conn_cold(c)->wheel_next = *slot;
    if (*slot)
        ipvs_conn_cold((*slot))->wheel_pprev = &ipvs_conn_cold(c)->wheel_next;
    ipvs_conn_cold(c)->wheel_pprev = slot;
    *slot = c;
}

static void wheel_unlink(struct ipvs_conn *c)
{
    *ipvs_conn_cold(c)->wheel_pprev = ipvs_conn_cold(c)->wheel_next;
    if (ipvs_conn_cold(c)->wheel_next)
        ipvs_conn_cold(ipvs_conn_cold(c)->wheel_next)->wheel_pprev = ipvs_conn_cold(c)->wheel_pprev;
}

void ipvs_conn_touch_slow(struct ipvs *ipvs, struct ipvs_conn *cp)
{
    wheel_unlink(cp);
    wheel_file(ipvs->conns, cp);
}

static void wheel_tick(void *arg);

static void wheel_start(struct ipvs_conn_table *t)
{
    if (rt_timer_armed(&t->timer))
        return;
    sim_time_t now = rt_now(t->ipvs->rt);
    t->tick = now / WHEEL_TICK;
    rt_timer_arm(t->ipvs->rt, &t->timer, (t->tick + 1) * WHEEL_TICK);
}

/* Unhash and unbind: the entry is out of the table, its memory waits in the
 * wheel until its slot comes up. */
static void conn_kill(struct ipvs *ipvs, struct ipvs_conn *c)
{
    if (c->flags & IPVS_CONN_F_SYNPROXY)
        ipvs_synproxy_forget(c);
    unhash(ipvs->conns, c);
    unbind_dest(ipvs, c);
    if (ipvs_conn_cold(c)->control) {
        ipvs_conn_cold(ipvs_conn_cold(c)->control)->n_control--;
        ipvs_conn_cold(c)->control = NULL;
    }
    c->timeout_ms = 0;
    c->flags |= IPVS_CONN_F_INACTIVE | IPVS_CONN_F_DEAD;
}

static void wheel_tick(void *arg)
{
    struct ipvs_conn_table *t = arg;
    struct ipvs *ipvs = t->ipvs;
    t->tick++;
    sim_time_t now = t->tick * WHEEL_TICK;
    /* detach the slot: entries due a whole turn later come back into it */
    struct ipvs_conn **slot = &t->wheel[(uint64_t)t->tick % IPVS_CONN_WHEEL_SLOTS], *due = *slot;
    *slot = NULL;
    if (due)
        ipvs_conn_cold(due)->wheel_pprev = &due;
    while (due) {
        struct ipvs_conn *c = due;
        wheel_unlink(c);
        bool dead = c->flags & IPVS_CONN_F_DEAD;
        if (!dead && c->expires <= now) {
            if (ipvs_conn_cold(c)->n_control) {
                /* a template lives while it controls: ip_vs_conn_expire's
                 * expire_later re-arms it for 60 s, and that stays its timeout */
                c->timeout_ms = IPVS_CONN_EXPIRE_LATER_MS;
                c->expires = now + (sim_time_t)c->timeout_ms * SIM_MS;
            } else
                conn_kill(ipvs, c);
        }
        if (c->flags & IPVS_CONN_F_DEAD)
            conn_release(t, c);
        else
            wheel_file(t, c);
    }
    if (t->live)
        rt_timer_arm(ipvs->rt, &t->timer, (t->tick + 1) * WHEEL_TICK);
}

struct ipvs_conn_table *ipvs_conn_table_new(struct ipvs *ipvs, uint64_t hash_seed)
{
    struct ipvs_conn_table *t = xcalloc(1, sizeof *t);
    t->ipvs = ipvs;
    t->seed = ipvs_conn_mix64(hash_seed);
    index_init(&t->in);
    index_init(&t->out);
    rt_timer_init(&t->timer, wheel_tick, t);
    ipvs->conns = t;
    return t;
}

void ipvs_conn_table_free(struct ipvs *ipvs)
{
    struct ipvs_conn_table *t = ipvs->conns;
    if (!t)
        return;
    rt_timer_cancel(ipvs->rt, &t->timer);
    for (unsigned s = 0; s < IPVS_CONN_WHEEL_SLOTS; s++)
        for (struct ipvs_conn *c = t->wheel[s]; c; c = ipvs_conn_cold(c)->wheel_next)
            if (!(c->flags & IPVS_CONN_F_DEAD)) {
                if (c->flags & IPVS_CONN_F_SYNPROXY)
                    ipvs_synproxy_forget(c);
                unbind_dest(ipvs, c);
                ipvs_conn_cold(c)->control = NULL;
            }
    for (size_t i = 0; i < t->nchunks; i++)
        free(t->chunks[i]);
    free(t->chunks);
    free(t->in.buckets);
    free(t->out.buckets);
    free(t);
    ipvs->conns = NULL;
}

struct ipvs_conn *ipvs_conn_new(struct ipvs *ipvs, const struct ipvs_conn_param *p,
                                struct ipvs_dest *dest, uint32_t timeout_ms)
{
    struct ipvs_conn_table *t = ipvs->conns;
    struct ipvs_conn *c = conn_alloc(t);
    *c = (struct ipvs_conn){
        .ref = c->ref,
        .caddr = p->caddr, .vaddr = p->vaddr, .daddr = p->daddr, .laddr = p->laddr,
        .cport = p->cport, .vport = p->vport, .dport = p->dport, .lport = p->lport,
        .protocol = p->protocol, .flags = (uint8_t)p->flags, .fwd = p->fwd, .timeout_ms = timeout_ms,
    };
    *ipvs_conn_cold(c) = (struct ipvs_conn_cold){ 0 };
    if (dest)
        bind_dest(c, dest);
    hash_in(t, c);
    if (!(c->flags & (IPVS_CONN_F_NOOUTPUT | IPVS_CONN_F_TEMPLATE)))
        hash_out(t, c);
    wheel_start(t);
    c->expires = rt_now(ipvs->rt) + (sim_time_t)timeout_ms * SIM_MS;
    wheel_file(t, c);
    return c;
}

void ipvs_conn_bind_dest(struct ipvs_conn *cp, struct ipvs_dest *dest)
{
    bind_dest(cp, dest);
}

struct ipvs_conn *ipvs_conn_in_get_from(struct ipvs *ipvs, struct ipvs_conn *from, uint8_t protocol,
                                        uint32_t caddr, uint16_t cport, uint32_t vaddr, uint16_t vport)
{
    const struct ipvs_conn_table *t = ipvs->conns;
    for (struct ipvs_conn *c = from; c; c = c->in_next)
        if (ipvs_conn_live_with_tuple(c, protocol, caddr, cport, vaddr, vport))
            return c;
    size_t bucket = ipvs_conn_tuple_hash(t, t->in.bits, protocol, caddr, cport, vaddr, vport);
    struct ipvs_conn *c = ipvs_conn_at(t, t->in.buckets[bucket]);
    for (; c; c = c->in_next)
        if (ipvs_conn_tuple_is(c, protocol, caddr, cport, vaddr, vport) && !(c->flags & IPVS_CONN_F_TEMPLATE))
            return c;
    return NULL;
}

void ipvs_conn_prefetch_burst(const struct ipvs *ipvs, const uint32_t *const *buckets, uint32_t *hints,
                              unsigned n)
{
    const struct ipvs_conn_table *t = ipvs->conns;
    /* a bucket holds the reference of its chain's first entry: the hint */
    const struct ipvs_conn *first[HOST_BURST_MAX];
    for (unsigned i = 0; i < n; i++) {
        hints[i] = buckets[i] ? *buckets[i] : 0;
        first[i] = ipvs_conn_at(t, hints[i]);
        if (first[i])
            __builtin_prefetch(first[i]);
    }
    for (unsigned i = 0; i < n; i++)
        if (first[i] && first[i]->in_next)
            __builtin_prefetch(first[i]->in_next);
}

struct ipvs_conn *ipvs_conn_out_get(struct ipvs *ipvs, uint8_t protocol, uint32_t saddr,
                                    uint16_t sport, uint32_t daddr, uint16_t dport)
{
    const struct ipvs_conn_table *t = ipvs->conns;
    size_t bucket = ipvs_conn_tuple_hash(t, t->out.bits, protocol, saddr, sport, daddr, dport);
    struct ipvs_conn *c = ipvs_conn_at(t, t->out.buckets[bucket]);
    for (; c; c = ipvs_conn_cold(c)->out_next)
        if (c->daddr == saddr && c->dport == sport && reply_daddr(c) == daddr &&
            reply_dport(c) == dport && c->protocol == protocol)
            return c;
    return NULL;
}

struct ipvs_conn *ipvs_conn_template_get(struct ipvs *ipvs, uint8_t protocol, uint32_t caddr,
                                         uint32_t vaddr, uint16_t vport)
{
    const struct ipvs_conn_table *t = ipvs->conns;
    size_t bucket = ipvs_conn_tuple_hash(t, t->in.bits, protocol, caddr, 0, vaddr, vport);
    struct ipvs_conn *c = ipvs_conn_at(t, t->in.buckets[bucket]);
    for (; c; c = c->in_next)
        if (c->caddr == caddr && c->cport == 0 && c->vaddr == vaddr && c->vport == vport &&
            c->protocol == protocol && (c->flags & IPVS_CONN_F_TEMPLATE))
            return c;
    return NULL;
}

void ipvs_conn_set_control(struct ipvs_conn *cp, struct ipvs_conn *tmpl)
{
    ipvs_conn_cold(cp)->control = tmpl;
    ipvs_conn_cold(tmpl)->n_control++;
}

void ipvs_conn_invalidate_template(struct ipvs *ipvs, struct ipvs_conn *cp)
{
    if (cp->vport == 0xffff)
        return;
    unhash(ipvs->conns, cp);
    cp->vport = cp->dport = 0xffff;
    cp->cport = 0;
    hash_in(ipvs->conns, cp);
}

void ipvs_conn_expire_now(struct ipvs *ipvs, struct ipvs_conn *cp)
{
    if (ipvs_conn_cold(cp)->n_control) {
        cp->timeout_ms = 0;
        ipvs_conn_touch(ipvs, cp, rt_now(ipvs->rt));
    } else {
        conn_kill(ipvs, cp);
    }
}

void ipvs_conn_flush_nodest(struct ipvs *ipvs)
{
    struct ipvs_conn_table *t = ipvs->conns;
    if (!t)
        return;
    for (size_t i = 0; i < (size_t)1 << t->in.bits; i++) {
        /* a killed entry keeps its link, and its memory until its wheel slot */
        for (struct ipvs_conn *c = ipvs_conn_at(t, t->in.buckets[i]), *next; c; c = next) {
            next = c->in_next;
            if ((c->flags & IPVS_CONN_F_DEAD) || !c->dest || c->dest->available ||
                ipvs_conn_cold(c)->n_control)
                continue;
            struct ipvs_conn *ctl = ipvs_conn_cold(c)->control;
            conn_kill(ipvs, c);
            if (ctl && !(ctl->flags & IPVS_CONN_F_DEAD) && !ipvs_conn_cold(ctl)->n_control)
                conn_kill(ipvs, ctl);
        }
    }
}

size_t ipvs_conn_count(const struct ipvs *ipvs)
{
    return ipvs->conns->in.count;
}

size_t ipvs_conn_count_max(const struct ipvs *ipvs)
{
    return ipvs->conns->count_max;
}

void ipvs_conn_count_max_reset(struct ipvs *ipvs)
{
    ipvs->conns->count_max = ipvs->conns->in.count;
}

size_t ipvs_conn_memory(const struct ipvs *ipvs)
{
    const struct ipvs_conn_table *t = ipvs->conns;
    return sizeof *t + t->nchunks * ((size_t)HUGE_PAGE + sizeof(void *)) +
           (((size_t)1 << t->in.bits) + ((size_t)1 << t->out.bits)) * sizeof *t->in.buckets;
}

void ipvs_conn_foreach(struct ipvs *ipvs, void (*fn)(void *ctx, const struct ipvs_conn *cp), void *ctx)
{
    const struct ipvs_conn_table *t = ipvs->conns;
    for (size_t i = 0; i < (size_t)1 << t->in.bits; i++)
        for (const struct ipvs_conn *c = ipvs_conn_at(t, t->in.buckets[i]); c; c = c->in_next)
            fn(ctx, c);
}
