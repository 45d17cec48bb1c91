/* Reports: each output written under a temporary name in its folder and
 * renamed over the old one only once whole, so that a reader never sees a
 * half-written file, and a failed write leaves none. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "reports/report_int.h"

static void tmp_path(char *out, size_t len, const char *dir, const char *name)
{
    snprintf(out, len, "%s/.%s.tmp", dir, name);
}

FILE *report_file_open(const char *dir, const char *name, char *err, size_t errlen)
{
    char path[4200];
    tmp_path(path, sizeof path, dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return f;
}

int report_file_close(FILE *f, const char *dir, const char *name, char *err, size_t errlen)
{
    char tmp[4200], path[4200];
    tmp_path(tmp, sizeof tmp, dir, name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (ferror(f) | fclose(f)) {
        snprintf(err, errlen, "%s: write failed", path);
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}
