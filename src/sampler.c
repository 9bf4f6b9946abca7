// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkpoint.h"
#include "cursor.h"
#include "proc.h"
#include "records.h"
#include "sampler.h"
#include "source.h"

void tce_sampler_init(struct tce_sampler *s, const struct tce_target *targets, size_t n_targets)
{
	*s = (struct tce_sampler){ .targets = targets, .n_targets = n_targets, .next_id = 1 };
	/* A refresh a second must not scan every VMM's heap for records each time. */
	tce_records_remember(true);
}

const struct tce_watched *tce_sampler_find(const struct tce_sampler *s, uint64_t id)
{
	for (size_t k = 0; k < s->count; k++)
		if (s->w[k].id == id)
			return &s->w[k];
	return NULL;
}

/* Drops the tables the last refresh found gone; clears the rest's marks. */
static void begin_refresh(struct tce_sampler *s)
{
	size_t kept = 0;

	for (size_t k = 0; k < s->count; k++) {
		struct tce_watched *w = &s->w[k];

		if (w->removed) {
			tce_extents_free(&w->kept);
			continue;
		}
		w->seen = w->added = false;
		w->mapped = w->unmapped = w->changed = 0;
		s->w[kept++] = *w;
	}
	s->count = kept;
	s->focus_changes.count = 0;
	s->focus_changes.added = s->focus_changes.removed = s->focus_changes.changed = 0;
	s->focus_truncated = false;
}

static bool same_table(const struct tce_watched *w, const struct tce_table *t,
		       unsigned long long start_time)
{
	const struct tce_origin *a = &w->t.origin, *b = &t->origin;
	const struct tce_geometry *ga = &w->t.geo, *gb = &t->geo;

	return a->pid == b->pid && w->start_time == start_time && a->fd == b->fd &&
	       a->addr == b->addr && a->via == b->via && a->emulated == b->emulated &&
	       ga->has_liobn == gb->has_liobn && (!ga->has_liobn || ga->liobn == gb->liobn) &&
	       ga->page_shift == gb->page_shift && ga->bus_offset == gb->bus_offset &&
	       w->t.entries == t->entries;
}

static struct tce_watched *match(struct tce_sampler *s, const struct tce_table *t,
				 unsigned long long start_time)
{
	for (size_t k = 0; k < s->count; k++)
		if (!s->w[k].seen && !s->w[k].removed && same_table(&s->w[k], t, start_time))
			return &s->w[k];
	return NULL;
}

/* One table's reading under way: its new extents and what changed. */
struct reading {
	struct tce_sampler *s;
	const struct tce_sampler_ops *ops;
	struct tce_watched *old;	/* NULL: a table not seen before */
	size_t old_k;			/* first kept extent of old not yet compared */
	struct tce_extents kept;	/* the new extents, while they fit */
	bool detailed;
	struct tce_diff d;
	size_t reported;		/* changes of d already handed over */
};

static int keep_batch(struct reading *r, const struct tce_extents *x, struct tce_err *err)
{
	size_t need = r->kept.count + x->count;

	/* An empty chunk adds nothing (and kept may have no memory yet). */
	if (!r->detailed || !x->count)
		return 0;
	if (need > TCE_KEEP_EXTENTS) {
		/* Followed by its counts alone from now on: memory stays bounded. */
		r->detailed = false;
		tce_extents_free(&r->kept);
		return 0;
	}
	if (need > r->kept.capacity) {
		size_t cap = r->kept.capacity ? r->kept.capacity : 64;
		struct tce_extent *ext;

		while (cap < need)
			cap *= 2;
		ext = realloc(r->kept.ext, cap * sizeof(*ext));
		if (!ext)
			return tce_fail(err, TCE_EIO, "out of memory keeping a table's extents");
		r->kept.ext = ext;
		r->kept.capacity = cap;
	}
	memcpy(r->kept.ext + r->kept.count, x->ext, x->count * sizeof(*x->ext));
	r->kept.count = need;
	return 0;
}

static int keep_focus_change(struct tce_sampler *s, const struct tce_change *c)
{
	struct tce_diff *f = &s->focus_changes;

	if (f->count == TCE_KEEP_EXTENTS) {
		s->focus_truncated = true;
		return 0;
	}
	if (f->count == f->capacity) {
		size_t cap = f->capacity ? 2 * f->capacity : 64;
		struct tce_change *ch = realloc(f->ch, cap * sizeof(*ch));

		if (!ch)
			return -1;
		f->ch = ch;
		f->capacity = cap;
	}
	f->ch[f->count++] = *c;
	return 0;
}

