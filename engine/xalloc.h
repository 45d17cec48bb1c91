/* Allocation that cannot fail quietly: out of memory aborts with a message. */
#ifndef ENGINE_XALLOC_H
#define ENGINE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Abort with "lvslab: out of memory: <what>". */
_Noreturn void xalloc_fail(const char *what);

#endif
