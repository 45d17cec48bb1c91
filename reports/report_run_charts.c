/* Reports: one run's own chart, six small panels in one gnuplot
 * multiplot: goodput over time (with the run's events), failures and
 * retries per second, the director's connection table (active, inactive,
 * each TCP state), each real server's share over time (every server when
 * few, else the least, the most and the even share), the latency CDF and
 * each server's share of the run. A panel with nothing measured says so. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_int.h"

#define STYLE "reset\nset linetype 1 lc rgb '#1f77b4' lw 1.5\nset linetype 2 lc rgb '#d62728' lw 1.5\n" \
    "set linetype 3 lc rgb '#2ca02c' lw 1.5\nset linetype 4 lc rgb '#9467bd' lw 1.5\n" \
    "set linetype 5 lc rgb '#ff7f0e' lw 1.5\nset linetype 6 lc rgb '#8c564b' lw 1.5\n" \
    "set linetype 7 lc rgb '#e377c2' lw 1.5\nset linetype 8 lc rgb '#7f7f7f' lw 1.5\n" \
    "set linetype cycle 8\nset datafile missing '?'\nset grid lc rgb '#dddddd'\n" \
    "set border lc rgb '#444444'\nset key below font ',9' samplen 2 spacing 0.9 maxrows 3\n" \
    "set tics font ',9'\n"

/* Servers drawn one line each in the share-over-time panel; above, the
 * least and most shares and the even share. */
#define SHARE_LINES_MAX 8

static void num(FILE *f, double v)
{
    if (isnan(v) || isinf(v))
        fputs("?", f);
    else
        fprintf(f, "%.9g", v);
}

static double at(json_t *array, size_t i)
{
    json_t *v = json_array_get(array, i);
    return json_is_number(v) ? json_number_value(v) : NAN;
}


/* Starts a panel; when it has no point, draws empty axes with a note and
 * returns false (the caller plots nothing more). */
static bool panel(FILE *f, const char *title, const char *xlabel, const char *ylabel, size_t points)
{
    fputs(STYLE, f);
    fprintf(f, "set title '%s' font ',11'\nset xlabel '%s' font ',10'\nset ylabel '%s' font ',10'\n", title, xlabel,
            ylabel);
    if (points)
        return true;
    fputs("set xrange [0:1]\nset yrange [0:1]\nset format x ''\nset format y ''\n"
          "set label 'not measured' at graph 0.5, graph 0.5 center\nplot NaN notitle\n", f);
    return false;
}

/* Time-series columns into datablock name: t, then each array's values;
 * returns the number of valid values. */
static size_t block(FILE *f, const char *name, json_t *t, json_t *const *cols, size_t ncols)
{
    size_t ok = 0;
    fprintf(f, "%s << EOD\n", name);
    for (size_t i = 0; i < json_array_size(t); i++) {
        num(f, at(t, i));
        for (size_t c = 0; c < ncols; c++) {
            double v = at(cols[c], i);
            ok += !isnan(v);
            fputc(' ', f);
            num(f, v);
        }
        fputc('\n', f);
    }
    fputs("EOD\n", f);
    return ok;
}

static size_t goodput(FILE *f, json_t *run, json_t *ts)
{
    json_t *col = json_object_get(ts, "goodput_mbps");
    size_t ok = block(f, "$good", json_object_get(ts, "t_s"), &col, 1);
    if (!panel(f, "goodput", "time (s)", "Mbit/s", ok))
        return 0;
    json_t *e;
    size_t j;
    json_array_foreach(json_object_get(run, "events"), j, e) {
        double t = report_num(e, "t_s");
        fprintf(f, "set arrow from %.9g, graph 0 to %.9g, graph 1 nohead dt 3 lw 1 lc rgb '#888888'\n", t, t);
    }
    fputs("set yrange [0:*]\nplot $good using 1:2 with lines lt 1 notitle\n", f);
    return ok;
}

static size_t failures(FILE *f, json_t *ts)
{
    json_t *cols[] = { json_object_get(ts, "failed_per_s"), json_object_get(ts, "retries_per_s") };
    size_t ok = block(f, "$fail", json_object_get(ts, "t_s"), cols, 2);
    if (!panel(f, "failures and retries", "time (s)", "per second", ok))
        return 0;
    fputs("set yrange [0:*]\nplot $fail using 1:2 with lines lt 2 title 'failed', "
          "$fail using 1:3 with lines lt 5 dt 2 title 'retried'\n", f);
    return ok;
}

