/* Reports: summary.md, the mode comparison table (measured numbers plus the
 * fixed qualitative rows of report_modes.c), per-run tables, events and the
 * pcap links. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/report_int.h"

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

    const char *rows[] = { "Servers supported before the director saturates",
                           "Peak goodput (Mbit/s)", "Analytic bound at peak (Mbit/s)",
                           "Requests/s at peak", "p99 latency at peak (ms)",
                           "Director CPU at peak", "Limited by",
                           "Director as gateway for replies", "Client address visible to servers",
                           "Security exposure", "Configuration complexity", "Real server OS" };
    for (size_t row = 0; row < sizeof rows / sizeof *rows; row++) {
        fprintf(f, "| %s |", rows[row]);
        json_array_foreach(modes, i, m) {
            const char *mode = json_string_value(m);
            const struct report_mode_facts *q = report_mode_facts(mode);
            json_t *peak;
            double sat = report_saturation(root, mode, &peak);
            fputc(' ', f);
            switch (row) {
            case 0:
                if (!param)
                    fputs("n/a (no sweep)", f);
                else if (isnan(sat)) {
                    fputs("more than the largest tried (still scaling)", f);
                } else {
                    mnum(f, sat);
                }
                break;
            case 1: mnum(f, peak ? report_num(peak, "goodput_mbps") : NAN); break;
            case 2: mnum(f, peak ? report_num(peak, "bound.goodput_mbps") : NAN); break;
            case 3: mnum(f, peak ? report_num(peak, "requests_per_s") : NAN); break;
            case 4: mnum(f, peak ? report_num(peak, "latency_ms.p99") : NAN); break;
            case 5: report_fpct(f, peak ? report_num(peak, "director.cpu_util") : NAN); break;
            case 6: mstr(f, peak ? report_str(peak, "bound.limited_by") : NULL); break;
            case 7: mstr(f, q->gateway); break;
            case 8: mstr(f, q->client_ip); break;
            case 9: mstr(f, q->security); break;
            case 10: mstr(f, q->complexity); break;
            case 11: mstr(f, q->servers_os); break;
            }
            fputs(" |", f);
        }
        fputc('\n', f);
    }
    fputs("\nMeasured: the first seven rows. Saturation is the smallest ", f);
    mstr(f, param ? param : "sweep");
    fputs(" value at which goodput grows by at most 10% to the next sweep point, or reaches 90% "
          "of an analytic bound set by the director's NIC or CPU. The last five rows are fixed properties of each mode "
          "(docs/results-schema.md).\n\n", f);
}

static void runs_table(FILE *f, json_t *root)
{
    json_t *r;
    size_t i;
    const char *param = report_sweep_param(root);

    fputs("## Runs\n\n| run | mode | world |", f);
    if (param) {
        fputc(' ', f);
        mstr(f, param);
        fputs(" |", f);
    }
    fputs(" goodput (Mbit/s) | bound (Mbit/s) | limited by | req/s | p50 (ms) | p99 (ms) | "
          "p99.9 (ms) | completed | failed | Jain | director CPU | director NIC |\n|---|---|---|", f);
    if (param)
        fputs("---|", f);
    fputs("---|---|---|---|---|---|---|---|---|---|---|---|\n", f);
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        fprintf(f, "| %zu | ", i);
        mstr(f, report_str(r, "mode"));
        fputs(" | ", f);
        mstr(f, report_str(r, "world"));
        if (param) {
            fputs(" | ", f);
            mnum(f, report_sweep_value(root, r));
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
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.md", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
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
    events_pcaps(f, root);
    if (ferror(f) | fclose(f)) {
        snprintf(err, errlen, "%s: write failed", path);
        return -1;
    }
    return 0;
}
