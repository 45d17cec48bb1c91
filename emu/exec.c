/* Running tools for the emulated world: fork, setns into a named namespace,
 * exec, and report failures with the command line and its stderr. */
#define _GNU_SOURCE
#include "emu/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS 64

static void describe(char *out, size_t len, const char *ns, char *const argv[])
{
    size_t n = (size_t)snprintf(out, len, "%s%s", ns ? ns : "", ns ? ": " : "");
    for (int i = 0; argv[i] && n < len; i++)
        n += (size_t)snprintf(out + n, len - n, "%s%s", i ? " " : "", argv[i]);
}

/* In the child: enter the namespace, point stdio, exec. Never returns. */
static void child_exec(const char *ns, char *const argv[], int out_fd)
{
    if (ns) {
        char path[256];
        snprintf(path, sizeof path, "/run/netns/%s", ns);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
            fprintf(stderr, "cannot enter network namespace %s: %s\n", ns, strerror(errno));
            _exit(126);
        }
        close(fd);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0)
        dup2(devnull, STDIN_FILENO);
    if (out_fd >= 0) {
        dup2(out_fd, STDOUT_FILENO);
        dup2(out_fd, STDERR_FILENO);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

int emu_exec(const char *ns, char *const argv[], char *err, size_t errlen)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    if (pid == 0) {
        close(pipefd[0]);
        child_exec(ns, argv, pipefd[1]);
    }
    close(pipefd[1]);
    char out[512];
    size_t used = 0;
    ssize_t n;
    while ((n = read(pipefd[0], out + used, sizeof out - 1 - used)) > 0 && used < sizeof out - 1)
        used += (size_t)n;
    char drain[256];
    while (read(pipefd[0], drain, sizeof drain) > 0)
        ;
    close(pipefd[0]);
    out[used] = '\0';
    while (used && (out[used - 1] == '\n' || out[used - 1] == ' '))
        out[--used] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    char cmd[256];
    describe(cmd, sizeof cmd, ns, argv);
    snprintf(err, errlen, "%s: %s%s%s", cmd,
             WIFEXITED(status) ? "failed" : "killed by a signal", used ? ": " : "", out);
    return -1;
}

int emu_execl(const char *ns, char *err, size_t errlen, const char *arg0, ...)
{
    char *argv[MAX_ARGS];
    int n = 0;
    va_list ap;
    va_start(ap, arg0);
    for (const char *a = arg0; a && n < MAX_ARGS - 1; a = va_arg(ap, const char *))
        argv[n++] = (char *)a;
    va_end(ap);
    argv[n] = NULL;
    return emu_exec(ns, argv, err, errlen);
}

pid_t emu_spawn(const char *ns, char *const argv[], const char *logfile, char *err, size_t errlen)
{
    int fd = open(logfile ? logfile : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", logfile, strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(fd);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);        /* its own group: stopping it stops its children */
        child_exec(ns, argv, fd);
    }
    close(fd);
    return pid;
}
