/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * target.h - the one target syntax every command takes.
 *
 *   PID                 every TCE table the process holds
 *   PID:FD              the table behind one of its file descriptors
 *   PID@ADDR            the table the process has mapped at ADDR
 *   ...,KEY=VALUE...    PID:FD or PID@ADDR with its geometry, when QEMU's
 *                       records do not tell it or to override them:
 *                       shift=N or page=SIZE (IOMMU page), offset=ADDR
 *                       (bus address of entry 0), liobn=N (a label),
 *                       entries=N (window length, when it is shorter than
 *                       what the kernel lets us map)
 *   vm:NAME             the VMM of the VM called NAME, as PID: the one
 *                       process given -name NAME or -name guest=NAME, or
 *                       the QEMU of the running libvirt domain NAME (see
 *                       vmname.h); the rest of the text is the name, so
 *                       vm:NAME takes no :FD, @ADDR or geometry
 *   FILE                every table of a checkpoint file
 *   FILE:N              its table N (as tcectl inspect numbers them)
 *
 * Anything that is not PID or vm: syntax is a file; ./1234 names a file
 * called 1234, ./vm:x one called vm:x.
 */
#ifndef TCECTL_TARGET_H
#define TCECTL_TARGET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "geometry.h"

enum tce_target_kind {
	TCE_TARGET_PID,
	TCE_TARGET_FD,
	TCE_TARGET_ADDR,
	TCE_TARGET_FILE,
};

struct tce_target {
	enum tce_target_kind kind;
	const char *text;	/* as the user wrote it, for messages */
	pid_t pid;
	int fd;
	uint64_t addr;		/* TCE_TARGET_ADDR */
	struct tce_geometry geo;
	char path[4096];	/* TCE_TARGET_FILE */
	long table;		/* FILE:N, or -1 for every table */
};

int tce_target_parse(const char *text, struct tce_target *target, struct tce_err *err);

#endif
