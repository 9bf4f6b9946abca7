// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <stdbool.h>

#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "cursor.h"
#include "digest.h"
#include "match.h"
#include "source.h"
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

/* Changes written per slice of a kept plan, between two questions to stop(). */
#define KEPT_SLICE 4096

int tce_restore_apply_kept(struct tce_table *t, const struct tce_diff *plan,
			   bool (*stop)(void *ctx), void *ctx, uint64_t *written, bool *stopped,
			   struct tce_err *err)
{
	/* Refused before the first write, so a table is written whole or not at all. */
	if (plan_end(plan) > t->entries)
		return out_of_table(t, plan_end(plan) - 1, err);
	for (size_t k = 0; k < plan->count; k += KEPT_SLICE) {
		struct tce_diff slice = { .ch = plan->ch + k, .page_shift = plan->page_shift };

		slice.count = plan->count - k < KEPT_SLICE ? plan->count - k : KEPT_SLICE;
		for (size_t c = 0; c < slice.count; c++) {
			const struct tce_change *ch = &slice.ch[c];

			if (!ch->old_raw)
				slice.added += ch->count;
			else if (!ch->new_raw)
				slice.removed += ch->count;
			else
				slice.changed += ch->count;
		}
		if (stop && stop(ctx)) {
			*stopped = true;
			return 0;
		}
		if (tce_restore_apply(t, &slice, err))
			return -1;
		*written += slice.added + slice.removed + slice.changed;
	}
	return 0;
}

/* The live chunk's extents against the wanted chunk's, or an empty one. */
static int next_want(struct tce_cursor *want, const struct tce_extents *live,
		     struct tce_extents *empty, const struct tce_extents **x, struct tce_err *err)
{
	int more;

	if (!want->s) {
		tce_extents_begin(empty, live->first, live->end, live->page_shift);
		*x = empty;
		return 0;
	}
	more = tce_cursor_next(want, err);
	if (more < 0)
		return -1;
	*x = &want->x;
	if (!more || want->x.first != live->first || want->x.end != live->end)
		return tce_fail(err, TCE_EFILE, "the tables to compare are not as long as each other");
	return 0;
}

static uint64_t chunk_sum(const struct tce_diff *chunk, uint64_t end)
{
	struct tce_digest d;

	tce_digest_init(&d);
	tce_digest_add(&d, chunk->ch, chunk->count * sizeof(*chunk->ch));
	tce_digest_add(&d, &end, sizeof(end));
	return tce_digest_final(&d);
}

/* Records chunk n's sum in the first walk; checks it in every later one. */
static int same_plan(struct tce_restore_walk *w, size_t n, uint64_t sum, struct tce_err *err)
{
	char name[64];

	if (n >= w->n_sums) {
		uint64_t *grown = realloc(w->sums, (n + 1) * sizeof(*grown));

		if (!grown)
			return tce_fail(err, TCE_EIO, "out of memory");
		w->sums = grown;
		w->sums[w->n_sums++] = sum;
		return 0;
	}
	if (w->sums[n] == sum)
		return 0;
	w->changed_since = true;
	tce_origin_name(&w->meta.origin, name, sizeof(name));
	return tce_fail(err, TCE_ENOTARGET,
			"table %s changed since the restore was planned: entries from %llu on would get another plan than the one confirmed",
			name, (unsigned long long)n * TCE_CHUNK_ENTRIES);
}

/* Appends a chunk's changes to the kept plan while there is room; else gives it up. */
static int keep_chunk(struct tce_restore_walk *w, const struct tce_diff *chunk, struct tce_err *err)
{
	struct tce_diff *k = w->keep;

	if (!w->keep_whole || !chunk->count)
		return 0;
	if (chunk->count > *w->keep_room) {
		tce_diff_free(k);
		*k = (struct tce_diff){ 0 };
		w->keep_whole = false;
		return 0;
	}
	if (k->count + chunk->count > k->capacity) {
		size_t cap = k->capacity ? k->capacity : 64;
		struct tce_change *ch;

		while (cap < k->count + chunk->count)
			cap *= 2;
		if (!(ch = realloc(k->ch, cap * sizeof(*ch))))
			return tce_fail(err, TCE_EIO, "out of memory");
		k->ch = ch;
		k->capacity = cap;
	}
	memcpy(k->ch + k->count, chunk->ch, chunk->count * sizeof(*chunk->ch));
	k->count += chunk->count;
	k->page_shift = chunk->page_shift;
	k->added += chunk->added;
	k->removed += chunk->removed;
	k->changed += chunk->changed;
	*w->keep_room -= chunk->count;
	return 0;
}

