/* Link rates on emulated devices: tc htb plus pfifo. */
#include "emu/shape.h"

#include <stdio.h>

#include "emu/exec.h"

int emu_shape(const char *ns, const char *dev, uint64_t rate_bps, uint32_t queue_pkts, char *err, size_t errlen)
{
    char rate[32], limit[16];
    snprintf(rate, sizeof rate, "%llubit", (unsigned long long)rate_bps);
    snprintf(limit, sizeof limit, "%u", queue_pkts ? queue_pkts : 100);
    if (emu_execl(ns, err, errlen, "tc", "qdisc", "add", "dev", dev, "root", "handle", "1:", "htb", "default", "1",
                  NULL) < 0 ||
        emu_execl(ns, err, errlen, "tc", "class", "add", "dev", dev, "parent", "1:", "classid", "1:1", "htb",
                  "rate", rate, "ceil", rate, NULL) < 0)
        return -1;
    return emu_execl(ns, err, errlen, "tc", "qdisc", "add", "dev", dev, "parent", "1:1", "handle", "10:", "pfifo",
                     "limit", limit, NULL);
}
