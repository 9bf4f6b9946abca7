/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cursor.h - one table read in chunks, so that memory stays bounded
 * whatever the table holds.
 *
 * A guest controls its table's contents, and a table whose entries form
 * no runs has as many extents as entries (24 bytes each against 8 for the
 * entry).  So no verb builds a whole table's extents: a cursor reads at
 * most TCE_CHUNK_ENTRIES entries at a time and hands over their extents.
 *
 * Two ways to cut: by chunk (every batch covers exactly one chunk of
 * entries, the same for any table of the same length: two tables can be
 * walked side by side), or by extent (a batch reads chunk after chunk
 * while it holds fewer than TCE_KEEP_EXTENTS, and a run that crosses its
 * end is held back and handed over whole with the next batch: what is
 * printed is the same as for one scan of the whole table).
 */
#ifndef TCECTL_CURSOR_H
#define TCECTL_CURSOR_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "extents.h"
#include "parse.h"
#include "source.h"
#include "table.h"

/* Entries per chunk: at most 6 MiB of extents, 8 MiB of changes in a diff. */
#define TCE_CHUNK_ENTRIES (1u << 18)

/*
 * Extents a reader keeps before it prints (24 MiB at most): a table of
 * fewer runs, which is every table a guest uses as an IOMMU, is read
 * whole before anything is printed, so what is printed is one reading of
 * it however slowly the output drains.  Past that many, it is printed
 * as it is read, chunk after chunk.
 */
#define TCE_KEEP_EXTENTS (1u << 20)

enum tce_cut {
	TCE_CUT_CHUNK,		/* batches are whole chunks */
	TCE_CUT_EXTENT,		/* batches end where an extent ends */
};

struct tce_cursor {
	struct tce_source *s;
	size_t i;		/* the source's table */
	struct tce_table t;	/* geometry and origin; for a live table, how it is read */
	enum tce_cut cut;
	uint64_t first, end;	/* the entries to read */
	uint64_t next;		/* first entry of the next chunk */
	struct tce_extents x;	/* the last batch */
	struct tce_extent held;	/* TCE_CUT_EXTENT: a run that may go on */
	bool holding;
	struct tce_counts counts;	/* over every batch so far */
	uint64_t *buf;
};

/*
 * Opens table i of s for reading the entries that range covers (NULL:
 * all).  For a live table this finds its length: through its fd, that
 * attaches it for a moment.  c->t is then the table's metadata.
 */
int tce_cursor_open(struct tce_cursor *c, struct tce_source *s, size_t i,
		    const struct addr_range *range, enum tce_cut cut, struct tce_err *err);

/* The next batch in c->x: 1; 0 when every entry was read; -1 on error. */
int tce_cursor_next(struct tce_cursor *c, struct tce_err *err);

/* Back to the first entry, for another pass over the same table. */
void tce_cursor_rewind(struct tce_cursor *c);

void tce_cursor_close(struct tce_cursor *c);

#endif
