/* Reports: from fixture results.json files (a 4-mode x 3-point comparison,
 * an emulated run with nulls, and bad records) to the CSV files, summary.md
 * and index.html (the comparison table the same in both, each run's own
 * chart in a section of its own); bad input gives
 * the exact error with file and JSON path. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "reports/report.h"
#include "reports/report_int.h"

#define FIX "tests/fixtures/reports/"

static char dir[64], path[128], err[1024];

/* Copies fixture name into a fresh directory as results.json. */
static void stage(const char *name)
{
    snprintf(dir, sizeof dir, "/tmp/lvslab-report-XXXXXX");
    cr_assert(mkdtemp(dir));
    char src[256];
    snprintf(src, sizeof src, FIX "%s", name);
    snprintf(path, sizeof path, "%s/results.json", dir);
    FILE *in = fopen(src, "r"), *out = fopen(path, "w");
    cr_assert(in && out, "%s", src);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
}

static char *slurp(const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    cr_assert(f, "%s missing", p);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = 0;
    fclose(f);
    return s;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* index.html cut in two at its section of each run: *per_run gets that
 * section (malloc'd), html keeps the page before it (the five charts). */
static void split_runs(char *html, char **per_run)
{
    char *at = strstr(html, "<h2>Each run</h2>");
    cr_assert(at, "no section of each run");
    *per_run = strdup(at);
    *at = 0;
}

static void cleanup(void)
{
    const char *files[] = { "results.json", "runs.csv", "servers.csv", "timeseries.csv",
                            "events.csv", "summary.md", "index.html" };
    char p[256];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* Every line of csv has the header's number of fields (no quoted commas in
 * the fixtures); returns the number of data rows. */
static size_t csv_rows(const char *csv, size_t want_fields)
{
    size_t rows = 0;
    for (const char *l = csv; *l; rows++) {
        const char *e = strchr(l, '\n');
        cr_assert(e, "unterminated line");
        size_t fields = 1;
        for (const char *c = l; c < e; c++)
            fields += *c == ',';
        cr_assert_eq(fields, want_fields, "line %zu: %zu fields: %.*s", rows, fields, (int)(e - l), l);
        l = e + 1;
    }
    return rows - 1;
}

/* A mode whose servers, not the director, bind it is not saturated because
 * it meets its bound: DR at the servers' bound still scales. */
Test(report, saturation_counts_only_a_director_bound, .fini = cleanup)
{
    stage("compare-modes.json");
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr), *run;
    cr_assert(root, "%s", jerr.text);
    size_t i;
    json_array_foreach(json_object_get(root, "runs"), i, run) {
        if (strcmp(json_string_value(json_object_get(run, "mode")), "dr"))
            continue;
        double goodput = json_number_value(json_object_get(run, "goodput_mbps"));
        json_object_set_new(run, "bound", json_pack("{s:f, s:s, s:s}", "goodput_mbps", goodput * 1.02,
                                                    "limited_by", "servers", "detail", "servers are full"));
    }
    cr_assert_eq(json_dump_file(root, path, 0), 0);
    json_decref(root);
    cr_assert_eq(report_write(path, err, sizeof err), 0, "%s", err);
    char *md = slurp("summary.md");
    cr_assert(strstr(md, "| Servers supported before the director saturates | 4 | more than the "
                         "largest tried (still scaling) | more than the largest tried (still "
                         "scaling) | 4 |"), "%s", md);
    free(md);
}

Test(report, comparison_writes_every_file, .fini = cleanup)
{
    stage("compare-modes.json");
    cr_assert_eq(report_write(path, err, sizeof err), 0, "%s", err);

    char *runs = slurp("runs.csv");
    cr_assert(!strncmp(runs, "run,mode,world,servers,goodput_mbps,requests_per_s,p50_ms,p99_ms,"
                             "p999_ms,completed,failed,jain,director_cpu_util,director_nic_util,"
                             "bound_goodput_mbps,limited_by\n", strlen("run,mode,world,servers,")), "%s", runs);
    cr_assert_eq(csv_rows(runs, 16), 12);
    cr_assert(strstr(runs, "\n0,nat,sim,1,196,"), "%s", runs);
    cr_assert(strstr(runs, "\n11,fullnat,sim,4,436.5,"), "%s", runs);
    free(runs);

    char *sv = slurp("servers.csv");
    cr_assert_eq(csv_rows(sv, 8), 4 * (1 + 2 + 4));
    cr_assert(strstr(sv, "\n2,nat,sim,4,rs4,"));
    cr_assert(strstr(sv, "\n0,nat,sim,1,rs1,4900,245000000,1\n"), "counts in full: %s", sv);
    free(sv);

    char *ts = slurp("timeseries.csv");
    cr_assert_eq(csv_rows(ts, 8), 12 * 21);
    free(ts);

    char *ev = slurp("events.csv");
    cr_assert_eq(csv_rows(ev, 8), 4 * 2);
    cr_assert(strstr(ev, "\n2,nat,sim,4,3.2,rs_down,rs2,TCP_CHECK failed 3 times\n"), "%s", ev);
    free(ev);

    char *md = slurp("summary.md");
    cr_assert(strstr(md, "| | nat | tun | dr | fullnat |\n|---|---|---|---|---|\n"), "%s", md);
    /* NAT and FULLNAT saturate at 4 servers (90% of the bound), DR and TUN
     * still scale at the largest point */
    cr_assert(strstr(md, "| Servers supported before the director saturates | 4 | more than the "
                         "largest tried (still scaling) | more than the largest tried (still "
                         "scaling) | 4 |"), "%s", md);
    cr_assert(strstr(md, "| Peak goodput (Mbit/s) | 455.9 | 772.2 | 784 | 436.5 |"), "%s", md);
    cr_assert(strstr(md, "| Director CPU at peak | 92% | 9% | 9% | 92% |"), "%s", md);
    cr_assert(strstr(md, "| Director as gateway for replies | yes"), "%s", md);
    cr_assert(strstr(md, "[pcap/nat/director-eth0.pcap](pcap/nat/director-eth0.pcap)"), "%s", md);
    cr_assert(strstr(md, "rs\\_down"), "%s", md);
    free(md);

    char *html = slurp("index.html"), *per_run;
    split_runs(html, &per_run);
    /* each of the 12 runs its own chart, named after the run, its ids its own */
    cr_assert_eq(count(per_run, "<svg"), 12);
    cr_assert_eq(count(per_run, "<details id=\"run"), 12);
    cr_assert(strstr(per_run, "<summary>Run 0: nat servers=1</summary>"), "%s", per_run);
    cr_assert(strstr(per_run, "<summary>Run 11: fullnat servers=4</summary>"), "%s", per_run);
    cr_assert_eq(count(per_run, "id=\"run11-gnuplot_canvas\""), 1);
    cr_assert(strstr(per_run, "director connection table") && strstr(per_run, "share of requests over time"));
    cr_assert(!strstr(per_run, " open>"), "12 runs start folded");
    cr_assert(strstr(per_run, "<a href=\"pcap/nat/director-eth0.pcap\">"));   /* after it, the captures */
    free(per_run);
    cr_assert_eq(count(html, "<svg"), 5);
    cr_assert_eq(count(html, "</svg>"), 5);
    cr_assert_eq(count(html, "<figure"), 5);
    cr_assert_eq(count(html, "http://"), 0, "external reference");
    cr_assert_eq(count(html, "https://"), 0, "external reference");
    cr_assert_eq(count(html, "<script"), 0);
    cr_assert_eq(count(html, "src="), 0);
    cr_assert_eq(count(html, "<?xml"), 0);
    cr_assert_eq(count(html, "id=\"gnuplot_canvas\""), 0, "ids are per chart");
    for (int k = 1; k <= 5; k++) {
        char id[64];
        snprintf(id, sizeof id, "id=\"fig%d-gnuplot_canvas\"", k);
        cr_assert_eq(count(html, id), 1, "%s", id);
    }
    cr_assert(strstr(html, "nat bound"), "bound line titled");
    cr_assert(strstr(html, "rs_down rs2"), "event marked on the time series");
    free(html);
}

/* summary.md and index.html render the one comparison table: every row,
 * in order, each cell escaped for its format. */
Test(report, comparison_rows_in_both_renderings, .fini = cleanup)
{
    stage("compare-modes.json");
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr), *run;
    cr_assert(root, "%s", jerr.text);
    size_t i, nrows = 0;
    json_array_foreach(json_object_get(root, "runs"), i, run)
        if (!strcmp(json_string_value(json_object_get(run, "mode")), "nat"))
            json_object_set_new(json_object_get(run, "bound"), "limited_by",
                                json_string("director <NIC> | x_y"));
    cr_assert_eq(json_dump_file(root, path, 0), 0);
    json_decref(root);
    cr_assert_eq(report_write(path, err, sizeof err), 0, "%s", err);
    char *md = slurp("summary.md"), *html = slurp("index.html");
    const char *mp = md, *hp = html;
    for (const struct report_row *row = report_rows; row->label; row++, nrows++) {
        char want[256];
        snprintf(want, sizeof want, "\n| %s |", row->label);
        cr_assert((mp = strstr(mp, want)), "summary.md: no row %s after the previous one", row->label);
        snprintf(want, sizeof want, "<tr><th>%s</th><td", row->label);
        cr_assert((hp = strstr(hp, want)), "index.html: no row %s after the previous one", row->label);
    }
    cr_assert_eq(nrows, 12);
    cr_assert(strstr(md, "| Limited by | director \\<NIC> \\| x\\_y | director NIC |"), "%s", md);
    cr_assert(strstr(html, "<tr><th>Limited by</th><td>director &lt;NIC&gt; | x_y</td><td>director NIC</td>"),
              "%s", html);
    cr_assert(strstr(html, "<tr><th>Peak goodput (Mbit/s)</th><td class=\"n\">455.9</td>"), "%s", html);
    free(md);
    free(html);
}

