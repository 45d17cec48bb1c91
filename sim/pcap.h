/* Pcap taps: full frames with nanosecond simulated timestamps, standard pcap files. */
#ifndef SIM_PCAP_H
#define SIM_PCAP_H

#include "engine/simtime.h"
#include "net/pkt.h"

struct sim_pcap;

/* Open path for writing; NULL with a message on stderr if it cannot. */
struct sim_pcap *sim_pcap_open(const char *path);
/* Append one frame; a tap that failed to write says so once and writes no more. */
void sim_pcap_write(struct sim_pcap *tap, const struct pkt *frame, sim_time_t t);
/* Write what is buffered and close; NULL is a no-op. */
void sim_pcap_close(struct sim_pcap *tap);

#endif
