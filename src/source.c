// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"

/* Set once from the command line (--attach), before any source is opened. */
static enum tce_attach_mode attach_mode = TCE_ATTACH_AUTO;

void tce_source_set_attach(enum tce_attach_mode mode)
{
	attach_mode = mode;
}

static int open_file(struct tce_source *s, const struct tce_target *target, struct tce_err *err)
{
	if (access(target->path, F_OK))
		return tce_fail(err, TCE_ENOTARGET,
				"'%s' is neither a process (PID, PID:FD, PID@ADDR) nor a checkpoint file; give PID, PID:FD, PID@ADDR or FILE",
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

/* Keeps place k alone: the one table a PID:FD or PID@ADDR target names. */
static void keep_one(struct tce_source *s, size_t k)
{
	s->places.p[0] = s->places.p[k];
	s->places.count = s->count = 1;
}

/* Makes p the one table of the source, found by other means than locate's. */
static int only_place(struct tce_source *s, const struct tce_place *p, struct tce_err *err)
{
	if (!s->places.count) {
		struct tce_place *one = malloc(sizeof(*one));

		if (!one)
			return tce_fail(err, TCE_EIO, "out of memory");
		free(s->places.p);
		s->places.p = one;
	}
	s->places.p[0] = *p;
	s->places.count = s->count = 1;
	return 0;
}

/* What reading through a duplicate of a table's fd risks, in every refusal to. */
#define HOLDING_RISK "a VMM that resets meanwhile cannot re-create it, see tcectl(1) HOLDING A TABLE"

/*
 * A table whose mapping is not known, when only mappings may be read
 * (--attach=mapping): refused, not held.  A usage error, as a mapping is
 * under --attach=fd: the mode given cannot read it.
 */
static int mapping_unknown(pid_t pid, int fd, const char *hint, struct tce_err *err)
{
	char path[64];
	struct stat st;

	/* Named by a PID:FD target, it may be no fd at all (any more). */
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	if (lstat(path, &st) && errno == ENOENT)
		return tce_fail(err, TCE_ENOTARGET, "pid %d has no fd %d; see its tables with tcectl list %d",
				(int)pid, fd, (int)pid);
	return tce_fail(err, TCE_EUSAGE,
			"no mapping of fd %d of pid %d is known (no QEMU record pairs it, and nothing else does); "
			"give --attach=fd to read it through a duplicate of its fd (which holds the table while it is read: "
			"%s)%s",
			fd, (int)pid, HOLDING_RISK, hint);
}

static int open_fd(struct tce_source *s, const struct tce_target *target, struct tce_err *err)
{
	struct tce_place fallback = { .fd = target->fd, .via = TCE_VIA_FD };
	char link[256];
	struct stat st;

	for (size_t k = 0; k < s->places.count; k++)
		if (s->places.p[k].fd == target->fd) {
			keep_one(s, k);
			return 0;
		}
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)target->pid, target->fd);
	if (lstat(link, &st) && errno == ENOENT)
		return tce_fail(err, TCE_ENOTARGET, "pid %d has no fd %d; see its tables with tcectl list %d",
				(int)target->pid, target->fd, (int)target->pid);
	proc_fd_link(target->pid, target->fd, link, sizeof(link));
	fallback.tce = proc_link_is_tce(link);
	/* An fd no mapping is known of: its duplicate is the only way in. */
	if (attach_mode == TCE_ATTACH_MAPPING) {
		char mappings[64];

		snprintf(mappings, sizeof(mappings), ", or read the mappings: tcectl list %d", (int)target->pid);
		return mapping_unknown(target->pid, target->fd, mappings, err);
	}
	return only_place(s, &fallback, err);
}

static int open_addr(struct tce_source *s, const struct tce_target *target, struct tce_err *err)
{
	const struct area *a;

	if (attach_mode == TCE_ATTACH_FD)
		return tce_fail(err, TCE_EUSAGE,
				"'%s' names a mapping, not an fd: --attach=fd cannot read it; give PID:FD",
				target->text);
	for (size_t k = 0; k < s->places.count; k++)
		if (s->places.p[k].addr == target->addr) {
			keep_one(s, k);
			return 0;
		}
	a = maps_find_start(&s->places.areas, target->addr);
	if (!a || a->kind != AREA_SHARED || a->offset)
		return tce_fail(err, TCE_ENOTARGET,
				"pid %d has no shared mapping that starts at 0x%" PRIx64 "; see the tables it maps with tcectl list %d",
				(int)target->pid, target->addr, (int)target->pid);
	return only_place(s, &(struct tce_place){ .fd = -1, .addr = a->start, .len = a->end - a->start,
						  .via = TCE_VIA_MAPPING, .tce = a->tce }, err);
}

/*
 * Fails, saying so, when pid holds tables although none of them can be
 * read through a mapping; else 0.
 */