static int walk_chunks(struct tce_restore_walk *w, struct tce_cursor *live, struct tce_cursor *want,
		       uint64_t *block, struct tce_err *err)
{
	struct tce_diff chunk = { 0 }, joined = { 0 };
	struct tce_extents empty = { 0 };
	bool recording = !w->sums;
	size_t n = 0;
	int more, rc = -1;

	while ((more = tce_cursor_next(live, err)) > 0) {
		const struct tce_extents *x;

		chunk.count = 0;
		chunk.added = chunk.removed = chunk.changed = 0;
		if (next_want(want, &live->x, &empty, &x, err) ||
		    tce_diff_more(&live->x, x, &chunk, err))
			goto out;
		if (!recording && n >= w->n_sums) {
			w->changed_since = true;
			tce_fail(err, TCE_ENOTARGET, "a table grew since the restore was planned");
			goto out;
		}
		if (same_plan(w, n++, chunk_sum(&chunk, live->x.end), err))
			goto out;
		w->added += chunk.added;
		w->removed += chunk.removed;
		w->changed += chunk.changed;
		if (w->keep && keep_chunk(w, &chunk, err))
			goto out;
		if (w->undo && tce_ckpt_writer_feed_extents(w->undo, &live->x, block, err))
			goto out;
		if (w->changes) {
			if (tce_diff_more(&live->x, x, &joined, err))
				goto out;
			if (joined.count > 1) {
				joined.count--;
				w->changes(w->ctx, &live->t, &joined);
				joined.count++;
				tce_diff_keep_last(&joined);
			}
		}
		if (w->write && chunk.count) {
			if (w->stop && w->stop(w->ctx)) {
				w->stopped = true;
				break;
			}
			if (tce_restore_apply(w->write, &chunk, err))
				goto out;
			w->written += chunk.added + chunk.removed + chunk.changed;
		}
	}
	if (more < 0)
		goto out;
	if (!recording && !w->stopped && n != w->n_sums) {
		w->changed_since = true;
		tce_fail(err, TCE_ENOTARGET, "a table shrank since the restore was planned");
		goto out;
	}
	if (w->changes && joined.count && !w->stopped)
		w->changes(w->ctx, &live->t, &joined);
	rc = 0;
out:
	tce_diff_free(&chunk);
	tce_diff_free(&joined);
	return rc;
}

/* The live table as the undo file keeps it: with the label the restore matched it by. */
static int undo_begin(struct tce_restore_walk *w, const struct tce_cursor *live,
		      const struct tce_cursor *want, struct tce_err *err)
{
	struct tce_table meta = live->t;

	if (!meta.geo.has_liobn && want->s && want->t.geo.has_liobn) {
		meta.geo.liobn = want->t.geo.liobn;
		meta.geo.has_liobn = true;
	}
	return tce_ckpt_writer_begin(w->undo, &meta, err);
}

int tce_restore_walk(struct tce_restore_walk *w, struct tce_err *err)
{
	struct tce_cursor live = { 0 }, want = { 0 };
	char live_name[4200], want_name[4200];
	uint64_t *block = NULL;
	int rc = -1;

	w->added = w->removed = w->changed = w->written = 0;
	w->stopped = w->changed_since = false;
	if (w->keep) {
		*w->keep_room += w->keep->count;	/* a plan made again replaces the last */
		tce_diff_free(w->keep);
		*w->keep = (struct tce_diff){ 0 };
		w->keep_whole = true;
	}
	if (tce_cursor_open(&live, w->live, w->live_i, NULL, TCE_CUT_CHUNK, err) ||
	    (w->want && tce_cursor_open(&want, w->want, w->want_i, NULL, TCE_CUT_CHUNK, err)))
		goto out;
	w->meta = live.t;
	if (w->want) {
		tce_source_table_name(w->live, w->live_i, live_name, sizeof(live_name));
		tce_source_table_name(w->want, w->want_i, want_name, sizeof(want_name));
		if (tce_same_geometry(&want.t, want_name, &live.t, live_name, err))
			goto out;
	}
	if (w->undo && (!(block = malloc(TCE_READ_BLOCK * sizeof(*block))) ||
			undo_begin(w, &live, &want, err))) {
		if (!block)
			tce_fail(err, TCE_EIO, "out of memory");
		goto out;
	}
	rc = walk_chunks(w, &live, &want, block, err);
	if (!rc && w->undo)
		rc = tce_ckpt_writer_end(w->undo, err);
out:
	free(block);
	tce_cursor_close(&live);
	tce_cursor_close(&want);
	return rc;
}
