/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source.h - the tables a target names, opened one at a time.
 *
 * A source lists its tables when opened and attaches each only on
 * request, so a command holds at most one live table at any moment.
 */
#ifndef TCECTL_SOURCE_H
#define TCECTL_SOURCE_H

#include <stddef.h>

#include "err.h"
#include "proc.h"
#include "table.h"
#include "target.h"

struct tce_source {
	const struct tce_target *target;
	struct proc_info proc;
	int *fds;
	size_t count;
};

/* Finds the target's process and tables; fails when it holds none. */
int tce_source_open(struct tce_source *s, const struct tce_target *target,
		    struct tce_err *err);

/* Attaches table i of the source (0 <= i < s->count). */
int tce_source_attach(struct tce_source *s, size_t i, struct tce_table *t,
		      unsigned flags, struct tce_err *err);

void tce_source_close(struct tce_source *s);

#endif
