/*
 * From a parsed keepalived.conf to a running director: each virtual_server
 * becomes an IPVS service with the real servers keepalived adds at start,
 * and its checkers start on the director's host.
 */
#include <stdio.h>

#include "lvs/keepalived/check.h"

struct ka_checks *ka_conf_apply(const struct ka_conf *conf, struct ipvs *ipvs, const struct ka_checks_opts *opts,
                                char *err, size_t errlen)
{
    struct ka_checks *kc = ka_checks_new(ipvs, opts);
    for (int i = 0; i < conf->nvs; i++) {
        char why[160];
        if (ka_checks_add_vs(kc, &conf->vs[i], why, sizeof why) < 0) {
            snprintf(err, errlen, "%s:%d: virtual_server: %s", conf->file, conf->vs[i].line, why);
            ka_checks_shutdown(kc);
            ka_checks_free(kc);
            return NULL;
        }
    }
    return kc;
}
