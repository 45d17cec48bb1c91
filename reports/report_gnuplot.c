/* Reports: running gnuplot (svg terminal) on a script fed through a pipe and
 * returning the SVG element for inlining: the XML prologue, DOCTYPE and
 * namespace URLs are dropped (an inline <svg> needs none of them). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reports/report_int.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = 0;
    return buf;
}

/* Removes every ` attr="..."` whose name starts with prefix. */
static void drop_attr(char *s, const char *prefix)
{
    char *p;
    while ((p = strstr(s, prefix))) {
        char *q = strchr(p, '"');
        q = q ? strchr(q + 1, '"') : NULL;
        if (!q)
            return;
        memmove(p, q + 1, strlen(q + 1) + 1);
    }
}

/* Every id and local reference (id='x', href='#x', url(#x)) gets prefix, so
 * several inlined charts do not share ids. Returns a new string. */
static char *prefix_ids(const char *svg, const char *prefix)
{
    static const char *const marks[] = { "id='", "id=\"", "href='#", "href=\"#", "url(#" };
    size_t n = 0;
    for (const char *p = svg; *p; p++)
        for (size_t k = 0; k < sizeof marks / sizeof *marks; k++)
            n += !strncmp(p, marks[k], strlen(marks[k]));
    char *out = malloc(strlen(svg) + n * strlen(prefix) + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = svg; *p;) {
        size_t m = 0;
        for (size_t k = 0; k < sizeof marks / sizeof *marks && !m; k++)
            if (!strncmp(p, marks[k], strlen(marks[k])))
                m = strlen(marks[k]);
        if (m) {
            memcpy(o, p, m);
            o += m;
            p += m;
            o = stpcpy(o, prefix);
        } else {
            *o++ = *p++;
        }
    }
    *o = 0;
    return out;
}

char *report_gnuplot_svg(const char *script, const char *idprefix, char *err, size_t errlen)
{
    return report_gnuplot_svg_sized(script, idprefix, 760, 420, err, errlen);
}

char *report_gnuplot_svg_sized(const char *script, const char *idprefix, int width, int height, char *err,
                               size_t errlen)
{
    char svg[] = "/tmp/lvslab-plot-XXXXXX", cmd[128], errpath[64];
    int fd = mkstemp(svg);
    if (fd < 0) {
        snprintf(err, errlen, "gnuplot: temporary file: %s", strerror(errno));
        return NULL;
    }
    close(fd);
    snprintf(errpath, sizeof errpath, "%s.err", svg);
    snprintf(cmd, sizeof cmd, "gnuplot >/dev/null 2>%s", errpath);
    /* a gnuplot that stops early must not kill us with SIGPIPE */
    struct sigaction ign = { .sa_handler = SIG_IGN }, old;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    FILE *p = popen(cmd, "w");
    if (!p) {
        snprintf(err, errlen, "gnuplot: %s", strerror(errno));
        sigaction(SIGPIPE, &old, NULL);
        unlink(svg);
        return NULL;
    }
    fprintf(p, "set terminal svg size %d,%d dynamic noenhanced font 'Helvetica,13' "
               "background '#ffffff'\nset output '%s'\n%s\nset output\n", width, height, svg, script);
    int st = pclose(p);
    sigaction(SIGPIPE, &old, NULL);
    char *out = NULL;
    if (st != 0) {
        char *e = slurp(errpath);
        char *line = NULL;   /* the last non-empty line: gnuplot's error */
        for (char *t = e ? strtok(e, "\n") : NULL; t; t = strtok(NULL, "\n"))
            if (t[strspn(t, " \t^")])
                line = t + strspn(t, " \t");
        snprintf(err, errlen, "gnuplot failed (exit status %d): %s",
                 WIFEXITED(st) ? WEXITSTATUS(st) : -1,
                 line && *line ? line : "is gnuplot installed?");
        free(e);
    } else if (!(out = slurp(svg))) {
        snprintf(err, errlen, "gnuplot: no output");
    } else {
        char *start = strstr(out, "<svg");
        if (!start) {
            snprintf(err, errlen, "gnuplot: output is not SVG");
            free(out);
            out = NULL;
        } else {
            memmove(out, start, strlen(start) + 1);
            drop_attr(out, " xmlns");
            char *pre = prefix_ids(out, idprefix);
            free(out);
            out = pre;
            if (!out)
                snprintf(err, errlen, "gnuplot: out of memory");
        }
    }
    unlink(svg);
    unlink(errpath);
    return out;
}
