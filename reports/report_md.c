/* Reports: summary.md, the mode comparison table (report_table.c) in
 * Markdown, per-run tables, events and the pcap links. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "reports/report_int.h"
#include "reports/report_stages.h"
#include "reports/report_walk.h"

/* Markdown table cell text: | and newlines would break the row. */
static void mstr(FILE *f, const char *s)
{
    if (!s) {
        fputs("n/a", f);
        return;
    }
    for (; *s; s++) {
        if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`' || *s == '<')
            fputc('\\', f);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
    }
}

static void mnum(FILE *f, double v) { report_fnum(f, v, "n/a"); }

static void comparison(FILE *f, json_t *root)
{
    json_t *modes = report_series(root), *m;
    size_t i;
    const char *param = report_sweep_param(root);

    fputs("## Comparison of the modes\n\n| |", f);
    json_array_foreach(modes, i, m) {
        fputc(' ', f);
        mstr(f, json_string_value(m));
        fputs(" |", f);
    }
    fputs("\n|---|", f);
    json_array_foreach(modes, i, m)
        fputs("---|", f);
    fputc('\n', f);

    for (const struct report_row *row = report_rows; row->label; row++) {
        if (!report_row_shown(row, root))
            continue;
        fputs("| ", f);
        mstr(f, row->label);
        fputs(" |", f);
        json_array_foreach(modes, i, m) {
            char buf[REPORT_NUM_LEN];
            fputc(' ', f);
            mstr(f, row->cell(row, root, json_string_value(m), buf));
            fputs(" |", f);
        }
        fputc('\n', f);
    }
    if (report_row_shown(report_rows, root)) {
        fputs("\nMeasured: the first seven rows. Saturation is the smallest ", f);
        mstr(f, param);
        fputs(" value at which goodput grows by at most 10% to the next sweep point, or reaches 90% "
              "of an analytic bound set by the director's NIC or CPU. The last five rows are fixed properties of "
              "each mode (docs/results-schema.md).\n\n", f);
    } else {
        fputs("\nMeasured: the first six rows, each from the column's peak-goodput run. The last five rows are "
              "fixed properties of each mode (docs/results-schema.md).\n\n", f);
    }
}

static void runs_table(FILE *f, json_t *root)
{
    json_t *r;
    size_t i;
    size_t nparams = report_sweep_nparams(root);

    fputs("## Runs\n\n| run | mode | world |", f);
    for (size_t k = 0; k < nparams; k++) {
        fputc(' ', f);
        mstr(f, report_sweep_name(root, k));
        fputs(" |", f);
    }
    fputs(" goodput (Mbit/s) | bound (Mbit/s) | limited by | req/s | p50 (ms) | p99 (ms) | "
          "p99.9 (ms) | completed | failed | Jain | director CPU | director NIC |\n|---|---|---|", f);
    for (size_t k = 0; k < nparams; k++)
        fputs("---|", f);
    fputs("---|---|---|---|---|---|---|---|---|---|---|---|\n", f);
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        fprintf(f, "| %zu | ", i);
        mstr(f, report_str(r, "mode"));
        fputs(" | ", f);
        mstr(f, report_str(r, "world"));
        for (size_t k = 0; k < nparams; k++) {
            char buf[REPORT_NUM_LEN];
            fputs(" | ", f);
            mstr(f, report_sweep_text(root, r, k, buf));
        }
        const char *cols[] = { "goodput_mbps", "bound.goodput_mbps", NULL, "requests_per_s",
                               "latency_ms.p50", "latency_ms.p99", "latency_ms.p999",
                               "requests.completed", "requests.failed", "jain" };
        for (size_t k = 0; k < sizeof cols / sizeof *cols; k++) {
            fputs(" | ", f);
            if (cols[k])
                mnum(f, report_num(r, cols[k]));
            else
                mstr(f, report_str(r, "bound.limited_by"));
        }
        fputs(" | ", f);
        report_fpct(f, report_num(r, "director.cpu_util"));
        fputs(" | ", f);
        report_fpct(f, report_num(r, "director.nic_util"));
        fputs(" |\n", f);
    }
    fputc('\n', f);
}

static void events_pcaps(FILE *f, json_t *root)
{
    json_t *r, *e;
    size_t i, j, n = 0;

    fputs("## Events\n\n", f);
    json_array_foreach(json_object_get(root, "runs"), i, r)
        json_array_foreach(json_object_get(r, "events"), j, e) {
            if (!n++)
                fputs("| run | mode | t (s) | kind | what | detail |\n|---|---|---|---|---|---|\n", f);
            fprintf(f, "| %zu | ", i);
            mstr(f, report_str(r, "mode"));
            fputs(" | ", f);
            mnum(f, report_num(e, "t_s"));
            const char *cols[] = { "kind", "what", "detail" };
            for (size_t k = 0; k < 3; k++) {
                fputs(" | ", f);
                mstr(f, report_str(e, cols[k]));
            }
            fputs(" |\n", f);
        }
    if (!n)
        fputs("No events.\n", f);
    fputs("\n## Packet captures\n\n", f);
    n = 0;
    json_array_foreach(json_object_get(root, "runs"), i, r)
        json_array_foreach(json_object_get(r, "pcaps"), j, e) {
            const char *p = json_string_value(e);
            n++;
            fprintf(f, "- run %zu (", i);
            mstr(f, report_str(r, "mode"));
            fputs("): [", f);
            mstr(f, p);
            fputs("](", f);
            for (; *p; p++)   /* link target: percent-encode what breaks it */
                if (*p == ' ' || *p == '(' || *p == ')' || *p == '<' || *p == '>')
                    fprintf(f, "%%%02X", (unsigned char)*p);
                else
                    fputc(*p, f);
            fputs(")\n", f);
        }
    if (!n)
        fputs("None (run with --pcap to capture).\n", f);
}

int report_md(json_t *root, const char *dir, char *err, size_t errlen)
{
    FILE *f = report_file_open(dir, "summary.md", err, errlen);
    if (!f)
        return -1;
    fputs("# lvslab: ", f);
    mstr(f, report_str(root, "scenario.name"));
    fputs("\n\n", f);
    if (report_str(root, "scenario.description")) {
        mstr(f, report_str(root, "scenario.description"));
        fputs("\n\n", f);
    }
    if (report_str(root, "scenario.lesson")) {     /* Markdown already */
        fputs("## What this shows\n\n", f);
        fputs(report_str(root, "scenario.lesson"), f);
        fputs("\n\n", f);
    }
    fputs("Scenario ", f);
    mstr(f, report_str(root, "scenario.file"));
    fprintf(f, ", seed %.0f, world %s, %g s per run, lvslab %s. "
               "Measurements given as n/a were not measured.\n\n",
            report_num(root, "lvslab.seed"), report_str(root, "lvslab.world"),
            report_num(root, "scenario.duration_s"), report_str(root, "lvslab.version"));
    comparison(f, root);
    runs_table(f, root);
    report_stages_md(f, root);
    report_cpu_table(f, root, false);
    report_md_proxies(f, root);
    events_pcaps(f, root);
    report_walk_md(f, root, dir);
    return report_file_close(f, dir, "summary.md", err, errlen);
}
