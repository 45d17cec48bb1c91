/* Reports: reading numbers and strings out of the validated record, and
 * numbers as text. */
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

const char *report_snum(char *buf, double v, const char *missing)
{
    if (isnan(v))
        return missing;
    if (v == floor(v) && fabs(v) < 1e15)   /* counts and byte totals in full */
        snprintf(buf, REPORT_NUM_LEN, "%.0f", v);
    else
        snprintf(buf, REPORT_NUM_LEN, "%.6g", v);
    return buf;
}

const char *report_spct(char *buf, double v)
{
    if (isnan(v))
        return "n/a";
    snprintf(buf, REPORT_NUM_LEN, "%.0f%%", v * 100);
    return buf;
}

void report_fnum(FILE *f, double v, const char *missing)
{
    char buf[REPORT_NUM_LEN];
    fputs(report_snum(buf, v, missing), f);
}

void report_fpct(FILE *f, double v)
{
    char buf[REPORT_NUM_LEN];
    fputs(report_spct(buf, v), f);
}

void report_html_text(FILE *f, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
}

void report_gnuplot_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; s && *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc((unsigned char)*s < ' ' ? ' ' : *s, f);
    }
    fputc('\'', f);
}
