/*
 * The director's connection table (ip_vs_conn.c): an entry per client
 * connection binding it to a dest, hashed by its client tuple (packets from
 * the client) and, when the director sees replies (NAT, FULLNAT), by its
 * reply tuple (packets from the real server). Persistence templates are
 * entries too, with client port 0 and the TEMPLATE flag.
 *
 * Entries come from a pool in chunks (no malloc per connection) and expire
 * through one wheel on a single timer of the clock seam: a packet that
 * pushes a deadline back only stores it, and the wheel re-files the entry
 * when its slot comes up. An entry is 120 bytes: a 64-byte hot line and
 * 56 cold bytes kept apart. The indexes' buckets hold 32-bit references to
 * entries, not pointers: half the memory, so more of a big index stays in
 * cache.
 */
#ifndef LVS_CONN_H
#define LVS_CONN_H

#include "lvs/ipvs.h"

struct pkt;
struct ipvs_conn;

/* The forwarding method, as ip_vs_bind_xmit binds it: takes the packet
 * (data at the IPv4 header) and passes it on or frees it. An entry's fwd,
 * bound at creation, picks it (ipvs_xmit_for), so it costs the entry no
 * pointer. */
typedef void (*ipvs_xmit_fn)(struct ipvs *ipvs, struct ipvs_conn *cp, struct pkt *p);

/* Connection flags (the kernel's IP_VS_CONN_F_* that matter here). */
#define IPVS_CONN_F_TEMPLATE   0x0001u   /* a persistence template */
#define IPVS_CONN_F_INACTIVE   0x0002u   /* counted in the dest's inactconns */
#define IPVS_CONN_F_NOOUTPUT   0x0004u   /* DR/TUN: replies bypass the director */
#define IPVS_CONN_F_TOA_DONE   0x0008u   /* FULLNAT: no more TOA (until a SYN-ACK) */
#define IPVS_CONN_F_NFCT       0x0010u   /* tracked by conntrack (sysctl conntrack) */
#define IPVS_CONN_F_SYNC       0x0020u   /* created by connection sync on a backup */
#define IPVS_CONN_F_DEAD       0x0040u   /* out of the table; its memory waits for its wheel slot */
#define IPVS_CONN_F_SYNPROXY   0x0080u   /* made by the SYN proxy: sequence numbers are translated */

/* The hot part of an entry, all a packet of an established connection
 * reads or writes: one cache line, aligned. The rest (index and wheel
 * links, templates, sync) lives apart in struct ipvs_conn_cold, reached
 * with ipvs_conn_cold(). */
struct ipvs_conn {
    struct ipvs_conn *in_next;       /* chain in the client-tuple index */
    uint32_t caddr, vaddr;           /* client, virtual */
    uint16_t cport, vport;
    uint8_t protocol;
    uint8_t state;                   /* enum ipvs_tcp_state for TCP; 0 otherwise */
    uint8_t fwd;                     /* enum ipvs_fwd, bound at creation: picks the xmit */
    uint8_t flags;                   /* IPVS_CONN_F_* */
    uint16_t dport, lport;
    uint32_t daddr, laddr;           /* dest, FULLNAT local */
    uint32_t ref;                    /* its reference in the index buckets, fixed with its memory */
    struct ipvs_dest *dest;
    sim_time_t expires;
    uint32_t timeout_ms;             /* of the current state */
    uint32_t in_pkts;                /* packets from the client, for connection sync */
} __attribute__((aligned(64)));

struct ipvs_conn_cold {
    struct ipvs_conn *out_next;      /* chain in the reply-tuple index */
    struct ipvs_conn *wheel_next;    /* in its expiry slot; free list when unused */
    struct ipvs_conn **wheel_pprev;  /* the link that points at it there */
    struct ipvs_conn *control;       /* the template this connection was scheduled by */
    uint32_t n_control;              /* connections that hold this template */
    uint8_t old_state;               /* the state connection sync last sent */
    bool hashed_out;                 /* in the reply-tuple index */
    /* SYN proxy (lvs/synproxy.c): the cookie ISN until the real server's
     * SYN-ACK, then the delta from its ISN to the cookie; and the client's
     * packets held until that SYN-ACK (linked through pkt->next) */
    uint32_t synproxy_seq;
    /* FULLNAT (lvs/xmit.c): the acknowledgement number of the client's
     * segments that take TOA, the server's ISN + 1 in the client's space
     * (the patch's fnat_seq.fdata_seq); in what was padding */
    uint32_t fullnat_ack;
    struct pkt *synproxy_held;
};

