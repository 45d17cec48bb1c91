/* Reports: index.html, one self-contained page (inline CSS, inline SVG
 * charts from gnuplot, no script, no external URL): the comparison table
 * (report_table.c), the five charts, the per-run table, events and links
 * to the pcaps. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_int.h"
#include "reports/report_stages.h"
#include "reports/report_walk.h"

static void hstr(FILE *f, const char *s)
{
    if (s)
        report_html_text(f, s);
    else
        fputs("n/a", f);
}

/* The lesson's Markdown, plainly: blank lines end paragraphs, "- " lines
 * are list items, `code` spans are code; all text escaped. */
static void lesson_html(FILE *f, const char *md)
{
    bool in_p = false, in_list = false;
    for (const char *line = md; *line;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        while (n && (*line == ' ' || *line == '\t'))
            line++, n--;
        bool item = n >= 2 && line[0] == '-' && line[1] == ' ';
        if ((!n || item) && in_p)
            fputs("</p>\n", f), in_p = false;
        if ((!n || !item) && in_list)
            fputs("</ul>\n", f), in_list = false;
        if (item) {
            fputs(in_list ? "<li>" : "<ul>\n<li>", f);
            in_list = true;
            line += 2, n -= 2;
        } else if (n && !in_p) {
            fputs("<p>", f);
            in_p = true;
        } else if (n) {
            fputc(' ', f);
        }
        bool code = false;
        for (size_t k = 0; k < n; k++) {
            if (line[k] == '`') {
                fputs(code ? "</code>" : "<code>", f);
                code = !code;
                continue;
            }
            char c[2] = { line[k], 0 };
            hstr(f, c);
        }
        if (code)
            fputs("</code>", f);
        if (item)
            fputs("</li>\n", f);
        line += n;
        if (*line == '\n')
            line++;
    }
    if (in_p)
        fputs("</p>\n", f);
    if (in_list)
        fputs("</ul>\n", f);
}

static void hnum(FILE *f, double v) { report_fnum(f, v, "n/a"); }

static const char css[] =
    "body{font-family:Georgia,'Times New Roman',serif;color:#222;max-width:1060px;"
    "margin:2em auto;padding:0 1.5em;line-height:1.45;background:#fff}"
    "h1{font-size:1.7em;margin-bottom:.2em}h2{font-size:1.3em;margin-top:1.8em;"
    "border-bottom:1px solid #ccc;padding-bottom:.2em}"
    ".meta{color:#555;font-size:.95em}"
    "table{border-collapse:collapse;margin:1em 0;font-size:.88em;"
    "font-family:Helvetica,Arial,sans-serif}"
    "th,td{border-top:1px solid #ddd;border-bottom:1px solid #ddd;padding:.35em .6em;"
    "text-align:left;vertical-align:top}"
    "thead th{border-bottom:2px solid #444;border-top:2px solid #444}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tbody th{font-weight:600;background:#f7f7f7}"
    "figure{margin:1.5em 0;page-break-inside:avoid}"
    "figure svg{width:100%;height:auto;max-width:900px;display:block}"
    "p.nodata{border:1px dashed #999;color:#555;padding:2em;text-align:center;max-width:900px}"
    "figcaption{font-size:.92em;color:#333;margin-top:.3em}"
    "figcaption b{font-weight:600}"
    ".note{font-size:.9em;color:#555}code{font-size:.9em}";

