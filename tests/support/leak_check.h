/*
 * Test support: the teardown's check that no packet buffer is still live,
 * and what makes it count. Criterion 2.4.1 settles a test's outcome when
 * its body returns: an assertion that fails afterwards, in the test's or
 * its suite's .fini, is printed and counted, but the test stays passed in
 * the synthesis, the TAP report and the exit status (upstream holds that a
 * teardown tests nothing: Snaipe/Criterion#211, #242). Ours do test
 * something, so two report hooks, run by Criterion's runner process, turn
 * a test that passed its body but failed an assertion in its .fini into a
 * failed one: POST_FINI says so on the log, next to the assertion's
 * message; POST_ALL, before the reports are written and the exit status
 * reckoned, marks it failed and moves it from the passed count to the
 * failed one. Any failed assertion in a .fini fails its test, the leak
 * check and any other.
 *
 * Header-only. A test binary is one file: it holds the hooks once when it
 * includes this header, which every test file with a teardown check does
 * (WIRE_SUITE's check needs it to compile). wire.h and director_rig.h do
 * not include it: benchmarks and fuzzers use them without Criterion.
 */
#ifndef TESTS_SUPPORT_LEAK_CHECK_H
#define TESTS_SUPPORT_LEAK_CHECK_H

#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <criterion/logging.h>
#include <stddef.h>

/* The teardown's check: `live` (the packets a pool still held when freed,
 * pkt_pool_free's result) must be 0; the failure names how many. */
#define leak_check(live)                                                                        \
    do {                                                                                        \
        size_t leak_live_ = (live);                                                             \
        cr_assert_eq(leak_live_, 0, "%zu packet buffer(s) still live at teardown", leak_live_); \
    } while (0)

/* Passed when its body returned, yet an assertion failed since: in a .fini. */
static inline int leak_failed_in_fini(const struct criterion_test_stats *t)
{
    return t->test_status == CR_STATUS_PASSED && t->failed_asserts > 0;
}

ReportHook(POST_FINI)(struct criterion_test_stats *t)
{
    if (leak_failed_in_fini(t))
        cr_log_error("%s::%s: failed in its teardown (see above)", t->test->category, t->test->name);
}

ReportHook(POST_ALL)(struct criterion_global_stats *all)
{
    for (struct criterion_suite_stats *s = all->suites; s; s = s->next)
        for (struct criterion_test_stats *t = s->tests; t; t = t->next)
            if (leak_failed_in_fini(t)) {
                t->test_status = CR_STATUS_FAILED;
                s->tests_passed--;
                s->tests_failed++;
                all->tests_passed--;
                all->tests_failed++;
            }
}

#endif