_Static_assert(sizeof(struct ipvs_conn) == 64, "the hot part of an entry is one cache line");

/* Entries come in 2 MB chunks, aligned on their size: the hot parts
 * first, then the cold parts in the same order. */
#define IPVS_CONN_CHUNK_BYTES (2u << 20)
#define IPVS_CONN_PER_CHUNK \
    (IPVS_CONN_CHUNK_BYTES / (sizeof(struct ipvs_conn) + sizeof(struct ipvs_conn_cold)))

static inline struct ipvs_conn_cold *ipvs_conn_cold(const struct ipvs_conn *c)
{
    uintptr_t a = (uintptr_t)c, base = a & ~(uintptr_t)(IPVS_CONN_CHUNK_BYTES - 1);
    size_t i = (a - base) / sizeof(struct ipvs_conn);
    return (struct ipvs_conn_cold *)(base + IPVS_CONN_PER_CHUNK * sizeof(struct ipvs_conn)) + i;
}

/* The table. Its fields are conn.c's; it is defined here so that a
 * lookup's first step, the look ahead's hint, is taken inline. An entry's
 * reference is its chunk and its slot there, plus one (0 is none). */
#define IPVS_CONN_WHEEL_SLOTS 1024u
#define IPVS_CONN_REF_SLOT_BITS 15
_Static_assert(IPVS_CONN_PER_CHUNK < 1u << IPVS_CONN_REF_SLOT_BITS,
               "a chunk's slots fit a reference, and the all-ones slot (of reference 0) is none");

struct ipvs_conn_index {
    uint32_t *buckets;                  /* the reference of each chain's first entry */
    unsigned bits;
    size_t count;
};

struct ipvs_conn_table {
    struct ipvs *ipvs;
    uint64_t seed;
    struct ipvs_conn_index in, out;
    size_t count_max;                   /* high-water mark of in.count */
    struct ipvs_conn *free_list;
    void **chunks;
    size_t nchunks, live;
    struct ipvs_conn *wheel[IPVS_CONN_WHEEL_SLOTS];
    int64_t tick;                       /* the last tick processed */
    struct rt_timer timer;
};

static inline struct ipvs_conn *ipvs_conn_at(const struct ipvs_conn_table *t, uint32_t ref)
{
    if (!ref)
        return NULL;
    ref--;
    return (struct ipvs_conn *)t->chunks[ref >> IPVS_CONN_REF_SLOT_BITS] +
           (ref & ((1u << IPVS_CONN_REF_SLOT_BITS) - 1));
}

/* A reference that names an entry of this table (any value may come as a
 * hint). 0 needs no test of its own: its slot, all ones, is past a chunk. */
static inline bool ipvs_conn_ref_valid(const struct ipvs_conn_table *t, uint32_t ref)
{
    uint32_t r = ref - 1;
    return r >> IPVS_CONN_REF_SLOT_BITS < t->nchunks &&
           (r & ((1u << IPVS_CONN_REF_SLOT_BITS) - 1)) < IPVS_CONN_PER_CHUNK;
}

static inline bool ipvs_conn_tuple_is(const struct ipvs_conn *c, uint8_t protocol, uint32_t caddr,
                                      uint16_t cport, uint32_t vaddr, uint16_t vport)
{
    return c->caddr == caddr && c->cport == cport && c->vaddr == vaddr && c->vport == vport &&
           c->protocol == protocol;
}

/* A connection's entry out of the index is DEAD (templates are not looked
 * up by a packet), and no two in it hold one client tuple: an entry that
 * holds the tuple and is neither is the packet's. */
static inline bool ipvs_conn_live_with_tuple(const struct ipvs_conn *c, uint8_t protocol, uint32_t caddr,
                                             uint16_t cport, uint32_t vaddr, uint16_t vport)
{
    return ipvs_conn_tuple_is(c, protocol, caddr, cport, vaddr, vport) &&
           !(c->flags & (IPVS_CONN_F_TEMPLATE | IPVS_CONN_F_DEAD));
}

