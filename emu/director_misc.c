/* MISC_CHECK scripts as child processes under libev (see director_misc.h). */
#define _GNU_SOURCE
#include "emu/director_misc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/xalloc.h"

#define KILL_GRACE 2.0        /* keepalived: SIGKILL 2 s after the SIGTERM of a timeout */

struct emu_misc_script {
    struct emu_misc *m;
    struct emu_misc_script *next;
    ev_child child;
    ev_timer kill_timer;
    pid_t pid;
    struct ka_checker *checker;
    uint64_t token;           /* 0 once the check timed out (the answer is dropped) */
    bool dynamic;
    char path[KA_PATH_MAX];
};

/* In the child: a process group of its own, nothing inherited but
 * /dev/null on stdio, default signal mask; then the shell. */
static void child_exec(const char *path)
{
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        dup2(devnull, STDOUT_FILENO);
        dup2(devnull, STDERR_FILENO);
    }
    close_range(3, ~0u, 0);
    execl("/bin/sh", "sh", "-c", path, (char *)NULL);
    _exit(127);
}

static void unlink_script(struct emu_misc_script *s)
{
    struct emu_misc_script **p = &s->m->running;
    while (*p != s)
        p = &(*p)->next;
    *p = s->next;
    ev_child_stop(s->m->loop, &s->child);
    ev_timer_stop(s->m->loop, &s->kill_timer);
    free(s);
}

/* keepalived's misc_check_child_thread on a reaped script. */
static void on_exit_status(struct ev_loop *loop, ev_child *w, int revents)
{
    (void)loop, (void)revents;
    struct emu_misc_script *s = w->data;
    struct ka_checker *checker = s->checker;
    uint64_t token = s->token;
    int status = w->rstatus;
    bool dynamic = s->dynamic;
    if (!token) {
        fprintf(s->m->log, "keepalived: MISC_CHECK %s: killed after misc_timeout (%s)\n", s->path,
                WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "exited");
        fflush(s->m->log);
    }
    unlink_script(s);
    if (!token)
        return;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (dynamic && code >= 2)
        ka_misc_answer_weight(checker, token, code - 2);
    else
        ka_misc_answer(checker, token, code == 0);
}

static void on_kill_grace(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop, (void)revents;
    struct emu_misc_script *s = w->data;
    kill(-s->pid, SIGKILL);
}

void emu_misc_init(struct emu_misc *m, struct ev_loop *loop, FILE *log)
{
    *m = (struct emu_misc){ .loop = loop, .log = log };
}

enum ka_misc_verdict emu_misc_run(void *ctx, const struct ka_misc_req *req)
{
    struct emu_misc *m = ctx;
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(m->log, "keepalived: MISC_CHECK %s: fork: %s (counted as a failure)\n", req->path,
                strerror(errno));
        fflush(m->log);
        return KA_MISC_FAIL;
    }
    if (pid == 0)
        child_exec(req->path);
    setpgid(pid, pid);        /* as the child does: no race with a kill of the group */
    struct emu_misc_script *s = xcalloc(1, sizeof *s);
    *s = (struct emu_misc_script){ .m = m, .next = m->running, .pid = pid, .checker = req->checker,
                                   .token = req->token, .dynamic = req->dynamic };
    snprintf(s->path, sizeof s->path, "%s", req->path);
    ev_child_init(&s->child, on_exit_status, pid, 0);
    s->child.data = s;
    ev_timer_init(&s->kill_timer, on_kill_grace, KILL_GRACE, 0);
    s->kill_timer.data = s;
    ev_child_start(m->loop, &s->child);
    m->running = s;
    return KA_MISC_LATER;
}

void emu_misc_cancel(void *ctx, uint64_t token)
{
    struct emu_misc *m = ctx;
    for (struct emu_misc_script *s = m->running; s; s = s->next)
        if (s->token == token) {
            s->token = 0;
            kill(-s->pid, SIGTERM);
            ev_timer_start(m->loop, &s->kill_timer);
            return;
        }
}

void emu_misc_stop(struct emu_misc *m)
{
    while (m->running) {
        pid_t pid = m->running->pid;
        kill(-pid, SIGKILL);
        waitpid(pid, NULL, 0);
        unlink_script(m->running);
    }
}
