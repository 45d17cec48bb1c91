/* Reports: the mode comparison table, defined once. Each row descriptor
 * gives the row's label (with its unit) and how a series' cell is taken
 * from the record and written as text; summary.md and index.html only
 * escape and lay it out. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "reports/report_int.h"

static json_t *peak_run(json_t *root, const char *series)
{
    json_t *peak;
    report_saturation(root, series, &peak);
    return peak;
}

static const char *saturation(const struct report_row *row, json_t *root,
                              const char *series, char *buf)
{
    json_t *peak;
    (void)row;
    if (!report_sweep_param(root))
        return "n/a (no sweep)";
    double sat = report_saturation(root, series, &peak);
    if (isnan(sat))
        return "more than the largest tried (still scaling)";
    return report_snum(buf, sat, "n/a");
}

static const char *peak_num(const struct report_row *row, json_t *root,
                            const char *series, char *buf)
{
    json_t *peak = peak_run(root, series);
    return report_snum(buf, peak ? report_num(peak, row->field) : NAN, "n/a");
}

static const char *peak_pct(const struct report_row *row, json_t *root,
                            const char *series, char *buf)
{
    json_t *peak = peak_run(root, series);
    return report_spct(buf, peak ? report_num(peak, row->field) : NAN);
}

static const char *peak_str(const struct report_row *row, json_t *root,
                            const char *series, char *buf)
{
    json_t *peak = peak_run(root, series);
    const char *s = peak ? report_str(peak, row->field) : NULL;
    (void)buf;
    return s ? s : "n/a";
}

static const char *fact(const struct report_row *row, json_t *root,
                        const char *series, char *buf)
{
    (void)root, (void)buf;
    return *(const char *const *)((const char *)report_mode_facts(series) + row->fact);
}

bool report_row_shown(const struct report_row *row, json_t *root)
{
    const char *axis = report_sweep_param(root);
    return !row->servers_sweep || (axis && !strcmp(axis, "servers"));
}

#define FACT(name) .cell = fact, .fact = offsetof(struct report_mode_facts, name)

const struct report_row report_rows[] = {
    { .label = "Servers supported before the director saturates", .cell = saturation, .servers_sweep = true },
    { .label = "Peak goodput (Mbit/s)", .numeric = true,
      .cell = peak_num, .field = "goodput_mbps" },
    { .label = "Analytic bound at peak (Mbit/s)", .numeric = true,
      .cell = peak_num, .field = "bound.goodput_mbps" },
    { .label = "Requests/s at peak", .numeric = true,
      .cell = peak_num, .field = "requests_per_s" },
    { .label = "p99 latency at peak (ms)", .numeric = true,
      .cell = peak_num, .field = "latency_ms.p99" },
    { .label = "Director CPU at peak", .numeric = true,
      .cell = peak_pct, .field = "director.cpu_util" },
    { .label = "Limited by", .cell = peak_str, .field = "bound.limited_by" },
    { .label = "Director as gateway for replies", FACT(gateway) },
    { .label = "Client address visible to servers", FACT(client_ip) },
    { .label = "Security exposure", FACT(security) },
    { .label = "Configuration complexity", FACT(complexity) },
    { .label = "Real server OS", FACT(servers_os) },
    { 0 }
};
