/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * freeze.h - pause a VMM for a consistent snapshot or a restore.
 *
 * SIGSTOP stops every thread, the vCPUs too, so the guest cannot change
 * its tables meanwhile.  A process that was stopped already is left as it
 * was; one we stopped is always resumed, by tce_thaw() or, if a signal
 * ends tcectl first, by the cleanup handler.
 */
#ifndef TCECTL_FREEZE_H
#define TCECTL_FREEZE_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

struct tce_freeze {
	pid_t pid;
	bool stopped_by_us;
};

int tce_freeze(struct tce_freeze *f, pid_t pid, struct tce_err *err);
void tce_thaw(struct tce_freeze *f);

#endif
