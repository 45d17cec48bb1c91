/* Reports: the five gnuplot chart scripts (throughput and director CPU
 * versus real servers per mode, latency CDF, per-server share, goodput time
 * series with events marked). Text reaches gnuplot in single-quoted strings
 * with noenhanced text, so names are taken literally. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_int.h"

#define COLOURS "set linetype 1 lc rgb '#1f77b4' lw 2\nset linetype 2 lc rgb '#d62728' lw 2\n" \
    "set linetype 3 lc rgb '#2ca02c' lw 2\nset linetype 4 lc rgb '#9467bd' lw 2\n" \
    "set linetype 5 lc rgb '#ff7f0e' lw 2\nset linetype 6 lc rgb '#8c564b' lw 2\n" \
    "set linetype cycle 6\nset datafile missing '?'\nset grid lc rgb '#dddddd'\n" \
    "set border lc rgb '#444444'\nset key outside right top\n"

/* Single-quoted gnuplot string: ' doubles, control characters become spaces. */
static void gq(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; s && *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc((unsigned char)*s < ' ' ? ' ' : *s, f);
    }
    fputc('\'', f);
}

static void gnum(FILE *f, double v)
{
    if (isnan(v) || isinf(v))
        fputs("?", f);
    else
        fprintf(f, "%.9g", v);
}

/* Before a plot with no valid point at all: fixed ranges and a note, so
 * gnuplot draws empty axes instead of failing. */
static size_t if_empty(FILE *f, const size_t *ok, size_t n)
{
    size_t points = 0;
    for (size_t i = 0; i < n; i++)
        points += ok[i];
    if (points)
        return points;
    fputs("unset logscale\nset xrange [0:1]\nset yrange [0:1]\nset format x ''\nset format y ''\n"
          "set label 'not measured' at graph 0.5, graph 0.5 center\n", f);
    return 0;
}

/* x of a run on the "servers" axis: the sweep value when the sweep is over
 * servers, else the number of servers reported. */
static double servers_x(json_t *root, json_t *run)
{
    const char *p = report_sweep_param(root);
    if (p && !strcmp(p, "servers"))
        return report_sweep_value(root, run);
    return (double)json_array_size(json_object_get(run, "servers"));
}

static json_t *modes(json_t *root)
{
    return report_series(root);
}

/* The runs of mode sorted by x on the servers axis. */
static size_t mode_runs(json_t *root, const char *mode, json_t **out, size_t max)
{
    json_t *r;
    size_t i, n = 0;
    json_array_foreach(json_object_get(root, "runs"), i, r)
        if (report_run_in(r, mode) && n < max)
            out[n++] = r;
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && servers_x(root, out[b - 1]) > servers_x(root, out[b]); b--) {
            json_t *t = out[b]; out[b] = out[b - 1]; out[b - 1] = t;
        }
    return n;
}

/* Chart 1 (what = 0) goodput and its bound, chart 4 (what = 1) director CPU;
 * each chart returns the number of points it plots. */
static size_t versus_servers(FILE *f, json_t *root, int what)
{
    json_t *m, *runs[64];
    size_t i, nm = 0, ok2[64] = { 0 }, ok3[64] = { 0 };
    fputs(COLOURS, f);
    fputs("set xlabel 'real servers'\n", f);
    if (what) {
        fputs("set ylabel 'director CPU utilisation (%)'\nset yrange [0:105]\n", f);
    } else {   /* bounds far above every measurement would flatten the curves */
        double top = 0;
        json_t *r;
        json_array_foreach(json_object_get(root, "runs"), i, r) {
            double g = report_num(r, "goodput_mbps");
            if (!isnan(g) && g > top)
                top = g;
        }
        fputs("set ylabel 'goodput (Mbit/s)'\n", f);
        if (top > 0)
            fprintf(f, "set yrange [0:%.9g]\n", top * 1.3);
        else
            fputs("set yrange [0:*]\n", f);
    }
    fputs("set xrange [0:*]\nset offsets 0, graph 0.05, 0, 0\n$d << EOD\n", f);
    json_array_foreach(modes(root), i, m) {
        size_t n = mode_runs(root, json_string_value(m), runs, 64);
        for (size_t k = 0; k < n; k++) {
            double x = servers_x(root, runs[k]);
            double y = what ? report_num(runs[k], "director.cpu_util") * 100
                            : report_num(runs[k], "goodput_mbps");
            double b = report_num(runs[k], "bound.goodput_mbps");
            if (i < 64) {
                ok2[i] += !isnan(x) && !isnan(y);
                ok3[i] += !isnan(x) && !isnan(b);
            }
            gnum(f, x);
            fputc(' ', f);
            gnum(f, y);
            fputc(' ', f);
            gnum(f, b);
            fputc('\n', f);
        }
        fputs("?\n\n\n", f);   /* a dataset per mode, even an empty one */
        nm++;
    }
    fputs("EOD\n", f);
    size_t points = if_empty(f, ok2, 64);
    fputs("plot NaN notitle", f);
    json_array_foreach(modes(root), i, m) {
        if (i < 64 && ok2[i]) {
            fprintf(f, ", $d index %zu using 1:2 with linespoints pt 7 ps 0.8 lt %zu title ", i, i + 1);
            gq(f, json_string_value(m));
        }
        if (!what && i < 64 && ok3[i]) {
            fprintf(f, ", $d index %zu using 1:3 with lines dt 2 lw 1.5 lt %zu title ", i, i + 1);
            char t[96];
            snprintf(t, sizeof t, "%s bound", json_string_value(m));
            gq(f, t);
        }
    }
    (void)nm;
    fputc('\n', f);
    return points;
}