Test(report, emulated_run_with_nulls, .fini = cleanup)
{
    stage("emu.json");
    cr_assert_eq(report_write(path, err, sizeof err), 0, "%s", err);
    char *runs = slurp("runs.csv");
    /* no sweep: no sweep column; nulls are empty cells, never zeros */
    cr_assert(strstr(runs, "\n0,dr,emu,392,980,0.6,1.92,,9800,0,,,,,\n"), "%s", runs);
    free(runs);
    char *md = slurp("summary.md");
    cr_assert(!strstr(md, "Servers supported"), "no servers sweep, no servers row: %s", md);
    cr_assert(strstr(md, "| Director CPU at peak | n/a |"), "%s", md);
    free(md);
    char *html = slurp("index.html"), *per_run;
    split_runs(html, &per_run);
    cr_assert_eq(count(per_run, "<details id=\"run0\" open>"), 1, "one run, shown open");
    cr_assert_eq(count(per_run, "<svg"), 1, "its latency and shares are measured");
    cr_assert_eq(count(per_run, "not measured"), 4, "its four time-series panels are not: %s", per_run);
    free(per_run);
    cr_assert_eq(count(html, "<svg"), 3);   /* director CPU and time series: not measured, said in words */
    cr_assert_eq(count(html, "No data to plot"), 2, "%s", html);
    cr_assert(strstr(html, "<figure id=\"fig4\">\n<p class=\"nodata\">"));
    cr_assert(strstr(html, "<figure id=\"fig5\">\n<p class=\"nodata\">"));
    free(html);
    char *ts = slurp("timeseries.csv");
    cr_assert_eq(csv_rows(ts, 7), 0);
    free(ts);
}

