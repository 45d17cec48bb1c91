/* Units: times, rates and sizes parse exactly, print back, and anything
 * else is an error that quotes the text. */
#include <criterion/criterion.h>
#include <string.h>

#include "engine/units.h"

static char err[256];

Test(units, times)
{
    sim_time_t t;
    struct { const char *text; sim_time_t ns; } ok[] = {
        { "50us", 50 * SIM_US }, { "1.5ms", 1500 * SIM_US }, { "10s", 10 * SIM_S },
        { "0", 0 }, { "7ns", 7 }, { "0.001s", SIM_MS }, { "2.25 ms", 2250 * SIM_US },
        { "9223372036s", 9223372036 * SIM_S },
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        cr_assert_eq(units_parse_time(ok[i].text, &t, err, sizeof err), 0, "%s: %s", ok[i].text, err);
        cr_assert_eq(t, ok[i].ns, "%s gave %lld", ok[i].text, (long long)t);
    }
}

Test(units, bad_times_name_the_text)
{
    sim_time_t t = 42;
    struct { const char *text, *msg; } bad[] = {
        { "10 parsecs", "bad time \"10 parsecs\": unknown unit \"parsecs\" (use ns, us, ms, s)" },
        { "-3ms", "bad time \"-3ms\": negative" },
        { "1e400", "bad time \"1e400\": unknown unit \"e400\" (use ns, us, ms, s)" },
        { "", "bad time \"\": empty (e.g. ns, us, ms, s)" },
        { "5", "bad time \"5\": no unit (use ns, us, ms, s)" },
        { "ms", "bad time \"ms\": no number (e.g. ns, us, ms, s)" },
        { "1.5ns", "bad time \"1.5ns\": finer than the smallest step (1 ns)" },
        { "9223372037s", "bad time \"9223372037s\": too large" },
        { "99999999999999999999999ns", "bad time \"99999999999999999999999ns\": too large" },
        { "5 ms ms", "bad time \"5 ms ms\": unknown unit \"ms ms\" (use ns, us, ms, s)" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(units_parse_time(bad[i].text, &t, err, sizeof err), -1, "%s parsed", bad[i].text);
        cr_assert_str_eq(err, bad[i].msg);
        cr_assert_eq(t, 42, "a failed parse wrote its output");
    }
}

Test(units, rates)
{
    uint64_t r;
    struct { const char *text; uint64_t bps; } ok[] = {
        { "1Gbps", 1000000000 }, { "100Mbit", 100000000 }, { "10Gbit/s", 10000000000ull },
        { "64kbps", 64000 }, { "1.5Mbps", 1500000 }, { "9600bps", 9600 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        cr_assert_eq(units_parse_rate(ok[i].text, &r, err, sizeof err), 0, "%s: %s", ok[i].text, err);
        cr_assert_eq(r, ok[i].bps, "%s", ok[i].text);
    }
    cr_assert_eq(units_parse_rate("1GBps", &r, err, sizeof err), -1);
    cr_assert(strstr(err, "unknown unit \"GBps\""), "%s", err);
    cr_assert_eq(units_parse_rate("100", &r, err, sizeof err), -1);
    cr_assert_str_eq(err, "bad rate \"100\": no unit (use bps, kbps, Mbps, Gbps, or Mbit, Gbit/s)");
}

Test(units, sizes)
{
    uint64_t b;
    struct { const char *text; uint64_t bytes; } ok[] = {
        { "1500", 1500 }, { "64KB", 64000 }, { "1MiB", 1048576 }, { "2GiB", 2147483648ull },
        { "1.5KB", 1500 }, { "10B", 10 }, { "0.5KiB", 512 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        cr_assert_eq(units_parse_size(ok[i].text, &b, err, sizeof err), 0, "%s: %s", ok[i].text, err);
        cr_assert_eq(b, ok[i].bytes, "%s", ok[i].text);
    }
    cr_assert_eq(units_parse_size("1.2345KB", &b, err, sizeof err), -1);
    cr_assert_str_eq(err, "bad size \"1.2345KB\": finer than the smallest step (1 byte)");
    cr_assert_eq(units_parse_size("3 furlongs", &b, err, sizeof err), -1);
}

Test(units, printing_round_trips)
{
    char buf[32];
    cr_assert_str_eq(units_format_time(buf, sizeof buf, 50 * SIM_US), "50us");
    cr_assert_str_eq(units_format_time(buf, sizeof buf, 1500 * SIM_US), "1.5ms");
    cr_assert_str_eq(units_format_time(buf, sizeof buf, 10 * SIM_S), "10s");
    cr_assert_str_eq(units_format_time(buf, sizeof buf, 7), "7ns");
    cr_assert_str_eq(units_format_rate(buf, sizeof buf, 1000000000), "1Gbps");
    cr_assert_str_eq(units_format_rate(buf, sizeof buf, 1500000), "1.5Mbps");
    cr_assert_str_eq(units_format_size(buf, sizeof buf, 1048576), "1MiB");
    cr_assert_str_eq(units_format_size(buf, sizeof buf, 64000), "64KB");
    cr_assert_str_eq(units_format_size(buf, sizeof buf, 1500), "1.5KB");
    cr_assert_str_eq(units_format_size(buf, sizeof buf, 1501), "1.501KB");
    cr_assert_str_eq(units_format_size(buf, sizeof buf, 999), "999B");
    sim_time_t times[] = { 1, 999, 1000, 1234567, 60 * SIM_S, 1001 * SIM_MS, 123456789012 };
    for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
        sim_time_t back;
        units_format_time(buf, sizeof buf, times[i]);
        cr_assert_eq(units_parse_time(buf, &back, err, sizeof err), 0, "%s: %s", buf, err);
        cr_assert_eq(back, times[i], "%lld printed as %s", (long long)times[i], buf);
    }
}