static int mapped_none(pid_t pid, struct tce_err *err)
{
	struct tce_err why = { 0 };
	size_t n = 0;
	int *fds;

	if (proc_tce_fds(pid, &fds, &n, &why))
		return 0;
	free(fds);
	if (!n)
		return 0;
	/* A usage error, as mapping_unknown's: the mode given cannot read them. */
	if (n == 1)
		return tce_fail(err, TCE_EUSAGE,
				"no mapping of the kvm-spapr-tce table of pid %d is known (no QEMU record pairs it, "
				"and nothing else does); give --attach=fd to read it through a duplicate of its fd "
				"(which holds the table while it is read: %s)", (int)pid, HOLDING_RISK);
	return tce_fail(err, TCE_EUSAGE,
			"no mapping of the %zu kvm-spapr-tce tables of pid %d is known (no QEMU record pairs them, "
			"and nothing else does); give --attach=fd to read them through duplicates of their fds "
			"(which holds each table while it is read: %s)", n, (int)pid, HOLDING_RISK);
}

int tce_source_open(struct tce_source *s, const struct tce_target *target,
		    struct tce_err *err)
{
	struct tce_err why = { 0 };

	*s = (struct tce_source){ .target = target, .ckpt = { .fd = -1 } };
	if (target->kind == TCE_TARGET_FILE)
		return open_file(s, target, err);
	if (proc_info_read(target->pid, &s->proc, err))
		return -1;
	if (tce_locate(target->pid, target->kind == TCE_TARGET_FD ? target->fd : -1, attach_mode,
		       &s->places, &why)) {
		/*
		 * /proc/PID/fd or maps refused: for one fd, its attach says
		 * precisely what is missing.
		 */
		if (target->kind != TCE_TARGET_FD || why.status != TCE_EPERM) {
			*err = why;
			return -1;
		}
		s->places = (struct tce_places){ .denied = true };
	}
	s->count = s->places.count;
	if (target->kind == TCE_TARGET_FD)
		return open_fd(s, target, err);
	if (target->kind == TCE_TARGET_ADDR)
		return open_addr(s, target, err);
	if (!s->count && attach_mode == TCE_ATTACH_MAPPING && mapped_none(target->pid, err))
		return -1;
	if (!s->count)
		return tce_fail(err, TCE_ENOTARGET,
				"pid %d (%s) holds no kvm-spapr-tce tables; is it a KVM guest's VMM? "
				"to decode another fd give PID:FD",
				(int)target->pid, s->proc.comm);
	return 0;
}

size_t tce_source_file_table(const struct tce_source *s, size_t i)
{
	return s->target->table >= 0 ? (size_t)s->target->table : i;
}

/* Given keys win; QEMU's record fills in the rest; else the defaults stand. */
static void live_geometry(const struct tce_source *s, const struct tce_place *p,
			  struct tce_geometry *geo)
{
	unsigned given = s->target->geo.given;

	*geo = s->target->geo;
	if (p->has_record) {
		if (!(given & TCE_GIVEN_SHIFT))
			geo->page_shift = p->rec.page_shift;
		if (!(given & TCE_GIVEN_OFFSET))
			geo->bus_offset = p->rec.bus_offset;
		if (!(given & TCE_GIVEN_LIOBN)) {
			geo->liobn = p->rec.liobn;
			geo->has_liobn = true;
		}
	}
	if (given & (TCE_GIVEN_SHIFT | TCE_GIVEN_OFFSET | TCE_GIVEN_ENTRIES))
		geo->source = TCE_GEO_GIVEN;
	else
		geo->source = p->has_record ? TCE_GEO_QEMU : TCE_GEO_ASSUMED;
}

void tce_source_meta(const struct tce_source *s, size_t i, struct tce_table *meta)
{
	const struct tce_place *p;

	if (s->target->kind == TCE_TARGET_FILE) {
		*meta = s->ckpt.tables[tce_source_file_table(s, i)].meta;
		return;
	}
	p = &s->places.p[i];
	*meta = (struct tce_table){ 0 };
	live_geometry(s, p, &meta->geo);
	meta->origin = (struct tce_origin){ .pid = s->target->pid, .fd = p->fd, .addr = p->addr,
					    .via = p->via, .emulated = p->emulated };
	if (!meta->geo.entries && p->has_record)
		meta->geo.entries = p->rec.nb_table;
	meta->entries = meta->geo.entries;
}

void tce_source_table_name(const struct tce_source *s, size_t i, char *buf, size_t len)
{
	struct tce_table meta;

	if (s->target->kind == TCE_TARGET_FILE) {
		snprintf(buf, len, "%s:%zu", s->target->path, tce_source_file_table(s, i));
		return;
	}
	tce_source_meta(s, i, &meta);
	tce_origin_name(&meta.origin, buf, len);
}

bool tce_source_holds(const struct tce_source *s, size_t i)
{
	/* Refused anyway (no permission): no table will be held. */
	return s->target->kind != TCE_TARGET_FILE && attach_mode == TCE_ATTACH_AUTO &&
	       s->places.p[i].via == TCE_VIA_FD && s->places.p[i].tce && !s->places.denied;
}

