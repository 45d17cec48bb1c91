/* Pcap taps: full frames with nanosecond simulated timestamps (libpcap). */
#ifndef SIM_PCAP_H
#define SIM_PCAP_H

#include <pcap/pcap.h>

#include "engine/simtime.h"
#include "net/pkt.h"

/* Open path for writing; NULL with a message on stderr if it cannot. */
pcap_dumper_t *sim_pcap_open(const char *path);
void sim_pcap_write(pcap_dumper_t *d, const struct pkt *frame, sim_time_t t);
void sim_pcap_close(pcap_dumper_t *d);

#endif
