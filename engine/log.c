/* Logging: levels per component from a spec, lines prefixed with the
 * simulated time ("[   1.234567890 s] tcp debug: ..."). */
#include "engine/log.h"

#include <stdarg.h>
#include <string.h>

static const char *const level_names[] = { "error", "warn", "info", "debug", "trace" };

void log_init(struct log *l, FILE *out, struct rt *rt)
{
    memset(l, 0, sizeof *l);
    l->out = out;
    l->rt = rt;
    l->default_level = LOG_WARN;
}

static int level_for(const struct log *l, const char *name)
{
    for (int i = 0; i < l->nrules; i++)
        if (!strcmp(l->rules[i].name, name))
            return l->rules[i].level;
    return l->default_level;
}

static int parse_level(const char *text, size_t len)
{
    if (len == 3 && !strncmp(text, "off", 3))
        return LOG_OFF;
    for (int i = 0; i <= LOG_TRACE; i++)
        if (strlen(level_names[i]) == len && !strncmp(text, level_names[i], len))
            return i;
    return -2;
}

int log_configure(struct log *l, const char *spec, char *err, size_t errlen)
{
    struct log next = *l;
    next.nrules = 0;
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        int level = eq ? parse_level(eq + 1, len - (size_t)(eq + 1 - p)) : -2;
        size_t nlen = eq ? (size_t)(eq - p) : 0;
        if (!eq || !nlen || nlen >= LOG_NAME_MAX || level == -2) {
            snprintf(err, errlen, "log spec \"%s\": bad part \"%.*s\" (want name=level, level one "
                     "of error, warn, info, debug, trace, off)", spec, (int)len, p);
            return -1;
        }
        if (nlen == 1 && *p == '*') {
            next.default_level = level;
        } else {
            if (next.nrules == LOG_MAX_RULES) {
                snprintf(err, errlen, "log spec \"%s\": more than %d components", spec, LOG_MAX_RULES);
                return -1;
            }
            snprintf(next.rules[next.nrules].name, LOG_NAME_MAX, "%.*s", (int)nlen, p);
            next.rules[next.nrules++].level = level;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    *l = next;
    for (struct log_comp *c = l->comps; c; c = c->next)
        c->level = level_for(l, c->name);
    return 0;
}

void log_comp_init(struct log_comp *c, struct log *l, const char *name)
{
    c->log = l;
    snprintf(c->name, sizeof c->name, "%s", name);
    c->level = level_for(l, c->name);
    c->next = l->comps;
    l->comps = c;
}

void log_comp_done(struct log_comp *c)
{
    for (struct log_comp **pp = &c->log->comps; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            return;
        }
}

void log_write(const struct log_comp *c, enum log_level level, const char *fmt, ...)
{
    const struct log *l = c->log;
    if (l->rt) {
        sim_time_t t = rt_now(l->rt);
        fprintf(l->out, "[%4lld.%09lld s] ", (long long)(t / SIM_S), (long long)(t % SIM_S));
    }
    fprintf(l->out, "%s %s: ", c->name, level_names[level]);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(l->out, fmt, ap);
    va_end(ap);
    fputc('\n', l->out);
}