bool tce_source_disagrees(const struct tce_source *s, size_t i, char *buf, size_t len)
{
	const struct tce_geometry *g = &s->target->geo;
	const struct tce_place *p;
	const struct tce_record *r;

	if (s->target->kind == TCE_TARGET_FILE || !s->places.p[i].has_record)
		return false;
	p = &s->places.p[i];
	r = &p->rec;
	if ((g->given & TCE_GIVEN_SHIFT) && g->page_shift != r->page_shift)
		snprintf(buf, len, "shift=%u, QEMU's record of liobn 0x%x says shift=%u", g->page_shift,
			 r->liobn, r->page_shift);
	else if ((g->given & TCE_GIVEN_OFFSET) && g->bus_offset != r->bus_offset)
		snprintf(buf, len, "offset=0x%" PRIx64 ", QEMU's record of liobn 0x%x says offset=0x%" PRIx64,
			 g->bus_offset, r->liobn, r->bus_offset);
	else if ((g->given & TCE_GIVEN_LIOBN) && g->liobn != r->liobn)
		snprintf(buf, len, "liobn=0x%" PRIx64 ", QEMU's record says liobn=0x%x", g->liobn, r->liobn);
	else if ((g->given & TCE_GIVEN_ENTRIES) && g->entries != r->nb_table)
		snprintf(buf, len, "entries=%" PRIu64 ", QEMU's record of liobn 0x%x says entries=%u",
			 g->entries, r->liobn, r->nb_table);
	else
		return false;
	return true;
}

int tce_source_attach(struct tce_source *s, size_t i, struct tce_table *t,
		      unsigned flags, struct tce_err *err)
{
	struct tce_table meta;

	if (s->target->kind == TCE_TARGET_FILE)
		return tce_fail(err, TCE_EUSAGE, "'%s' is a checkpoint file, not a live table",
				s->target->text);
	/* The fds of a process with fewer table mappings than table fds, say. */
	if (attach_mode == TCE_ATTACH_MAPPING && s->places.p[i].via == TCE_VIA_FD)
		return mapping_unknown(s->target->pid, s->places.p[i].fd, "", err);
	tce_source_meta(s, i, &meta);
	return tce_table_open(t, s->target->pid, &s->places.p[i], &meta.geo, flags, err);
}

int tce_source_index_range(const struct tce_source *s, size_t i, const struct tce_table *meta,
			   const struct addr_range *range, uint64_t *first, uint64_t *end,
			   struct tce_err *err)
{
	struct tce_err why = { 0 };
	char name[4200];

	*first = 0;
	*end = meta->entries;
	if (!range || !tce_geometry_index_range(&meta->geo, meta->entries, range->first,
						 range->last, first, end, &why))
		return 0;
	tce_source_table_name(s, i, name, sizeof(name));
	return tce_fail(err, why.status, "table %s: %s", name, why.msg);
}

static bool same_place(const struct tce_place *a, const struct tce_place *b)
{
	return a->fd == b->fd && a->addr == b->addr && a->len == b->len && a->via == b->via &&
	       a->has_record == b->has_record &&
	       (!a->has_record || (a->rec.liobn == b->rec.liobn && a->rec.nb_table == b->rec.nb_table &&
				   a->rec.page_shift == b->rec.page_shift &&
				   a->rec.bus_offset == b->rec.bus_offset));
}

int tce_source_recheck(struct tce_source *s, struct tce_err *err)
{
	struct tce_places now;
	int rc = 0;

	if (s->target->kind == TCE_TARGET_FILE)
		return 0;
	if (tce_locate(s->target->pid, s->target->kind == TCE_TARGET_FD ? s->target->fd : -1,
		       attach_mode, &now, err))
		return -1;
	for (size_t i = 0; i < s->count && !rc; i++) {
		bool found = s->places.p[i].via == TCE_VIA_FD;	/* re-attached by fd anyway */
		char name[4200];

		for (size_t k = 0; k < now.count && !found; k++)
			found = same_place(&s->places.p[i], &now.p[k]);
		if (found)
			continue;
		tce_source_table_name(s, i, name, sizeof(name));
		rc = tce_fail(err, TCE_ENOTARGET,
			      "table %s is not where it was a moment ago: pid %d re-created its tables; nothing was written, run the command again",
			      name, (int)s->target->pid);
	}
	tce_places_free(&now);
	return rc;
}

int tce_source_file_read(struct tce_source *s, size_t i, uint64_t first, uint64_t n, uint64_t *buf,
			 struct tce_err *err)
{
	return tce_checkpoint_read(&s->ckpt, tce_source_file_table(s, i), first, n, buf, err);
}

int tce_source_file_check(struct tce_source *s, size_t i, uint64_t *buf, struct tce_err *err)
{
	struct tce_table meta;

	tce_source_meta(s, i, &meta);
	for (uint64_t at = 0; at < meta.entries; at += TCE_READ_BLOCK) {
		uint64_t n = meta.entries - at < TCE_READ_BLOCK ? meta.entries - at : TCE_READ_BLOCK;

		if (tce_source_file_read(s, i, at, n, buf, err))
			return -1;
	}
	return 0;
}

void tce_source_close(struct tce_source *s)
{
	tce_places_free(&s->places);
	if (s->target && s->target->kind == TCE_TARGET_FILE)
		tce_checkpoint_close(&s->ckpt);
	s->count = 0;
}
