/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * restore.h - make a live table hold given entries.
 *
 * Only the entries that differ are written, through the table's mapping
 * (QEMU's own restore after migration is a plain copy into it too:
 * spapr_tce_table_post_load).  What was written is read back; if it does
 * not hold, what was written is put back as it was.  No entry at or past
 * the table's end is ever written: such a plan is refused whole.
 */
#ifndef TCECTL_RESTORE_H
#define TCECTL_RESTORE_H

#include <stdbool.h>
#include <stdint.h>

#include "diff.h"
#include "err.h"
#include "extents.h"
#include "table.h"

/*
 * t is attached writable; plan is the diff from what t holds (the VMM
 * paused since that was read) to want.  Writes the plan and reads every
 * written entry back; on a mismatch puts the old entries back and fails.
 */
int tce_restore_apply(struct tce_table *t, const struct tce_diff *plan, struct tce_err *err);

struct tce_source;
struct tce_ckpt_writer;

/*
 * One table of a restore, walked chunk by chunk (cursor.h), so that
 * memory stays bounded whatever the tables hold: the live table against
 * what it must hold (a file's table, or every entry empty).  Every walk
 * counts the plan and hashes it; what else it does is asked for.
 */
struct tce_restore_walk {
	struct tce_source *live;
	size_t live_i;
	struct tce_source *want;	/* NULL: every entry empty (--reset) */
	size_t want_i;
	/* Asked for: */
	struct tce_ckpt_writer *undo;	/* gets the live table's entries as read */
	struct tce_table *write;	/* attached writable: each chunk's changes are written */
	/* The plan's changes in order, runs across chunks joined: all but the last, then that. */
	void (*changes)(void *ctx, const struct tce_table *t, const struct tce_diff *d);
	void *ctx;
	/* Asked before each chunk written: whether to stop writing there. */
	bool (*stop)(void *ctx);
	/*
	 * The plan's digest chunk by chunk: made by the walk when NULL (the
	 * plan confirmed), else each chunk's plan must match it before it is
	 * used, so what is saved and written is exactly what was confirmed.
	 */
	uint64_t *sums;
	size_t n_sums;
	/*
	 * Keeps the plan's changes in *keep as long as they number at most
	 * *keep_room (which shrinks as they are kept): a later write can then
	 * apply it without reading the tables again.  keep->count is 0 and
	 * keep_whole false when it did not fit.
	 */
	struct tce_diff *keep;
	size_t *keep_room;
	bool keep_whole;
	/* Out: */
	struct tce_table meta;		/* the live table's geometry and origin */
	uint64_t added, removed, changed;
	uint64_t written;		/* entries written and read back */
	bool stopped;			/* stop() said so before the plan's end */
	bool changed_since;		/* the walk failed: the plan is not the one in sums */
};

/*
 * Walks live table w->live_i against w->want's table w->want_i, whose
 * geometry must be the same.  When writing, the VMM is paused: each
 * chunk's plan is written and read back (tce_restore_apply); a failure
 * leaves the chunks before it written.  A chunk whose plan differs from
 * w->sums fails the walk with TCE_ENOTARGET before anything is done with
 * that chunk.
 */
int tce_restore_walk(struct tce_restore_walk *w, struct tce_err *err);

/*
 * Writes a kept plan into t, paused, in slices, asking stop() between
 * two: *written counts the entries written and read back.
 */
int tce_restore_apply_kept(struct tce_table *t, const struct tce_diff *plan,
			   bool (*stop)(void *ctx), void *ctx, uint64_t *written, bool *stopped,
			   struct tce_err *err);

static inline uint64_t tce_restore_writes(const struct tce_restore_walk *w)
{
	return w->added + w->removed + w->changed;
}

#endif