static void bad(const char *name, const char *want)
{
    stage(name);
    cr_assert_eq(report_write(path, err, sizeof err), -1);
    char full[512];
    snprintf(full, sizeof full, "%s: %s", path, want);
    cr_assert_str_eq(err, full);
    char p[256];
    snprintf(p, sizeof p, "%s/index.html", dir);
    cr_assert(access(p, F_OK) != 0, "nothing written for a bad record");
}

Test(report, missing_field, .fini = cleanup)
{
    bad("bad-missing.json", "runs[5].latency_ms.p99: missing (expected number or null)");
}

Test(report, wrong_type, .fini = cleanup)
{
    bad("bad-type.json", "runs[2].servers[1].share: expected number or null, got string");
}

Test(report, after_wrong_type, .fini = cleanup)
{
    bad("bad-after.json", "runs[1].after.outage_s: expected number, got string");
}

Test(report, tcp_counter_missing, .fini = cleanup)
{
    bad("bad-tcp.json", "runs[2].tcp.TCPFullUndo: missing (expected number)");
}

Test(report, not_json, .fini = cleanup)
{
    stage("bad-notjson.json");
    cr_assert_eq(report_write(path, err, sizeof err), -1);
    char want[512];
    snprintf(want, sizeof want, "%s:1:30: not JSON: string or '}' expected near '}'", path);
    cr_assert_str_eq(err, want);
}

