/* Pcap taps: full frames with nanosecond simulated timestamps, standard pcap files. */
#ifndef SCENARIO_PCAP_H
#define SCENARIO_PCAP_H

#include "engine/simtime.h"
#include "net/pkt.h"

struct scn_pcap;

/* Open path for writing; NULL with a message on stderr if it cannot. */
struct scn_pcap *scn_pcap_open(const char *path);
/* Append one frame; a tap that failed to write says so once and writes no more. */
void scn_pcap_write(struct scn_pcap *tap, const struct pkt *frame, sim_time_t t);
/* Write what is buffered and close; NULL is a no-op. */
void scn_pcap_close(struct scn_pcap *tap);

#endif
