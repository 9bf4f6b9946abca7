/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * freeze.h - pause a VMM for a consistent snapshot or a restore.
 *
 * SIGSTOP stops every thread, the vCPUs too, so the guest cannot change
 * its tables meanwhile.  A process that was stopped already is left as it
 * was; one we stopped is always resumed, by tce_thaw() or, if a signal
 * ends tcectl first, by the cleanup handler.  Both signals go through a
 * pidfd, so they reach the process found, never a later one that got its
 * number: one that has exited is an error, not a target.
 */
#ifndef TCECTL_FREEZE_H
#define TCECTL_FREEZE_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

struct tce_freeze {
	pid_t pid;
	int pidfd;		/* how pid is signalled; -1: by its number (no pidfd_open) */
	bool own_pidfd;		/* opened by tce_freeze, closed by tce_thaw */
	bool stopped_by_us;
};

/*
 * Stops pid and waits until every thread has.  pidfd is the caller's pin
 * of pid (proc_pidfd_open), or -1 to open one here.
 */
int tce_freeze(struct tce_freeze *f, pid_t pid, int pidfd, struct tce_err *err);
void tce_thaw(struct tce_freeze *f);

#endif