Test(report, missing_file)
{
    cr_assert_eq(report_write("/nonexistent/results.json", err, sizeof err), -1);
    cr_assert(!strncmp(err, "/nonexistent/results.json: unable to open", 41), "%s", err);
}

Test(report, cli, .fini = cleanup)
{
    stage("compare-modes.json");
    char *outbuf = NULL, *errbuf = NULL;
    size_t ol = 0, el = 0;
    FILE *out = open_memstream(&outbuf, &ol), *er = open_memstream(&errbuf, &el);
    char *argv[] = { "report", dir, NULL };
    cr_assert_eq(cmd_report.main(2, argv, out, er), 0);
    char *none[] = { "report", NULL };
    cr_assert_eq(cmd_report.main(1, none, out, er), 2);
    char *help[] = { "report", "--help", NULL };
    cr_assert_eq(cmd_report.main(2, help, out, er), 0);
    char *missing[] = { "report", "/nonexistent", NULL };
    cr_assert_eq(cmd_report.main(2, missing, out, er), 1);
    fclose(out);
    fclose(er);
    cr_assert(strstr(outbuf, "index.html"));
    cr_assert(strstr(outbuf, "usage: lvslab report DIR"));
    cr_assert(strstr(errbuf, "usage: lvslab report DIR"));
    cr_assert(strstr(errbuf, "lvslab report: /nonexistent: unable to open"), "%s", errbuf);
    free(outbuf);
    free(errbuf);
}

/* For tests/report_html.sh: with LVSLAB_REPORT_KEEP=DIR, the comparison
 * report (or LVSLAB_REPORT_FIXTURE's) is written into DIR and kept;
 * without it, into a fresh directory, and removed once index.html is seen
 * there (a run of the suite skips nothing). */
Test(report, keep)
{
    const char *keep = getenv("LVSLAB_REPORT_KEEP");
    const char *fixture = getenv("LVSLAB_REPORT_FIXTURE") ? getenv("LVSLAB_REPORT_FIXTURE") : "compare-modes.json";
    if (!keep) {
        stage(fixture);
        cr_assert_eq(report_write(path, err, sizeof err), 0, "%s", err);
        char *html = slurp("index.html");
        free(html);
        cleanup();
        return;
    }
    snprintf(dir, sizeof dir, "%s", keep);
    char src[256];
    snprintf(src, sizeof src, FIX "%s", fixture);
    snprintf(path, sizeof path, "%s/results.json", dir);
    FILE *in = fopen(src, "r"), *out = fopen(path, "w");
    cr_assert(in && out, "%s", src);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
    cr_assert_eq(report_write(path, err, sizeof err), 0, "%s", err);
}

Test(report, gnuplot_missing, .fini = cleanup)
{
    stage("compare-modes.json");
    setenv("PATH", "/nonexistent", 1);
    cr_assert_eq(report_write(path, err, sizeof err), -1);
    cr_assert(strstr(err, "gnuplot failed (exit status 127): ") && strstr(err, "not found"), "%s", err);
}

/* The comparison fixture with what a run where nothing completed leaves
 * unmeasured set to null; with shares_only, just the servers' shares. */
static void unmeasure(bool shares_only)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr), *run, *sv;
    cr_assert(root, "%s", jerr.text);
    size_t i, j;
    json_array_foreach(json_object_get(root, "runs"), i, run) {
        json_array_foreach(json_object_get(run, "servers"), j, sv)
            json_object_set_new(sv, "share", json_null());
        if (shares_only)
            continue;
        json_object_set_new(run, "goodput_mbps", json_null());
        json_object_set_new(json_object_get(run, "latency_ms"), "cdf", json_null());
        json_object_set_new(json_object_get(run, "director"), "cpu_util", json_null());
        json_t *ts = json_object_get(run, "timeseries");
        const char *k;
        json_t *v;
        json_object_foreach(ts, k, v)
            if (json_is_array(v))
                json_array_clear(v);
    }
    cr_assert_eq(json_dump_file(root, path, 0), 0);
    json_decref(root);
}

