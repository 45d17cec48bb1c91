/*
 * The flows in capture files, for `lvslab pcap`: one row per TCP or UDP
 * conversation (both directions together) in each capture, with its
 * packets and frame bytes each way, first and last time, the data segments
 * sent again, the outer endpoints of an IP-in-IP tunnel it came through and
 * the client address a TOA option (TCP option 254, length 8) carried. On an
 * interface that forwards (a frame of the same direction seen coming in and
 * going out, as on a director), what came in and what went out are apart.
 */
#ifndef REPORTS_REPORT_FLOWS_H
#define REPORTS_REPORT_FLOWS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { FLOW_IN, FLOW_OUT, FLOW_UNKNOWN, FLOW_DIRS };   /* the capture's direction of a frame */

struct report_flow {
    int capture;               /* index into report_flows.captures */
    uint8_t proto;             /* 6 or 17 */
    uint8_t tunnelled, has_toa;
    uint32_t addr[2];          /* host order; [0] is the side that spoke first */
    uint16_t port[2];
    uint32_t outer[2];         /* the tunnel's ends, [0] on side 0's side, if it came through one */
    uint32_t toa_addr;
    uint16_t toa_port;
    uint64_t packets[2][FLOW_DIRS], bytes[2][FLOW_DIRS];
    uint64_t retransmits[2][FLOW_DIRS];
    uint32_t next_seq[2][FLOW_DIRS];   /* TCP: highest sequence sent + 1 */
    uint8_t seq_known[2][FLOW_DIRS];
    int64_t first_ns, last_ns;
    uint32_t next;             /* the hash chain: index + 1, 0 ends it */
};

struct report_flows {
    struct report_flow *v;
    size_t n, cap;
    uint32_t *buckets;         /* index + 1 of a chain's first flow */
    size_t nbuckets;
    char (*captures)[160];     /* "file iface" of each capture */
    int ncaptures;
    uint64_t frames, other;    /* frames read; frames that are no TCP/UDP over IPv4 */
};

/* Add the frames of one pcap or pcapng file; 0, or -1 with err naming the file. */
int report_flows_read(struct report_flows *f, const char *path, char *err, size_t errlen);
void report_flows_print(const struct report_flows *f, FILE *out);
void report_flows_json(const struct report_flows *f, FILE *out);
void report_flows_free(struct report_flows *f);

#endif
