/* Reports: the L7 proxies' own measurements (a run's "proxies"), as a Markdown table in summary.md. */
#include <stdio.h>

#include "reports/report_int.h"

void report_md_proxies(FILE *f, json_t *root)
{
    json_t *r, *p;
    size_t i, j, n = 0;
    json_array_foreach(json_object_get(root, "runs"), i, r)
        json_array_foreach(json_object_get(r, "proxies"), j, p) {
            if (!n++)
                fputs("## L7 proxies\n\n| run | mode | proxy | balance | requests | answered | 502 | 504 | "
                      "upstream errors | upstream conns | reused | added mean (ms) | added p99 (ms) |\n"
                      "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n", f);
            fprintf(f, "| %zu | %s | %s | %s", i, report_str(r, "mode"), report_str(p, "name"),
                    report_str(p, "balance"));
            const char *cols[] = { "requests", "responses", "bad_gateway", "gateway_timeout", "upstream_errors",
                                   "upstream_conns", "upstream_reused", "added_latency_ms.mean",
                                   "added_latency_ms.p99" };
            for (size_t k = 0; k < sizeof cols / sizeof *cols; k++) {
                fputs(" | ", f);
                report_fnum(f, report_num(p, cols[k]), "n/a");
            }
            fputs(" |\n", f);
        }
    if (n)
        fputs("\nCounted over each whole run, warm-up included. Added latency: the time a request spends in the "
              "proxy outside the upstream's answer (CPU, queueing, choosing and connecting aside).\n\n", f);
}
