/* Reports, internal: the validated record and the helpers each writer uses. */
#ifndef LVSLAB_REPORT_INT_H
#define LVSLAB_REPORT_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* Checks a parsed results.json against docs/results-schema.md; on error
 * writes "<JSON path>: <problem>" into err and returns -1. */
int report_validate(json_t *root, char *err, size_t errlen);

/* Number at a dotted path below o ("latency_ms.p99"); NAN when null. */
double report_num(json_t *o, const char *path);
/* String at a dotted path, or NULL when null. */
const char *report_str(json_t *o, const char *path);
/* The sweep (report_sweep.c): its parameters, in the order of the runs;
 * the chart axis (the swept numeric parameter, servers among several;
 * NULL when none is numeric) and a run's value on it (NAN if none). */
size_t report_sweep_nparams(json_t *root);
const char *report_sweep_name(json_t *root, size_t k);
const char *report_sweep_param(json_t *root);
double report_sweep_value(json_t *root, json_t *run);
/* The run's value of parameter k as text (a name, or a number into buf). */
const char *report_sweep_text(json_t *root, json_t *run, size_t k, char *buf);
/* "sched=rr": the run's values of the swept parameters other than the axis. */
void report_run_others(json_t *root, json_t *run, char *out, size_t len);
/* The run as captions name it: "nat sched=rr servers=30", " (emu)" after an emulated one. */
void report_run_name(json_t *root, json_t *run, char *out, size_t len);

/* The series the charts and the comparison show: each mode of the
 * scenario that has simulated runs ("nat"), then each that has emulated
 * runs ("nat (emu)"); with the values of the swept parameters other than
 * the axis after the mode ("nat sched=rr", a series per value). report_series_annotate() computes them once, after
 * validation; report_series() is that array (borrowed). */
void report_series_annotate(json_t *root);
json_t *report_series(json_t *root);
/* Does run belong to series? */
bool report_run_in(json_t *run, const char *series);

/* A number as text: counts in full, others to 6 significant digits;
 * missing ("" for CSV, "n/a" elsewhere) when NAN. buf holds REPORT_NUM_LEN
 * bytes (a fraction in percent, "%.0f%%", of any double fits); the result
 * is buf or missing. */
#define REPORT_NUM_LEN 320
const char *report_snum(char *buf, double v, const char *missing);
/* A fraction as a whole percentage ("92%"), "n/a" when NAN. */
const char *report_spct(char *buf, double v);
/* Write report_snum(v) and report_spct(v) to f. */
void report_fnum(FILE *f, double v, const char *missing);
void report_fpct(FILE *f, double v);

/* The director's CPU by operation, a table of the runs that have the
 * split (report_cpu.c), in HTML or Markdown; nothing when none has. */
void report_cpu_table(FILE *f, json_t *root, bool html);

/* An output file DIR/NAME, written as DIR/.NAME.tmp and renamed when
 * closed whole (report_file.c); NULL or -1 with err set. */
FILE *report_file_open(const char *dir, const char *name, char *err, size_t errlen);
int report_file_close(FILE *f, const char *dir, const char *name, char *err, size_t errlen);

/* Writers; each returns 0 or -1 with err set. */
int report_csv(json_t *root, const char *dir, char *err, size_t errlen);
int report_md(json_t *root, const char *dir, char *err, size_t errlen);
/* summary.md's table of the runs' L7 proxies (report_proxies.c); nothing without any. */
void report_md_proxies(FILE *f, json_t *root);
/* s as HTML text (& < > " ' escaped); nothing for NULL. */
void report_html_text(FILE *f, const char *s);
/* s as a single-quoted gnuplot string: ' doubles, control characters become spaces. */
void report_gnuplot_string(FILE *f, const char *s);

int report_html(json_t *root, const char *dir, char *err, size_t errlen);

/* Runs gnuplot on script (which must not set the terminal or output) and
 * returns the malloc'd <svg>...</svg> text, its ids prefixed with idprefix,
 * or NULL with err set. */
char *report_gnuplot_svg(const char *script, const char *idprefix, char *err, size_t errlen);
/* The same at another size (pixels). */
char *report_gnuplot_svg_sized(const char *script, const char *idprefix, int width, int height, char *err,
                               size_t errlen);

/* The gnuplot script of chart k (0 throughput, 1 latency CDF, 2 server
 * share, 3 director CPU, 4 time series), malloc'd; *points (if not NULL)
 * the number of measured points it plots: 0 when there is none. */
#define REPORT_NCHARTS 5
char *report_chart_script(json_t *root, int k, size_t *points);
/* One run's own chart (report_run_charts.c): six panels of its time
 * series, latency CDF and shares, malloc'd; *points as above. */
char *report_run_chart_script(json_t *root, json_t *run, size_t *points);
/* Every run's own chart as SVG (or a note when it measured nothing), an
 * array of as many as runs, or NULL with err; freed by report_run_svgs_free.
 * report_html_runs writes index.html's section of them (report_html_runs.c). */
char **report_run_svgs(json_t *root, char *err, size_t errlen);
void report_run_svgs_free(char **svg, size_t n);
void report_html_runs(FILE *f, json_t *root, char *const *svg);
/* The series that chart k (0 or 3) draws on top of each other, as text
 * ("nat and fullnat; tun and dr") into out; how many such groups. */
size_t report_coinciding(json_t *root, int chart, char *out, size_t len);

/* Per-mode fixed qualitative facts (the classic LVS comparison table). */
struct report_mode_facts {
    const char *mode, *gateway, *client_ip, *security, *complexity, *servers_os;
};
const struct report_mode_facts *report_mode_facts(const char *series);

/* The smallest sweep value where the series saturates (goodput grows by at
 * most 10% to the next point, or reaches 90% of the bound); NAN if it keeps
 * scaling. *peak gets the run with the highest goodput. */
double report_saturation(json_t *root, const char *series, json_t **peak);

/* The mode comparison table (report_table.c): report_rows, ended by a row
 * without a label, one row per line; a column per series. */
struct report_row {
    const char *label;      /* with the unit: "Peak goodput (Mbit/s)" */
    bool numeric;           /* always a number or n/a: index.html right-aligns it */
    /* The cell's text, unescaped and never NULL: borrowed from the record
     * or the mode's facts, or formatted into buf (REPORT_NUM_LEN bytes). */
    const char *(*cell)(const struct report_row *row, json_t *root,
                        const char *series, char *buf);
    const char *field;      /* the peak run's field the cell shows */
    bool servers_sweep;     /* shown only when the axis is the number of servers */
    size_t fact;            /* offset of the report_mode_facts string shown */
};
extern const struct report_row report_rows[];
/* Is row shown for this record (a servers row only for a servers sweep)? */
bool report_row_shown(const struct report_row *row, json_t *root);

#endif