static void comparison(FILE *f, json_t *root)
{
    json_t *modes = report_series(root), *m;
    size_t i;
    const char *param = report_sweep_param(root);

    fputs("<h2>Comparison of the modes</h2>\n<table class=\"cmp\">\n<thead><tr><th></th>", f);
    json_array_foreach(modes, i, m) {
        fputs("<th>", f);
        hstr(f, json_string_value(m));
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (const struct report_row *row = report_rows; row->label; row++) {
        if (!report_row_shown(row, root))
            continue;
        fputs("<tr><th>", f);
        hstr(f, row->label);
        fputs("</th>", f);
        json_array_foreach(modes, i, m) {
            char buf[REPORT_NUM_LEN];
            fputs(row->numeric ? "<td class=\"n\">" : "<td>", f);
            hstr(f, row->cell(row, root, json_string_value(m), buf));
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    if (report_row_shown(report_rows, root)) {
        fputs("</tbody></table>\n<p class=\"note\">Measured: the first seven rows (saturation is "
              "the smallest ", f);
        hstr(f, param);
        fputs(" value at which goodput grows by at most 10% to the next sweep point, or reaches 90% of "
              "an analytic bound set by the director's NIC or CPU). Fixed properties of each mode: the last five "
              "rows.</p>\n", f);
    } else {
        fputs("</tbody></table>\n<p class=\"note\">Measured: the first six rows, each from the column's "
              "peak-goodput run. Fixed properties of each mode: the last five rows.</p>\n", f);
    }
}

static void runs_table(FILE *f, json_t *root)
{
    json_t *r;
    size_t i;
    size_t nparams = report_sweep_nparams(root);
    fputs("<h2>Runs</h2>\n<table>\n<thead><tr><th>run</th><th>mode</th><th>world</th>", f);
    for (size_t k = 0; k < nparams; k++) {
        fputs("<th>", f);
        hstr(f, report_sweep_name(root, k));
        fputs("</th>", f);
    }
    fputs("<th>goodput (Mbit/s)</th><th>bound (Mbit/s)</th><th>limited by</th><th>req/s</th>"
          "<th>p50 (ms)</th><th>p99 (ms)</th><th>p99.9 (ms)</th><th>completed</th>"
          "<th>failed</th><th>Jain</th><th>director CPU</th><th>director NIC</th>"
          "</tr></thead>\n<tbody>\n", f);
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        fprintf(f, "<tr><td class=\"n\">%zu</td><td>", i);
        hstr(f, report_str(r, "mode"));
        fputs("</td><td>", f);
        hstr(f, report_str(r, "world"));
        fputs("</td>", f);
        for (size_t k = 0; k < nparams; k++) {
            char buf[REPORT_NUM_LEN];
            json_t *v = json_object_get(json_object_get(r, "sweep"), report_sweep_name(root, k));
            fputs(json_is_string(v) ? "<td>" : "<td class=\"n\">", f);
            hstr(f, report_sweep_text(root, r, k, buf));
            fputs("</td>", f);
        }
        const char *cols[] = { "goodput_mbps", "bound.goodput_mbps", NULL, "requests_per_s",
                               "latency_ms.p50", "latency_ms.p99", "latency_ms.p999",
                               "requests.completed", "requests.failed", "jain" };
        for (size_t k = 0; k < sizeof cols / sizeof *cols; k++) {
            if (cols[k]) {
                fputs("<td class=\"n\">", f);
                hnum(f, report_num(r, cols[k]));
            } else {
                fputs("<td>", f);
                hstr(f, report_str(r, "bound.limited_by"));
            }
            fputs("</td>", f);
        }
        fputs("<td class=\"n\">", f);
        report_fpct(f, report_num(r, "director.cpu_util"));
        fputs("</td><td class=\"n\">", f);
        report_fpct(f, report_num(r, "director.nic_util"));
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static void events_pcaps(FILE *f, json_t *root)
{
    json_t *r, *e;
    size_t i, j, n = 0;
    fputs("<h2>Events</h2>\n", f);
    json_array_foreach(json_object_get(root, "runs"), i, r)
        json_array_foreach(json_object_get(r, "events"), j, e) {
            if (!n++)
                fputs("<table><thead><tr><th>run</th><th>mode</th><th>t (s)</th><th>kind</th>"
                      "<th>what</th><th>detail</th></tr></thead>\n<tbody>\n", f);
            fprintf(f, "<tr><td class=\"n\">%zu</td><td>", i);
            hstr(f, report_str(r, "mode"));
            fputs("</td><td class=\"n\">", f);
            hnum(f, report_num(e, "t_s"));
            const char *cols[] = { "kind", "what", "detail" };
            for (size_t k = 0; k < 3; k++) {
                fputs("</td><td>", f);
                hstr(f, report_str(e, cols[k]));
            }
            fputs("</td></tr>\n", f);
        }
    fputs(n ? "</tbody></table>\n" : "<p>No events.</p>\n", f);
    fputs("<h2>Packet captures</h2>\n", f);
    n = 0;
    json_array_foreach(json_object_get(root, "runs"), i, r)
        json_array_foreach(json_object_get(r, "pcaps"), j, e) {
            const char *p = json_string_value(e);
            if (!n++)
                fputs("<ul>\n", f);
            fprintf(f, "<li>run %zu (", i);
            hstr(f, report_str(r, "mode"));
            fputs("): <a href=\"", f);
            for (const char *c = p; *c; c++)   /* relative link, percent-encoded */
                if ((unsigned char)*c <= ' ' || strchr("\"'<>&%#?:\\", *c) || (unsigned char)*c >= 0x7f)
                    fprintf(f, "%%%02X", (unsigned char)*c);
                else
                    fputc(*c, f);
            fputs("\"><code>", f);
            hstr(f, p);
            fputs("</code></a></li>\n", f);
        }
    fputs(n ? "</ul>\n" : "<p>None (run with <code>--pcap</code> to capture).</p>\n", f);
}

/* In place of a chart with no measured point (no request completed: a
 * download-only or misconfigured scenario, or a run too short). */
#define NO_DATA "<p class=\"nodata\">No data to plot: no run measured this (no request completed in any run).</p>"

/* Chart k's caption: what it plots against what, and which series coincide. */
static void caption(FILE *f, json_t *root, int k)
{
    const char *axis = report_sweep_param(root);
    bool names = report_sweep_nparams(root) && !axis;
    char against[160];
    if (names)
        snprintf(against, sizeof against, "for each combination of the swept values, a bar per mode");
    else if (!axis || !strcmp(axis, "servers"))
        snprintf(against, sizeof against, "versus the number of real servers, a series per mode%s",
                 report_sweep_nparams(root) > 1 ? " and value of the other swept parameters" : "");
    else
        snprintf(against, sizeof against, "versus %s, a series per mode%s", axis,
                 report_sweep_nparams(root) > 1 ? " and value of the other swept parameters" : "");
    fprintf(f, "<b>Figure %d.</b> ", k + 1);
    switch (k) {
    case 0:
        fputs("Goodput ", f);
        hstr(f, against);
        fputs(names ? "." : "; dashed: the analytic bound (director NIC and CPU; bounds above the plotted range "
                            "are in the table).", f);
        break;
    case 1: fputs("Latency CDF of every run, each line named after its run.", f); break;
    case 2: fputs("Share of requests per real server (servers in order) in every run, each line named after its "
                  "run.", f); break;
    case 3:
        fputs("Director CPU utilisation ", f);
        hstr(f, against);
        fputc('.', f);
        break;
    case 4: fputs("Goodput over time in every run, each line named after its run; dotted vertical lines: failure "
                  "and health-check events.", f); break;
    }
    char same[1024];
    if (report_coinciding(root, k, same, sizeof same)) {
        fputs(" Coinciding (drawn on top of each other, told apart by their markers and dashes): ", f);
        hstr(f, same);
        fputc('.', f);
    }
}

int report_html(json_t *root, const char *dir, char *err, size_t errlen)
{
    char *svg[REPORT_NCHARTS] = { 0 };
    struct report_stages stages = { 0 };
    char **run_svg = NULL;
    int rc = -1;
    if (report_stages_svg(root, &stages, err, errlen) < 0)
        return -1;
    for (int k = 0; k < REPORT_NCHARTS; k++) {
        size_t points = 0;
        char *script = report_chart_script(root, k, &points);
        if (!script) {
            snprintf(err, errlen, "chart %d: out of memory", k + 1);
            goto out;
        }
        if (!points) {   /* nothing measured: said in words, gnuplot not asked */
            free(script);
            svg[k] = strdup(NO_DATA);
            if (!svg[k]) {
                snprintf(err, errlen, "chart %d: out of memory", k + 1);
                goto out;
            }
            continue;
        }
        char prefix[16];
        snprintf(prefix, sizeof prefix, "fig%d-", k + 1);
        svg[k] = report_gnuplot_svg(script, prefix, err, errlen);
        free(script);
        if (!svg[k])
            goto out;
    }
    if (!(run_svg = report_run_svgs(root, err, errlen)))
        goto out;
    FILE *f = report_file_open(dir, "index.html", err, errlen);
    if (!f)
        goto out;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>lvslab: ", f);
    hstr(f, report_str(root, "scenario.name"));
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>lvslab: ", css);
    hstr(f, report_str(root, "scenario.name"));
    fputs("</h1>\n", f);
    if (report_str(root, "scenario.description")) {
        fputs("<p>", f);
        hstr(f, report_str(root, "scenario.description"));
        fputs("</p>\n", f);
    }
    if (report_str(root, "scenario.lesson")) {
        fputs("<h2>What this shows</h2>\n", f);
        lesson_html(f, report_str(root, "scenario.lesson"));
    }
    fputs("<p class=\"meta\">Scenario <code>", f);
    hstr(f, report_str(root, "scenario.file"));
    fprintf(f, "</code>, seed %.0f, world ", report_num(root, "lvslab.seed"));
    hstr(f, report_str(root, "lvslab.world"));
    fprintf(f, ", %g s per run, lvslab ", report_num(root, "scenario.duration_s"));
    hstr(f, report_str(root, "lvslab.version"));
    fputs(". n/a: not measured. Data: <a href=\"results.json\">results.json</a>, "
          "<a href=\"runs.csv\">runs.csv</a>, <a href=\"servers.csv\">servers.csv</a>, "
          "<a href=\"timeseries.csv\">timeseries.csv</a>, <a href=\"events.csv\">events.csv</a>.</p>\n", f);
    comparison(f, root);
    fputs("<h2>Charts</h2>\n", f);
    for (int k = 0; k < REPORT_NCHARTS; k++) {
        fprintf(f, "<figure id=\"fig%d\">\n%s\n<figcaption>", k + 1, svg[k]);
        caption(f, root, k);
        fputs("</figcaption>\n</figure>\n", f);
    }
    report_stages_html(f, root, &stages);
    runs_table(f, root);
    report_html_runs(f, root, run_svg);
    report_cpu_table(f, root, true);
    events_pcaps(f, root);
    report_walk_html(f, root, dir);
    fputs("</body>\n</html>\n", f);
    if (report_file_close(f, dir, "index.html", err, errlen) < 0)
        goto out;
    rc = 0;
out:
    for (int k = 0; k < REPORT_NCHARTS; k++)
        free(svg[k]);
    report_stages_free(&stages);
    report_run_svgs_free(run_svg, json_array_size(json_object_get(root, "runs")));
    return rc;
}
