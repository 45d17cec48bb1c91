/* Pcap taps on libpcap's dumper, nanosecond timestamps. */
#include "sim/pcap.h"

#include <stdio.h>

pcap_dumper_t *sim_pcap_open(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "lvslab: cannot write %s: %m\n", path);
        return NULL;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);   /* big writes: a frame costs a copy, not a system call */
    pcap_t *dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO);
    pcap_dumper_t *d = dead ? pcap_dump_fopen(dead, f) : NULL;
    if (!d) {
        fprintf(stderr, "lvslab: cannot write %s: %s\n", path, dead ? pcap_geterr(dead) : "libpcap");
        fclose(f);
    }
    if (dead)
        pcap_close(dead);      /* the dumper keeps what it needs */
    return d;
}

void sim_pcap_write(pcap_dumper_t *d, const struct pkt *frame, sim_time_t t)
{
    if (!d)
        return;
    struct pcap_pkthdr h = { .ts = { .tv_sec = t / SIM_S, .tv_usec = t % SIM_S },
                             .caplen = frame->len, .len = frame->len };
    pcap_dump((u_char *)d, &h, frame->data);
}

void sim_pcap_close(pcap_dumper_t *d)
{
    if (d)
        pcap_dump_close(d);
}
