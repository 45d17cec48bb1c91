/* The learning switch: an open-addressed MAC table, ports are the node's
 * NICs. The table starts at 1024 entries and doubles when half full, so a
 * LAN of thousands of hosts is learnt, never flooded for want of room. */
#include "sim/switch.h"

#include <stdlib.h>
#include <string.h>

#include "engine/xalloc.h"
#include "net/hdr.h"

#define MAC_SLOTS_MIN 1024

struct mac_entry {
    uint8_t mac[6];
    bool used;
    int port;
    sim_time_t seen;
};

struct sim_switch {
    struct sim_node *node;
    struct mac_entry *table;
    uint32_t slots, used;
    struct sim_switch_stats stats;
};

struct sim_switch *sim_switch_new(struct sim_node *node)
{
    struct sim_switch *sw = xcalloc(1, sizeof *sw);
    sw->node = node;
    sw->slots = MAC_SLOTS_MIN;
    sw->table = xcalloc(sw->slots, sizeof *sw->table);
    return sw;
}

void sim_switch_free(struct sim_switch *sw)
{
    if (sw)
        free(sw->table);
    free(sw);
}

const struct sim_switch_stats *sim_switch_stats(const struct sim_switch *sw) { return &sw->stats; }

static struct mac_entry *probe(struct mac_entry *table, uint32_t slots, const uint8_t mac[6])
{
    uint32_t hash = 2166136261u;
    for (int i = 0; i < 6; i++)
        hash = (hash ^ mac[i]) * 16777619u;
    for (uint32_t k = 0;; k++) {   /* never full: grow() keeps it at most half used */
        struct mac_entry *e = &table[(hash + k) % slots];
        if (!e->used || !memcmp(e->mac, mac, 6))
            return e;
    }
}

static void grow(struct sim_switch *sw)
{
    uint32_t slots = sw->slots * 2;
    struct mac_entry *table = xcalloc(slots, sizeof *table);
    for (uint32_t i = 0; i < sw->slots; i++)
        if (sw->table[i].used)
            *probe(table, slots, sw->table[i].mac) = sw->table[i];
    free(sw->table);
    sw->table = table;
    sw->slots = slots;
}

static struct mac_entry *slot(struct sim_switch *sw, const uint8_t mac[6], bool insert)
{
    struct mac_entry *e = probe(sw->table, sw->slots, mac);
    if (e->used)
        return e;
    if (!insert)
        return NULL;
    if (2 * (sw->used + 1) > sw->slots) {
        grow(sw);
        e = probe(sw->table, sw->slots, mac);
    }
    sw->used++;
    return e;
}

int sim_switch_port_of(struct sim_switch *sw, const uint8_t mac[6])
{
    struct mac_entry *e = slot(sw, mac, false);
    sim_time_t now = sched_now(&sw->node->w->sched);
    return e && now - e->seen <= SIM_SWITCH_AGEING ? e->port : -1;
}

void sim_switch_input(struct sim_switch *sw, struct sim_nic *in, struct pkt *frame)
{
    if (frame->len < ETH_HLEN) {
        pkt_free(frame);
        return;
    }
    const struct eth_hdr *eh = (const struct eth_hdr *)frame->data;
    struct sim_node *n = sw->node;
    if (!(eh->src[0] & 1)) {
        struct mac_entry *e = slot(sw, eh->src, true);
        if (e) {
            memcpy(e->mac, eh->src, 6);
            e->used = true;
            e->port = in->port;
            e->seen = sched_now(&n->w->sched);
        }
    }
    int port = eh->dst[0] & 1 ? -1 : sim_switch_port_of(sw, eh->dst);
    if (port == in->port) {
        sw->stats.filtered++;
        pkt_free(frame);
        return;
    }
    if (port >= 0) {
        sw->stats.forwarded++;
        sim_nic_send(n->nics[port], frame);
        return;
    }
    sw->stats.flooded++;
    struct sim_nic *last = NULL;
    for (int i = 0; i < n->nnics; i++) {
        if (n->nics[i] == in)
            continue;
        if (last) {
            struct pkt *copy = pkt_clone(frame);
            if (copy)
                sim_nic_send(last, copy);
        }
        last = n->nics[i];
    }
    if (last)
        sim_nic_send(last, frame);
    else
        pkt_free(frame);
}
