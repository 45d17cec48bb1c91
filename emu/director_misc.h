/*
 * keepalived's MISC_CHECK scripts on the emulated director, run for real as
 * keepalived runs them: `/bin/sh -c misc_path` forked into a process group
 * of its own, stdio on /dev/null, reaped by an ev_child watcher so the
 * frame path never waits. Exit code 0 passes, 1 fails, 2..255 passes with
 * weight code - 2 under misc_dynamic (fails otherwise); a script still
 * running at misc_timeout gets SIGTERM (its group), then SIGKILL 2 s later.
 * The scripts run in the director process's namespace (the root one).
 */
#ifndef EMU_DIRECTOR_MISC_H
#define EMU_DIRECTOR_MISC_H

#include <ev.h>
#include <stdint.h>
#include <stdio.h>

#include "lvs/keepalived/check.h"

struct emu_misc_script;

struct emu_misc {
    struct ev_loop *loop;     /* the default loop: ev_child works there only */
    FILE *log;                /* scripts that cannot start, or are killed */
    struct emu_misc_script *running;
};

void emu_misc_init(struct emu_misc *m, struct ev_loop *loop, FILE *log);
/* ka_checks_opts.misc and .misc_cancel, with misc_ctx = the emu_misc. */
enum ka_misc_verdict emu_misc_run(void *ctx, const struct ka_misc_req *req);
void emu_misc_cancel(void *ctx, uint64_t token);
/* Kill every script still running (SIGKILL to its group) and reap it. */
void emu_misc_stop(struct emu_misc *m);

#endif
