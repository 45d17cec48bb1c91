/*
 * Pcap taps: pcapng files (one interface each, named node-iface, the run
 * described in the section header's comment), nanosecond timestamps, each
 * frame marked inbound or outbound, cut to a snap length as tcpdump -s does,
 * and, as tcpdump -c does, the first so many frames only when asked.
 */
#ifndef SCENARIO_PCAP_H
#define SCENARIO_PCAP_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/simtime.h"
#include "net/pkt.h"

#define SCN_PCAP_SNAPLEN_MAX 262144u   /* tcpdump's: 0 or more means the whole frame */
#define SCN_PCAP_PATTERNS_MAX 512

/* What a run captures: which interfaces, how much of each frame, for how
 * long. The same for every run of a command line. */
struct scn_capture {
    char dir[720];              /* "" : no capture */
    char patterns[SCN_PCAP_PATTERNS_MAX]; /* "PAT,PAT..." globs on node or node-iface; "" : every host NIC */
    uint32_t snaplen;           /* bytes kept of each frame, 1 to SCN_PCAP_SNAPLEN_MAX */
    uint64_t max_frames;        /* frames written per file at most (tcpdump -c); 0: all */
    char comment[512];          /* the run: scenario, mode, parameters, seed */
};

struct scn_pcap_opts {
    const char *if_name;        /* node-iface, for the interface description block */
    const char *comment;        /* the section header's comment; NULL: none */
    uint32_t snaplen;           /* 0: SCN_PCAP_SNAPLEN_MAX */
    uint64_t max_frames;        /* 0: no limit */
};

enum scn_pcap_dir { SCN_PCAP_IN = 1, SCN_PCAP_OUT = 2 };  /* pcapng epb_flags' direction */

struct scn_pcap;

/* Whether the interface node-iface of a node (a switch or not) is one that
 * patterns ("" or "PAT,PAT,...") select: "" takes every NIC that is not a
 * switch's; a glob takes a node or node-iface it matches, switches too. */
bool scn_capture_selects(const char *patterns, const char *node, const char *nic, bool is_switch);
/* 0 when each glob of patterns is well formed; -1 with err naming it. */
int scn_capture_check(const char *patterns, char *err, size_t errlen);

/* Open path for writing; NULL with a message on stderr if it cannot. */
struct scn_pcap *scn_pcap_open(const char *path, const struct scn_pcap_opts *o);
/* Append one frame seen at t; a tap that failed to write says so once and writes no more. */
void scn_pcap_write(struct scn_pcap *tap, const struct pkt *frame, sim_time_t t, enum scn_pcap_dir dir);
/* Write what is buffered and close; NULL is a no-op. */
void scn_pcap_close(struct scn_pcap *tap);

#endif
