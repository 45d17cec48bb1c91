/* Reports: the entry points, report_write (results.json to every output
 * beside it) and report_cli (`lvslab report DIR`). */
#include <string.h>
#include <sys/stat.h>

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

int report_cli(int argc, char **argv, FILE *out, FILE *err)
{
    const char *usage = "usage: lvslab report DIR\n"
        "  Reads DIR/results.json (or DIR itself when it is a file) and writes runs.csv,\n"
        "  servers.csv, timeseries.csv, events.csv, summary.md and index.html beside it.\n"
        "  Exit codes: 0 written, 1 bad results.json or write failure, 2 usage.\n";
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage, out);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        fputs(usage, err);
        return 2;
    }
    char path[4096], msg[1024];
    struct stat st;
    if (stat(argv[1], &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(path, sizeof path, "%s/results.json", argv[1]);
    else
        snprintf(path, sizeof path, "%s", argv[1]);
    if (report_write(path, msg, sizeof msg)) {
        fprintf(err, "lvslab report: %s\n", msg);
        return 1;
    }
    fprintf(out, "lvslab report: wrote %.*s{runs,servers,timeseries,events}.csv, summary.md, index.html\n",
            (int)(strrchr(path, '/') ? strrchr(path, '/') - path + 1 : 0), path);
    return 0;
}
