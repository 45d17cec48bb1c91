/* Packet buffer pools: two size classes, free lists, chunked allocation. */
#include "net/pkt.h"

#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"

#define CHUNK_PKTS 64

struct pkt_class {
    uint32_t size;
    struct pkt *free;
    void **chunks;
    size_t nchunks;
};

struct pkt_pool {
    struct pkt_class small, large;
    size_t live;
};

struct pkt_pool *pkt_pool_new(void)
{
    struct pkt_pool *pool = xcalloc(1, sizeof *pool);
    pool->small.size = PKT_SMALL_SIZE;
    pool->large.size = PKT_LARGE_SIZE;
    return pool;
}

static void class_free(struct pkt_class *c)
{
    for (size_t i = 0; i < c->nchunks; i++)
        free(c->chunks[i]);
    free(c->chunks);
}

size_t pkt_pool_free(struct pkt_pool *pool)
{
    if (!pool)
        return 0;
    size_t live = pool->live;
    class_free(&pool->small);
    class_free(&pool->large);
    free(pool);
    return live;
}

size_t pkt_pool_live(const struct pkt_pool *pool) { return pool->live; }

/* One chunk holds CHUNK_PKTS descriptors, each followed by its buffer. */
static void class_grow(struct pkt_pool *pool, struct pkt_class *c)
{
    size_t stride = sizeof(struct pkt) + c->size;
    stride = (stride + 63) & ~(size_t)63;
    uint8_t *chunk = xmalloc(stride * CHUNK_PKTS);
    c->chunks = xrealloc(c->chunks, (c->nchunks + 1) * sizeof *c->chunks);
    c->chunks[c->nchunks++] = chunk;
    for (int i = CHUNK_PKTS - 1; i >= 0; i--) {
        struct pkt *p = (struct pkt *)(chunk + (size_t)i * stride);
        p->pool = pool;
        p->head = (uint8_t *)(p + 1);
        p->size = c->size;
        p->next = c->free;
        c->free = p;
    }
}

struct pkt *pkt_alloc(struct pkt_pool *pool, uint32_t len)
{
    struct pkt_class *c = len + PKT_HEADROOM <= PKT_SMALL_SIZE ? &pool->small : &pool->large;
    if (len + PKT_HEADROOM > c->size)
        return NULL;
    if (!c->free)
        class_grow(pool, c);
    struct pkt *p = c->free;
    c->free = p->next;
    p->next = NULL;
    p->data = p->head + PKT_HEADROOM;
    p->len = len;
    p->l3 = p->l4 = 0;
    p->in_if = NULL;
    p->mark = 0;
    p->hint = 0;
    p->stamp = 0;
    p->off = (struct pkt_offload){ 0 };
    p->owner = NULL;
    pool->live++;
    return p;
}

void pkt_free(struct pkt *p)
{
    if (!p)
        return;
    if (p->owner) {
        struct pkt_owner *o = p->owner;
        p->owner = NULL;
        o->release(o, p->charge, false);
    }
    struct pkt_pool *pool = p->pool;
    struct pkt_class *c = p->size == PKT_SMALL_SIZE ? &pool->small : &pool->large;
    p->next = c->free;
    c->free = p;
    pool->live--;
}

struct pkt *pkt_clone(const struct pkt *p)
{
    struct pkt *q = pkt_alloc(p->pool, p->len);
    if (!q)
        return NULL;
    uint32_t room = pkt_headroom(p);
    if (room > PKT_HEADROOM && q->size == p->size) {
        q->data = q->head + room;
    }
    memcpy(q->data, p->data, p->len);
    int32_t shift = (int32_t)(q->data - q->head) - (int32_t)(p->data - p->head);
    q->l3 = (uint16_t)(p->l3 + shift);
    q->l4 = (uint16_t)(p->l4 + shift);
    q->in_if = p->in_if;
    q->mark = p->mark;
    q->stamp = p->stamp;
    q->off = p->off;
    if (p->off.csum_partial)
        q->off.csum_start = (uint16_t)(p->off.csum_start + shift);
    return q;
}

void pkt_queue_purge(struct pkt_queue *q)
{
    struct pkt *p;
    while ((p = pkt_queue_pop(q)))
        pkt_free(p);
}
