/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * target.h - the one target syntax every command takes.
 *
 *   PID                 every TCE table the process holds
 *   PID:FD              the table behind one of its file descriptors
 *   PID:FD,KEY=VALUE... that table with its geometry, which the kernel
 *                       does not tell:  shift=N or page=SIZE (IOMMU page),
 *                       offset=ADDR (bus address of entry 0), liobn=N (a
 *                       label), entries=N (window length, when it is
 *                       shorter than what the kernel lets us map)
 */
#ifndef TCECTL_TARGET_H
#define TCECTL_TARGET_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "geometry.h"

enum tce_target_kind {
	TCE_TARGET_PID,
	TCE_TARGET_FD,
};

struct tce_target {
	enum tce_target_kind kind;
	const char *text;	/* as the user wrote it, for messages */
	pid_t pid;
	int fd;
	struct tce_geometry geo;
};

int tce_target_parse(const char *text, struct tce_target *target, struct tce_err *err);

#endif
