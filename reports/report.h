/* Reports: the output layer. From out/<scenario>/results.json (the canonical
 * record, docs/results-schema.md) to CSV files, summary.md and a
 * self-contained index.html with gnuplot SVG charts, all beside it. */
#ifndef LVSLAB_REPORT_H
#define LVSLAB_REPORT_H

#include <stddef.h>

/* First removes those of the files below that an earlier report left in
 * results_json_path's directory (none is left to contradict the new
 * results when this report fails or writes fewer files). Reads and
 * validates results_json_path, then writes runs.csv, servers.csv,
 * timeseries.csv, events.csv, summary.md and index.html in its directory.
 * Returns 0, or -1 with a message in err naming the file and, for a bad
 * record, the JSON path of the field (e.g. "runs[2].latency_ms.p99"). */
int report_write(const char *results_json_path, char *err, size_t errlen);

#endif