/* Hands over the changes of r->d up to `upto`, all of them when final. */
static int report_changes(struct reading *r, bool final)
{
	size_t upto = final || !r->d.count ? r->d.count : r->d.count - 1;
	int rc = 0;

	for (size_t k = r->reported; !rc && k < upto; k++) {
		if (r->old->id == r->s->focus) {
			r->s->focus_changes.page_shift = r->d.page_shift;
			if (keep_focus_change(r->s, &r->d.ch[k]))
				return -1;
		}
		if (r->ops->change)
			rc = r->ops->change(r->ops->ctx, r->old, &r->d, &r->d.ch[k]);
	}
	/* The last change may go on into the next chunk: it stays. */
	if (!final && upto) {
		tce_diff_keep_last(&r->d);
		r->reported = 0;
	} else {
		r->reported = upto;
	}
	return rc;
}

/* Compares one chunk with the same chunk as the last refresh kept it. */
static int compare_batch(struct reading *r, const struct tce_extents *x, struct tce_err *err)
{
	const struct tce_extents *old = &r->old->kept;
	size_t k = r->old_k;
	struct tce_extents was;

	while (k < old->count && old->ext[k].index < x->end)
		k++;
	/* A table kept empty has no memory: no pointer into it. */
	was = (struct tce_extents){ .ext = old->ext ? old->ext + r->old_k : NULL, .count = k - r->old_k,
				    .page_shift = x->page_shift, .first = x->first, .end = x->end };
	r->old_k = k;
	if (tce_diff_more(&was, x, &r->d, err))
		return -1;
	return report_changes(r, false) < 0 ? tce_fail(err, TCE_EIO, "out of memory") : 0;
}

static struct tce_watched *new_watched(struct tce_sampler *s, struct tce_err *err)
{
	struct tce_watched *w = realloc(s->w, (s->count + 1) * sizeof(*w));

	if (!w) {
		tce_fail(err, TCE_EIO, "out of memory");
		return NULL;
	}
	s->w = w;
	w = &s->w[s->count++];
	*w = (struct tce_watched){ .id = s->next_id++ };
	return w;
}

/* Whether extent b goes on from a: the next entry, mapping the next page. */
static bool continues(const struct tce_extent *a, const struct tce_extent *b, unsigned page_shift)
{
	uint64_t last = a->raw + ((a->count - 1) << page_shift);

	return b->index == a->index + a->count && b->raw == tce_next_page(last, page_shift);
}

/*
 * Reads table i of src.  A table that vanished meanwhile is simply not
 * seen; other failures go to ops->error.  Returns a callback's non-zero
 * value, else 0.
 */
static int sample_table(struct tce_sampler *s, struct tce_source *src, size_t i,
			const struct tce_sampler_ops *ops, unsigned long long start_time,
			const char *vm)
{
	struct reading r = { .s = s, .ops = ops, .detailed = true };
	struct tce_err err = { 0 };
	struct tce_cursor c;
	uint64_t extents = 0;
	struct tce_extent last = { 0 };
	bool compare = false;
	int more, rc = 0;

	if (tce_cursor_open(&c, src, i, NULL, TCE_CUT_CHUNK, &err))
		goto failed;
	r.old = match(s, &c.t, start_time);
	/* Kept entry by entry last time: this reading is compared with them. */
	compare = r.old && r.old->detailed;
	r.d.page_shift = c.t.geo.page_shift;
	tce_extents_begin(&r.kept, c.first, c.end, c.t.geo.page_shift);
	while ((more = tce_cursor_next(&c, &err)) > 0) {
		extents += c.x.count;
		/* A run cut at the chunk boundary is one extent, as list counts it. */
		if (c.x.count && last.count && continues(&last, c.x.ext, c.x.page_shift))
			extents--;
		if (c.x.count)
			last = c.x.ext[c.x.count - 1];
		if (keep_batch(&r, &c.x, &err))
			goto failed;
		if (compare && compare_batch(&r, &c.x, &err))
			goto failed;
	}
	if (more < 0)
		goto failed;
	if (compare)
		rc = report_changes(&r, true);
	if (rc < 0) {
		tce_fail(&err, TCE_EIO, "out of memory");
		goto failed;
	}
	if (!r.old) {
		r.old = new_watched(s, &err);
		if (!r.old)
			goto failed;
		r.old->added = true;
		r.old->start_time = start_time;
		snprintf(r.old->vm, sizeof(r.old->vm), "%s", vm);
	} else {
		r.old->mapped = r.d.added;
		r.old->unmapped = r.d.removed;
		r.old->changed = r.d.changed;
	}
	tce_extents_free(&r.old->kept);
	r.old->kept = r.kept;
	r.old->detailed = r.detailed;
	r.old->compared = compare;
	r.old->t = c.t;
	r.old->t.tce = NULL;
	r.old->t.map_len = 0;
	r.old->counts = c.counts;
	r.old->extents = extents;
	r.old->seen = true;
	if (r.old->added && ops->added && !rc)
		rc = ops->added(ops->ctx, r.old);
	tce_diff_free(&r.d);
	tce_cursor_close(&c);
	return rc;
failed:
	tce_extents_free(&r.kept);
	tce_diff_free(&r.d);
	tce_cursor_close(&c);
	/* Gone between the listing and the reading: a table that ended, no error. */
	if (err.status == TCE_ENOTARGET || !proc_start_time(src->target->pid))
		return 0;
	return ops->error ? ops->error(ops->ctx, src->target->text, &err) : 0;
}

