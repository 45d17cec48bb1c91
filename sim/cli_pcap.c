/* `lvslab pcap FILE...`: the flows in pcap files, one table for all. */
#include <string.h>

#include "sim/cli.h"
#include "sim/pcap_flows.h"

static int pcap_main(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2 || !strcmp(argv[1], "--help")) {
        fprintf(argc < 2 ? err : out,
                "usage: lvslab pcap FILE...\n"
                "  One row per TCP or UDP flow in the files (both directions together): the\n"
                "  endpoints (A spoke first), packets and IP bytes each way, duration, and\n"
                "  TCP data segments sent again (retransmissions).\n");
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    struct pcap_flows flows = { 0 };
    for (int i = 1; i < argc; i++) {
        char msg[512];
        if (pcap_flows_read(&flows, argv[i], msg, sizeof msg) < 0) {
            fprintf(err, "lvslab pcap: %s\n", msg);
            pcap_flows_free(&flows);
            return CLI_USAGE;
        }
    }
    pcap_flows_print(&flows, out);
    pcap_flows_free(&flows);
    return CLI_OK;
}

const struct cli_command cli_pcap = {
    .name = "pcap",
    .summary = "per-flow table of pcap files: endpoints, packets, bytes, duration, retransmissions",
    .main = pcap_main,
};
