/* Reports: the five gnuplot chart scripts. Goodput and director CPU
 * against the swept numeric parameter (real servers without a sweep), a
 * series per mode and value of the other swept parameters, each series
 * with its own marker and dashes so that coinciding ones stay visible; a
 * sweep of names alone as grouped bars. The latency CDF, the per-server
 * share and the goodput time series of every run, each line named after
 * its run. Text reaches gnuplot in single-quoted strings with noenhanced
 * text, so names are taken literally. */
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

/* x of a run: its value of the swept numeric parameter, or without one
 * the number of servers reported. */
static double run_x(json_t *root, json_t *run)
{
    if (report_sweep_param(root))
        return report_sweep_value(root, run);
    return (double)json_array_size(json_object_get(run, "servers"));
}

static json_t *series(json_t *root)
{
    return report_series(root);
}

/* The runs of a series sorted by x. */
static size_t series_runs(json_t *root, const char *name, json_t **out, size_t max)
{
    json_t *r;
    size_t i, n = 0;
    json_array_foreach(json_object_get(root, "runs"), i, r)
        if (report_run_in(r, name) && n < max)
            out[n++] = r;
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && run_x(root, out[b - 1]) > run_x(root, out[b]); b--) {
            json_t *t = out[b]; out[b] = out[b - 1]; out[b - 1] = t;
        }
    return n;
}

static double versus_y(json_t *run, int what)
{
    return what ? report_num(run, "director.cpu_util") * 100 : report_num(run, "goodput_mbps");
}

#define MAX_SERIES 64
#define MAX_POINTS 1024

/* Do series a and b plot the same points (within 0.5%, at the same x)? */
static bool coincide(json_t *root, const char *a, const char *b, int what)
{
    json_t *ra[MAX_POINTS], *rb[MAX_POINTS];
    size_t na = series_runs(root, a, ra, MAX_POINTS), nb = series_runs(root, b, rb, MAX_POINTS), ok = 0;
    if (na != nb || !na)
        return false;
    for (size_t k = 0; k < na; k++) {
        double ya = versus_y(ra[k], what), yb = versus_y(rb[k], what);
        if (run_x(root, ra[k]) != run_x(root, rb[k]))
            return false;
        if (isnan(ya) != isnan(yb) || fabs(ya - yb) > 0.005 * fmax(fabs(ya), fabs(yb)))
            return false;
        ok += !isnan(ya);
    }
    return ok > 0;
}

size_t report_coinciding(json_t *root, int chart, char *out, size_t len)
{
    json_t *all = series(root);
    size_t n = json_array_size(all), used = 0, groups = 0;
    bool taken[MAX_SERIES] = { false };
    out[0] = '\0';
    if (chart != 0 && chart != 3)
        return 0;
    for (size_t a = 0; a < n && a < MAX_SERIES; a++) {
        if (taken[a])
            continue;
        size_t members = 0;
        for (size_t b = a + 1; b < n && b < MAX_SERIES; b++)
            if (!taken[b] && coincide(root, json_string_value(json_array_get(all, a)),
                                      json_string_value(json_array_get(all, b)), chart == 3)) {
                if (!members++ && used < len)
                    used += (size_t)snprintf(out + used, len - used, "%s%s", groups ? "; " : "",
                                             json_string_value(json_array_get(all, a)));
                if (used < len)
                    used += (size_t)snprintf(out + used, len - used, " and %s",
                                             json_string_value(json_array_get(all, b)));
                taken[b] = true;
            }
        groups += members > 0;
    }
    return groups;
}

/* A run's mode as a bar's name: "nat", "nat (emu)". */
static void mode_name(json_t *run, char *out, size_t len)
{
    snprintf(out, len, "%s%s", report_str(run, "mode"), strcmp(report_str(run, "world"), "emu") ? "" : " (emu)");
}

/* A sweep of names alone: grouped bars, a group per combination of the
 * swept values, a bar per mode. */
