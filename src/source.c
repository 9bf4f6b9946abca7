// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "source.h"

static int open_file(struct tce_source *s, const struct tce_target *target, struct tce_err *err)
{
	if (access(target->path, F_OK))
		return tce_fail(err, TCE_ENOTARGET,
				"'%s' is neither a process (PID, PID:FD) nor a checkpoint file; give PID, PID:FD or FILE",
				target->text);
	if (tce_checkpoint_open(&s->ckpt, target->path, err))
		return -1;
	if (target->table >= 0 && (size_t)target->table >= s->ckpt.count)
		return tce_fail(err, TCE_ENOTARGET,
				"checkpoint '%s' has %zu %s, no table %ld; see tcectl inspect %s",
				target->path, s->ckpt.count, s->ckpt.count == 1 ? "table" : "tables",
				target->table, target->path);
	if (!s->ckpt.count)
		return tce_fail(err, TCE_ENOTARGET, "checkpoint '%s' holds no tables", target->path);
	s->count = target->table >= 0 ? 1 : s->ckpt.count;
	return 0;
}

int tce_source_open(struct tce_source *s, const struct tce_target *target,
		    struct tce_err *err)
{
	*s = (struct tce_source){ .target = target, .ckpt = { .fd = -1 } };
	if (target->kind == TCE_TARGET_FILE)
		return open_file(s, target, err);
	if (proc_info_read(target->pid, &s->proc, err))
		return -1;
	if (target->kind == TCE_TARGET_FD) {
		s->fds = malloc(sizeof(*s->fds));
		if (!s->fds)
			return tce_fail(err, TCE_EIO, "out of memory");
		s->fds[0] = target->fd;
		s->count = 1;
		return 0;
	}
	if (proc_tce_fds(target->pid, &s->fds, &s->count, err))
		return -1;
	if (!s->count)
		return tce_fail(err, TCE_ENOTARGET,
				"pid %d (%s) holds no kvm-spapr-tce tables; is it a KVM guest's VMM? "
				"to decode another fd give PID:FD",
				(int)target->pid, s->proc.comm);
	return 0;
}

/* The file's table behind source index i. */
static size_t file_table(const struct tce_source *s, size_t i)
{
	return s->target->table >= 0 ? (size_t)s->target->table : i;
}

void tce_source_meta(const struct tce_source *s, size_t i, struct tce_table *meta)
{
	if (s->target->kind == TCE_TARGET_FILE) {
		*meta = s->ckpt.tables[file_table(s, i)].meta;
		return;
	}
	*meta = (struct tce_table){ .geo = s->target->geo };
	meta->origin.pid = s->target->pid;
	meta->origin.fd = s->fds[i];
}

void tce_source_table_name(const struct tce_source *s, size_t i, char *buf, size_t len)
{
	if (s->target->kind == TCE_TARGET_FILE)
		snprintf(buf, len, "%s:%zu", s->target->path, file_table(s, i));
	else
		snprintf(buf, len, "%d:%d", (int)s->target->pid, s->fds[i]);
}

int tce_source_attach(struct tce_source *s, size_t i, struct tce_table *t,
		      unsigned flags, struct tce_err *err)
{
	if (s->target->kind == TCE_TARGET_FILE)
		return tce_fail(err, TCE_EUSAGE, "'%s' is a checkpoint file, not a live table",
				s->target->text);
	return tce_table_attach(t, s->target->pid, s->fds[i], &s->target->geo, flags, err);
}

/* The entries a range covers; its error names the table, one of several. */
static int index_range(const struct tce_source *s, size_t i, const struct tce_table *meta,
		       const struct addr_range *range, uint64_t *first, uint64_t *end,
		       struct tce_err *err)
{
	struct tce_err why = { 0 };
	char name[128];

