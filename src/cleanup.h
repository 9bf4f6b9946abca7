/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cleanup.h - what must be undone if a signal ends tcectl midway.
 *
 * A stopped VMM must be resumed and a half-written temporary file
 * removed, whatever signal ends tcectl: a request (SIGINT, SIGTERM,
 * SIGHUP, ...) or a fault (SIGBUS, SIGSEGV, ...).  The handler does only
 * that (async-signal-safe calls), then dies of the same signal, so the
 * caller sees which.  A signal that was ignored at start stays ignored.
 */
#ifndef TCECTL_CLEANUP_H
#define TCECTL_CLEANUP_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* The temporary file to remove, or NULL when there is none any more. */
void cleanup_tmpfile(const char *path);

/*
 * mkstemp(template) with the fatal signals blocked until the file it
 * made is registered: no signal can leave it behind.
 */
int cleanup_mkstemp(char *template);

/*
 * The process we stopped with SIGSTOP, or 0 once it is resumed.  pidfd,
 * when >= 0, is how the handler resumes it: never another process that
 * got its number.
 */
void cleanup_stopped(pid_t pid, int pidfd);

/*
 * Holds back the signals that ask tcectl to end (requests, not faults):
 * they wait, pending, until cleanup_allow() lets them act, and
 * cleanup_pending() says whether one came meanwhile.  A writer uses it to
 * end only between whole steps, saying what state it leaves.
 */
void cleanup_defer(sigset_t *old);
void cleanup_allow(const sigset_t *old);

/* The first deferred signal pending, or 0. */
int cleanup_pending(void);

/*
 * While on, a write past the file size limit (ulimit -f) fails with
 * EFBIG, which the writer reports, instead of raising SIGXFSZ.
 */
void cleanup_file_limit_as_error(bool on);

#endif
