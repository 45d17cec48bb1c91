/* Cost profile files: reading, writing, and finding the shipped ones. */
#include "scenario/cpu_profile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *scn_cost_name(int cost)
{
    switch (cost) {
    case SCN_COST_FRAME_IN: return "frame_in";
    case SCN_COST_FRAME_OUT: return "frame_out";
    case SCN_COST_FRAME_BYTE: return "frame_byte";
    default: return cost >= 0 && cost < WORK_KINDS ? host_work_name((enum host_work)cost) : "?";
    }
}

static int cost_of(const char *key)
{
    for (int c = 0; c < SCN_COSTS; c++)
        if (!strcmp(key, scn_cost_name(c)))
            return c;
    return -1;
}

static void valid_keys(char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = 0;
    for (int c = 0; c < SCN_COSTS && at < len; c++)
        at += (size_t)snprintf(buf + at, len - at, "%s%s", c ? ", " : "", scn_cost_name(c));
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = 0;
    return s;
}

/* One `key = ns` line into p; -1 with err. */
static int parse_line(char *line, const char *where, struct scn_cpu_profile *p, bool *seen, char *err,
                      size_t errlen)
{
    char keys[512];
    char *eq = strchr(line, '=');
    if (!eq) {
        snprintf(err, errlen, "%s: expected `key = nanoseconds`", where);
        return -1;
    }
    *eq = 0;
    char *key = trim(line), *val = trim(eq + 1);
    int c = cost_of(key);
    if (c < 0) {
        valid_keys(keys, sizeof keys);
        snprintf(err, errlen, "%s: unknown key \"%s\" (valid: %s)", where, key, keys);
        return -1;
    }
    if (seen[c]) {
        snprintf(err, errlen, "%s: %s given twice", where, key);
        return -1;
    }
    char *end;
    errno = 0;
    double ns = strtod(val, &end);
    if (!*val || *end || errno || !isfinite(ns) || ns < 0 || ns > 1e9) {
        snprintf(err, errlen, "%s: %s = \"%s\": expected nanoseconds, a number from 0 to 1e9", where, key, val);
        return -1;
    }
    seen[c] = true;
    p->ns[c] = ns;
    return 0;
}

int scn_cpu_profile_load(const char *path, struct scn_cpu_profile *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct scn_cpu_profile p = { .set = true };
    snprintf(p.source, sizeof p.source, "%s", path);
    bool seen[SCN_COSTS] = { 0 };
    char line[1024], where[SCN_PROFILE_NAME_MAX + 16];
    int rc = 0;
    for (int n = 1; fgets(line, sizeof line, f); n++) {
        snprintf(where, sizeof where, "%s:%d", path, n);
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *s = trim(line);
        if (*s && (rc = parse_line(s, where, &p, seen, err, errlen)) < 0)
            break;
    }
    fclose(f);
    if (rc < 0)
        return -1;
    for (int c = 0; c < SCN_COSTS; c++)
        if (!seen[c]) {
            snprintf(err, errlen, "%s: no %s (every key is required)", path, scn_cost_name(c));
            return -1;
        }
    *out = p;
    return 0;
}

int scn_cpu_profile_write(const char *path, const struct scn_cpu_profile *p, const char *header)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(header, f);
    for (int c = 0; c < SCN_COSTS; c++)
        fprintf(f, "%s = %.3f\n", scn_cost_name(c), p->ns[c]);
    return fclose(f) ? -1 : 0;
}

int scn_cpu_profile_find(const char *name, const char *script_dir, char *path, size_t pathlen, char *err,
                         size_t errlen)
{
    if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(name)) {
        snprintf(err, errlen, "profile \"%s\": a shipped profile's name is lower-case letters, digits, '-', '_' "
                              "(a file's path has a '/' or ends in .conf)", name);
        return -1;
    }
    char beside[SCN_PROFILE_NAME_MAX], here[SCN_PROFILE_NAME_MAX];
    snprintf(beside, sizeof beside, "%s/../profiles/director-%s.conf", script_dir, name);
    snprintf(here, sizeof here, "profiles/director-%s.conf", name);
    const char *found = !access(beside, R_OK) ? beside : !access(here, R_OK) ? here : NULL;
    if (!found) {
        snprintf(err, errlen, "profile \"%s\": neither %s nor %s is readable", name, beside, here);
        return -1;
    }
    snprintf(path, pathlen, "%s", found);
    return 0;
}
