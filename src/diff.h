/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * diff.h - what differs between two snapshots of one table.
 *
 * Both sides are extents with the same page step, so wherever two
 * extents overlap their entries differ everywhere or nowhere: the diff
 * walks the two lists once and costs O(extents), not O(entries).
 */
#ifndef TCECTL_DIFF_H
#define TCECTL_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "extents.h"

/* Entries [index, index + count) went from old to new; 0 is empty. */
struct tce_change {
	uint64_t index;
	uint64_t count;
	uint64_t old_raw;	/* first entry before; 0: the run was empty (added) */
	uint64_t new_raw;	/* first entry after; 0: the run is now empty (removed) */
};

struct tce_diff {
	struct tce_change *ch;
	size_t count, capacity;
	unsigned page_shift;
	uint64_t added, removed, changed;	/* entries */
};

/* Differences from a to b; both scanned over the same entries. */
int tce_diff(const struct tce_extents *a, const struct tce_extents *b, struct tce_diff *d,
	     struct tce_err *err);

/*
 * The same for the next chunk of two tables read side by side: appends
 * to d, a run that carries on from d's last change joining it.
 */
int tce_diff_more(const struct tce_extents *a, const struct tce_extents *b, struct tce_diff *d,
		  struct tce_err *err);

/*
 * Drops every change but the last, which the next chunk may extend, once
 * the caller has used them: d's memory stays one chunk's worth.  The
 * counts stay.
 */
void tce_diff_keep_last(struct tce_diff *d);

void tce_diff_free(struct tce_diff *d);

/* Entry i of a change run, before and after. */
static inline uint64_t tce_change_old(const struct tce_diff *d, const struct tce_change *c, uint64_t i)
{
	return c->old_raw ? c->old_raw + ((i - c->index) << d->page_shift) : 0;
}

static inline uint64_t tce_change_new(const struct tce_diff *d, const struct tce_change *c, uint64_t i)
{
	return c->new_raw ? c->new_raw + ((i - c->index) << d->page_shift) : 0;
}

#endif
