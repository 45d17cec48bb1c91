/*
 * keepalived.conf's tokens: words split on blanks, "quoted strings" as one
 * word, '{' and '}' on their own wherever they stand, comments from '#' or
 * '!' to the end of the line, and line ends (a statement is one line).
 * Statements are read here too: a keyword, its words, and a '{' on the same
 * or the next line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lvs/keepalived/conf_int.h"

int ka_fail(struct ka_parser *p, int line, const char *kw, const char *fmt, ...)
{
    int n = snprintf(p->err, p->errlen, "%s:%d: %s: ", p->file, line, kw);
    if (n >= 0 && (size_t)n < p->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static bool word_char(char c)
{
    return c && c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '{' && c != '}' && c != '"' &&
           c != '#' && c != '!';
}

static int lex(struct ka_parser *p, struct ka_tok *t)
{
    const char *s = p->p;
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    if (*s == '#' || *s == '!')
        while (*s && *s != '\n')
            s++;
    t->line = p->line;
    t->text[0] = '\0';
    if (!*s) {
        t->kind = KA_TOK_END;
    } else if (*s == '\n') {
        t->kind = KA_TOK_EOL;
        p->line++;
        s++;
    } else if (*s == '{' || *s == '}') {
        t->kind = *s == '{' ? KA_TOK_OPEN : KA_TOK_CLOSE;
        t->text[0] = *s++;
        t->text[1] = '\0';
    } else {
        t->kind = KA_TOK_WORD;
        size_t n = 0;
        bool quoted = *s == '"';
        const char *start = s;
        if (quoted) {
            for (s++; *s && *s != '"' && *s != '\n'; s++)
                if (n < sizeof t->text - 1)
                    t->text[n++] = *s;
            if (*s != '"') {
                p->p = s;
                return ka_fail(p, t->line, "\"", "unterminated quoted string");
            }
            s++;
        } else {
            for (; word_char(*s); s++)
                if (n < sizeof t->text - 1)
                    t->text[n++] = *s;
        }
        if ((size_t)(s - start) - (quoted ? 2 : 0) >= sizeof t->text) {
            p->p = s;
            return ka_fail(p, t->line, "word", "longer than %zu characters", sizeof t->text - 1);
        }
        t->text[n] = '\0';
    }
    p->p = s;
    return 0;
}

/* The next token (0), or -1 on an unterminated quote or an overlong word. */
static int ka_lex(struct ka_parser *p, struct ka_tok *t)
{
    if (p->peeked) {
        *t = p->peek;
        p->peeked = false;
        return 0;
    }
    return lex(p, t);
}

static int peek(struct ka_parser *p, struct ka_tok **t)
{
    if (!p->peeked) {
        if (lex(p, &p->peek) < 0)
            return -1;
        p->peeked = true;
    }
    *t = &p->peek;
    return 0;
}

int ka_stmt_read(struct ka_parser *p, struct ka_stmt *st, bool *eof)
{
    struct ka_tok t;
    *eof = false;
    do {
        if (ka_lex(p, &t) < 0)
            return -1;
    } while (t.kind == KA_TOK_EOL);
    if (t.kind == KA_TOK_END) {
        *eof = true;
        return 0;
    }
    if (t.kind == KA_TOK_CLOSE) {
        p->close_line = t.line;
        return 0;
    }
    if (t.kind == KA_TOK_OPEN)
        return ka_fail(p, t.line, "{", "a block with no keyword before it");
    st->line = t.line;
    st->nwords = 0;
    st->block = false;
    for (;;) {
        if (st->nwords == KA_STMT_WORDS)
            return ka_fail(p, st->line, st->words[0], "more than %d words", KA_STMT_WORDS - 1);
        memcpy(st->words[st->nwords++], t.text, sizeof t.text);
        struct ka_tok *next;
        if (peek(p, &next) < 0)
            return -1;
        if (next->kind != KA_TOK_WORD)
            break;
        ka_lex(p, &t);
    }
    struct ka_tok *next;
    if (peek(p, &next) < 0)
        return -1;
    if (next->kind == KA_TOK_OPEN) {
        p->peeked = false;
        st->block = true;
        return 1;
    }
    /* a '{' may stand alone on the following line(s) */
    while (next->kind == KA_TOK_EOL) {
        p->peeked = false;
        if (peek(p, &next) < 0)
            return -1;
    }
    if (next->kind == KA_TOK_OPEN) {
        p->peeked = false;
        st->block = true;
    }
    return 1;
}

int ka_block(struct ka_parser *p, const struct ka_stmt *opener, ka_stmt_fn fn, void *ctx)
{
    struct ka_stmt st;
    int r;
    bool eof;
    while ((r = ka_stmt_read(p, &st, &eof)) == 1)
        if ((r = fn(p, &st, ctx)) < 0)
            return -1;
    if (r == 0 && eof)
        return ka_fail(p, p->line, opener->words[0], "missing '}' for the block opened at line %d",
                       opener->line);
    return r;
}
