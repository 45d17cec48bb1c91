/* `lvslab report DIR`: the report of a results.json written again (reports/report.h). */
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "reports/report.h"

int cmd_report_write(const char *dir, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/results.json", dir);
    return report_write(path, err, errlen);
}

static int report_main(int argc, char **argv, FILE *out, FILE *err)
{
    const char *usage = "usage: lvslab report DIR\n"
        "  Reads DIR/results.json (or DIR itself when it is a file) and writes runs.csv,\n"
        "  servers.csv, timeseries.csv, events.csv, summary.md and index.html beside it.\n"
        "  Exit codes: 0 written, 1 bad results.json or write failure, 2 usage.\n";
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage, out);
        return CMD_OK;
    }
    if (argc != 2 || argv[1][0] == '-') {
        fputs(usage, err);
        return CMD_USAGE;
    }
    char path[4096], msg[1024];
    struct stat st;
    if (stat(argv[1], &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(path, sizeof path, "%s/results.json", argv[1]);
    else
        snprintf(path, sizeof path, "%s", argv[1]);
    if (report_write(path, msg, sizeof msg)) {
        fprintf(err, "lvslab report: %s\n", msg);
        return CMD_FAILED;
    }
    fprintf(out, "lvslab report: wrote %.*s{runs,servers,timeseries,events}.csv, summary.md, index.html\n",
            (int)(strrchr(path, '/') ? strrchr(path, '/') - path + 1 : 0), path);
    return CMD_OK;
}

const struct cmd_command cmd_report = {
    .name = "report",
    .summary = "write CSV, summary.md and index.html from a results.json",
    .main = report_main,
};
