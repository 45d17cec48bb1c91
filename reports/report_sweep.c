/* Reports: the sweep as the charts and tables follow it. Every swept
 * parameter is a column; the chart's x-axis is the swept numeric
 * parameter (servers when several are), and each other swept parameter's
 * value joins the mode in the series name ("nat sched=rr"). */
#include <math.h>
#include <string.h>

#include "reports/report_int.h"

/* scenario.sweep.params, or a record of one parameter written before
 * there were several: {"param", "values"} alone. */
static json_t *params(json_t *root)
{
    json_t *sweep = json_object_get(json_object_get(root, "scenario"), "sweep");
    return json_object_get(sweep, "params");
}

size_t report_sweep_nparams(json_t *root)
{
    if (params(root))
        return json_array_size(params(root));
    return report_str(root, "scenario.sweep.param") ? 1 : 0;
}

const char *report_sweep_name(json_t *root, size_t k)
{
    if (params(root))
        return report_str(json_array_get(params(root), k), "name");
    return k == 0 ? report_str(root, "scenario.sweep.param") : NULL;
}

static bool numeric(json_t *root, size_t k)
{
    json_t *values = params(root) ? json_object_get(json_array_get(params(root), k), "values")
                                  : json_object_get(json_object_get(json_object_get(root, "scenario"), "sweep"),
                                                    "values");
    return json_is_number(json_array_get(values, 0));
}

const char *report_sweep_param(json_t *root)
{
    const char *axis = NULL;
    for (size_t k = 0; k < report_sweep_nparams(root); k++)
        if (numeric(root, k) && (!axis || !strcmp(report_sweep_name(root, k), "servers")))
            axis = report_sweep_name(root, k);
    return axis;
}

double report_sweep_value(json_t *root, json_t *run)
{
    const char *p = report_sweep_param(root);
    return p ? report_num(json_object_get(run, "sweep"), p) : NAN;
}

const char *report_sweep_text(json_t *root, json_t *run, size_t k, char *buf)
{
    json_t *v = json_object_get(json_object_get(run, "sweep"), report_sweep_name(root, k));
    if (json_is_string(v))
        return json_string_value(v);
    return report_snum(buf, json_is_number(v) ? json_number_value(v) : NAN, "n/a");
}

void report_run_others(json_t *root, json_t *run, char *out, size_t len)
{
    const char *axis = report_sweep_param(root);
    size_t used = 0;
    out[0] = '\0';
    for (size_t k = 0; k < report_sweep_nparams(root) && used < len; k++) {
        const char *name = report_sweep_name(root, k);
        if (axis && !strcmp(name, axis))
            continue;
        char buf[REPORT_NUM_LEN];
        used += (size_t)snprintf(out + used, len - used, "%s%s=%s", used ? " " : "", name,
                                 report_sweep_text(root, run, k, buf));
    }
}

void report_run_name(json_t *root, json_t *run, char *out, size_t len)
{
    size_t used = (size_t)snprintf(out, len, "%s", report_str(run, "mode"));
    for (size_t k = 0; k < report_sweep_nparams(root) && used < len; k++) {
        char buf[REPORT_NUM_LEN];
        used += (size_t)snprintf(out + used, len - used, " %s=%s", report_sweep_name(root, k),
                                 report_sweep_text(root, run, k, buf));
    }
    if (used < len && !strcmp(report_str(run, "world"), "emu"))
        snprintf(out + used, len - used, " (emu)");
}
