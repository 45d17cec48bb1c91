/*
 * Packet buffers. A buffer keeps headroom in front of its data so headers can
 * be pushed (Ethernet, an outer IPv4 header for IP-in-IP) without copying.
 * Buffers come from a pool owned by the world; the per-packet path never
 * mallocs. Ownership: a function handed a packet passes it on or frees it.
 */
#ifndef NET_PKT_H
#define NET_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/simtime.h"

#define PKT_HEADROOM 128u          /* room for Ethernet + outer IPv4 and more */
#define PKT_SMALL_SIZE 2048u       /* whole buffer of a small packet */
#define PKT_LARGE_SIZE (65536u + 256u) /* reassembled datagrams, jumbo frames */

struct netif;
struct pkt_pool;
struct pkt;

/* A sender that charges its packets to itself until the device is done
 * with them (Linux's skb->sk and its destructor, which TCP Small Queues
 * rests on). release() gets the charge back once: when the device
 * completes the frame (pkt_orphan, sent true), or when the packet is freed
 * before that (dropped on the way, sent false). */
struct pkt_owner {
    void (*release)(struct pkt_owner *o, uint32_t charge, bool sent);
};

/* The work a NIC would finish for the packet: a transport checksum left
 * partial (the pseudo-header sum stored in its field, the rest to add) and
 * a GSO super-packet to cut into segments of gso_size payload bytes (its
 * checksum is always partial). Only a TAP with offloads (emu/tap.c) sets
 * it; in the simulator it stays zero. net/sw_offload.h does the work in
 * software where a path cannot leave it to the device. */
enum pkt_gso_type {
    PKT_GSO_NONE  = 0,
    PKT_GSO_TCPV4 = 1,
    PKT_GSO_ECN   = 0x80,          /* with TCPV4: the first segment carries CWR */
};

struct pkt_offload {
    bool csum_partial;
    uint8_t gso_type;          /* enum pkt_gso_type */
    uint16_t gso_size;         /* 0: not GSO */
    uint16_t csum_start;       /* offset from head of the first checksummed byte */
    uint16_t csum_offset;      /* the checksum field, from csum_start */
};

struct pkt {
    struct pkt *next;          /* link while the packet sits in a queue */
    struct pkt_pool *pool;
    uint8_t *head;             /* start of the buffer */
    uint8_t *data;             /* current first byte */
    uint32_t len;              /* bytes from data */
    uint32_t size;             /* bytes in the buffer from head */
    uint16_t l3;               /* offset of the IP header from head */
    uint16_t l4;               /* offset of the transport header from head */
    struct netif *in_if;       /* interface it came in on, or NULL */
    uint32_t mark;             /* firewall mark (IPVS fwmark services) */
    uint32_t hint;             /* what the host's look ahead at a burst found for this frame (host_prefetch),
                                  for its hooks to check, never to trust; 0: nothing */
    sim_time_t stamp;          /* free for the holder: enqueue time, send time */
    struct pkt_offload off;
    struct pkt_owner *owner;   /* charged to a sender until sent or freed, or NULL */
    uint32_t charge;           /* what the owner gets back */
};

struct pkt_pool *pkt_pool_new(void);
/* Frees the pool; returns the number of packets that were still live (leaks). */
size_t pkt_pool_free(struct pkt_pool *pool);
size_t pkt_pool_live(const struct pkt_pool *pool);

/* A packet with `len` bytes of (uninitialised) data after PKT_HEADROOM. */
struct pkt *pkt_alloc(struct pkt_pool *pool, uint32_t len);
void pkt_free(struct pkt *p);
/* A full copy with the same headroom and metadata (no owner: the copy is
 * not charged to the sender). */
struct pkt *pkt_clone(const struct pkt *p);

/* Charge p to owner until it is sent or freed. */
static inline void pkt_set_owner(struct pkt *p, struct pkt_owner *o, uint32_t charge)
{
    p->owner = o;
    p->charge = charge;
}

/* The device is done with the frame (its transmit completion, Linux's
 * skb_orphan at TX completion or in a virtual device's xmit): the owner
 * gets its charge back and may send more at once, so the world calls it
 * when its transmit queue is ready for another frame. */
static inline void pkt_orphan(struct pkt *p)
{
    struct pkt_owner *o = p->owner;
    if (o) {
        p->owner = NULL;
        o->release(o, p->charge, true);
    }
}

static inline bool pkt_is_gso(const struct pkt *p) { return p->off.gso_size != 0; }
/* A checksum or segmentation left for the device to finish. */
static inline bool pkt_has_offload(const struct pkt *p) { return p->off.csum_partial || p->off.gso_size; }

static inline uint32_t pkt_headroom(const struct pkt *p) { return (uint32_t)(p->data - p->head); }
static inline uint32_t pkt_tailroom(const struct pkt *p)
{
    return p->size - pkt_headroom(p) - p->len;
}

/* Prepend n bytes; NULL if the headroom is too small (nothing changes). */
static inline uint8_t *pkt_push(struct pkt *p, uint32_t n)
{
    if (pkt_headroom(p) < n)
        return NULL;
    p->data -= n;
    p->len += n;
    return p->data;
}

/* Remove n bytes from the front; NULL if there are fewer (nothing changes). */
static inline uint8_t *pkt_pull(struct pkt *p, uint32_t n)
{
    if (p->len < n)
        return NULL;
    p->data += n;
    p->len -= n;
    return p->data;
}

/* Append n bytes at the tail; NULL if the tailroom is too small. */
static inline uint8_t *pkt_put(struct pkt *p, uint32_t n)
{
    if (pkt_tailroom(p) < n)
        return NULL;
    uint8_t *tail = p->data + p->len;
    p->len += n;
    return tail;
}

/* Cut the data to len bytes (no-op if it is already shorter). */
static inline void pkt_trim(struct pkt *p, uint32_t len)
{
    if (len < p->len)
        p->len = len;
}

static inline void pkt_set_l3(struct pkt *p) { p->l3 = (uint16_t)(p->data - p->head); }
static inline void pkt_set_l4(struct pkt *p) { p->l4 = (uint16_t)(p->data - p->head); }
static inline uint8_t *pkt_l3(const struct pkt *p) { return p->head + p->l3; }
static inline uint8_t *pkt_l4(const struct pkt *p) { return p->head + p->l4; }

/* A FIFO of packets linked through pkt->next. */
struct pkt_queue {
    struct pkt *first, *last;
    uint32_t count;
    uint64_t bytes;
};

static inline void pkt_queue_push(struct pkt_queue *q, struct pkt *p)
{
    p->next = NULL;
    if (q->last)
        q->last->next = p;
    else
        q->first = p;
    q->last = p;
    q->count++;
    q->bytes += p->len;
}

static inline struct pkt *pkt_queue_pop(struct pkt_queue *q)
{
    struct pkt *p = q->first;
    if (p) {
        q->first = p->next;
        if (!q->first)
            q->last = NULL;
        q->count--;
        q->bytes -= p->len;
        p->next = NULL;
    }
    return p;
}

/* Free every packet in the queue. */
void pkt_queue_purge(struct pkt_queue *q);

#endif