static inline uint64_t ipvs_conn_mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

/* A tuple's bucket in an index of 2^bits. */
static inline size_t ipvs_conn_tuple_hash(const struct ipvs_conn_table *t, unsigned bits, uint8_t proto,
                                          uint32_t a1, uint16_t p1, uint32_t a2, uint16_t p2)
{
    uint64_t x = ((uint64_t)a1 << 32 | a2) ^ t->seed;
    uint64_t y = (uint64_t)proto << 32 | (uint64_t)p1 << 16 | p2;
    return (size_t)(ipvs_conn_mix64(x ^ ipvs_conn_mix64(y)) >> (64 - bits));
}

/* The client-tuple index's bucket of a packet from a client (the look
 * ahead's first stage: inline, so the tuple it parsed stays in registers). */
static inline const uint32_t *ipvs_conn_in_bucket(const struct ipvs_conn_table *t, const struct ipvs_tuple *u)
{
    return &t->in.buckets[ipvs_conn_tuple_hash(t, t->in.bits, u->protocol, u->saddr, u->sport, u->daddr, u->dport)];
}

/* What a new connection is created from. */
struct ipvs_conn_param {
    uint8_t protocol;
    uint32_t caddr, vaddr, daddr, laddr;
    uint16_t cport, vport, dport, lport;
    uint16_t flags;
    uint8_t fwd;
};

struct ipvs_conn_table *ipvs_conn_table_new(struct ipvs *ipvs, uint64_t hash_seed);
/* Frees every entry (dests are let go) and the table. */
void ipvs_conn_table_free(struct ipvs *ipvs);

/* A new entry bound to dest (counters and overload as ip_vs_bind_dest),
 * indexed by its client tuple, and by its reply tuple unless it has
 * NOOUTPUT; it expires after timeout_ms unless refreshed. dest may be NULL
 * for an entry that connection sync made while the backup lacked the real
 * server (the kernel keeps those unbound but forwarding). */
struct ipvs_conn *ipvs_conn_new(struct ipvs *ipvs, const struct ipvs_conn_param *p,
                                struct ipvs_dest *dest, uint32_t timeout_ms);

/* Bind an entry that connection sync made without a dest, now that the
 * dest is there (ip_vs_try_bind_dest). */
void ipvs_conn_bind_dest(struct ipvs_conn *cp, struct ipvs_dest *dest);

/* ipvs_conn_in_get past the hint: the entries from `from` on, then the
 * index. */
struct ipvs_conn *ipvs_conn_in_get_from(struct ipvs *ipvs, struct ipvs_conn *from, uint8_t protocol,
                                        uint32_t caddr, uint16_t cport, uint32_t vaddr, uint16_t vport);

/* A packet from the client: protocol, client, virtual. hint is the
 * reference of an entry that may be the packet's or lead to it (what the
 * look ahead found: pkt->hint, the first entry of the packet's chain then):
 * the entries from it on are taken when one holds that tuple and is in the
 * index; otherwise, or with 0, the index is searched. An entry out of the
 * index keeps the link it had when it left, to one that was in it then, so
 * a walk from any entry ends (in the index or at a NULL). The hint itself
 * is checked inline: it is the packet's entry for most packets. */
static inline struct ipvs_conn *ipvs_conn_in_get(struct ipvs *ipvs, uint32_t hint, uint8_t protocol,
                                                 uint32_t caddr, uint16_t cport, uint32_t vaddr, uint16_t vport)
{
    const struct ipvs_conn_table *t = ipvs->conns;
    struct ipvs_conn *from = NULL;
    if (ipvs_conn_ref_valid(t, hint)) {
        struct ipvs_conn *c = ipvs_conn_at(t, hint);
        if (ipvs_conn_live_with_tuple(c, protocol, caddr, cport, vaddr, vport))
            return c;
        from = c->in_next;
    }
    return ipvs_conn_in_get_from(ipvs, from, protocol, caddr, cport, vaddr, vport);
}
/* A packet from a real server: protocol, its source (dest) and destination
 * (the client under NAT, the local address under FULLNAT). */