static json_t *peak_run(json_t *root, const char *mode)
{
    json_t *peak;
    report_saturation(root, mode, &peak);
    if (!peak) {   /* no goodput measured: any run of the mode */
        json_t *runs[1];
        return mode_runs(root, mode, runs, 1) ? runs[0] : NULL;
    }
    return peak;
}

static size_t latency_cdf(FILE *f, json_t *root)
{
    json_t *m, *p, *pt;
    size_t i, j, ok[64] = { 0 };
    fputs(COLOURS "set xlabel 'latency (ms)'\nset ylabel 'fraction of requests'\n"
          "set yrange [0:1.02]\nset logscale x\nset key inside right bottom\n$d << EOD\n", f);
    json_array_foreach(modes(root), i, m) {
        p = peak_run(root, json_string_value(m));
        json_t *cdf = p ? json_object_get(json_object_get(p, "latency_ms"), "cdf") : NULL;
        json_array_foreach(cdf, j, pt) {
            double x = json_number_value(json_array_get(pt, 0));
            if (i < 64)
                ok[i] += x > 0;
            gnum(f, x > 0 ? x : NAN);
            fputc(' ', f);
            gnum(f, json_number_value(json_array_get(pt, 1)));
            fputc('\n', f);
        }
        fputs("? ?\n\n\n", f);
    }
    fputs("EOD\n", f);
    size_t points = if_empty(f, ok, 64);
    fputs("plot NaN notitle", f);
    json_array_foreach(modes(root), i, m) {
        if (i >= 64 || !ok[i])
            continue;
        fprintf(f, ", $d index %zu using 1:2 with steps lt %zu title ", i, i + 1);
        p = peak_run(root, json_string_value(m));
        char t[128];
        double x = p ? servers_x(root, p) : NAN;
        snprintf(t, sizeof t, isnan(x) ? "%s" : "%s (%g servers)", json_string_value(m), x);
        gq(f, t);
    }
    fputc('\n', f);
    return points;
}

/* A histogram whose every value is missing fails in gnuplot ("x range is
 * invalid"): without one measured share, empty axes. */
static size_t server_share(FILE *f, json_t *root)
{
    json_t *m, *p;
    size_t i, maxs = 0, points = 0, nm = json_array_size(modes(root));
    fputs(COLOURS "set style data histogram\nset style histogram clustered gap 1\n"
          "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset xtics nomirror\n"
          "set ylabel 'share of requests'\nset yrange [0:*]\nset xlabel 'real server'\n"
          "set grid noxtics\n$d << EOD\n", f);
    json_array_foreach(modes(root), i, m) {
        p = peak_run(root, json_string_value(m));
        size_t n = p ? json_array_size(json_object_get(p, "servers")) : 0;
        if (n > maxs)
            maxs = n;
    }
    for (size_t s = 0; s < maxs; s++) {
        const char *name = NULL;
        json_array_foreach(modes(root), i, m) {
            p = peak_run(root, json_string_value(m));
            json_t *sv = p ? json_array_get(json_object_get(p, "servers"), s) : NULL;
            if (sv && !name)
                name = report_str(sv, "name");
        }
        fputc('"', f);   /* data file text: double quotes, none inside */
        for (const char *c = name ? name : "?"; *c; c++)
            fputc(*c == '"' || (unsigned char)*c < ' ' ? '\'' : *c, f);
        fputc('"', f);
        json_array_foreach(modes(root), i, m) {
            p = peak_run(root, json_string_value(m));
            json_t *sv = p ? json_array_get(json_object_get(p, "servers"), s) : NULL;
            double share = sv ? report_num(sv, "share") : NAN;
            points += !isnan(share) && !isinf(share);
            fputc(' ', f);
            gnum(f, share);
        }
        fputc('\n', f);
    }
    fputs("EOD\n", f);
    if (!maxs || !nm || !points) {
        size_t none = 0;
        if_empty(f, &none, 1);
        fputs("plot NaN notitle\n", f);
        return 0;
    }
    fputs("plot ", f);
    json_array_foreach(modes(root), i, m) {
        fprintf(f, "%s$d using %zu:xtic(1) lt %zu title ", i ? ", " : "", i + 2, i + 1);
        gq(f, json_string_value(m));
    }
    fputc('\n', f);
    return points;
}

