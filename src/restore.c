// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <stdbool.h>

#include "diff.h"
#include "restore.h"

static void apply(struct tce_table *t, const struct tce_diff *d, bool forward)
{
	for (size_t k = 0; k < d->count; k++) {
		const struct tce_change *c = &d->ch[k];

		for (uint64_t i = c->index; i < c->index + c->count; i++)
			t->tce[i] = forward ? tce_change_new(d, c, i) : tce_change_old(d, c, i);
	}
}

int tce_restore_table(struct tce_table *t, const struct tce_extents *want, uint64_t *written,
		      struct tce_err *err)
{
	struct tce_extents now, after;
	struct tce_diff d;
	int rc = -1;

	*written = 0;
	if (tce_extents_scan(&now, t->tce, want->first, want->end, t->geo.page_shift, err))
		return -1;
	if (tce_diff(&now, want, &d, err))
		goto free_now;
	apply(t, &d, true);
	if (tce_extents_scan(&after, t->tce, want->first, want->end, t->geo.page_shift, err))
		goto rollback;
	if (!tce_extents_equal(&after, want)) {
		tce_extents_free(&after);
		tce_fail(err, TCE_EIO,
			 "table %d:%d did not read back what was written; the %" PRIu64
			 " entries written were put back as they were",
			 (int)t->origin.pid, t->origin.fd, d.added + d.removed + d.changed);
		goto rollback;
	}
	tce_extents_free(&after);
	*written = d.added + d.removed + d.changed;
	rc = 0;
	goto free_diff;
rollback:
	apply(t, &d, false);
free_diff:
	tce_diff_free(&d);
free_now:
	tce_extents_free(&now);
	return rc;
}
