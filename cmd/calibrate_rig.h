/*
 * The calibration's bench: a director host alone, no links and no event
 * loop, as bench/director.c's. Its front interface (10.1.0.1, the VIP
 * 10.1.0.100) faces clients behind a router (10.1.0.254); its back
 * interface (10.2.0.1) the real servers 10.2.0.11 and up, and FULLNAT's
 * local addresses 10.2.1.1-8. Frames it sends go to a device that frees
 * them, or keeps the last one. Client k is 172.16.0.0/12 + k / 4096, port
 * 1024 + k % 4096.
 */
#ifndef CMD_CALIBRATE_RIG_H
#define CMD_CALIBRATE_RIG_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/sched.h"
#include "lvs/ipvs.h"
#include "net/host.h"

#define CAL_IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define CAL_VIP CAL_IP4(10, 1, 0, 100)
#define CAL_FRONT CAL_IP4(10, 1, 0, 1)
#define CAL_RIP(i) CAL_IP4(10, 2, 0, 11 + (i))
#define CAL_PORT 80
#define CAL_DESTS 8

struct cal_dev {
    uint64_t frames;
    struct pkt *last;          /* kept when keep is set */
    bool keep;
};

struct cal_rig {
    struct sched clock;
    struct pkt_pool *pool;
    struct host *h;
    struct netif *front, *back;
    struct cal_dev front_dev, back_dev;
    struct ipvs ipvs;
    bool director;             /* false once destroyed: a plain router */
};

/* The director with one TCP service VIP:80 (rr, svc_flags: persistence,
 * SYN proxy) and CAL_DESTS real servers in mode fwd. */
void cal_rig_init(struct cal_rig *r, enum ipvs_fwd fwd, uint32_t svc_flags);
/* No director: the host only routes (and decapsulates, with a tunnel). */
void cal_rig_plain(struct cal_rig *r);
void cal_rig_free(struct cal_rig *r);

static inline uint32_t cal_client(uint32_t k) { return CAL_IP4(172, 16, 0, 0) + (k >> 12); }
static inline uint16_t cal_cport(uint32_t k) { return (uint16_t)(1024 + (k & 0xfff)); }

/* A TCP frame (checksums set) to the interface nif, seq and ack given. */
struct pkt *cal_tcp_frame(struct cal_rig *r, struct netif *nif, uint32_t src, uint16_t sport, uint32_t dst,
                          uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t payload);
/* The same packet inside an IP-in-IP header from src to dst. */
struct pkt *cal_ipip_frame(struct cal_rig *r, struct netif *nif, uint32_t src, uint32_t dst, struct pkt *inner);

#endif
