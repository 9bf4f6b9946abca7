/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sampler.h - the tables of a host or of some targets, refresh after
 * refresh, and what changed between two refreshes: the data behind
 * tcectl watch (the screen) and tcectl monitor (JSON lines).
 *
 * A refresh finds the tables again (a guest that starts, stops or resets
 * creates and destroys them), reads each in chunks through the VMM's own
 * mapping (cursor.h: nothing is held between refreshes, so a resetting
 * VMM can always re-create its tables), and compares it with what the
 * last refresh kept of it.  What is kept is the table's extents, cut at
 * chunk boundaries, at most TCE_KEEP_EXTENTS of them: a table of more
 * runs than that (no IOMMU a guest uses has them) is followed by its
 * counts alone, and says so.  Memory is then bounded by the number of
 * tables, never by what a guest writes into them.
 *
 * A table is the same from one refresh to the next while its process
 * (pid and start time), fd, mapping, liobn, geometry and length are.  A
 * table re-created between two refreshes in the same place with the same
 * geometry cannot be told from the old one: its entries then show as
 * unmapped, as a reset leaves them.
 */
#ifndef TCECTL_SAMPLER_H
#define TCECTL_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diff.h"
#include "err.h"
#include "extents.h"
#include "table.h"
#include "target.h"

struct tce_watched {
	uint64_t id;			/* 1, 2, ... in order of discovery; never reused */
	struct tce_table t;		/* geometry and origin; holds nothing */
	char vm[64];			/* tce_guest_name, else comm: raw bytes */
	unsigned long long start_time;	/* of its process: tells a reused pid */
	struct tce_counts counts;	/* at the last refresh */
	uint64_t extents;
	/* Entries mapped, unmapped and changed since the refresh before. */
	uint64_t mapped, unmapped, changed;
	bool added;			/* first seen at the last refresh */
	bool removed;			/* gone at the last refresh: its last figures */
	bool detailed;			/* its entries are kept: changes are known entry by entry */
	bool compared;			/* the refresh before kept them: mapped... above are known */
	/* Its extents as last read, cut at chunk boundaries; empty when !detailed.  Read-only. */
	struct tce_extents kept;
	bool seen;			/* private: found by the refresh under way */
};

/*
 * What a refresh reports as it goes, in this order per table: added (its
 * figures, not its entries: also every table of the first refresh), or
 * its change runs in index order; then removed for every table gone.
 * error is a target or table that could not be read (a process gone, or
 * a target with no table now, is no error: its tables are removed; a
 * table there that cannot be read without holding it is one).  A
 * non-zero return from a callback
 * stops the refresh and is returned by it.  Any may be NULL.
 */
struct tce_sampler_ops {
	int (*added)(void *ctx, const struct tce_watched *w);
	int (*change)(void *ctx, const struct tce_watched *w, const struct tce_diff *d,
		      const struct tce_change *c);
	int (*removed)(void *ctx, const struct tce_watched *w);
	int (*error)(void *ctx, const char *what, const struct tce_err *err);
	void *ctx;
};

struct tce_sampler {
	const struct tce_target *targets;	/* none: every process that holds a table */
	size_t n_targets;
	struct tce_watched *w;			/* live tables, then those just removed */
	size_t count;
	size_t denied;				/* host-wide: processes we may not look into */
	uint64_t refreshes;
	uint64_t next_id;
	uint64_t focus;				/* a table whose last changes are kept (0: none) */
	struct tce_diff focus_changes;		/* its change runs at the last refresh */
	bool focus_truncated;			/* more than TCE_KEEP_EXTENTS of them */
};

void tce_sampler_init(struct tce_sampler *s, const struct tce_target *targets, size_t n_targets);

/*
 * Finds and reads every table once more.  Returns 0, a callback's
 * non-zero value, or -1 when the host itself cannot be searched (/proc).
 * Tables removed by the refresh before are dropped first.
 */
int tce_sampler_refresh(struct tce_sampler *s, const struct tce_sampler_ops *ops,
			struct tce_err *err);

/* The table with that id, or NULL. */
const struct tce_watched *tce_sampler_find(const struct tce_sampler *s, uint64_t id);

void tce_sampler_free(struct tce_sampler *s);

#endif
