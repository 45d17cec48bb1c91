/* Which interfaces a run captures: --pcap's globs on node or node-iface. */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "scenario/pcap.h"

/* The next comma-separated glob of *s into buf; false at the end. */
static bool next_glob(const char **s, char *buf, size_t len)
{
    if (!**s)
        return false;
    const char *comma = strchr(*s, ',');
    size_t n = comma ? (size_t)(comma - *s) : strlen(*s);
    snprintf(buf, len, "%.*s", (int)n, *s);
    *s += n + (comma != NULL);
    return true;
}

bool scn_capture_selects(const char *patterns, const char *node, const char *nic, bool is_switch)
{
    if (!*patterns)
        return !is_switch;
    char glob[SCN_PCAP_PATTERNS_MAX];
    for (const char *s = patterns; next_glob(&s, glob, sizeof glob);)
        if (!fnmatch(glob, node, 0) || !fnmatch(glob, nic, 0))
            return true;
    return false;
}

int scn_capture_check(const char *patterns, char *err, size_t errlen)
{
    if (strlen(patterns) >= SCN_PCAP_PATTERNS_MAX - 1) {
        snprintf(err, errlen, "longer than %d characters", SCN_PCAP_PATTERNS_MAX - 2);
        return -1;
    }
    char glob[SCN_PCAP_PATTERNS_MAX];
    for (const char *s = patterns; next_glob(&s, glob, sizeof glob);) {
        if (!*glob || strpbrk(glob, " /")) {
            snprintf(err, errlen, "\"%s\" is not a glob of a node or node-iface (as rs*, director, lan-port1)",
                     glob);
            return -1;
        }
    }
    if (*patterns && patterns[strlen(patterns) - 1] == ',') {
        snprintf(err, errlen, "an empty pattern after the last comma");
        return -1;
    }
    return 0;
}
