/* Logging: per-component levels from a spec, the time prefix, bad specs
 * rejected whole, and a disabled line never evaluates its arguments. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "engine/log.h"
#include "engine/sched.h"

static int evaluations;
static int costly(void) { return ++evaluations; }

Test(log, levels_prefix_and_no_cost_when_off)
{
    static struct sched s;
    sched_init(&s);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct log l;
    log_init(&l, out, sched_rt(&s));
    struct log_comp tcp, arp;
    log_comp_init(&tcp, &l, "tcp");
    log_comp_init(&arp, &l, "arp");
    char err[256];
    cr_assert_eq(log_configure(&l, "tcp=debug,*=error", err, sizeof err), 0, "%s", err);
    sched_run_until(&s, 1500 * SIM_MS);

    LOG(&tcp, LOG_DEBUG, "cwnd %d", costly());
    LOG(&tcp, LOG_TRACE, "never %d", costly());
    LOG(&arp, LOG_INFO, "never %d", costly());
    LOG(&arp, LOG_ERROR, "queue full");
    fflush(out);
    cr_assert_str_eq(buf, "[   1.500000000 s] tcp debug: cwnd 1\n"
                          "[   1.500000000 s] arp error: queue full\n");
    cr_assert_eq(evaluations, 1, "a disabled line evaluated its arguments");

    cr_assert_eq(log_configure(&l, "tcp=loud", err, sizeof err), -1);
    cr_assert_str_eq(err, "log spec \"tcp=loud\": bad part \"tcp=loud\" (want name=level, level one "
                          "of error, warn, info, debug, trace, off)");
    cr_assert_eq(tcp.level, LOG_DEBUG, "a bad spec changed the levels");
    cr_assert_eq(log_configure(&l, "*=off", err, sizeof err), 0);
    cr_assert_eq(arp.level, LOG_OFF);
    log_comp_done(&tcp);
    log_comp_done(&arp);
    fclose(out);
    free(buf);
    sched_destroy(&s);
}