/* Active and inactive (ipvsadm -L), and each TCP state seen (ipvsadm -L -c). */
static size_t conn_table(FILE *f, json_t *ts)
{
    json_t *states = json_object_get(ts, "director_conn_states"), *v, *cols[2 + 16];
    const char *names[2 + 16] = { "active", "inactive" };
    const char *key;
    size_t n = 2;
    cols[0] = json_object_get(ts, "director_active_conns");
    cols[1] = json_object_get(ts, "director_inactive_conns");
    json_object_foreach(states, key, v)
        if (n < sizeof cols / sizeof *cols)
            names[n] = key, cols[n++] = v;
    size_t ok = block(f, "$conns", json_object_get(ts, "t_s"), cols, n);
    if (!panel(f, "director connection table", "time (s)", "entries", ok))
        return 0;
    fputs("set yrange [0:*]\nplot ", f);
    for (size_t c = 0; c < n; c++) {
        fprintf(f, "%s$conns using 1:%zu with lines lt %zu dt %d title ", c ? ", " : "", c + 2, c + 1, c < 2 ? 1 : 2);
        report_gnuplot_string(f, names[c]);
    }
    fputc('\n', f);
    return ok;
}

static size_t share_over_time(FILE *f, json_t *ts)
{
    json_t *servers = json_object_get(ts, "server_share"), *t = json_object_get(ts, "t_s");
    size_t ns = json_array_size(servers), ok = 0;
    fputs("$share << EOD\n", f);
    for (size_t i = 0; i < json_array_size(t); i++) {
        num(f, at(t, i));
        double lo = NAN, hi = NAN;
        for (size_t k = 0; k < ns; k++) {
            double v = at(json_object_get(json_array_get(servers, k), "share"), i);
            ok += !isnan(v);
            lo = isnan(lo) || v < lo ? v : lo;
            hi = isnan(hi) || v > hi ? v : hi;
            if (ns <= SHARE_LINES_MAX) {
                fputc(' ', f);
                num(f, v);
            }
        }
        if (ns > SHARE_LINES_MAX) {
            fputc(' ', f);
            num(f, lo);
            fputc(' ', f);
            num(f, hi);
        }
        fputc('\n', f);
    }
    fputs("EOD\n", f);
    if (!panel(f, "share of requests over time", "time (s)", "share", ok))
        return 0;
    fputs("set yrange [0:*]\nplot ", f);
    if (ns <= SHARE_LINES_MAX) {
        for (size_t k = 0; k < ns; k++) {
            fprintf(f, "%s$share using 1:%zu with lines lt %zu title ", k ? ", " : "", k + 2, k + 1);
            report_gnuplot_string(f, report_str(json_array_get(servers, k), "name"));
        }
    } else {
        fprintf(f, "$share using 1:2:3 with filledcurves lc rgb '#c6dbef' title 'least to most of %zu servers', "
                   "$share using 1:2 with lines lt 1 notitle, $share using 1:3 with lines lt 1 notitle, "
                   "%.9g with lines lt 8 dt 2 title 'even share'", ns, 1.0 / (double)ns);
    }
    fputc('\n', f);
    return ok;
}

static size_t cdf(FILE *f, json_t *run)
{
    json_t *pts = json_object_get(json_object_get(run, "latency_ms"), "cdf"), *pt;
    size_t i, ok = 0;
    fputs("$cdf << EOD\n", f);
    json_array_foreach(pts, i, pt) {
        double x = json_number_value(json_array_get(pt, 0));
        ok += x > 0;
        num(f, x > 0 ? x : NAN);
        fputc(' ', f);
        num(f, json_number_value(json_array_get(pt, 1)));
        fputc('\n', f);
    }
    fputs("EOD\n", f);
    if (!panel(f, "latency CDF", "latency (ms)", "fraction of requests", ok))
        return 0;
    fputs("set logscale x\nset yrange [0:1.02]\nplot $cdf using 1:2 with steps lt 1 notitle\n", f);
    return ok;
}

static size_t share(FILE *f, json_t *run)
{
    json_t *sv;
    size_t j, ok = 0, ns = json_array_size(json_object_get(run, "servers"));
    fputs("$served << EOD\n", f);
    json_array_foreach(json_object_get(run, "servers"), j, sv) {
        double s = report_num(sv, "share");
        ok += !isnan(s) && !isinf(s);
        fprintf(f, "%zu ", j + 1);
        num(f, s);
        fputc('\n', f);
    }
    fputs("EOD\n", f);
    if (!panel(f, "share of requests per server", "real server (in order)", "share", ok))
        return 0;
    fprintf(f, "set yrange [0:*]\nset xrange [0.5:%zu.5]\n", ns);
    fputs(ns <= 40 ? "set style fill solid 0.8 border -1\nset boxwidth 0.8\nplot $served using 1:2 with boxes lt 1 notitle\n"
                   : "plot $served using 1:2 with lines lt 1 notitle\n", f);
    return ok;
}

char *report_run_chart_script(json_t *root, json_t *run, size_t *points)
{
    (void)root;
    char *buf = NULL;
    size_t len = 0, n = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    json_t *ts = json_object_get(run, "timeseries");
    fputs("set multiplot layout 2, 3\n", f);
    n += goodput(f, run, ts);
    n += failures(f, ts);
    n += conn_table(f, ts);
    n += share_over_time(f, ts);
    n += cdf(f, run);
    n += share(f, run);
    fputs("unset multiplot\n", f);
    fclose(f);
    if (points)
        *points = n;
    return buf;
}
