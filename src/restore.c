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

/* The first entry past the plan's last change; 0 for an empty plan. */
static uint64_t plan_end(const struct tce_diff *d)
{
	return d->count ? d->ch[d->count - 1].index + d->ch[d->count - 1].count : 0;
}

/*
 * A plan must lie inside the table: an entry past its end would be a
 * write into whatever memory follows the mapping, or a SIGBUS.
 */
static int out_of_table(const struct tce_table *t, uint64_t index, struct tce_err *err)
{
	char name[64];

	tce_origin_name(&t->origin, name, sizeof(name));
	return tce_fail(err, TCE_ENOTARGET,
			"table %s has %" PRIu64 " entries now, and the plan writes entry %" PRIu64
			": the table changed since it was read; nothing was written to it, run the command again",
			name, t->entries, index);
}

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
				if (i >= t->entries)	/* never a write past the end */
					return out_of_table(t, i, err);
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

	/* Refused before the first write, so a table is written whole or not at all. */
	if (plan_end(plan) > t->entries)
		return out_of_table(t, plan_end(plan) - 1, err);
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

int tce_restore_revert(struct tce_table *t, const struct tce_diff *plan, struct tce_err *err)
{
	if (plan_end(plan) > t->entries)
		return out_of_table(t, plan_end(plan) - 1, err);
	return walk(t, plan, false, false, NULL, err);
}

bool tce_plan_equal(const struct tce_diff *a, const struct tce_diff *b)
{
	if (a->count != b->count || a->page_shift != b->page_shift || a->added != b->added ||
	    a->removed != b->removed || a->changed != b->changed)
		return false;
	/* A run's entries follow from its first ones: equal runs, equal entries. */
	for (size_t k = 0; k < a->count; k++)
		if (a->ch[k].index != b->ch[k].index || a->ch[k].count != b->ch[k].count ||
		    a->ch[k].old_raw != b->ch[k].old_raw || a->ch[k].new_raw != b->ch[k].new_raw)
			return false;
	return true;
}
