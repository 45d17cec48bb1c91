/*
 * What the keepalived.conf parser notes on its way instead of stopping:
 * keywords it accepts and ignores (reported together in one warning),
 * other warnings (old names, settings not modelled), and unknown keywords,
 * each with the closest known keyword of its section, all reported at the
 * end of the file in one pass.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lvs/keepalived/conf_int.h"

static void append(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t size, const char *fmt, ...)
{
    size_t n = strlen(buf);
    if (n + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, size - n, fmt, ap);
    va_end(ap);
}

void ka_warn(struct ka_parser *p, int line, const char *kw, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    append(p->warnings, sizeof p->warnings, "%s:%d: %s: %s\n", p->file, line, kw, msg);
}

static bool listed(const char *const *list, const char *kw)
{
    for (; list && *list; list++)
        if (!strcmp(*list, kw))
            return true;
    return false;
}

/* Levenshtein distance, capped: words here are short. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 64;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static void closest(const char *const *list, const char *kw, const char **best, size_t *dist)
{
    for (; list && *list; list++) {
        size_t d = distance(kw, *list);
        if (d < *dist) {
            *dist = d;
            *best = *list;
        }
    }
}

/* Past a block whose '{' was read: its statements and blocks, to its '}'. */
static int skip_block(struct ka_parser *p, const struct ka_stmt *opener)
{
    struct ka_stmt st;
    bool eof;
    int r;
    while ((r = ka_stmt_read(p, &st, &eof)) == 1)
        if (st.block && skip_block(p, &st) < 0)
            return -1;
    if (r == 0 && eof)
        return ka_fail(p, p->line, opener->words[0], "missing '}' for the block opened at line %d", opener->line);
    return r;
}

int ka_sort(struct ka_parser *p, const struct ka_stmt *st, const struct ka_section *sec)
{
    const char *kw = st->words[0];
    if (listed(sec->known, kw))
        return 0;
    if (listed(sec->ignored, kw)) {
        append(p->ignored, sizeof p->ignored, "%s%s (line %d)", p->ignored[0] ? ", " : "", kw, st->line);
    } else if (listed(sec->unmodelled, kw)) {
        p->nunknown++;
        append(p->unknown, sizeof p->unknown, "%s:%d: `%s` in %s is keepalived's but lvslab does not model it\n",
               p->file, st->line, kw, sec->name);
    } else {
        const char *best = NULL;
        size_t dist = (size_t)-1;
        closest(sec->known, kw, &best, &dist);
        closest(sec->ignored, kw, &best, &dist);
        size_t len = strlen(kw);
        p->nunknown++;
        if (best && dist <= (len < 6 ? 1 : len < 12 ? 2 : 3))
            append(p->unknown, sizeof p->unknown, "%s:%d: unknown keyword `%s` in %s (did you mean %s?)\n", p->file,
                   st->line, kw, sec->name, best);
        else
            append(p->unknown, sizeof p->unknown, "%s:%d: unknown keyword `%s` in %s\n", p->file, st->line, kw,
                   sec->name);
    }
    if (st->block && skip_block(p, st) < 0)
        return -1;
    return 1;
}
