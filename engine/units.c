/*
 * Parsing and printing of times, rates and sizes. A quantity is decimal
 * digits with an optional fraction (no sign, no exponent), then a unit; the
 * value must come out a whole number of the base unit (ns, bit/s, byte) and
 * fit in 63 bits.
 */
#include "engine/units.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct unit {
    const char *name;
    uint64_t scale;
};

static const struct unit time_units[] = {
    { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 }, { NULL, 0 },
};

static const struct unit rate_units[] = {
    { "bps", 1 },           { "bit/s", 1 },          { "bit", 1 },
    { "kbps", 1000 },       { "Kbps", 1000 },        { "kbit/s", 1000 },     { "kbit", 1000 },
    { "Mbps", 1000000 },    { "Mbit/s", 1000000 },   { "Mbit", 1000000 },
    { "Gbps", 1000000000 }, { "Gbit/s", 1000000000 }, { "Gbit", 1000000000 },
    { "Tbps", 1000000000000ull }, { "Tbit/s", 1000000000000ull }, { "Tbit", 1000000000000ull },
    { NULL, 0 },
};

static const struct unit size_units[] = {
    { "", 1 },          { "B", 1 },
    { "KB", 1000 },     { "kB", 1000 },     { "MB", 1000000 }, { "GB", 1000000000 },
    { "KiB", 1024 },    { "MiB", 1048576 }, { "GiB", 1073741824 },
    { NULL, 0 },
};

#define LIMIT ((uint64_t)INT64_MAX)

/* Digits with an optional fraction, then a unit from the table. */
static int parse(const char *kind, const char *text, const struct unit *units, const char *hint,
                 bool bare_ok, uint64_t *out, char *err, size_t errlen)
{
    const char *p = text;
    if (!*p) {
        snprintf(err, errlen, "bad %s \"\": empty (e.g. %s)", kind, hint);
        return -1;
    }
    if (*p == '-' || *p == '+') {
        snprintf(err, errlen, "bad %s \"%s\": %s", kind, text,
                 *p == '-' ? "negative" : "no sign expected");
        return -1;
    }
    uint64_t whole = 0, frac = 0, frac_div = 1;
    int digits = 0;
    bool overflow = false;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (whole > (LIMIT - 9) / 10)
            overflow = true;
        else
            whole = whole * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.') {
        p++;
        for (; *p >= '0' && *p <= '9'; p++, digits++) {
            if (frac_div <= LIMIT / 10) {
                frac = frac * 10 + (uint64_t)(*p - '0');
                frac_div *= 10;
            } else if (*p != '0') {
                overflow = true;     /* more precision than any unit resolves */
            }
        }
    }
    if (!digits) {
        snprintf(err, errlen, "bad %s \"%s\": no number (e.g. %s)", kind, text, hint);
        return -1;
    }
    const char *unit = p;
    if (*unit == ' ')
        unit++;               /* "50 us" reads as "50us" */
    const struct unit *u = NULL;
    for (int i = 0; units[i].name; i++)
        if (!strcmp(unit, units[i].name))
            u = &units[i];
    if (!u && !*unit && whole == 0 && frac == 0)
        u = &units[0];        /* zero needs no unit */
    if (!u || (!*unit && !bare_ok && u != &units[0])) {
        if (!*unit)
            snprintf(err, errlen, "bad %s \"%s\": no unit (use %s)", kind, text, hint);
        else
            snprintf(err, errlen, "bad %s \"%s\": unknown unit \"%s\" (use %s)", kind, text, unit, hint);
        return -1;
    }
    if (overflow || (u->scale && whole > LIMIT / u->scale)) {
        snprintf(err, errlen, "bad %s \"%s\": too large", kind, text);
        return -1;
    }
    uint64_t value = whole * u->scale;
    /* the fraction, exactly: frac / frac_div * scale must be whole */
    __uint128_t part = (__uint128_t)frac * u->scale;
    if (part % frac_div) {
        snprintf(err, errlen, "bad %s \"%s\": finer than the smallest step (1 %s)", kind, text,
                 units[0].name[0] ? units[0].name : "byte");
        return -1;
    }
    uint64_t add = (uint64_t)(part / frac_div);
    if (value > LIMIT - add) {
        snprintf(err, errlen, "bad %s \"%s\": too large", kind, text);
        return -1;
    }
    *out = value + add;
    return 0;
}

int units_parse_time(const char *text, sim_time_t *out, char *err, size_t errlen)
{
    uint64_t v;
    if (parse("time", text, time_units, "ns, us, ms, s", false, &v, err, errlen) < 0)
        return -1;
    *out = (sim_time_t)v;
    return 0;
}

int units_parse_rate(const char *text, uint64_t *bits_per_s, char *err, size_t errlen)
{
    return parse("rate", text, rate_units, "bps, kbps, Mbps, Gbps, or Mbit, Gbit/s", false,
                 bits_per_s, err, errlen);
}

int units_parse_size(const char *text, uint64_t *bytes, char *err, size_t errlen)
{
    return parse("size", text, size_units, "bytes, KB, MB, GB, KiB, MiB, GiB", true, bytes, err,
                 errlen);
}

/* value / scale with up to three decimals, trailing zeros dropped. */
static char *format_scaled(char *buf, size_t len, uint64_t value, uint64_t scale, const char *unit)
{
    uint64_t whole = value / scale, rest = value % scale;
    if (!rest) {
        snprintf(buf, len, "%" PRIu64 "%s", whole, unit);
        return buf;
    }
    char frac[32];
    snprintf(frac, sizeof frac, "%.3f", (double)rest / (double)scale);
    size_t n = strlen(frac);
    while (n > 2 && frac[n - 1] == '0')
        frac[--n] = '\0';
    snprintf(buf, len, "%" PRIu64 "%s%s", whole, frac + 1, unit);
    return buf;
}

/* The largest unit that shows the value exactly with at most three decimals. */
static char *format_best(char *buf, size_t len, uint64_t v, const struct unit *units, int count)
{
    for (int i = count - 1; i > 0; i--) {
        uint64_t step = units[i].scale >= 1000 ? units[i].scale / 1000 : 1;
        if (v >= units[i].scale && v % step == 0)
            return format_scaled(buf, len, v, units[i].scale, units[i].name);
    }
    return format_scaled(buf, len, v, units[0].scale, units[0].name);
}

char *units_format_time(char *buf, size_t len, sim_time_t t)
{
    if (t < 0) {
        snprintf(buf, len, "-");
        return buf;
    }
    return format_best(buf, len, (uint64_t)t, time_units, 4);
}

char *units_format_rate(char *buf, size_t len, uint64_t bps)
{
    static const struct unit shown[] = {
        { "bps", 1 }, { "kbps", 1000 }, { "Mbps", 1000000 }, { "Gbps", 1000000000 },
        { "Tbps", 1000000000000ull },
    };
    return format_best(buf, len, bps, shown, 5);
}

char *units_format_size(char *buf, size_t len, uint64_t bytes)
{
    static const struct unit binary[] = { { "B", 1 }, { "KiB", 1024 }, { "MiB", 1048576 }, { "GiB", 1073741824 } };
    static const struct unit decimal[] = { { "B", 1 }, { "KB", 1000 }, { "MB", 1000000 }, { "GB", 1000000000 } };
    for (int i = 3; i >= 1; i--)
        if (bytes >= binary[i].scale && bytes % binary[i].scale == 0)
            return format_scaled(buf, len, bytes, binary[i].scale, binary[i].name);
    return format_best(buf, len, bytes, decimal, 4);
}
