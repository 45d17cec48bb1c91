/*
 * `lvslab slurm SCENARIO`: a sweep as Slurm jobs. It writes, under
 * OUT/slurm/, a job array whose tasks run the sweep's runs (N a task, each
 * task `lvslab run --only` into OUT/parts/task-ID, at most M at once: the
 * array's %M), a merge job (`lvslab merge` into OUT) to be submitted with
 * --dependency=afterok on the array, and submit.sh, which submits both.
 * The output folder must be on a filesystem every node shares, and lvslab
 * and the scenario at the same paths (docs/cluster.md).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/args.h"
#include "cmd/cmd.h"
#include "cmd/sweep.h"
#include "scenario/results.h"

#define SLURM_ARGS (CMD_ARG_MODE | CMD_ARG_SET | CMD_ARG_SEED | CMD_ARG_OUT)

struct slurm_opts {
    const char *partition, *time;
    long per_task, max_parallel;   /* runs a task; tasks at once (0: no limit) */
};

static int usage(FILE *f, int rc)
{
    fprintf(f, "usage: lvslab slurm SCENARIO [--mode MODE,...] [--set KEY=VALUE]... [--seed N] [--out DIR]\n"
               "                    [--partition P] [--runs-per-task N] [--max-parallel N] [--time T]\n"
               "  Write DIR/slurm/array.sbatch (a job array: each task runs N of the sweep's\n"
               "  runs with 'lvslab run --only' into DIR/parts/task-ID, at most --max-parallel\n"
               "  tasks at once), DIR/slurm/merge.sbatch ('lvslab merge' of the parts into DIR,\n"
               "  submitted to wait for the array: --dependency=afterok) and DIR/slurm/submit.sh,\n"
               "  which submits both. DIR (default out/<scenario name>) must be on a filesystem\n"
               "  every node shares. --time is Slurm's (e.g. 30:00) for each task.\n"
               "  Exit codes: 0 written, 1 a write failed, 2 bad usage or a bad scenario.\n");
    return rc;
}

static int own_opt(void *ctx, const char *arg, const char *next, FILE *err)
{
    struct slurm_opts *o = ctx;
    const char **text = !strcmp(arg, "--partition") ? &o->partition : !strcmp(arg, "--time") ? &o->time : NULL;
    long *num = !strcmp(arg, "--runs-per-task") ? &o->per_task : !strcmp(arg, "--max-parallel") ? &o->max_parallel
                                                                                                : NULL;
    if (!text && !num)
        return 0;
    if (!next) {
        fprintf(err, "lvslab slurm: %s needs a value\n", arg);
        return -1;
    }
    if (text) {
        if (!*next || strpbrk(next, " \t\n'\"\\$`")) {
            fprintf(err, "lvslab slurm: %s \"%s\": one word, no quotes or spaces\n", arg, next);
            return -1;
        }
        *text = next;
        return 2;
    }
    char *end;
    *num = strtol(next, &end, 10);
    if (!*next || *end || *num < 1 || *num > 100000) {
        fprintf(err, "lvslab slurm: %s %s: not a number from 1 to 100000\n", arg, next);
        return -1;
    }
    return 2;
}

/* s as one shell word, in single quotes. */
static void shell_word(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++)
        *s == '\'' ? fputs("'\\''", f) : fputc(*s, f);
    fputc('\'', f);
}

/* The #SBATCH lines both jobs share. */
static void sbatch_head(FILE *f, const char *job, const char *cwd, const struct slurm_opts *o)
{
    fprintf(f, "#SBATCH --job-name=%s\n#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n", job);
    fprintf(f, "#SBATCH --chdir=%s\n", cwd);
    if (o->partition)
        fprintf(f, "#SBATCH --partition=%s\n", o->partition);
    if (o->time)
        fprintf(f, "#SBATCH --time=%s\n", o->time);
}

/* The job array: task T runs the plan's runs T*N .. T*N+N-1. */
static void write_array(FILE *f, const struct cmd_args *a, const struct slurm_opts *o, const char *self,
                        const char *cwd, const char *dir, const char *name, const int *index, int n)
{
    long tasks = (n + o->per_task - 1) / o->per_task;
    fprintf(f, "#!/bin/sh\n# The runs of %s, %ld a task, written by 'lvslab slurm': submit with submit.sh.\n",
            a->script, o->per_task);
    fprintf(f, "#SBATCH --array=0-%ld", tasks - 1);
    if (o->max_parallel)
        fprintf(f, "%%%ld", o->max_parallel);
    fprintf(f, "\n#SBATCH --output=%s/slurm/logs/task-%%a.out\n", dir);
    sbatch_head(f, name, cwd, o);
    fprintf(f, "set -eu\ncase $SLURM_ARRAY_TASK_ID in\n");
    for (long t = 0; t < tasks; t++) {
        fprintf(f, "%ld) only=", t);
        for (long i = t * o->per_task; i < n && i < (t + 1) * o->per_task; i++)
            fprintf(f, "%s%d", i > t * o->per_task ? "," : "", index[i]);
        fprintf(f, " ;;\n");
    }
    fprintf(f, "*) echo \"no task $SLURM_ARRAY_TASK_ID in this array\" >&2; exit 2 ;;\nesac\nexec ");
    shell_word(f, self);
    fprintf(f, " run ");
    shell_word(f, a->script);
    if (a->modes) {
        fprintf(f, " --mode ");
        shell_word(f, a->modes);
    }
    for (int i = 0; i < a->nsets; i++) {
        fprintf(f, " --set ");
        shell_word(f, a->sets[i]);
    }
    fprintf(f, " --only \"$only\" --jobs 1 --quiet --out ");
    shell_word(f, dir);
    fprintf(f, "/parts/task-\"$SLURM_ARRAY_TASK_ID\"\n");
}

