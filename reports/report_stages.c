/* Reports: capacity and failover per run, for runs measured after their
 * window (results.json's "after"): a table in summary.md and index.html
 * naming each run's limit, and in index.html two bar charts, the
 * capacity (measured and bound) and the requests the failover cost. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_int.h"
#include "reports/report_stages.h"

static bool any_after(json_t *root)
{
    json_t *r;
    size_t i;
    json_array_foreach(json_object_get(root, "runs"), i, r)
        if (json_is_object(json_object_get(r, "after")))
            return true;
    return false;
}

/* The bound as requests per second: its goodput over the run's bytes per request. */
static double bound_rps(json_t *r)
{
    double g = report_num(r, "goodput_mbps"), b = report_num(r, "bound.goodput_mbps");
    return g > 0 ? b * report_num(r, "requests_per_s") / g : NAN;
}

/* Requests not served after the window, against the capacity measured in it. */
static double lost(json_t *r)
{
    double d = report_num(r, "requests_per_s") * report_num(r, "after.duration_s") - report_num(r, "after.completed");
    return isnan(d) ? d : fmax(d, 0);
}

/* A gnuplot string literal of text (quotes and backslashes dropped, a
 * newline as gnuplot's \n). */
static void gstr(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++)
        if (*s == '\n')
            fputs("\\n", f);
        else if (*s != '"' && *s != '\\')
            fputc(*s, f);
    fputc('"', f);
}

static char *chart_script(json_t *root, bool capacity)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fputs("set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.7 border -1\n"
          "set key outside top center horizontal\nset yrange [0:*]\nset grid ytics\nset bmargin 4\n"
          "set xtics font \",9\"\n", f);
    fprintf(f, "set ylabel %s\n", capacity ? "\"requests per second\"" : "\"requests\"");
    fputs("$d << EOD\n", f);
    json_t *r;
    size_t i;
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        if (!json_is_object(json_object_get(r, "after")))
            continue;
        char name[256], limit[160];
        report_run_name(root, r, name, sizeof name);
        snprintf(limit, sizeof limit, "%s", report_str(r, "bound.limited_by") ? report_str(r, "bound.limited_by") : "");
        char label[420];
        snprintf(label, sizeof label, capacity && limit[0] ? "%s\n(%s)" : "%s", name, limit);
        gstr(f, label);
        if (capacity)
            fprintf(f, " %.6g %.6g\n", report_num(r, "requests_per_s"), bound_rps(r));
        else
            fprintf(f, " %.6g %.6g\n", lost(r), report_num(r, "after.failed"));
    }
    fputs("EOD\n", f);
    if (capacity)
        fputs("plot $d using 2:xtic(1) title \"measured\", '' using 3 title \"analytic bound\"\n", f);
    else
        fputs("plot $d using 2:xtic(1) title \"not served (capacity x time - completed)\", "
              "'' using 3 title \"failed\"\n", f);
    fclose(f);
    return text;
}

int report_stages_svg(json_t *root, struct report_stages *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!any_after(root))
        return 0;
    for (int k = 0; k < 2; k++) {
        char *script = chart_script(root, k == 0);
        if (!script) {
            snprintf(err, errlen, "capacity and failover charts: out of memory");
            return -1;
        }
        out->svg[k] = report_gnuplot_svg(script, k == 0 ? "stage1-" : "stage2-", err, errlen);
        free(script);
        if (!out->svg[k]) {
            report_stages_free(out);
            return -1;
        }
    }
    return 0;
}

void report_stages_free(struct report_stages *s)
{
    free(s->svg[0]);
    free(s->svg[1]);
    memset(s, 0, sizeof *s);
}

static const char *const HEADS[] = { "run", "capacity (req/s)", "bound (req/s)", "limited by",
                                     "after the window (s)", "completed", "failed", "retried",
                                     "longest time without a completion (s)", "not served", NULL };

/* One row's cells as text. */
static void cells(json_t *root, json_t *r, char cell[][REPORT_NUM_LEN])
{
    report_run_name(root, r, cell[0], REPORT_NUM_LEN);
    report_snum(cell[1], report_num(r, "requests_per_s"), "n/a");
    report_snum(cell[2], round(bound_rps(r)), "n/a");
    snprintf(cell[3], REPORT_NUM_LEN, "%s", report_str(r, "bound.limited_by") ? report_str(r, "bound.limited_by")
                                                                               : "n/a");
    report_snum(cell[4], report_num(r, "after.duration_s"), "n/a");
    report_snum(cell[5], report_num(r, "after.completed"), "n/a");
    report_snum(cell[6], report_num(r, "after.failed"), "n/a");
    report_snum(cell[7], report_num(r, "after.retries"), "n/a");
    report_snum(cell[8], report_num(r, "after.outage_s"), "n/a");
    report_snum(cell[9], round(lost(r)), "n/a");
}

static const char INTRO[] =
    "Capacity is measured over the window after the warm-up and set against the analytic bound, whose limit "
    "names the bottleneck; what the scenario makes happen after the window (a failover) is measured apart: "
    "requests completed, failed (after the clients' retries) and retried, the longest time in which no request "
    "completed anywhere, and the requests not served (the capacity times the time after the window, less those "
    "completed).";

void report_stages_md(FILE *f, json_t *root)
{
    if (!any_after(root))
        return;
    fprintf(f, "## Capacity and failover\n\n%s\n\n|", INTRO);
    for (int k = 0; HEADS[k]; k++)
        fprintf(f, " %s |", HEADS[k]);
    fputs("\n|", f);
    for (int k = 0; HEADS[k]; k++)
        fputs("---|", f);
    fputc('\n', f);
    json_t *r;
    size_t i;
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        if (!json_is_object(json_object_get(r, "after")))
            continue;
        char cell[10][REPORT_NUM_LEN];
        cells(root, r, cell);
        fputc('|', f);
        for (int k = 0; HEADS[k]; k++)
            fprintf(f, " %s |", cell[k]);
        fputc('\n', f);
    }
    fputc('\n', f);
}


void report_stages_html(FILE *f, json_t *root, const struct report_stages *s)
{
    if (!s->svg[0])
        return;
    fputs("<h2 id=\"capacity-failover\">Capacity and failover</h2>\n<p>", f);
    report_html_text(f, INTRO);
    fprintf(f, "</p>\n<figure id=\"stage-capacity\">\n%s\n<figcaption><b>Capacity per run.</b> Requests per "
            "second measured in the window, and the analytic bound; under each run, the resource the bound names "
            "as its limit.</figcaption>\n</figure>\n", s->svg[0]);
    fprintf(f, "<figure id=\"stage-failover\">\n%s\n<figcaption><b>Failover loss per run.</b> Requests not served "
            "after the window against the capacity before it, and requests that failed.</figcaption>\n</figure>\n",
            s->svg[1]);
    fputs("<table>\n<tr>", f);
    for (int k = 0; HEADS[k]; k++) {
        fputs("<th>", f);
        report_html_text(f, HEADS[k]);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    json_t *r;
    size_t i;
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        if (!json_is_object(json_object_get(r, "after")))
            continue;
        char cell[10][REPORT_NUM_LEN];
        cells(root, r, cell);
        fputs("<tr>", f);
        for (int k = 0; HEADS[k]; k++) {
            fputs("<td>", f);
            report_html_text(f, cell[k]);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}
