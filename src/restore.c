// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <stdbool.h>

#include "restore.h"

/* Entries moved per call: one batch of process_vm_writev's iovecs. */
#define BATCH 1024

struct batch {
	uint64_t index[BATCH];
	uint64_t val[BATCH];
	size_t n;
};

/*
 * Walks every entry of the plan in batches: writes the new (forward) or
 * old values, or, with check, reads them back and compares with the new.
 */
static int walk(struct tce_table *t, const struct tce_diff *d, bool forward, bool check,
		bool *same, struct tce_err *err)
{
	struct batch b;
	uint64_t got[BATCH];

	b.n = 0;
	for (size_t k = 0; k <= d->count; k++) {
		const struct tce_change *c = k < d->count ? &d->ch[k] : NULL;
		uint64_t i = c ? c->index : 0, end = c ? c->index + c->count : 0;

		while (c ? i < end : b.n > 0) {
			if (c && b.n < BATCH) {
				b.index[b.n] = i;
				b.val[b.n++] = forward ? tce_change_new(d, c, i) : tce_change_old(d, c, i);
				i++;
				continue;
			}
			if (!check && tce_table_put(t, b.index, b.val, b.n, err))
				return -1;
			if (check) {
				if (tce_table_get(t, b.index, got, b.n, err))
					return -1;
				for (size_t j = 0; j < b.n; j++)
					*same &= got[j] == b.val[j];
			}
			b.n = 0;
		}
	}
	return 0;
}

int tce_restore_apply(struct tce_table *t, const struct tce_diff *plan, struct tce_err *err)
{
	struct tce_err undo_err = { 0 };
	bool same = true;
	char name[64];

	tce_origin_name(&t->origin, name, sizeof(name));
	if (walk(t, plan, true, false, NULL, err))
		goto undo;
	/*
	 * The plan was made from a scan with the VMM paused since, so the
	 * entries not written already hold what they should: reading back
	 * the ones written is the whole check, and costs O(changes).
	 */
	if (walk(t, plan, true, true, &same, err))
		goto undo;
	if (same)
		return 0;
	tce_fail(err, TCE_EIO,
		 "table %s did not read back what was written (did the guest run?); the %" PRIu64
		 " entries written were put back as they were",
		 name, plan->added + plan->removed + plan->changed);
undo:
	if (walk(t, plan, false, false, NULL, &undo_err))
		tce_fail(err, TCE_EIO, "table %s: putting the old entries back failed too: %s", name,
			 undo_err.msg);
	return -1;
}
