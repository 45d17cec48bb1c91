/*
 * The flows in pcap files, for `lvslab pcap`: one row per TCP or UDP
 * conversation (both directions together), with its packets, bytes, first
 * and last time and, for TCP, the data segments sent again.
 */
#ifndef REPORTS_REPORT_FLOWS_H
#define REPORTS_REPORT_FLOWS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct report_flow {
    uint8_t proto;             /* 6 or 17 */
    uint32_t addr[2];          /* host order; [0] is the side that spoke first */
    uint16_t port[2];
    uint64_t packets[2], bytes[2];
    uint64_t retransmits[2];
    double first, last;        /* seconds */
    uint32_t next_seq[2];      /* TCP: highest sequence sent + 1, per side */
    uint8_t seq_known[2];
};

struct report_flows {
    struct report_flow *v;
    size_t n, cap;
    uint64_t frames, other;    /* frames read; frames that are no TCP/UDP over IPv4 */
};

/* Add the frames of one file; 0, or -1 with err naming the file. */
int report_flows_read(struct report_flows *f, const char *path, char *err, size_t errlen);
void report_flows_print(const struct report_flows *f, FILE *out);
void report_flows_free(struct report_flows *f);

#endif
