/* `lvslab pcap [--json] FILE...`: the flows in capture files, one table for all. */
#include <string.h>

#include "cmd/cmd.h"
#include "reports/report_flows.h"

static int pcap_main(int argc, char **argv, FILE *out, FILE *err)
{
    int json = argc > 1 && !strcmp(argv[1], "--json");
    if (argc < 2 + json || !strcmp(argv[1], "--help")) {
        fprintf(argc < 2 + json ? err : out,
                "usage: lvslab pcap [--json] FILE...\n"
                "  One row per TCP or UDP flow in each capture (pcap or pcapng; each pcapng\n"
                "  interface apart), both directions together: the endpoints (A spoke first),\n"
                "  packets and frame bytes each way (whole frames, as tshark counts), duration,\n"
                "  TCP segments sent again, the IP-in-IP tunnel a flow came through (the inner\n"
                "  flow is the row) and the client a TOA option carried. Where one direction of\n"
                "  a flow both came in and went out (a director forwarding it), the frames that\n"
                "  came in and those that went out are two rows. --json: the same as JSON.\n");
        return argc < 2 + json ? CMD_USAGE : CMD_OK;
    }
    struct report_flows flows = { 0 };
    for (int i = 1 + json; i < argc; i++) {
        char msg[700];
        if (report_flows_read(&flows, argv[i], msg, sizeof msg) < 0) {
            fprintf(err, "lvslab pcap: %s\n", msg);
            report_flows_free(&flows);
            return CMD_USAGE;
        }
    }
    if (json)
        report_flows_json(&flows, out);
    else
        report_flows_print(&flows, out);
    report_flows_free(&flows);
    return CMD_OK;
}

const struct cmd_command cmd_pcap = {
    .name = "pcap",
    .summary = "per-flow table of capture files: endpoints, packets, frame bytes, duration, segments resent or out of order",
    .main = pcap_main,
};