struct ipvs_conn *ipvs_conn_out_get(struct ipvs *ipvs, uint8_t protocol, uint32_t saddr,
                                    uint16_t sport, uint32_t daddr, uint16_t dport);
/* The look ahead's later stages for n packets from clients (n <=
 * HOST_BURST_MAX), given their buckets (ipvs_conn_in_bucket, fetched by
 * the caller; NULL: not a client's packet): the first entry in each, then
 * the next entry in each chain, without checking whether the first is the
 * packet's (the check costs more than a line fetched for nothing). Each
 * stage runs over all the packets, so its misses overlap. hints[i] is the
 * first entry's reference, or 0, for ipvs_conn_in_get: the table may
 * change before it is used. */
#ifdef __clang__                       /* clang has no access attribute */
#define IPVS_PREFETCH_ACCESS
#else                                   /* n buckets read, n hints written: no more need be set */
#define IPVS_PREFETCH_ACCESS __attribute__((access(read_only, 2, 4), access(write_only, 3, 4)))
#endif
void ipvs_conn_prefetch_burst(const struct ipvs *ipvs, const uint32_t *const *buckets, uint32_t *hints,
                              unsigned n) IPVS_PREFETCH_ACCESS;
/* A template: client (masked) and virtual service, port 0 for the client. */
struct ipvs_conn *ipvs_conn_template_get(struct ipvs *ipvs, uint8_t protocol, uint32_t caddr,
                                         uint32_t vaddr, uint16_t vport);
/* Let a controlled connection hold its template. */
void ipvs_conn_set_control(struct ipvs_conn *cp, struct ipvs_conn *tmpl);

/* Refresh: the entry lives timeout_ms from now. A later deadline only
 * changes a field (the wheel re-files the entry when its slot comes up); an
 * earlier one moves the entry to an earlier slot at once. */
void ipvs_conn_touch_slow(struct ipvs *ipvs, struct ipvs_conn *cp);
static inline void ipvs_conn_touch(struct ipvs *ipvs, struct ipvs_conn *cp, sim_time_t now)
{
    sim_time_t old = cp->expires;
    cp->expires = now + (sim_time_t)cp->timeout_ms * SIM_MS;
    if (cp->expires < old)
        ipvs_conn_touch_slow(ipvs, cp);
}
/* ip_vs_check_template's invalidation: the template is hashed again
 * with ports 65535 (client port 0), so no new connection finds it; it
 * stays listed, and expires when its time is up (not restarted). */
void ipvs_conn_invalidate_template(struct ipvs *ipvs, struct ipvs_conn *cp);

/* A template's state (the kernel's IP_VS_CTPL_S_*): ASSURED once a
 * connection it controls is ESTABLISHED (TCP) or has had a reply (UDP). */
#define IPVS_CTPL_S_ASSURED 1u
static inline void ipvs_conn_assure_template(struct ipvs_conn *cp)
{
    struct ipvs_conn *ct = ipvs_conn_cold(cp)->control;
    if (ct)
        ct->state |= IPVS_CTPL_S_ASSURED;
}

/* Expire at once (ip_vs_conn_expire_now): gone before the next packet. */
void ipvs_conn_expire_now(struct ipvs *ipvs, struct ipvs_conn *cp);

/* expire_nodest_conn (ip_vs_expire_nodest_conn_flush): every connection
 * of a deleted dest that controls none expires now, and with it its
 * template once that controls no other. */
void ipvs_conn_flush_nodest(struct ipvs *ipvs);

/* Entries in the table (templates included), and bytes it holds. */
size_t ipvs_conn_count(const struct ipvs *ipvs);
/* The most entries held at once since the table was made or the mark reset
 * (which starts it again from the entries held now). */
size_t ipvs_conn_count_max(const struct ipvs *ipvs);
void ipvs_conn_count_max_reset(struct ipvs *ipvs);
size_t ipvs_conn_memory(const struct ipvs *ipvs);

/* Visit every entry (for ipvsadm -L -c and connection sync), in index order. */
void ipvs_conn_foreach(struct ipvs *ipvs, void (*fn)(void *ctx, const struct ipvs_conn *cp), void *ctx);

#endif
