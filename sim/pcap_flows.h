/*
 * The flows in pcap files, for `lvslab pcap`: one row per TCP or UDP
 * conversation (both directions together), with its packets, bytes, first
 * and last time and, for TCP, the data segments sent again.
 */
#ifndef SIM_PCAP_FLOWS_H
#define SIM_PCAP_FLOWS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pcap_flow {
    uint8_t proto;             /* 6 or 17 */
    uint32_t addr[2];          /* host order; [0] is the side that spoke first */
    uint16_t port[2];
    uint64_t packets[2], bytes[2];
    uint64_t retransmits[2];
    double first, last;        /* seconds */
    uint32_t next_seq[2];      /* TCP: highest sequence sent + 1, per side */
    uint8_t seq_known[2];
};

struct pcap_flows {
    struct pcap_flow *v;
    size_t n, cap;
    uint64_t frames, other;    /* frames read; frames that are no TCP/UDP over IPv4 */
};

/* Add the frames of one file; 0, or -1 with err naming the file. */
int pcap_flows_read(struct pcap_flows *f, const char *path, char *err, size_t errlen);
void pcap_flows_print(const struct pcap_flows *f, FILE *out);
void pcap_flows_free(struct pcap_flows *f);

#endif
