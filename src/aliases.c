// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>

#include "aliases.h"

void tce_aliases_init(struct tce_aliases *a, size_t max)
{
	*a = (struct tce_aliases){ .max = max ? max : TCE_ALIAS_RUNS_MAX };
}

int tce_aliases_add(struct tce_aliases *a, uint32_t table, unsigned page_shift, uint64_t index,
		    uint64_t count, uint64_t gpa, struct tce_err *err)
{
	if (a->count == a->max) {
		a->incomplete = true;
		return 0;
	}
	if (a->count == a->capacity) {
		size_t cap = a->capacity ? a->capacity * 2 : 256;
		struct tce_alias_run *runs;

		if (cap > a->max)
			cap = a->max;
		runs = realloc(a->runs, cap * sizeof(*runs));
		if (!runs)
			return tce_fail(err, TCE_EIO, "out of memory collecting writable runs");
		a->runs = runs;
		a->capacity = cap;
	}
	/* An extent never runs past 2^64 (tce_next_page), so its last byte fits. */
	a->runs[a->count++] = (struct tce_alias_run){
		.gpa_first = gpa, .gpa_last = gpa + ((count - 1) << page_shift) + ((1ULL << page_shift) - 1),
		.index = index, .count = count, .table = table, .page_shift = page_shift };
	return 0;
}

static int by_gpa(const void *pa, const void *pb)
{
	const struct tce_alias_run *a = pa, *b = pb;

	if (a->gpa_first != b->gpa_first)
		return a->gpa_first < b->gpa_first ? -1 : 1;
	if (a->table != b->table)
		return a->table < b->table ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

int tce_aliases_sweep(struct tce_aliases *a, int (*found)(void *ctx, const struct tce_alias *al),
		      void *ctx)
{
	const struct tce_alias_run *reach = NULL;

	/* No run, no array: qsort must not see NULL. */
	if (!a->count)
		return 0;
	qsort(a->runs, a->count, sizeof(*a->runs), by_gpa);
	for (size_t i = 0; i < a->count; i++) {
		const struct tce_alias_run *r = &a->runs[i];

		if (reach && r->gpa_first <= reach->gpa_last) {
			uint64_t last = r->gpa_last < reach->gpa_last ? r->gpa_last : reach->gpa_last;
			struct tce_alias al = {
				.r = r, .other = reach, .index = r->index,
				.count = ((last - r->gpa_first) >> r->page_shift) + 1,
				.other_index = reach->index +
					       ((r->gpa_first - reach->gpa_first) >> reach->page_shift),
			};
			int rc = found(ctx, &al);

			if (rc)
				return rc;
		}
		if (!reach || r->gpa_last > reach->gpa_last)
			reach = r;
	}
	return 0;
}

void tce_aliases_clear(struct tce_aliases *a)
{
	a->count = 0;
	a->incomplete = false;
}

void tce_aliases_free(struct tce_aliases *a)
{
	free(a->runs);
	*a = (struct tce_aliases){ 0 };
}
