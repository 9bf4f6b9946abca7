// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <stdbool.h>

#include "restore.h"

static void apply(struct tce_table *t, const struct tce_diff *d, bool forward)
{
	for (size_t k = 0; k < d->count; k++) {
		const struct tce_change *c = &d->ch[k];

		for (uint64_t i = c->index; i < c->index + c->count; i++)
			t->tce[i] = forward ? tce_change_new(d, c, i) : tce_change_old(d, c, i);
	}
}

int tce_restore_apply(struct tce_table *t, const struct tce_diff *plan,
		      const struct tce_extents *want, struct tce_err *err)
{
	struct tce_extents after;
	bool same;

	apply(t, plan, true);
	if (tce_extents_scan(&after, t->tce, want->first, want->end, t->geo.page_shift, err)) {
		apply(t, plan, false);
		return -1;
	}
	same = tce_extents_equal(&after, want);
	tce_extents_free(&after);
	if (same)
		return 0;
	apply(t, plan, false);
	return tce_fail(err, TCE_EIO,
			"table %d:%d did not read back what was written (did the guest run?); the %" PRIu64
			" entries written were put back as they were",
			(int)t->origin.pid, t->origin.fd, plan->added + plan->removed + plan->changed);
}