/* Nothing completed (a download-only or misconfigured scenario, a run of
 * 1 us): the report is written, each chart says in words that there is
 * nothing to plot, the tables say n/a. */
Test(report, nothing_measured_still_reports, .fini = cleanup)
{
    stage("compare-modes.json");
    unmeasure(false);
    cr_assert_eq(report_write(path, err, sizeof err), 0, "%s", err);
    char *html = slurp("index.html"), *per_run;
    split_runs(html, &per_run);
    cr_assert_eq(count(per_run, "<p class=\"nodata\">No data to plot: this run measured nothing"), 12, "%s", per_run);
    cr_assert_eq(count(per_run, "<svg"), 0);
    free(per_run);
    cr_assert_eq(count(html, "<p class=\"nodata\">No data to plot"), REPORT_NCHARTS, "%s", html);
    cr_assert_eq(count(html, "<svg"), 0);
    free(html);
    char *md = slurp("summary.md");
    cr_assert(strstr(md, "| n/a |"), "%s", md);
    free(md);
}

/* Every share unmeasured, the rest measured: the share chart alone says
 * so; a histogram of missing values would make gnuplot fail. */
Test(report, no_share_measured, .fini = cleanup)
{
    stage("compare-modes.json");
    unmeasure(true);
    cr_assert_eq(report_write(path, err, sizeof err), 0, "%s", err);
    char *html = slurp("index.html"), *per_run;
    split_runs(html, &per_run);
    cr_assert_eq(count(per_run, "<svg"), 12, "each run still charted");
    free(per_run);
    cr_assert_eq(count(html, "No data to plot"), 1, "%s", html);
    cr_assert_eq(count(html, "<svg"), REPORT_NCHARTS - 1);
    cr_assert(strstr(html, "<figure id=\"fig3\">\n<p class=\"nodata\">"));
    free(html);
}

/* A per-server share series of the wrong length is refused with its path. */
Test(report, server_share_of_the_wrong_length, .fini = cleanup)
{
    stage("compare-modes.json");
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    cr_assert(root, "%s", jerr.text);
    json_t *ts = json_object_get(json_array_get(json_object_get(root, "runs"), 1), "timeseries");
    json_object_set_new(ts, "server_share", json_pack("[{s:s, s:[f]}]", "name", "rs1", "share", 0.5));
    cr_assert_eq(json_dump_file(root, path, 0), 0);
    json_decref(root);
    cr_assert_eq(report_write(path, err, sizeof err), -1);
    cr_assert(strstr(err, "runs[1].timeseries.server_share[0].share: 1 values for 21 times"), "%s", err);
}

static bool exists(const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

/* An earlier report's files do not outlive new results: when gnuplot
 * fails there is no index.html (not the old one), and a results.json that
 * is not valid leaves none of the six files. */
Test(report, earlier_report_removed, .fini = cleanup)
{
    const char *files[] = { "runs.csv", "servers.csv", "timeseries.csv", "events.csv", "summary.md", "index.html" };
    stage("compare-modes.json");
    cr_assert_eq(report_write(path, err, sizeof err), 0, "%s", err);
    cr_assert(exists("index.html"));
    const char *old_path = getenv("PATH");
    char *saved = strdup(old_path ? old_path : "/usr/bin:/bin");
    setenv("PATH", "/nonexistent", 1);
    cr_assert_eq(report_write(path, err, sizeof err), -1);
    setenv("PATH", saved, 1);
    free(saved);
    cr_assert(!exists("index.html"), "index.html of the earlier report is still there");
    cr_assert_eq(report_write(path, err, sizeof err), 0, "%s", err);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("{\"not\": \"results\"}\n", f);
    fclose(f);
    cr_assert_eq(report_write(path, err, sizeof err), -1);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        cr_assert(!exists(files[i]), "%s of the earlier report is still there", files[i]);
}
