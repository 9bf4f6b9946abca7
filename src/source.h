/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source.h - the tables a target names, one snapshot at a time.
 *
 * A source lists its tables when opened and reads each only on request,
 * so a command holds at most one live table at any moment.  A snapshot
 * is a table's metadata and its extents; for a live table it is taken
 * by attaching, scanning and releasing at once, for a checkpoint file by
 * decoding the table's section.
 */
#ifndef TCECTL_SOURCE_H
#define TCECTL_SOURCE_H

#include <stddef.h>

#include "checkpoint.h"
#include "err.h"
#include "extents.h"
#include "parse.h"
#include "proc.h"
#include "table.h"
#include "target.h"

struct tce_source {
	const struct tce_target *target;
	struct proc_info proc;
	int *fds;		/* live: the tables' fds */
	struct tce_ckpt ckpt;	/* file: the open checkpoint */
	size_t count;
};

/* Finds the target's tables; fails when it has none. */
int tce_source_open(struct tce_source *s, const struct tce_target *target,
		    struct tce_err *err);

/*
 * Snapshot of table i (0 <= i < s->count): its metadata and, in x, its
 * entries within the IO bus range (NULL: all).  x is the caller's to free.
 */
int tce_source_snapshot(struct tce_source *s, size_t i, const struct addr_range *range,
			struct tce_table *meta, struct tce_extents *x, struct tce_err *err);

/*
 * Snapshot of all of table i, read until two passes agree or max_passes:
 * *passes says how many were read, *agreed whether the last two agreed.
 * A live table stays mapped through its passes and no longer: after the
 * first, a pass reads pages already touched, so the table is held about
 * as long as one pass from a fresh mapping takes.  A file is read once.
 */
int tce_source_snapshot_stable(struct tce_source *s, size_t i, unsigned max_passes,
			       struct tce_table *meta, struct tce_extents *x, unsigned *passes,
			       bool *agreed, struct tce_err *err);

/*
 * What is known of table i without reading it: for a live table the
 * geometry the target gives and its pid and fd (entries stay 0), for a
 * file its record.
 */
void tce_source_meta(const struct tce_source *s, size_t i, struct tce_table *meta);

/* "PID:FD", "FILE:N": how messages name table i. */
void tce_source_table_name(const struct tce_source *s, size_t i, char *buf, size_t len);

/* Attaches live table i for writing (restore); sources from files cannot. */
int tce_source_attach(struct tce_source *s, size_t i, struct tce_table *t,
		      unsigned flags, struct tce_err *err);

void tce_source_close(struct tce_source *s);

#endif