	*first = 0;
	*end = meta->entries;
	if (!range || !tce_geometry_index_range(&meta->geo, meta->entries, range->first,
						 range->last, first, end, &why))
		return 0;
	tce_source_table_name(s, i, name, sizeof(name));
	return tce_fail(err, why.status, "table %s: %s", name, why.msg);
}

/*
 * Reads live table i until two passes agree or max_passes, with one
 * mapping: after the first pass the pages are touched, and the table is
 * released before anything is printed (DOMAIN, lifetime).
 */
static int snapshot_live(struct tce_source *s, size_t i, const struct addr_range *range,
			 unsigned max_passes, struct tce_table *meta, struct tce_extents *x,
			 unsigned *passes, bool *agreed, struct tce_err *err)
{
	uint64_t first, end;
	int rc;

	*passes = 1;
	*agreed = false;
	if (tce_source_attach(s, i, meta, 0, err))
		return -1;
	rc = index_range(s, i, meta, range, &first, &end, err);
	if (!rc) {
		tce_table_populate(meta, first, end);
		rc = tce_extents_scan(x, meta->tce, first, end, meta->geo.page_shift, err);
	}
	while (!rc && !*agreed && *passes < max_passes) {
		struct tce_extents again;

		rc = tce_extents_scan(&again, meta->tce, first, end, meta->geo.page_shift, err);
		if (rc)
			break;
		++*passes;
		*agreed = tce_extents_equal(x, &again);
		tce_extents_free(x);
		*x = again;
	}
	tce_table_release(meta);
	if (rc)
		tce_extents_free(x);
	return rc;
}

static int snapshot_file(struct tce_source *s, size_t i, const struct addr_range *range,
			 struct tce_table *meta, struct tce_extents *x, struct tce_err *err)
{
	size_t n = file_table(s, i);
	struct tce_ckpt_table *t = &s->ckpt.tables[n];
	uint64_t first, end;

	*meta = t->meta;
	if (index_range(s, i, meta, range, &first, &end, err) ||
	    tce_checkpoint_load(&s->ckpt, n, err))
		return -1;
	if (!range) {
		*x = t->x;	/* the caller owns it now */
		t->x = (struct tce_extents){ 0 };
		return 0;
	}
	tce_extents_begin(x, first, end, meta->geo.page_shift);
	for (size_t k = 0; k < t->x.count; k++) {
		const struct tce_extent *e = &t->x.ext[k];
		uint64_t lo = e->index > first ? e->index : first;
		uint64_t hi = e->index + e->count < end ? e->index + e->count : end;

		if (lo < hi && tce_extents_add(x, lo, hi - lo, tce_extent_entry(&t->x, e, lo), err))
			return -1;
	}
	tce_extents_finish(x);
	tce_extents_free(&t->x);
	return 0;
}

int tce_source_snapshot(struct tce_source *s, size_t i, const struct addr_range *range,
			struct tce_table *meta, struct tce_extents *x, struct tce_err *err)
{
	unsigned passes;
	bool agreed;

	*x = (struct tce_extents){ 0 };
	if (s->target->kind == TCE_TARGET_FILE)
		return snapshot_file(s, i, range, meta, x, err);
	return snapshot_live(s, i, range, 1, meta, x, &passes, &agreed, err);
}

int tce_source_snapshot_stable(struct tce_source *s, size_t i, unsigned max_passes,
			       struct tce_table *meta, struct tce_extents *x, unsigned *passes,
			       bool *agreed, struct tce_err *err)
{
	*x = (struct tce_extents){ 0 };
	if (s->target->kind == TCE_TARGET_FILE) {
		*passes = 1;
		*agreed = false;
		return snapshot_file(s, i, NULL, meta, x, err);
	}
	return snapshot_live(s, i, NULL, max_passes, meta, x, passes, agreed, err);
}

void tce_source_close(struct tce_source *s)
{
	free(s->fds);
	s->fds = NULL;
	if (s->target && s->target->kind == TCE_TARGET_FILE)
		tce_checkpoint_close(&s->ckpt);
	s->count = 0;
}
