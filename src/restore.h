/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * restore.h - make a live table hold given entries.
 *
 * Only the entries that differ are written, through the table's mapping
 * (the kernel's own restore after migration is a plain copy into it too:
 * spapr_tce_table_post_load in QEMU).  The table is then read back; if it
 * does not hold what was asked, what was written is put back as it was.
 */
#ifndef TCECTL_RESTORE_H
#define TCECTL_RESTORE_H

#include <stdint.h>

#include "err.h"
#include "extents.h"
#include "table.h"

/* t is attached writable and covers want's entries. */
int tce_restore_table(struct tce_table *t, const struct tce_extents *want, uint64_t *written,
		      struct tce_err *err);

#endif