static size_t versus_names(FILE *f, json_t *root, int what)
{
    json_t *runs = json_object_get(root, "runs"), *r;
    static char groups[MAX_POINTS][160], bars[MAX_SERIES][48];
    size_t i, ng = 0, nb = 0, points = 0;
    json_array_foreach(runs, i, r) {
        char t[160], m[48];
        report_run_others(root, r, t, sizeof t);
        mode_name(r, m, sizeof m);
        size_t k = 0;
        while (k < ng && strcmp(groups[k], t))
            k++;
        if (k == ng && ng < MAX_POINTS)
            snprintf(groups[ng++], sizeof groups[0], "%s", t);
        for (k = 0; k < nb && strcmp(bars[k], m); k++)
            ;
        if (k == nb && nb < MAX_SERIES)
            snprintf(bars[nb++], sizeof bars[0], "%s", m);
    }
    fputs(COLOURS "set style data histogram\nset style histogram clustered gap 1\n"
          "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset xtics nomirror\nset grid noxtics\n", f);
    fputs(what ? "set ylabel 'director CPU utilisation (%)'\nset yrange [0:105]\n"
               : "set ylabel 'goodput (Mbit/s)'\nset yrange [0:*]\n", f);
    fputs("$d << EOD\n", f);
    for (size_t g = 0; g < ng; g++) {
        fputc('"', f);
        for (const char *c = groups[g]; *c; c++)
            fputc(*c == '"' || (unsigned char)*c < ' ' ? '\'' : *c, f);
        fputc('"', f);
        for (size_t b = 0; b < nb; b++) {
            double y = NAN;
            json_array_foreach(runs, i, r) {
                char t[160], m[48];
                report_run_others(root, r, t, sizeof t);
                mode_name(r, m, sizeof m);
                if (!strcmp(t, groups[g]) && !strcmp(m, bars[b]))
                    y = versus_y(r, what);
            }
            points += !isnan(y);
            fputc(' ', f);
            gnum(f, y);
        }
        fputc('\n', f);
    }
    fputs("EOD\n", f);
    if (!ng || !nb || !points) {
        size_t none = 0;
        if_empty(f, &none, 1);
        fputs("plot NaN notitle\n", f);
        return 0;
    }
    fputs("plot ", f);
    for (size_t b = 0; b < nb; b++) {
        fprintf(f, "%s$d using %zu:xtic(1) lt %zu fs pattern %zu title ", b ? ", " : "", b + 2, b + 1, b % 8);
        report_gnuplot_string(f, bars[b]);
    }
    fputc('\n', f);
    return points;
}

/* Chart 1 (what = 0) goodput and its bound, chart 4 (what = 1) director
 * CPU, against the axis; each chart returns the number of points it plots. */
static size_t versus_axis(FILE *f, json_t *root, int what)
{
    if (report_sweep_nparams(root) && !report_sweep_param(root))
        return versus_names(f, root, what);
    json_t *m, *runs[MAX_POINTS];
    size_t i, ok2[MAX_SERIES] = { 0 }, ok3[MAX_SERIES] = { 0 };
    const char *axis = report_sweep_param(root);
    fputs(COLOURS, f);
    if (!axis || !strcmp(axis, "servers"))
        fputs("set xlabel 'real servers'\n", f);
    else {
        fputs("set xlabel ", f);
        report_gnuplot_string(f, axis);
        fputc('\n', f);
    }
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
    json_array_foreach(series(root), i, m) {
        size_t n = series_runs(root, json_string_value(m), runs, MAX_POINTS);
        for (size_t k = 0; k < n; k++) {
            double x = run_x(root, runs[k]), y = versus_y(runs[k], what);
            double b = report_num(runs[k], "bound.goodput_mbps");
            if (i < MAX_SERIES) {
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
        fputs("?\n\n\n", f);   /* a dataset per series, even an empty one */
    }
    fputs("EOD\n", f);
    size_t points = if_empty(f, ok2, MAX_SERIES);
    fputs("plot NaN notitle", f);
    /* each series its own marker (pt) and dashes (dt): coinciding ones stay visible */
    static const int markers[] = { 7, 5, 9, 11, 13, 4, 6, 8, 10, 12 };
    json_array_foreach(series(root), i, m) {
        if (i < MAX_SERIES && ok2[i]) {
            fprintf(f, ", $d index %zu using 1:2 with linespoints pt %d ps %.1f dt %zu lt %zu title ", i,
                    markers[i % 10], 0.8 + 0.3 * (double)(i % 4), i % 5 + 1, i + 1);
            report_gnuplot_string(f, json_string_value(m));
        }
        if (!what && i < MAX_SERIES && ok3[i]) {
            fprintf(f, ", $d index %zu using 1:3 with lines dt 2 lw 1.5 lt %zu title ", i, i + 1);
            char t[200];
            snprintf(t, sizeof t, "%s bound", json_string_value(m));
            report_gnuplot_string(f, t);
        }
    }
    fputc('\n', f);
    return points;
}

/* One line per run, titled with the run's name. */
static void run_title(FILE *f, json_t *root, json_t *run)
{
    char t[256];
    report_run_name(root, run, t, sizeof t);
    report_gnuplot_string(f, t);
}

static size_t latency_cdf(FILE *f, json_t *root)
{
    json_t *r, *pt;
    size_t i, j, nr = json_array_size(json_object_get(root, "runs"));
    size_t *ok = calloc(nr + 1, sizeof *ok);
    fputs(COLOURS "set xlabel 'latency (ms)'\nset ylabel 'fraction of requests'\n"
          "set yrange [0:1.02]\nset logscale x\nset key outside right top\n$d << EOD\n", f);
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        json_t *cdf = json_object_get(json_object_get(r, "latency_ms"), "cdf");
        json_array_foreach(cdf, j, pt) {
            double x = json_number_value(json_array_get(pt, 0));
            ok[i] += x > 0;
            gnum(f, x > 0 ? x : NAN);
            fputc(' ', f);
            gnum(f, json_number_value(json_array_get(pt, 1)));
            fputc('\n', f);
        }
        fputs("? ?\n\n\n", f);
    }
    fputs("EOD\n", f);
    size_t points = if_empty(f, ok, nr);
    fputs("plot NaN notitle", f);
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        if (!ok[i])
            continue;
        fprintf(f, ", $d index %zu using 1:2 with steps lt %zu dt %zu title ", i, i + 1, i / 6 % 5 + 1);
        run_title(f, root, r);
    }
    fputc('\n', f);
    free(ok);
    return points;
}

