/*
 * NICs and links. A NIC sends from a drop-tail transmit queue at the link's
 * rate (serialization = size / rate); each direction of a link then delays
 * frames by its propagation delay (plus jitter that never reorders), loses
 * some at random, and delivers them to the peer NIC in order: one timer per
 * NIC and one per direction, however many frames are in flight.
 */
#ifndef SIM_NIC_H
#define SIM_NIC_H

#include "scenario/pcap.h"
#include "sim/world.h"

struct sim_nic_stats {
    uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
    uint64_t queue_drops, loss_drops, down_drops;
    uint32_t queue_max;        /* high-water mark, packets */
};

struct sim_dir {                /* one direction of a link */
    struct sim_link *link;
    struct sim_nic *from, *to;
    struct pkt_queue flight;    /* in flight, in arrival order (pkt->stamp) */
    struct rt_timer arrive;
    struct rng rng;
    sim_time_t last_arrival;
};

struct sim_nic {
    char name[2 * SIM_NAME_MAX];   /* node-iface */
    struct sim_node *node;
    struct netif *nif;         /* a host's interface, or NULL on a switch port */
    int port;                  /* a switch port's number */
    struct sim_dir *out;       /* the direction it sends on */
    struct pkt_queue txq;
    uint32_t txq_limit;
    struct pkt *sending;       /* on the wire now */
    struct rt_timer tx_done;
    struct scn_pcap *pcap;     /* a tap on what it sends and receives, or NULL */
    struct sim_nic_stats stats;
};

struct sim_link {
    struct sim_link_params p;
    struct sim_dir dir[2];
    struct sim_nic *nic[2];
    bool up;
};

/* Queue a frame for sending; takes ownership. */
void sim_nic_send(struct sim_nic *nic, struct pkt *frame);
struct sim_link *sim_link_new(struct sim_world *w, struct sim_nic *a, struct sim_nic *b,
                              const struct sim_link_params *p);
void sim_link_free(struct sim_link *l);
struct sim_nic *sim_nic_new(struct sim_node *node, const char *ifname);
void sim_nic_free(struct sim_nic *nic);

#endif
