/* The table of congestion control algorithms, looked up by name. */
#include "net/tcp_cc.h"

#include <string.h>

static const struct tcp_cc_ops *const tcp_cc_all[] = {
    &tcp_cc_newreno,
    &tcp_cc_cubic,
};

const struct tcp_cc_ops *tcp_cc_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof tcp_cc_all / sizeof tcp_cc_all[0]; i++)
        if (strcmp(tcp_cc_all[i]->name, name) == 0)
            return tcp_cc_all[i];
    return NULL;
}
