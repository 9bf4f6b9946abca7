/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source.h - the tables a target names: a live VMM's, or a checkpoint's.
 *
 * A source lists its tables when opened (locate.h: where each can be
 * read, and QEMU's record of it) and reads none of them: a cursor
 * (cursor.h) reads one in chunks, through the VMM's mapping (holding
 * nothing), through its fd (attached only while a chunk is read), or from
 * the file's section, decoded.
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
