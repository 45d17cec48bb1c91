/* Reports: the CSV files beside results.json (runs, servers, timeseries,
 * events), one header line each, RFC 4180 quoting of text. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/report_int.h"

static void cstr(FILE *f, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void cnum(FILE *f, double v) { fputc(',', f); report_fnum(f, v, ""); }

#define open_in report_file_open
#define close_file report_file_close

/* The sweep columns: one per swept parameter, in the order of the runs. */
static void run_key(FILE *f, json_t *root, json_t *run, size_t idx)
{
    fprintf(f, "%zu,", idx);
    cstr(f, report_str(run, "mode"));
    fputc(',', f);
    cstr(f, report_str(run, "world"));
    for (size_t k = 0; k < report_sweep_nparams(root); k++) {
        json_t *v = json_object_get(json_object_get(run, "sweep"), report_sweep_name(root, k));
        if (json_is_string(v)) {
            fputc(',', f);
            cstr(f, json_string_value(v));
        } else {
            cnum(f, json_is_number(v) ? json_number_value(v) : NAN);
        }
    }
}

static void key_header(FILE *f, json_t *root)
{
    fputs("run,mode,world", f);
    for (size_t k = 0; k < report_sweep_nparams(root); k++) {
        fputc(',', f);
        cstr(f, report_sweep_name(root, k));
    }
}

static int runs_csv(json_t *root, const char *dir, char *err, size_t errlen)
{
    FILE *f = open_in(dir, "runs.csv", err, errlen);
    json_t *r;
    size_t i;
    if (!f)
        return -1;
    key_header(f, root);
    fputs(",goodput_mbps,requests_per_s,p50_ms,p99_ms,p999_ms,completed,failed,jain,"
          "director_cpu_util,director_nic_util,bound_goodput_mbps,limited_by\n", f);
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        run_key(f, root, r, i);
        const char *nums[] = { "goodput_mbps", "requests_per_s", "latency_ms.p50",
                               "latency_ms.p99", "latency_ms.p999", "requests.completed",
                               "requests.failed", "jain", "director.cpu_util",
                               "director.nic_util", "bound.goodput_mbps" };
        for (size_t k = 0; k < sizeof nums / sizeof *nums; k++)
            cnum(f, report_num(r, nums[k]));
        fputc(',', f);
        cstr(f, report_str(r, "bound.limited_by"));
        fputc('\n', f);
    }
    return close_file(f, dir, "runs.csv", err, errlen);
}

static int servers_csv(json_t *root, const char *dir, char *err, size_t errlen)
{
    FILE *f = open_in(dir, "servers.csv", err, errlen);
    json_t *r, *s;
    size_t i, j;
    if (!f)
        return -1;
    key_header(f, root);
    fputs(",server,requests,bytes,share\n", f);
    json_array_foreach(json_object_get(root, "runs"), i, r)
        json_array_foreach(json_object_get(r, "servers"), j, s) {
            run_key(f, root, r, i);
            fputc(',', f);
            cstr(f, report_str(s, "name"));
            cnum(f, report_num(s, "requests"));
            cnum(f, report_num(s, "bytes"));
            cnum(f, report_num(s, "share"));
            fputc('\n', f);
        }
    return close_file(f, dir, "servers.csv", err, errlen);
}

static int timeseries_csv(json_t *root, const char *dir, char *err, size_t errlen)
{
    FILE *f = open_in(dir, "timeseries.csv", err, errlen);
    json_t *r;
    size_t i, j;
    if (!f)
        return -1;
    key_header(f, root);
    fputs(",t_s,goodput_mbps,requests_per_s,director_cpu_util\n", f);
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        json_t *ts = json_object_get(r, "timeseries");
        if (!json_is_object(ts))
            continue;
        size_t n = json_array_size(json_object_get(ts, "t_s"));
        for (j = 0; j < n; j++) {
            run_key(f, root, r, i);
            const char *cols[] = { "t_s", "goodput_mbps", "requests_per_s", "director_cpu_util" };
            for (size_t k = 0; k < 4; k++) {
                json_t *v = json_array_get(json_object_get(ts, cols[k]), j);
                cnum(f, json_is_number(v) ? json_number_value(v) : NAN);
            }
            fputc('\n', f);
        }
    }
    return close_file(f, dir, "timeseries.csv", err, errlen);
}

static int events_csv(json_t *root, const char *dir, char *err, size_t errlen)
{
    FILE *f = open_in(dir, "events.csv", err, errlen);
    json_t *r, *e;
    size_t i, j;
    if (!f)
        return -1;
    key_header(f, root);
    fputs(",t_s,kind,what,detail\n", f);
    json_array_foreach(json_object_get(root, "runs"), i, r)
        json_array_foreach(json_object_get(r, "events"), j, e) {
            run_key(f, root, r, i);
            cnum(f, report_num(e, "t_s"));
            const char *cols[] = { "kind", "what", "detail" };
            for (size_t k = 0; k < 3; k++) {
                fputc(',', f);
                cstr(f, report_str(e, cols[k]));
            }
            fputc('\n', f);
        }
    return close_file(f, dir, "events.csv", err, errlen);
}

int report_csv(json_t *root, const char *dir, char *err, size_t errlen)
{
    return runs_csv(root, dir, err, errlen) || servers_csv(root, dir, err, errlen) ||
           timeseries_csv(root, dir, err, errlen) || events_csv(root, dir, err, errlen) ? -1 : 0;
}
