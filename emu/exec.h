/*
 * Running the Linux tools that build an emulated world (ip, sysctl, python3,
 * curl, ...): without a shell, optionally inside a network namespace, with a
 * clear error naming the command when it fails.
 */
#ifndef EMU_EXEC_H
#define EMU_EXEC_H

#include <stddef.h>
#include <sys/types.h>

/* Run argv (NULL-terminated) in namespace ns (NULL: this one) and wait.
 * 0, or -1 with "ns: cmd args: what went wrong (its stderr)" in err. */
int emu_exec(const char *ns, char *const argv[], char *err, size_t errlen);

/* The same with the arguments listed: emu_execl(ns, err, errlen, "ip", "link", ..., NULL). */
int emu_execl(const char *ns, char *err, size_t errlen, const char *arg0, ...)
    __attribute__((sentinel));

/* Start argv in namespace ns without waiting, output to logfile; the pid,
 * or -1 with err. */
pid_t emu_spawn(const char *ns, char *const argv[], const char *logfile, char *err, size_t errlen);

#endif
