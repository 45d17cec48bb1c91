/* Reports: reading numbers and strings out of the validated record. */
#include <math.h>
#include <string.h>

#include "reports/report_int.h"

static json_t *at(json_t *o, const char *path)
{
    char key[64];
    while (o && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = 0;
        o = json_object_get(o, key);
        path += n + (path[n] == '.');
    }
    return o;
}

double report_num(json_t *o, const char *path)
{
    json_t *v = at(o, path);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

const char *report_str(json_t *o, const char *path)
{
    return json_string_value(at(o, path));
}

const char *report_sweep_param(json_t *root)
{
    return report_str(root, "scenario.sweep.param");
}

double report_sweep_value(json_t *root, json_t *run)
{
    const char *p = report_sweep_param(root);
    return p ? report_num(json_object_get(run, "sweep"), p) : NAN;
}

void report_fnum(FILE *f, double v, const char *missing)
{
    if (isnan(v))
        fputs(missing, f);
    else if (v == floor(v) && fabs(v) < 1e15)   /* counts and byte totals in full */
        fprintf(f, "%.0f", v);
    else
        fprintf(f, "%.6g", v);
}
