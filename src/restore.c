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

/* Every entry written reads back as written. */
static bool reads_back(const struct tce_table *t, const struct tce_diff *d)
{
	for (size_t k = 0; k < d->count; k++) {
		const struct tce_change *c = &d->ch[k];

		for (uint64_t i = c->index; i < c->index + c->count; i++)
			if (((volatile const uint64_t *)t->tce)[i] != tce_change_new(d, c, i))
				return false;
	}
	return true;
}

int tce_restore_apply(struct tce_table *t, const struct tce_diff *plan, struct tce_err *err)
{
	apply(t, plan, true);
	/*
	 * The plan was made from a scan with the VMM paused since, so the
	 * entries not written already hold what they should: reading back
	 * the ones written is the whole check, and costs O(changes).
	 */
	if (reads_back(t, plan))
		return 0;
	apply(t, plan, false);
	return tce_fail(err, TCE_EIO,
			"table %d:%d did not read back what was written (did the guest run?); the %" PRIu64
			" entries written were put back as they were",
			(int)t->origin.pid, t->origin.fd, plan->added + plan->removed + plan->changed);
}
