/* `lvslab pcap FILE...`: the flows in pcap files, one table for all. */
#include <string.h>

#include "cmd/cmd.h"
#include "reports/report_flows.h"

static int pcap_main(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2 || !strcmp(argv[1], "--help")) {
        fprintf(argc < 2 ? err : out,
                "usage: lvslab pcap FILE...\n"
                "  One row per TCP or UDP flow in the files (both directions together): the\n"
                "  endpoints (A spoke first), packets and IP bytes each way, duration, and\n"
                "  TCP data segments sent again (retransmissions).\n");
        return argc < 2 ? CMD_USAGE : CMD_OK;
    }
    struct report_flows flows = { 0 };
    for (int i = 1; i < argc; i++) {
        char msg[512];
        if (report_flows_read(&flows, argv[i], msg, sizeof msg) < 0) {
            fprintf(err, "lvslab pcap: %s\n", msg);
            report_flows_free(&flows);
            return CMD_USAGE;
        }
    }
    report_flows_print(&flows, out);
    report_flows_free(&flows);
    return CMD_OK;
}

const struct cmd_command cmd_pcap = {
    .name = "pcap",
    .summary = "per-flow table of pcap files: endpoints, packets, bytes, duration, retransmissions",
    .main = pcap_main,
};
