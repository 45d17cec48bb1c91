/* Reports: where the director's CPU time went, by operation, in each run
 * whose director has a cost profile (results.json director.cpu_work), and
 * the frames a core handles per second at that mix (its saturation rate);
 * one table, in Markdown or HTML. Nothing when no run has the split. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_int.h"

#define TOP_OPS 6              /* the operations named per run, dearest first */

struct op_share {
    const char *name;
    double ns;
};

static int dearer_first(const void *a, const void *b)
{
    const struct op_share *x = a, *y = b;
    return (x->ns < y->ns) - (x->ns > y->ns);
}

/* Text that needs no escaping in either format but the underscore. */
static void cell(FILE *f, const char *s, bool html)
{
    for (; *s; s++) {
        if (!html && *s == '_')
            fputc('\\', f);
        if (html && (*s == '<' || *s == '&'))
            fputs(*s == '<' ? "&lt;" : "&amp;", f);
        else
            fputc(*s, f);
    }
}

static void sep(FILE *f, bool html, bool first) { fputs(html ? (first ? "<tr><td>" : "</td><td>") : (first ? "| " : " | "), f); }

/* "reply_nat 20.1 (31%), frame_in 12.5 (20%), ..." */
static void split(FILE *f, json_t *by, double total, bool html)
{
    struct op_share ops[64];
    size_t n = 0;
    const char *key;
    json_t *v;
    json_object_foreach(by, key, v) {
        if (n < 64 && json_number_value(v) > 0)
            ops[n++] = (struct op_share){ key, json_number_value(v) };
    }
    qsort(ops, n, sizeof *ops, dearer_first);
    for (size_t i = 0; i < n && i < TOP_OPS; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s%s %.1f (%.0f%%)", i ? ", " : "", ops[i].name, ops[i].ns,
                 total > 0 ? 100 * ops[i].ns / total : 0);
        cell(f, buf, html);
    }
}

void report_cpu_table(FILE *f, json_t *root, bool html)
{
    json_t *runs = json_object_get(root, "runs"), *r;
    size_t i;
    bool any = false;
    json_array_foreach(runs, i, r)
        any |= json_is_object(json_object_get(json_object_get(r, "director"), "cpu_work"));
    if (!any)
        return;
    const char *param = report_sweep_param(root);
    const char *head[] = { "run", "mode", param, "ns per frame", "frames/s per core at saturation",
                           "where the time went (ns per frame, dearest first)" };
    fputs(html ? "<h2>Director CPU by operation</h2>\n<table>\n<tr>" : "## Director CPU by operation\n\n|", f);
    for (size_t h = 0; h < sizeof head / sizeof *head; h++) {
        if (!head[h])
            continue;
        fputs(html ? "<th>" : " ", f);
        cell(f, head[h], html);
        fputs(html ? "</th>" : " |", f);
    }
    fputs(html ? "</tr>\n" : (param ? "\n|---|---|---|---|---|---|\n" : "\n|---|---|---|---|---|\n"), f);
    json_array_foreach(runs, i, r) {
        json_t *w = json_object_get(json_object_get(r, "director"), "cpu_work");
        if (!json_is_object(w))
            continue;
        char buf[REPORT_NUM_LEN];
        snprintf(buf, sizeof buf, "%zu", i);
        sep(f, html, true);
        cell(f, buf, html);
        sep(f, html, false);
        cell(f, report_str(r, "mode"), html);
        if (param) {
            sep(f, html, false);
            cell(f, report_snum(buf, report_sweep_value(root, r), "n/a"), html);
        }
        double ns = report_num(w, "ns_per_frame"), pps = report_num(w, "pkts_per_s_per_core");
        sep(f, html, false);
        snprintf(buf, sizeof buf, "%.1f", ns);
        cell(f, buf, html);
        sep(f, html, false);
        if (isnan(pps))
            snprintf(buf, sizeof buf, "n/a");
        else
            snprintf(buf, sizeof buf, "%.2f M", pps / 1e6);
        cell(f, buf, html);
        sep(f, html, false);
        split(f, json_object_get(w, "ns_per_frame_by_op"), ns, html);
        fputs(html ? "</td></tr>\n" : " |\n", f);
    }
    const char *note = "Each frame the director's CPU took in cost the sum of what was done to it (frame in and "
                       "out, lookups, the mode's rewrite or encapsulation, new connections...) at the prices of "
                       "its cost profile (docs/fidelity.md); a core saturates at the rate shown, whatever the "
                       "frames' size.";
    fputs(html ? "</table>\n<p>" : "\n", f);
    cell(f, note, html);
    fputs(html ? "</p>\n" : "\n\n", f);
}
