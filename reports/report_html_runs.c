/* Reports: index.html's section of each run, its own chart of six panels
 * (report_run_charts.c) captioned with the run's name (mode and swept
 * values). Each run is a <details> element, open when there are few runs,
 * so that a sweep of sixty runs stays a list to open one by one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_int.h"

/* Runs shown open; beyond, every run's chart starts folded. */
#define OPEN_RUNS_MAX 8

#define RUN_NO_DATA "<p class=\"nodata\">No data to plot: this run measured nothing (no request completed, " \
    "no sample taken).</p>"

char **report_run_svgs(json_t *root, char *err, size_t errlen)
{
    json_t *runs = json_object_get(root, "runs"), *r;
    size_t i, n = json_array_size(runs);
    char **svg = calloc(n + 1, sizeof *svg);
    if (!svg) {
        snprintf(err, errlen, "run charts: out of memory");
        return NULL;
    }
    json_array_foreach(runs, i, r) {
        size_t points = 0;
        char *script = report_run_chart_script(root, r, &points), prefix[32];
        if (script && !points)
            svg[i] = strdup(RUN_NO_DATA);
        else if (script) {
            snprintf(prefix, sizeof prefix, "run%zu-", i);
            svg[i] = report_gnuplot_svg_sized(script, prefix, 960, 560, err, errlen);
        } else
            snprintf(err, errlen, "run %zu chart: out of memory", i);
        free(script);
        if (!svg[i]) {
            report_run_svgs_free(svg, n);
            return NULL;
        }
    }
    return svg;
}

void report_run_svgs_free(char **svg, size_t n)
{
    for (size_t i = 0; svg && i < n; i++)
        free(svg[i]);
    free(svg);
}


void report_html_runs(FILE *f, json_t *root, char *const *svg)
{
    json_t *runs = json_object_get(root, "runs"), *r;
    size_t i, n = json_array_size(runs);
    fputs("<h2>Each run</h2>\n<p>Each run's own chart: goodput over time (dotted: the run's events), requests "
          "failed and retried per second, the director's connection table (active and inactive as "
          "<code>ipvsadm -L</code> counts them; dashed: the entries in each TCP state, as <code>ipvsadm -L -c</code> "
          "lists them), each real server's share of the requests answered in each interval (every server when "
          "there are few; else the least and the most, and the even share), the latency CDF and each server's "
          "share of the measured window.", f);
    if (n > OPEN_RUNS_MAX)
        fprintf(f, " %zu runs: click a run to open its chart.", n);
    fputs("</p>\n", f);
    json_array_foreach(runs, i, r) {
        char name[256];
        report_run_name(root, r, name, sizeof name);
        fprintf(f, "<details id=\"run%zu\"%s><summary>Run %zu: ", i, n <= OPEN_RUNS_MAX ? " open" : "", i);
        report_html_text(f, name);
        fprintf(f, "</summary>\n<figure>\n%s\n<figcaption><b>Run %zu</b> (", svg[i], i);
        report_html_text(f, name);
        fputs("): goodput, failures and retries, the director's connection table and each server's share over "
              "time; its latency CDF and each server's share.</figcaption>\n</figure>\n</details>\n", f);
    }
}
