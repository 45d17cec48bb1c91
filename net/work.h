/*
 * What a host's stack and its director did, counted by kind: the counts a
 * world's CPU model reads after each frame to charge it (sim/cpu.c), and
 * the operations the calibration times (cmd/calibrate.c). Counts only:
 * nothing here knows what an operation costs, or which world runs it.
 */
#ifndef NET_WORK_H
#define NET_WORK_H

#include <stdint.h>

enum host_work {
    WORK_CONN_HIT,             /* a connection-table lookup that found its entry */
    WORK_CONN_MISS,            /* one that found none */
    WORK_SCHEDULE,             /* the scheduler's pick of a real server */
    WORK_CONN_NEW,             /* a new entry set up */
    WORK_PERSIST,              /* a persistence template looked up (or made) */
    WORK_XMIT_NAT,             /* the request's rewrite or encapsulation, by mode */
    WORK_XMIT_DR,
    WORK_XMIT_TUN,
    WORK_XMIT_FULLNAT,
    WORK_REPLY_NAT,            /* a reply's rewrite through the director */
    WORK_REPLY_FULLNAT,
    WORK_TOA,                  /* a TOA option inserted */
    WORK_SYNPROXY_SYN,         /* a SYN answered with a cookie */
    WORK_SYNPROXY_ACK,         /* an ACK's cookie checked, the SYN to the server built */
    WORK_SYNC_CONN,            /* a connection put into a sync message */
    WORK_IPIP_DECAP,           /* an IP-in-IP packet decapsulated */
    WORK_CSUM_BYTE,            /* a byte summed in software (a full checksum) */
    WORK_KINDS
};

struct host_work_tally {
    uint32_t n[WORK_KINDS];
};

/* The name of a kind ("conn_hit"), as profiles and reports spell it. */
const char *host_work_name(enum host_work w);

#endif