static void write_merge(FILE *f, const struct slurm_opts *o, const char *self, const char *cwd, const char *dir,
                        const char *name)
{
    fprintf(f, "#!/bin/sh\n# The parts of the array joined into results.json and its report, written by\n"
               "# 'lvslab slurm': submit.sh submits it to wait for the array (afterok).\n");
    fprintf(f, "#SBATCH --output=%s/slurm/logs/merge.out\n", dir);
    char job[300];
    snprintf(job, sizeof job, "%s-merge", name);
    sbatch_head(f, job, cwd, o);
    fprintf(f, "set -eu\nexec ");
    shell_word(f, self);
    fprintf(f, " merge ");
    shell_word(f, dir);
    fprintf(f, "/parts/task-* --out ");
    shell_word(f, dir);
    fputc('\n', f);
}

static void write_submit(FILE *f, const char *cwd, const char *dir)
{
    fprintf(f, "#!/bin/sh\n# Submits the array, then the merge to run once every task has ended well.\n"
               "set -eu\ncd %s\narray=$(sbatch --parsable %s/slurm/array.sbatch)\n"
               "merge=$(sbatch --parsable --dependency=afterok:\"${array%%%%;*}\" %s/slurm/merge.sbatch)\n"
               "echo \"array job ${array%%%%;*}, merge job ${merge%%%%;*}: squeue -j ${array%%%%;*},${merge%%%%;*}\"\n",
            cwd, dir, dir);
}

/* The three files under dir/slurm; 0, or with the message on err -1 (a
 * write failed) or -2 (parts of an earlier submission are in the way). */
static int write_jobs(const struct cmd_args *a, const struct slurm_opts *o, const char *dir, const char *name,
                      const int *index, int n, FILE *err)
{
    char self[PATH_MAX], cwd[PATH_MAX], path[PATH_MAX + 64];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    self[len > 0 ? len : 0] = '\0';
    if (!getcwd(cwd, sizeof cwd) || strpbrk(cwd, " \t\n")) {
        fprintf(err, "lvslab slurm: the working folder must have a name without spaces\n");
        return -1;
    }
    struct stat st;
    snprintf(path, sizeof path, "%s/parts", dir);
    if (stat(path, &st) == 0) {
        fprintf(err, "lvslab slurm: %s holds the parts of an earlier submission: remove it, or pick another --out\n",
                path);
        return -2;
    }
    snprintf(path, sizeof path, "%s/slurm/logs", dir);
    if (scn_mkdirs(path) < 0) {
        fprintf(err, "lvslab slurm: %s: %s\n", path, strerror(errno));
        return -1;
    }
    static const char *const files[] = { "array.sbatch", "merge.sbatch", "submit.sh" };
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/slurm/%s", dir, files[i]);
        FILE *f = fopen(path, "w");
        if (!f) {
            fprintf(err, "lvslab slurm: %s: %s\n", path, strerror(errno));
            return -1;
        }
        if (i == 0)
            write_array(f, a, o, self, cwd, dir, name, index, n);
        else if (i == 1)
            write_merge(f, o, self, cwd, dir, name);
        else
            write_submit(f, cwd, dir);
        if (fclose(f) != 0 || chmod(path, 0755) < 0) {
            fprintf(err, "lvslab slurm: cannot write %s\n", path);
            return -1;
        }
    }
    return 0;
}

static int slurm_main(int argc, char **argv, FILE *out, FILE *err)
{
    struct cmd_args a;
    struct slurm_opts o = { .per_task = 1 };
    int parsed = cmd_args_parse(&a, "lvslab slurm", SLURM_ARGS, own_opt, &o, argc, argv, err);
    if (parsed)
        return parsed > 0 ? usage(out, CMD_OK) : usage(err, CMD_USAGE);
    struct cmd_sweep sw;
    if (cmd_sweep_load(&sw, &a, "lvslab slurm", err) < 0)
        return CMD_USAGE;
    int rc = CMD_OK, n = sw.n;
    const char *dir = sw.dir;
    char name[SCN_NAME_MAX + 8];
    snprintf(name, sizeof name, "lvslab-%s", sw.sc.name);
    if (strpbrk(dir, " \t\n'\"\\$`*?") || strpbrk(sw.sc.name, " \t\n'\"\\$`*?")) {
        fprintf(err, "lvslab slurm: %s: the output folder and scenario name must be plain words\n", dir);
        rc = CMD_USAGE;
    }
    int written = rc == CMD_OK ? write_jobs(&a, &o, dir, name, sw.index, n, err) : 0;
    if (written < 0)
        rc = written == -2 ? CMD_USAGE : CMD_FAILED;
    if (rc == CMD_OK)
        fprintf(out, "%d runs in %ld tasks: %s/slurm/{array.sbatch,merge.sbatch}\nsubmit with: sh %s/slurm/submit.sh\n"
                     "watch with: squeue --me; the merge writes %s/results.json\n",
                n, (n + o.per_task - 1) / o.per_task, dir, dir, dir);
    cmd_sweep_free(&sw);
    return rc;
}

const struct cmd_command cmd_slurm = {
    .name = "slurm",
    .summary = "write Slurm jobs for a scenario's sweep: an array of runs and the merge after it",
    .main = slurm_main,
};
