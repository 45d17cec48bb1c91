/*
 * Units for humans: times ("50us", "1.5ms", "10s"), rates in bits per second
 * ("1Gbps", "100Mbit", "10Gbit/s") and sizes in bytes ("1500", "64KB",
 * "1MiB"). Rates and KB/MB/GB are decimal (SI); KiB/MiB/GiB are binary.
 * Anything else is an error whose message quotes the text.
 */
#ifndef ENGINE_UNITS_H
#define ENGINE_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/simtime.h"

/* Each returns 0, or -1 with a message in err (e.g.
 * `bad time "10 parsecs": unknown unit "parsecs" (use ns, us, ms, s)`). */
int units_parse_time(const char *text, sim_time_t *out, char *err, size_t errlen);
int units_parse_rate(const char *text, uint64_t *bits_per_s, char *err, size_t errlen);
int units_parse_size(const char *text, uint64_t *bytes, char *err, size_t errlen);

/* Short exact forms where they exist ("50us", "1.5ms", "1Gbps", "64KiB");
 * return buf. */
char *units_format_time(char *buf, size_t len, sim_time_t t);
char *units_format_rate(char *buf, size_t len, uint64_t bits_per_s);
char *units_format_size(char *buf, size_t len, uint64_t bytes);

#endif
