// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>

#include "diff.h"

/* Where a side stands at entry pos: its value there and where that holds until. */
struct side {
	const struct tce_extents *x;
	size_t k;		/* first extent that ends after pos */
};

static void side_at(struct side *s, uint64_t pos, uint64_t end, uint64_t *value, uint64_t *until)
{
	const struct tce_extents *x = s->x;

	while (s->k < x->count && x->ext[s->k].index + x->ext[s->k].count <= pos)
		s->k++;
	if (s->k < x->count && x->ext[s->k].index <= pos) {
		*value = tce_extent_entry(x, &x->ext[s->k], pos);
		*until = x->ext[s->k].index + x->ext[s->k].count;
	} else {
		*value = 0;
		*until = s->k < x->count ? x->ext[s->k].index : end;
	}
	if (*until > end)
		*until = end;
}

static int add(struct tce_diff *d, uint64_t index, uint64_t count, uint64_t old_raw,
	       uint64_t new_raw, struct tce_err *err)
{
	struct tce_change *last = d->count ? &d->ch[d->count - 1] : NULL;

	if (!old_raw)
		d->added += count;
	else if (!new_raw)
		d->removed += count;
	else
		d->changed += count;
	/*
	 * A run that carries on where the last one ended joins it, unless its
	 * guest pages wrap past 2^64 (tce_next_page: as extents end there).
	 */
	if (last && last->index + last->count == index &&
	    !last->old_raw == !old_raw && !last->new_raw == !new_raw &&
	    (!old_raw || tce_next_page(tce_change_old(d, last, index - 1), d->page_shift) == old_raw) &&
	    (!new_raw || tce_next_page(tce_change_new(d, last, index - 1), d->page_shift) == new_raw)) {
		last->count += count;
		return 0;
	}
	if (d->count == d->capacity) {
		size_t cap = d->capacity ? 2 * d->capacity : 64;
		struct tce_change *ch = realloc(d->ch, cap * sizeof(*ch));

		if (!ch)
			return tce_fail(err, TCE_EIO, "out of memory comparing tables");
		d->ch = ch;
		d->capacity = cap;
	}
	d->ch[d->count++] = (struct tce_change){ index, count, old_raw, new_raw };
	return 0;
}

int tce_diff_more(const struct tce_extents *a, const struct tce_extents *b, struct tce_diff *d,
		  struct tce_err *err)
{
	struct side sa = { a, 0 }, sb = { b, 0 };
	uint64_t pos = a->first > b->first ? a->first : b->first;
	uint64_t end = a->end < b->end ? a->end : b->end;

	d->page_shift = a->page_shift;
	while (pos < end) {
		uint64_t va, vb, until_a, until_b, until;

		side_at(&sa, pos, end, &va, &until_a);
		side_at(&sb, pos, end, &vb, &until_b);
		until = until_a < until_b ? until_a : until_b;
		/* Same step on both sides: equal at pos means equal up to `until`. */
		if (va != vb && add(d, pos, until - pos, va, vb, err)) {
			tce_diff_free(d);
			return -1;
		}
		pos = until;
	}
	return 0;
}

int tce_diff(const struct tce_extents *a, const struct tce_extents *b, struct tce_diff *d,
	     struct tce_err *err)
{
	*d = (struct tce_diff){ .page_shift = a->page_shift };
	return tce_diff_more(a, b, d, err);
}

void tce_diff_keep_last(struct tce_diff *d)
{
	if (d->count > 1) {
		d->ch[0] = d->ch[d->count - 1];
		d->count = 1;
	}
}

void tce_diff_free(struct tce_diff *d)
{
	free(d->ch);
	d->ch = NULL;
	d->count = d->capacity = 0;
}
