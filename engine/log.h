/*
 * Logging with levels, a simulated-time prefix and a level per component
 * ("tcp=debug,arp=trace,*=warn"). A logger is an object (no global state):
 * the world holds one, each module a struct log_comp from it. A line below
 * its component's level costs one comparison: LOG() tests the level before
 * its arguments are evaluated or anything is formatted.
 */
#ifndef ENGINE_LOG_H
#define ENGINE_LOG_H

#include <stddef.h>
#include <stdio.h>

#include "engine/runtime.h"

enum log_level { LOG_OFF = -1, LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG_TRACE };

#define LOG_MAX_RULES 32
#define LOG_NAME_MAX 16

struct log;

struct log_comp {
    struct log *log;
    char name[LOG_NAME_MAX];
    int level;                 /* lines at or below it are written */
    struct log_comp *next;     /* the logger's list, to re-level on configure */
};

struct log {
    FILE *out;
    struct rt *rt;             /* for the time prefix; NULL: none */
    int default_level;
    struct { char name[LOG_NAME_MAX]; int level; } rules[LOG_MAX_RULES];
    int nrules;
    struct log_comp *comps;
};

void log_init(struct log *l, FILE *out, struct rt *rt);
/* "name=level,...", "*" for every other component; levels error, warn,
 * info, debug, trace, off. 0, or -1 with err naming the bad part (nothing
 * changes then). */
int log_configure(struct log *l, const char *spec, char *err, size_t errlen);
void log_comp_init(struct log_comp *c, struct log *l, const char *name);
void log_comp_done(struct log_comp *c);

void log_write(const struct log_comp *c, enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define LOG(comp, lvl, ...)                                       \
    do {                                                          \
        if ((comp)->level >= (int)(lvl))                          \
            log_write((comp), (lvl), __VA_ARGS__);                \
    } while (0)

#endif
