/* Reports: the series shown side by side, a forwarding mode in one world:
 * "nat" for simulated runs, "nat (emu)" for emulated ones. */
#include <stdio.h>
#include <string.h>

#include "reports/report_int.h"

#define EMU_SUFFIX " (emu)"

/* The run's series: its mode, the other swept values, its world. */
static json_t *series_of(json_t *root, json_t *run)
{
    char others[256];
    report_run_others(root, run, others, sizeof others);
    return json_sprintf("%s%s%s%s", report_str(run, "mode"), others[0] ? " " : "", others,
                        strcmp(report_str(run, "world"), "emu") ? "" : EMU_SUFFIX);
}

static bool listed(json_t *series, const char *name)
{
    size_t i;
    json_t *s;
    json_array_foreach(series, i, s)
        if (!strcmp(json_string_value(s), name))
            return true;
    return false;
}

void report_series_annotate(json_t *root)
{
    json_t *series = json_array(), *m, *r;
    size_t i, j;
    static const char *const worlds[] = { "sim", "emu" };
    json_array_foreach(json_object_get(root, "runs"), j, r)
        json_object_set_new(r, "_series", series_of(root, r));
    for (int w = 0; w < 2; w++)
        json_array_foreach(json_object_get(json_object_get(root, "scenario"), "modes"), i, m)
            json_array_foreach(json_object_get(root, "runs"), j, r) {
                const char *name = report_str(r, "_series");
                if (!strcmp(report_str(r, "mode"), json_string_value(m)) &&
                    !strcmp(report_str(r, "world"), worlds[w]) && !listed(series, name))
                    json_array_append_new(series, json_string(name));
            }
    json_object_set_new(root, "_series", series);
}

json_t *report_series(json_t *root)
{
    return json_object_get(root, "_series");
}

bool report_run_in(json_t *run, const char *series)
{
    const char *s = report_str(run, "_series");
    return s && !strcmp(s, series);
}
