/*
 * Reading capture files, pcap (microsecond or nanosecond, either byte
 * order) and pcapng (section, interface and enhanced/simple packet blocks),
 * frame by frame from a mapping of the whole file: each frame with its time,
 * lengths, the interface's name and, in pcapng, its direction (epb_flags).
 */
#ifndef REPORTS_PCAP_FILE_H
#define REPORTS_PCAP_FILE_H

#include <stddef.h>
#include <stdint.h>

#define PCAP_FILE_IFACES 64

struct pcap_file_frame {
    const uint8_t *data;
    uint32_t caplen, len;
    int64_t t_ns;               /* since the epoch */
    int iface;                  /* index into the file's interfaces */
    int dir;                    /* 0 unknown, 1 inbound, 2 outbound */
};

struct pcap_file {
    const uint8_t *map;
    size_t size, at;
    int ng, swapped;
    uint32_t pcap_link;         /* pcap: the file's link type */
    int64_t pcap_tick_ns;       /* pcap: 1000 or 1 */
    int nifaces;
    struct {
        char name[64];
        uint32_t link;
        int64_t tick_num, tick_den;  /* a tick is num/den ns */
    } ifaces[PCAP_FILE_IFACES];
    char path[512];
};

/* Map path; 0, or -1 with err naming the file and what is wrong. */
int pcap_file_open(struct pcap_file *f, const char *path, char *err, size_t errlen);
/* The next Ethernet frame: 1, 0 at the end, -1 with err on a damaged file. */
int pcap_file_next(struct pcap_file *f, struct pcap_file_frame *fr, char *err, size_t errlen);
void pcap_file_close(struct pcap_file *f);

#endif