/*
 * Opens target's source.  A VMM creates a table's fd a moment before it
 * maps it (every reset does): a table there whose mapping is not known
 * yet is looked for once more, shortly, before it counts as a failure.
 */
static int open_settled(struct tce_source *src, const struct tce_target *target,
			struct tce_err *err)
{
	static const struct timespec settle = { 0, 5 * 1000 * 1000 };

	for (int tries = 0;; tries++) {
		*err = (struct tce_err){ 0 };
		if (!tce_source_open(src, target, err))
			return 0;
		tce_source_close(src);
		if (err->status != TCE_EUSAGE || tries)
			return -1;
		nanosleep(&settle, NULL);
	}
}

static int sample_target(struct tce_sampler *s, const struct tce_target *target,
			 const struct tce_sampler_ops *ops)
{
	unsigned long long start_time = proc_start_time(target->pid);
	struct tce_err err = { 0 };
	struct tce_source src;
	char vm[64];
	int rc = 0;

	if (!start_time)
		return 0;	/* the process is gone: its tables will be removed */
	if (open_settled(&src, target, &err)) {
		/*
		 * No tables now (a VMM between two of its tables' lives) is no
		 * error; tables there that cannot be read without holding them
		 * are (source.c refuses those with TCE_EUSAGE).
		 */
		if (proc_start_time(target->pid) != start_time || err.status == TCE_ENOTARGET)
			return 0;
		return ops->error ? ops->error(ops->ctx, target->text, &err) : 0;
	}
	tce_guest_name(target->pid, vm, sizeof(vm));
	if (!vm[0])
		snprintf(vm, sizeof(vm), "%s", src.proc.comm);
	for (size_t i = 0; !rc && i < src.count; i++)
		rc = sample_table(s, &src, i, ops, start_time, vm);
	tce_source_close(&src);
	return rc;
}

static int host_targets(struct tce_sampler *s, struct tce_target **targets, size_t *count,
			struct tce_err *err)
{
	pid_t *pids;

	if (proc_tce_holders(&pids, count, &s->denied, err))
		return -1;
	*targets = calloc(*count ? *count : 1, sizeof(**targets));
	if (!*targets) {
		free(pids);
		return tce_fail(err, TCE_EIO, "out of memory");
	}
	for (size_t k = 0; k < *count; k++) {
		(*targets)[k] = (struct tce_target){ .kind = TCE_TARGET_PID, .pid = pids[k],
						     .fd = -1, .text = "" };
		tce_geometry_default(&(*targets)[k].geo);
	}
	free(pids);
	return 0;
}

int tce_sampler_refresh(struct tce_sampler *s, const struct tce_sampler_ops *ops,
			struct tce_err *err)
{
	struct tce_target *host = NULL;
	const struct tce_target *targets = s->targets;
	size_t n = s->n_targets;
	int rc = 0;

	begin_refresh(s);
	if (!n) {
		if (host_targets(s, &host, &n, err))
			return -1;
		targets = host;
	}
	for (size_t k = 0; !rc && k < n; k++)
		rc = sample_target(s, &targets[k], ops);
	free(host);
	if (rc)
		return rc;
	for (size_t k = 0; k < s->count; k++) {
		struct tce_watched *w = &s->w[k];

		if (w->seen)
			continue;
		w->removed = true;
		tce_extents_free(&w->kept);
		if (ops->removed && (rc = ops->removed(ops->ctx, w)))
			break;
	}
	s->refreshes++;
	return rc;
}

void tce_sampler_free(struct tce_sampler *s)
{
	for (size_t k = 0; k < s->count; k++)
		tce_extents_free(&s->w[k].kept);
	free(s->w);
	tce_diff_free(&s->focus_changes);
	*s = (struct tce_sampler){ 0 };
}
