/* Reports: the entry point, report_write (results.json to every output beside it). */
#include <string.h>

#include "reports/report.h"
#include "reports/report_int.h"

int report_write(const char *path, char *err, size_t errlen)
{
    json_error_t je;
    char msg[512], dir[4096];
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
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path) ? (int)(slash - path) : 1, path);
    int rc = report_csv(root, dir, err, errlen) || report_md(root, dir, err, errlen) ||
             report_html(root, dir, err, errlen) ? -1 : 0;
    json_decref(root);
    return rc;
}
