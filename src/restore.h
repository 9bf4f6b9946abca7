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

/* Puts back the old entries of a plan applied to t: the undo of an apply. */
int tce_restore_revert(struct tce_table *t, const struct tce_diff *plan, struct tce_err *err);

/*
 * Whether two plans write the same entries with the same old and new
 * values: the plan confirmed and the one made again with the VMM paused.
 */
bool tce_plan_equal(const struct tce_diff *a, const struct tce_diff *b);

#endif
