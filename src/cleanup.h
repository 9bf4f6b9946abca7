/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cleanup.h - what must be undone if a signal ends tcectl midway.
 *
 * A stopped VMM must be resumed and a half-written temporary file
 * removed, also on SIGINT, SIGTERM, SIGHUP and SIGQUIT.  The handler does
 * only that (async-signal-safe calls), then dies of the same signal.
 */
#ifndef TCECTL_CLEANUP_H
#define TCECTL_CLEANUP_H

#include <sys/types.h>

/* The temporary file to remove, or NULL when there is none any more. */
void cleanup_tmpfile(const char *path);

/*
 * mkstemp(template) with the fatal signals blocked until the file it
 * made is registered: no signal can leave it behind.
 */
int cleanup_mkstemp(char *template);

/* The process we stopped with SIGSTOP, or 0 once it is resumed. */
void cleanup_stopped(pid_t pid);

#endif
