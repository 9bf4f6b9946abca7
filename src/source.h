/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source.h - the tables a target names, one snapshot at a time.
 *
 * A source lists its tables when opened (locate.h: where each can be
 * read, and QEMU's record of it) and reads each only on request.  A
 * snapshot is a table's metadata and its extents; for a live table it is
 * read through the VMM's mapping in blocks, holding nothing, or, for a
 * table reached through its fd, attached, scanned and released at once;
 * for a checkpoint file it is the table's section, decoded.
 */
#ifndef TCECTL_SOURCE_H
#define TCECTL_SOURCE_H

#include <stddef.h>

#include "checkpoint.h"
#include "err.h"
#include "extents.h"
#include "locate.h"
#include "parse.h"
#include "proc.h"
#include "table.h"
#include "target.h"

struct tce_source {
	const struct tce_target *target;
	struct proc_info proc;
	struct tce_places places;	/* live: where each table is */
	struct tce_ckpt ckpt;		/* file: the open checkpoint */
	size_t count;
};

/* How live tables are reached, for every source opened after (--attach). */
void tce_source_set_attach(enum tce_attach_mode mode);

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
 * What is known of table i without reading it: for a live table its
 * geometry (given, from QEMU's record, or assumed), origin and, from a
 * record, its entries (else 0); for a file its record.
 */
void tce_source_meta(const struct tce_source *s, size_t i, struct tce_table *meta);

/* "PID:FD", "PID@0xADDR", "FILE:N": how messages name table i. */
void tce_source_table_name(const struct tce_source *s, size_t i, char *buf, size_t len);

/*
 * Whether table i is read through a duplicate of its fd although no
 * --attach=fd asked for it (no mapping of it is known): callers warn.
 */
bool tce_source_holds(const struct tce_source *s, size_t i);

/*
 * Where keys given in the target contradict QEMU's record of table i: a
 * sentence in buf, true; else false.
 */
bool tce_source_disagrees(const struct tce_source *s, size_t i, char *buf, size_t len);

/* Attaches live table i for writing (restore); sources from files cannot. */
int tce_source_attach(struct tce_source *s, size_t i, struct tce_table *t,
		      unsigned flags, struct tce_err *err);

/*
 * Checks that every live table is still where it was found (same fd, same
 * mapping, same record), for a writer that paused the VMM after opening:
 * a VMM that re-created its tables meanwhile would have them elsewhere.
 */
int tce_source_recheck(struct tce_source *s, struct tce_err *err);

/* The entries of table i that range covers (NULL: all); the error names the table. */
int tce_source_index_range(const struct tce_source *s, size_t i, const struct tce_table *meta,
			   const struct addr_range *range, uint64_t *first, uint64_t *end,
			   struct tce_err *err);

/* The checkpoint's table behind source index i. */
size_t tce_source_file_table(const struct tce_source *s, size_t i);

/* Entries [first, first + n) of file table i, n <= TCE_READ_BLOCK, into buf. */
int tce_source_file_read(struct tce_source *s, size_t i, uint64_t first, uint64_t n, uint64_t *buf,
			 struct tce_err *err);

/*
 * Reads file table i through to its end, which checks its checksum and
 * mapped count: before anything of a damaged table is printed.  buf holds
 * TCE_READ_BLOCK entries.
 */
int tce_source_file_check(struct tce_source *s, size_t i, uint64_t *buf, struct tce_err *err);

void tce_source_close(struct tce_source *s);

#endif