/* The run whose time series is shown for a mode: the one with the most
 * events, else the peak. */
static json_t *series_run(json_t *root, const char *mode)
{
    json_t *runs[64], *best = NULL;
    size_t n = mode_runs(root, mode, runs, 64), most = 0;
    for (size_t k = 0; k < n; k++) {
        size_t e = json_array_size(json_object_get(runs[k], "events"));
        if (e > most && json_is_object(json_object_get(runs[k], "timeseries"))) {
            most = e;
            best = runs[k];
        }
    }
    return best ? best : peak_run(root, mode);
}

static size_t timeseries(FILE *f, json_t *root)
{
    json_t *m, *r, *e;
    size_t i, j, narrow = 0, ok[64] = { 0 };
    fputs(COLOURS "set xlabel 'time (s)'\nset ylabel 'goodput (Mbit/s)'\nset yrange [0:*]\nset offsets 0, 0, graph 0.12, 0\n"
          "set key outside right top\n", f);
    json_array_foreach(modes(root), i, m) {
        r = series_run(root, json_string_value(m));
        json_array_foreach(r ? json_object_get(r, "events") : NULL, j, e) {
            double t = report_num(e, "t_s");
            narrow++;
            fprintf(f, "set arrow %zu from %.9g, graph 0 to %.9g, graph 1 nohead dt 3 lw 1 lt %zu\n",
                    narrow, t, t, i + 1);
            char lab[160];
            snprintf(lab, sizeof lab, " %s %s %s", json_string_value(m), report_str(e, "kind"),
                     report_str(e, "what"));
            fprintf(f, "set label %zu ", narrow);
            gq(f, lab);
            fprintf(f, " at %.9g, graph %.2f left font ',10' tc lt %zu front\n", t,
                    0.95 - 0.06 * (double)((narrow - 1) % 8), i + 1);
        }
    }
    fputs("$d << EOD\n", f);
    json_array_foreach(modes(root), i, m) {
        r = series_run(root, json_string_value(m));
        json_t *ts = r ? json_object_get(r, "timeseries") : NULL;
        size_t n = json_is_object(ts) ? json_array_size(json_object_get(ts, "t_s")) : 0;
        for (j = 0; j < n; j++) {
            gnum(f, json_number_value(json_array_get(json_object_get(ts, "t_s"), j)));
            fputc(' ', f);
            json_t *v = json_array_get(json_object_get(ts, "goodput_mbps"), j);
            if (i < 64)
                ok[i] += json_is_number(v);
            gnum(f, json_is_number(v) ? json_number_value(v) : NAN);
            fputc('\n', f);
        }
        fputs("? ?\n\n\n", f);
    }
    fputs("EOD\n", f);
    size_t points = if_empty(f, ok, 64);
    fputs("plot NaN notitle", f);
    json_array_foreach(modes(root), i, m) {
        r = series_run(root, json_string_value(m));
        if (i >= 64 || !ok[i])
            continue;
        fprintf(f, ", $d index %zu using 1:2 with lines lt %zu title ", i, i + 1);
        char t[128];
        double x = r ? servers_x(root, r) : NAN;
        snprintf(t, sizeof t, isnan(x) ? "%s" : "%s (%g servers)", json_string_value(m), x);
        gq(f, t);
    }
    fputc('\n', f);
    return points;
}

/* Chart k (0..4) script, malloc'd; *points: how many points it plots (0:
 * nothing measured, the script draws empty axes). */
char *report_chart_script(json_t *root, int k, size_t *points)
{
    size_t n = 0;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    switch (k) {
    case 0: n = versus_servers(f, root, 0); break;
    case 1: n = latency_cdf(f, root); break;
    case 2: n = server_share(f, root); break;
    case 3: n = versus_servers(f, root, 1); break;
    case 4: n = timeseries(f, root); break;
    }
    fclose(f);
    if (points)
        *points = n;
    return buf;
}
