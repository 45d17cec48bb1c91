/*
 * Inside the keepalived.conf parser: tokens, statements (a keyword, its
 * words, and whether a block follows on the same or the next line), and
 * the checks every section uses to read values, each failing with
 * "file:line: keyword: message". The sections live in conf_parse.c
 * (the file, global_defs), conf_vrrp.c, conf_vs.c and conf_check.c.
 */
#ifndef LVS_KEEPALIVED_CONF_INT_H
#define LVS_KEEPALIVED_CONF_INT_H

#include "lvs/keepalived/conf.h"

#define KA_WORD_MAX KA_PATH_MAX
#define KA_STMT_WORDS 12

enum ka_tok_kind { KA_TOK_WORD, KA_TOK_OPEN, KA_TOK_CLOSE, KA_TOK_EOL, KA_TOK_END };

struct ka_tok {
    enum ka_tok_kind kind;
    int line;
    char text[KA_WORD_MAX];
};

#define KA_NOTES_MAX 4096

struct ka_parser {
    struct ka_conf *conf;     /* what is being filled */
    const char *file;
    const char *p;            /* the text still to read */
    int line;
    struct ka_tok peek;
    bool peeked;
    int close_line;           /* where the last '}' stood */
    char *err;
    size_t errlen;
    char ignored[KA_NOTES_MAX];   /* "kw (line N), ..." of keywords read and ignored */
    char warnings[KA_NOTES_MAX];  /* other warnings, one a line */
    char unknown[KA_NOTES_MAX];   /* unknown keywords, one message a line */
    int nunknown;
};

/* One statement: words[0] is the keyword. */
struct ka_stmt {
    int line;
    int nwords;
    char words[KA_STMT_WORDS][KA_WORD_MAX];
    bool block;               /* a '{' follows */
};

/* conf_lex.c */
/* The next statement (1), or 0 at the '}' closing the block (consumed) or
 * at the end of the text (*eof set), or -1 on error. */
int ka_stmt_read(struct ka_parser *p, struct ka_stmt *st, bool *eof);

/* Parse a block's statements with `fn` until its '}' (error at the end of
 * the text). */
typedef int (*ka_stmt_fn)(struct ka_parser *p, const struct ka_stmt *st, void *ctx);
int ka_block(struct ka_parser *p, const struct ka_stmt *opener, ka_stmt_fn fn, void *ctx);

/* "file:line: keyword: message"; returns -1. */
int ka_fail(struct ka_parser *p, int line, const char *kw, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "file:line: keyword: message" as a warning; parsing goes on. */
void ka_warn(struct ka_parser *p, int line, const char *kw, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* What a section knows: the keywords lvslab reads (`known`), those it
 * accepts and ignores because they do not change the simulation
 * (`ignored`), and keepalived's that it does not model (`unmodelled`);
 * each list ends with NULL. */
struct ka_section {
    const char *name;
    const char *const *known, *const *ignored, *const *unmodelled;
};

/* Sort a statement before its section reads it: 0 when st is a known
 * keyword (the caller reads it), 1 when it was dealt with here (an ignored
 * keyword noted, its block skipped; or an unknown or unmodelled one noted
 * as an error for the end of the file, with a "did you mean" when a known
 * keyword is close), -1 on error. */
int ka_sort(struct ka_parser *p, const struct ka_stmt *st, const struct ka_section *sec);

/* Value checks; each returns 0 or fails naming the keyword. */
int ka_args(struct ka_parser *p, const struct ka_stmt *st, int min, int max);
int ka_no_block(struct ka_parser *p, const struct ka_stmt *st);
int ka_want_block(struct ka_parser *p, const struct ka_stmt *st);
int ka_uint(struct ka_parser *p, const struct ka_stmt *st, int i, unsigned long min, unsigned long max,
            unsigned long *out);
/* Seconds, with up to 9 decimals, into nanoseconds within [min, max]. */
int ka_seconds(struct ka_parser *p, const struct ka_stmt *st, int i, sim_time_t min, sim_time_t max,
               sim_time_t *out);
int ka_ipv4(struct ka_parser *p, const struct ka_stmt *st, int i, uint32_t *out);
/* An optional true/false (yes/no, on/off) after a flag keyword: true if absent. */
int ka_flag(struct ka_parser *p, const struct ka_stmt *st, bool *out);
int ka_string(struct ka_parser *p, const struct ka_stmt *st, int i, char *out, size_t len);

/* The sections. */
int ka_parse_vrrp_instance(struct ka_parser *p, const struct ka_stmt *st, struct ka_conf *conf);
int ka_parse_virtual_server(struct ka_parser *p, const struct ka_stmt *st, struct ka_conf *conf);

/* conf_track.c: vrrp_script and vrrp_sync_group blocks, a track_script
 * block into track[*ntrack] (names resolved later), and the resolution of
 * every name once the file is read. */
int ka_parse_vrrp_script(struct ka_parser *p, const struct ka_stmt *st, struct ka_conf *conf);
int ka_parse_sync_group(struct ka_parser *p, const struct ka_stmt *st, struct ka_conf *conf);
int ka_parse_track_script(struct ka_parser *p, const struct ka_stmt *st, struct ka_track *track, int *ntrack);
int ka_track_resolve(struct ka_parser *p, struct ka_conf *conf);

/* Values a level may set and lower levels inherit (checker from real
 * server from virtual server), unset until given. */
#define KA_UNSET_TIME ((sim_time_t)-1)
#define KA_UNSET_UINT ((unsigned long)-1)

struct ka_inherit {
    sim_time_t delay_loop, connect_timeout, delay_before_retry, warmup;
    unsigned long retry;
    int alpha, inhibit;       /* -1 unset */
};

void ka_inherit_unset(struct ka_inherit *in);
/* A common timing keyword (delay_loop, connect_timeout, delay_before_retry,
 * warmup, retry) into `in`: 1 if st was one, 0 if not, -1 on error. */
int ka_inherit_stmt(struct ka_parser *p, const struct ka_stmt *st, struct ka_inherit *in, bool connect);

/* conf_check.c: a TCP_CHECK, HTTP_GET or MISC_CHECK block into c (its own
 * settings in `own`, resolved later by ka_checker_resolve). */
int ka_parse_checker(struct ka_parser *p, const struct ka_stmt *st, struct ka_checker_conf *c,
                     struct ka_inherit *own);
/* Final values: own, else the real server's, else the kind's default. */
void ka_checker_resolve(struct ka_checker_conf *c, const struct ka_inherit *own, const struct ka_inherit *rs,
                        sim_time_t vs_delay_loop, uint32_t rs_addr, uint16_t rs_port);

#endif
