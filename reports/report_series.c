/* Reports: the series shown side by side, a forwarding mode in one world:
 * "nat" for simulated runs, "nat (emu)" for emulated ones. */
#include <stdio.h>
#include <string.h>

#include "reports/report_int.h"

#define EMU_SUFFIX " (emu)"

static bool has_runs(json_t *root, const char *mode, const char *world)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(root, "runs"), i, r)
        if (!strcmp(report_str(r, "mode"), mode) && !strcmp(report_str(r, "world"), world))
            return true;
    return false;
}

void report_series_annotate(json_t *root)
{
    json_t *series = json_array(), *m;
    size_t i;
    static const char *const worlds[] = { "sim", "emu" };
    for (int w = 0; w < 2; w++)
        json_array_foreach(json_object_get(json_object_get(root, "scenario"), "modes"), i, m)
            if (has_runs(root, json_string_value(m), worlds[w]))
                json_array_append_new(series, json_sprintf("%s%s", json_string_value(m), w ? EMU_SUFFIX : ""));
    json_object_set_new(root, "_series", series);
}

json_t *report_series(json_t *root)
{
    return json_object_get(root, "_series");
}

bool report_run_in(json_t *run, const char *series)
{
    const char *mode = report_str(run, "mode");
    size_t n = strlen(mode);
    if (strncmp(series, mode, n))
        return false;
    return !strcmp(report_str(run, "world"), "emu") ? !strcmp(series + n, EMU_SUFFIX) : series[n] == '\0';
}
