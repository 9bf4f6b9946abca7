/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aliases.h - guest pages writable through more than one entry.
 *
 * A device that can write a guest page through two IO bus addresses, or
 * two devices that can write the same page, is what the alias check
 * finds.  The writable runs of a VMM's tables (extents, not entries) are
 * collected up to a cap, sorted by guest address and swept once: memory
 * is bounded by the cap, never by what a guest maps.  Past the cap the
 * check is incomplete, and says so.
 */
#ifndef TCECTL_ALIASES_H
#define TCECTL_ALIASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Writable runs kept per VMM at most (40 bytes each: 10 MiB). */
#define TCE_ALIAS_RUNS_MAX (1u << 18)

struct tce_alias_run {
	uint64_t gpa_first, gpa_last;	/* guest bytes its pages cover */
	uint64_t index, count;		/* its entries */
	uint32_t table;			/* the caller's number for its table */
	uint32_t page_shift;
};

struct tce_aliases {
	struct tce_alias_run *runs;
	size_t count, capacity;
	size_t max;		/* the cap: TCE_ALIAS_RUNS_MAX, or less for tests */
	bool incomplete;	/* a run was dropped at the cap */
};

void tce_aliases_init(struct tce_aliases *a, size_t max);

/*
 * Adds the run of count entries from index, whose pages start at guest
 * address gpa (page aligned).  Past the cap it is dropped and the set
 * marked incomplete; fails only when out of memory.
 */
int tce_aliases_add(struct tce_aliases *a, uint32_t table, unsigned page_shift, uint64_t index,
		    uint64_t count, uint64_t gpa, struct tce_err *err);

/*
 * One aliased piece: entries [index, index + count) of run r, whose
 * pages are also writable through entry other_index of run other.
 */
struct tce_alias {
	const struct tce_alias_run *r, *other;
	uint64_t index, count;
	uint64_t other_index;
};

/*
 * Sorts the runs by guest address and calls found for each run that
 * overlaps an earlier one (its entries that overlap the earlier run
 * reaching furthest): every aliased page is in at least one call.  A
 * non-zero return stops the sweep and is returned.
 */
int tce_aliases_sweep(struct tce_aliases *a, int (*found)(void *ctx, const struct tce_alias *al),
		      void *ctx);

void tce_aliases_clear(struct tce_aliases *a);
void tce_aliases_free(struct tce_aliases *a);

#endif
