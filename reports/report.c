/* Reports: the entry point, report_write (results.json to every output beside it). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "reports/report.h"
#include "reports/report_int.h"

/* The files of an earlier report in dir, removed before anything else, so
 * that none is left beside the new results.json to contradict it when this
 * report fails or writes fewer files. 0, or -1 with err. */
static int remove_old(const char *dir, char *err, size_t errlen)
{
    static const char *const owned[] = { "runs.csv", "servers.csv", "timeseries.csv", "events.csv",
                                         "summary.md", "index.html" };
    char p[4200];
    for (size_t i = 0; i < sizeof owned / sizeof *owned; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, owned[i]);
        if (unlink(p) < 0 && errno != ENOENT) {
            snprintf(err, errlen, "%s: %s", p, strerror(errno));
            return -1;
        }
    }
    return 0;
}

int report_write(const char *path, char *err, size_t errlen)
{
    json_error_t je;
    char msg[512], dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path) ? (int)(slash - path) : 1, path);
    if (remove_old(dir, err, errlen) < 0)
        return -1;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (je.line > 0)
            snprintf(err, errlen, "%s:%d:%d: not JSON: %s", path, je.line, je.column, je.text);
        else
            snprintf(err, errlen, "%s: %s", path, je.text);
        return -1;
    }
    if (report_validate(root, msg, sizeof msg)) {
        snprintf(err, errlen, "%s: %s", path, msg);
        json_decref(root);
        return -1;
    }
    report_series_annotate(root);
    int rc = report_csv(root, dir, err, errlen) || report_md(root, dir, err, errlen) ||
             report_html(root, dir, err, errlen) ? -1 : 0;
    json_decref(root);
    return rc;
}