/* Each run's share per server, servers in order along x: a line per run
 * (a pool of a thousand stays readable), bars when few. */
static size_t server_share(FILE *f, json_t *root)
{
    json_t *r, *sv;
    size_t i, j, nr = json_array_size(json_object_get(root, "runs")), maxs = 0;
    size_t *ok = calloc(nr + 1, sizeof *ok);
    fputs(COLOURS "set ylabel 'share of requests'\nset yrange [0:*]\nset xlabel 'real server (in order)'\n"
          "set key outside right top\n$d << EOD\n", f);
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        json_array_foreach(json_object_get(r, "servers"), j, sv) {
            double share = report_num(sv, "share");
            ok[i] += !isnan(share) && !isinf(share);
            fprintf(f, "%zu ", j + 1);
            gnum(f, share);
            fputc('\n', f);
        }
        if (json_array_size(json_object_get(r, "servers")) > maxs)
            maxs = json_array_size(json_object_get(r, "servers"));
        fputs("? ?\n\n\n", f);
    }
    fputs("EOD\n", f);
    size_t points = if_empty(f, ok, nr);
    if (points)
        fprintf(f, "set xrange [0.5:%zu.5]\n", maxs);
    fputs("plot NaN notitle", f);
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        if (!ok[i])
            continue;
        fprintf(f, ", $d index %zu using 1:2 with linespoints pt %zu ps 0.6 lt %zu dt %zu title ", i, i % 10 + 1,
                i + 1, i / 6 % 5 + 1);
        run_title(f, root, r);
    }
    fputc('\n', f);
    free(ok);
    return points;
}

static size_t timeseries(FILE *f, json_t *root)
{
    json_t *r, *e;
    size_t i, j, narrow = 0, nr = json_array_size(json_object_get(root, "runs"));
    size_t *ok = calloc(nr + 1, sizeof *ok);
    fputs(COLOURS "set xlabel 'time (s)'\nset ylabel 'goodput (Mbit/s)'\nset yrange [0:*]\nset offsets 0, 0, graph 0.12, 0\n"
          "set key outside right top\n", f);
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        json_array_foreach(json_object_get(r, "events"), j, e) {
            double t = report_num(e, "t_s");
            narrow++;
            fprintf(f, "set arrow %zu from %.9g, graph 0 to %.9g, graph 1 nohead dt 3 lw 1 lt %zu\n",
                    narrow, t, t, i + 1);
            char lab[160];
            snprintf(lab, sizeof lab, " %s %s %s", report_str(r, "mode"), report_str(e, "kind"),
                     report_str(e, "what"));
            fprintf(f, "set label %zu ", narrow);
            report_gnuplot_string(f, lab);
            fprintf(f, " at %.9g, graph %.2f left font ',10' tc lt %zu front\n", t,
                    0.95 - 0.06 * (double)((narrow - 1) % 8), i + 1);
        }
    }
    fputs("$d << EOD\n", f);
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        json_t *ts = json_object_get(r, "timeseries");
        size_t n = json_is_object(ts) ? json_array_size(json_object_get(ts, "t_s")) : 0;
        for (j = 0; j < n; j++) {
            gnum(f, json_number_value(json_array_get(json_object_get(ts, "t_s"), j)));
            fputc(' ', f);
            json_t *v = json_array_get(json_object_get(ts, "goodput_mbps"), j);
            ok[i] += json_is_number(v);
            gnum(f, json_is_number(v) ? json_number_value(v) : NAN);
            fputc('\n', f);
        }
        fputs("? ?\n\n\n", f);
    }
    fputs("EOD\n", f);
    size_t points = if_empty(f, ok, nr);
    fputs("plot NaN notitle", f);
    json_array_foreach(json_object_get(root, "runs"), i, r) {
        if (!ok[i])
            continue;
        fprintf(f, ", $d index %zu using 1:2 with lines lt %zu dt %zu title ", i, i + 1, i / 6 % 5 + 1);
        run_title(f, root, r);
    }
    fputc('\n', f);
    free(ok);
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
    case 0: n = versus_axis(f, root, 0); break;
    case 1: n = latency_cdf(f, root); break;
    case 2: n = server_share(f, root); break;
    case 3: n = versus_axis(f, root, 1); break;
    case 4: n = timeseries(f, root); break;
    }
    fclose(f);
    if (points)
        *points = n;
    return buf;
}
