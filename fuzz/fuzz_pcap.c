/* libFuzzer: `lvslab pcap` reads any file as a capture: a table of flows
 * or an error, never a crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "reports/report_flows.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/lvslab-fuzz-pcap-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) == (ssize_t)size) {
        struct report_flows f = { 0 };
        char err[256];
        if (report_flows_read(&f, path, err, sizeof err) == 0) {
            FILE *null = fopen("/dev/null", "w");
            report_flows_print(&f, null);
            fclose(null);
        }
        report_flows_free(&f);
    }
    close(fd);
    unlink(path);
    return 0;
}
