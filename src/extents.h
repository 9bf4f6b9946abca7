/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * extents.h - a table as runs of entries: the form every command works on.
 *
 * An extent is a run of consecutive entries that map consecutive guest
 * pages with the same permission: entry index + k holds raw + (k << shift).
 * The extent list is a lossless copy of the table (empty entries are the
 * gaps between extents), usually thousands of times smaller, so a live
 * table can be scanned once, released at once, and then printed, diffed
 * or searched at leisure.
 */
#ifndef TCECTL_EXTENTS_H
#define TCECTL_EXTENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct tce_extent {
	uint64_t index;		/* first entry */
	uint64_t count;		/* entries */
	uint64_t raw;		/* value of the first entry */
};

struct tce_counts {
	uint64_t entries;	/* entries scanned */
	uint64_t mapped;	/* non-zero entries */
	uint64_t by_perm[4];	/* non-zero entries by tce_perm(): -, r, w, rw */
};

struct tce_extents {
	struct tce_extent *ext;
	size_t count;
	size_t capacity;
	unsigned page_shift;
	uint64_t first, end;	/* the entries scanned: [first, end) */
	struct tce_counts counts;
};

/*
 * Scans tce[first, end) into extents.  One pass, no per-entry allocation;
 * the caller may release the table right after.
 */
int tce_extents_scan(struct tce_extents *x, const uint64_t *tce, uint64_t first,
		     uint64_t end, unsigned page_shift, struct tce_err *err);

/*
 * The same in steps, for a table that arrives in blocks (a decompressed
 * checkpoint): begin, then feed blocks in index order, an extent running
 * on across blocks; finish fills in the counts.
 */
void tce_extents_begin(struct tce_extents *x, uint64_t first, uint64_t end, unsigned page_shift);
int tce_extents_feed(struct tce_extents *x, const uint64_t *block, uint64_t index,
		     uint64_t n, struct tce_err *err);
void tce_extents_finish(struct tce_extents *x);

/* Appends an extent after the last one (index order); builds tables by hand. */
int tce_extents_add(struct tce_extents *x, uint64_t index, uint64_t count, uint64_t raw,
		    struct tce_err *err);

/*
 * Appends src, the entries that follow dst's, to dst: the two become one
 * list over both ranges.  An empty dst (no range yet) takes src's.
 */
int tce_extents_append(struct tce_extents *dst, const struct tce_extents *src, struct tce_err *err);

/* Empties x, keeping its memory. */
void tce_extents_clear(struct tce_extents *x);

/* Whether two scans saw the same entries. */
bool tce_extents_equal(const struct tce_extents *a, const struct tce_extents *b);

void tce_extents_free(struct tce_extents *x);

/* Value of entry i of an extent. */
static inline uint64_t tce_extent_entry(const struct tce_extents *x,
					const struct tce_extent *e, uint64_t i)
{
	return e->raw + ((i - e->index) << x->page_shift);
}

/*
 * The entry that maps the guest page after raw's, with the same
 * permission: raw + (1 << page_shift), or 0 when that page would lie past
 * 2^64.  A run never wraps to guest address 0, and 0 (an empty entry)
 * never continues one.
 */
static inline uint64_t tce_next_page(uint64_t raw, unsigned page_shift)
{
	uint64_t next = raw + (1ULL << page_shift);

	return next < raw ? 0 : next;
}

/*
 * Writes entries [first, first + n) in host order into buf, zeros
 * included; *cursor (start it at 0) makes sequential calls linear.
 */
void tce_extents_expand(const struct tce_extents *x, uint64_t first, uint64_t n,
			uint64_t *buf, size_t *cursor);

#endif
