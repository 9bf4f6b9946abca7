// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "aliases.h"
#include "check.h"
#include "cursor.h"
#include "guest_ram.h"
#include "proc.h"
#include "source.h"
#include "tce.h"

/* One VMM (one target) under check. */
struct vm_run {
	struct tce_check *c;
	const struct tce_check_ops *ops;
	struct tce_check_vm vm;
	struct tce_source *src;
	struct tce_table *meta;		/* per table */
	char (*names)[64];
	struct tce_check_counts *counts;
	bool *skip;			/* checked in its VMM's run instead */
	struct tce_aliases aliases;
	size_t n;			/* tables: the source's, then the monitor's emulated windows */
	size_t cur;			/* the table being read */
	pid_t owner;			/* the likelier VMM of the current table */
};

static int emit(struct vm_run *r, size_t i, const struct tce_finding *f)
{
	r->counts[i].by_severity[tce_finding_severity(f->kind)]++;
	return r->ops->finding ? r->ops->finding(r->ops->ctx, &r->vm, &r->meta[i], r->names[i], f) : 0;
}

static int emit_current(void *ctx, const struct tce_finding *f)
{
	struct vm_run *r = ctx;

	return emit(r, r->cur, f);
}

static int report_error(struct vm_run *r, const char *what, const struct tce_err *err)
{
	return r->ops->error ? r->ops->error(r->ops->ctx, r->vm.pid, what, err) : 0;
}

static bool is_target(const struct tce_check *c, pid_t pid)
{
	for (size_t i = 0; i < c->n_targets; i++)
		if (c->targets[i].kind != TCE_TARGET_FILE && c->targets[i].pid == pid)
			return true;
	return false;
}

static bool table_file(const struct vm_run *r, size_t i, struct tce_table_file *tf)
{
	const struct tce_place *p;
	const struct area *a;

	/* A file's tables have no places: no process holds them. */
	if (r->src->target->kind == TCE_TARGET_FILE)
		return false;
	p = &r->src->places.p[i];
	if (p->emulated)
		return false;
	*tf = (struct tce_table_file){ .pid = r->vm.pid, .fd = p->fd };
	a = p->addr ? maps_find_start(&r->src->places.areas, p->addr) : NULL;
	if (a) {
		tf->has_map = true;
		tf->map = (struct holder_map){ .pid = r->vm.pid, .start = a->start, .end = a->end,
					       .offset = a->offset, .dev_major = a->dev_major,
					       .dev_minor = a->dev_minor, .ino = a->inode, .tce = a->tce };
	}
	return true;
}

static int find_owner(void *ctx, pid_t pid, enum tce_holding how, int fd, uint64_t addr)
{
	struct vm_run *r = ctx;

	(void)fd;
	(void)addr;
	/* Only a process with the table's fd can be the one that created it. */
	if (how == TCE_HOLDS_FD && tce_holders_prefer(&r->c->holders, r->owner, pid))
		r->owner = pid;
	return 0;
}

static int holder_found(void *ctx, pid_t pid, enum tce_holding how, int fd, uint64_t addr)
{
	struct vm_run *r = ctx;
	struct tce_finding f = { .kind = TCE_FIND_FOREIGN_HOLDER, .holder_pid = pid, .holder_fd = fd,
				 .holder_addr = addr, .unattributed = how == TCE_HOLDS_MAPPING_UNATTRIBUTED };
	struct proc_info info;
	struct tce_err err = { 0 };

	/* The likelier VMM is not a stranger to its own table. */
	if (pid == r->owner)
		return 0;
	if (!proc_info_read(pid, &info, &err))
		memcpy(f.holder_comm, info.comm, sizeof(f.holder_comm));
	return emit(r, r->cur, &f);
}

/*
 * Whether table i is another process's that this run also checks (1: it
 * is checked there), else 0; r->owner is its likelier VMM.  A table found
 * in its VMM's run is reported there, with this process as its holder;
 * one whose VMM is not checked is reported here, this process named.
 */
static int check_owner(struct vm_run *r, size_t i)
{
	struct tce_table_file tf;

	r->owner = r->vm.pid;
	if (!table_file(r, i, &tf))
		return 0;
	tce_holders_of(&r->c->holders, &tf, find_owner, r);
	if (r->owner != r->vm.pid && is_target(r->c, r->owner))
		return 1;
	return 0;
}

/*
 * Who else holds table i: after its entries were read, so that the VMM's
 * pages of it are there for a comparison of page frames.
 */
static int check_holders(struct vm_run *r, size_t i)
{
	struct tce_table_file tf;
	int rc;

	if (!table_file(r, i, &tf))
		return 0;
	if (r->owner != r->vm.pid) {
		struct tce_finding f = { .kind = TCE_FIND_FOREIGN_HOLDER, .holder_pid = r->vm.pid,
					 .holder_fd = tf.fd, .vmm_pid = r->owner };

		memcpy(f.holder_comm, r->vm.comm, sizeof(f.holder_comm));
		if ((rc = emit(r, i, &f)))
			return rc;
	}
	return tce_holders_of(&r->c->holders, &tf, holder_found, r);
}

/* Reads table i in chunks: per-entry findings, and its writable runs for the aliases. */
static int check_entries(struct vm_run *r, size_t i)
{
	struct tce_classifier cl;
	struct tce_cursor cur;
	struct tce_err err = { 0 };
	int more, rc = 0;

	if (tce_cursor_open(&cur, r->src, i, NULL, TCE_CUT_CHUNK, &err)) {
		tce_cursor_close(&cur);
		return report_error(r, r->names[i], &err);
	}
	r->meta[i] = cur.t;
	if (cur.t.origin.emulated) {
		struct tce_finding f = { .kind = TCE_FIND_EMULATED, .holder_fd = -1 };

		if ((rc = emit(r, i, &f))) {
			tce_cursor_close(&cur);
			return rc;
		}
	}
	tce_classifier_init(&cl, cur.t.geo.page_shift, &r->vm.ram, emit_current, r);
	while (!rc && (more = tce_cursor_next(&cur, &err)) > 0) {
		uint64_t page = tce_page_size(&cur.t.geo);

		for (size_t k = 0; !rc && k < cur.x.count; k++) {
			const struct tce_extent *e = &cur.x.ext[k];

			rc = tce_classify_extent(&cl, e);
			if (!rc && (tce_perm(e->raw) & TCE_PCI_WRITE) &&
			    tce_aliases_add(&r->aliases, (uint32_t)i, cur.t.geo.page_shift, e->index,
					    e->count, e->raw & ~(page - 1), &err))
				more = -1;
		}
		if (more < 0)
			break;
	}
	if (!rc)
		rc = tce_classify_finish(&cl);
	tce_cursor_close(&cur);
	if (!rc && more < 0)
		rc = report_error(r, r->names[i], &err);
	return rc;
}

struct alias_piece {
	uint32_t table, other_table;
	uint64_t index, count, gpa_first, gpa_last, other_index;
};

struct alias_pieces {
	struct alias_piece *p;
	size_t n;
};

static int alias_found(void *ctx, const struct tce_alias *al)
{
	struct alias_pieces *ps = ctx;
	uint64_t page = 1ULL << al->r->page_shift;

	ps->p[ps->n++] = (struct alias_piece){
		.table = al->r->table, .other_table = al->other->table, .index = al->index,
		.count = al->count, .gpa_first = al->r->gpa_first,
		.gpa_last = al->r->gpa_first + (al->count - 1) * page + page - 1,
		.other_index = al->other_index };
	return 0;
}

static int by_table_index(const void *pa, const void *pb)
{
	const struct alias_piece *a = pa, *b = pb;

	if (a->table != b->table)
		return a->table < b->table ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static int emit_alias(struct vm_run *r, const struct alias_piece *p, uint64_t count,
		      uint64_t gpa_first, uint64_t gpa_last)
{
	struct tce_finding f = { .kind = TCE_FIND_ALIAS, .has_entries = true, .first = p->index,
				 .count = count, .gpa_first = gpa_first, .gpa_last = gpa_last,
				 .other_index = p->other_index, .holder_fd = -1 };

	memcpy(f.other, r->names[p->other_table], sizeof(f.other));
	return emit(r, p->table, &f);
}

/* The pieces of the sweep, in table and index order, consecutive entries joined. */
static int check_aliases(struct vm_run *r)
{
	struct alias_pieces ps = { .p = malloc((r->aliases.count ? r->aliases.count : 1) * sizeof(*ps.p)) };
	struct tce_err err = { 0 };
	int rc = 0;

	r->vm.aliases_incomplete = r->aliases.incomplete;
	if (!ps.p) {
		tce_fail(&err, TCE_EIO, "out of memory sweeping for aliases");
		return report_error(r, r->vm.target, &err);
	}
	tce_aliases_sweep(&r->aliases, alias_found, &ps);
	if (ps.n)
		qsort(ps.p, ps.n, sizeof(*ps.p), by_table_index);
	for (size_t k = 0; !rc && k < ps.n;) {
		const struct alias_piece *first = &ps.p[k];
		uint64_t count = first->count, lo = first->gpa_first, hi = first->gpa_last;

		for (k++; k < ps.n && ps.p[k].table == first->table &&
			  ps.p[k].index == first->index + count; k++) {
			count += ps.p[k].count;
			lo = ps.p[k].gpa_first < lo ? ps.p[k].gpa_first : lo;
			hi = ps.p[k].gpa_last > hi ? ps.p[k].gpa_last : hi;
		}
		rc = emit_alias(r, first, count, lo, hi);
	}
	free(ps.p);
	return rc;
}

/*
 * The windows the monitor shows that none of the VMM's tables has: tables
 * n.. of the run, each with its emulated finding.
 */
static int check_windows(struct vm_run *r)
{
	const struct tce_qmp_window *w[TCE_QMP_MAX_WINDOWS];
	uint32_t *known = malloc((r->n ? r->n : 1) * sizeof(*known));
	size_t n_known = 0, k;
	bool unknown = false;
	int rc = 0;

	if (!known) {
		struct tce_err err = { 0 };

		tce_fail(&err, TCE_EIO, "out of memory");
		return report_error(r, r->vm.target, &err);
	}
	for (size_t i = 0; i < r->n; i++) {
		if (r->meta[i].geo.has_liobn)
			known[n_known++] = (uint32_t)r->meta[i].geo.liobn;
		else
			unknown = true;
	}
	k = tce_vminfo_emulated_windows(r->vm.info, known, n_known, unknown, w, TCE_QMP_MAX_WINDOWS);
	free(known);
	for (size_t j = 0; !rc && j < k; j++) {
		struct tce_table *t = &r->meta[r->n];
		struct tce_finding f = { .kind = TCE_FIND_EMULATED, .holder_fd = -1 };

		memset(t, 0, sizeof(*t));
		t->origin = (struct tce_origin){ .pid = r->vm.pid, .fd = -1, .emulated = true };
		memcpy(t->origin.comm, r->vm.comm, sizeof(t->origin.comm));
		tce_geometry_default(&t->geo);
		t->geo.has_liobn = true;
		t->geo.liobn = w[j]->liobn;
		t->geo.bus_offset = w[j]->bus_offset;
		tce_origin_name(&t->origin, r->names[r->n], sizeof(r->names[0]));
		r->n++;
		r->vm.tables++;
		rc = emit(r, r->n - 1, &f);
	}
	return rc;
}

/* table_done of every table of the run that was checked here. */
static int tables_done(struct vm_run *r)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < r->n; i++)
		if (!r->skip[i] && r->ops->table_done)
			rc = r->ops->table_done(r->ops->ctx, &r->vm, &r->meta[i], r->names[i], &r->counts[i]);
	return rc;
}

static int check_source(struct vm_run *r)
{
	struct tce_source *src = r->src;
	size_t n = src->count, slots = n + TCE_QMP_MAX_WINDOWS;
	int rc = 0;

	r->n = n;
	r->meta = calloc(slots, sizeof(*r->meta));
	r->names = calloc(slots, sizeof(*r->names));
	r->counts = calloc(slots, sizeof(*r->counts));
	r->skip = calloc(slots, sizeof(*r->skip));
	if (!r->meta || !r->names || !r->counts || !r->skip) {
		struct tce_err err = { 0 };

		tce_fail(&err, TCE_EIO, "out of memory");
		return report_error(r, r->vm.target, &err);
	}
	for (size_t i = 0; i < n; i++) {
		tce_source_meta(src, i, &r->meta[i]);
		tce_source_table_name(src, i, r->names[i], sizeof(r->names[i]));
	}
	for (size_t i = 0; !rc && i < n; i++) {
		r->cur = i;
		if (check_owner(r, i)) {
			r->skip[i] = true;
			continue;
		}
		rc = check_entries(r, i);
		if (!rc)
			rc = check_holders(r, i);
		r->vm.tables++;
	}
	if (!rc)
		rc = check_aliases(r);
	if (!rc && r->vm.info && r->vm.info->qmp_ok && src->target->kind == TCE_TARGET_PID)
		rc = check_windows(r);
	if (!rc)
		rc = tables_done(r);
	if (!rc && r->ops->vm_done)
		rc = r->ops->vm_done(r->ops->ctx, &r->vm);
	return rc;
}

/*
 * A VMM whose tables could not be opened (none is a kernel table, no
 * record): the monitor's windows are still its emulated tables.
 */
static int check_windows_only(struct tce_check *c, struct vm_run *r, const struct tce_target *target)
{
	struct proc_info info;
	struct tce_err err = { 0 };
	int rc;

	if (!c->vminfo || target->kind != TCE_TARGET_PID)
		return 0;
	r->vm.info = c->vminfo(c->vminfo_ctx, r->vm.pid);
	if (!r->vm.info || !r->vm.info->qmp_ok)
		return 0;
	if (!proc_info_read(r->vm.pid, &info, &err))
		memcpy(r->vm.comm, info.comm, sizeof(r->vm.comm));
	r->vm.ram = (struct tce_guest_ram){ .size = r->vm.info->ram_bytes, .source = TCE_RAM_MONITOR };
	r->meta = calloc(TCE_QMP_MAX_WINDOWS, sizeof(*r->meta));
	r->names = calloc(TCE_QMP_MAX_WINDOWS, sizeof(*r->names));
	r->counts = calloc(TCE_QMP_MAX_WINDOWS, sizeof(*r->counts));
	r->skip = calloc(TCE_QMP_MAX_WINDOWS, sizeof(*r->skip));
	if (!r->meta || !r->names || !r->counts || !r->skip) {
		tce_fail(&err, TCE_EIO, "out of memory");
		rc = report_error(r, r->vm.target, &err);
	} else {
		rc = check_windows(r);
		if (!rc && r->n)
			rc = tables_done(r);
		if (!rc && r->n && r->ops->vm_done)
			rc = r->ops->vm_done(r->ops->ctx, &r->vm);
	}
	free(r->meta);
	free(r->names);
	free(r->counts);
	free(r->skip);
	return rc;
}

static int check_target(struct tce_check *c, const struct tce_check_ops *ops,
			const struct tce_target *target)
{
	struct vm_run r = { .c = c, .ops = ops, .vm = { .target = target->text } };
	struct tce_source src;
	struct tce_err err = { 0 };
	int rc;

	if (target->kind != TCE_TARGET_FILE)
		r.vm.pid = target->pid;
	if (tce_source_open(&src, target, &err)) {
		tce_source_close(&src);
		rc = report_error(&r, target->text, &err);
		return rc ? rc : check_windows_only(c, &r, target);
	}
	r.src = &src;
	memcpy(r.vm.comm, src.proc.comm, sizeof(r.vm.comm));
	if (r.vm.pid) {
		struct tce_guest_ram known = { 0 };

		if (c->vminfo)
			r.vm.info = c->vminfo(c->vminfo_ctx, r.vm.pid);
		if (c->ram_known && !c->ram_known(c->ram_ctx, r.vm.pid, &known))
			known = (struct tce_guest_ram){ 0 };
		if (!known.size && r.vm.info && r.vm.info->ram_bytes)
			known = (struct tce_guest_ram){ .size = r.vm.info->ram_bytes,
				.source = r.vm.info->ram_from_libvirt ? TCE_RAM_LIBVIRT : TCE_RAM_MONITOR };
		tce_guest_ram_find(r.vm.pid, &known, &src.places, &r.vm.ram);
	}
	tce_aliases_init(&r.aliases, c->alias_cap);
	rc = check_source(&r);
	tce_aliases_free(&r.aliases);
	free(r.meta);
	free(r.names);
	free(r.counts);
	free(r.skip);
	tce_source_close(&src);
	return rc;
}

int tce_check_run(struct tce_check *c, const struct tce_check_ops *ops, struct tce_err *err)
{
	int rc = 0;

	if (tce_holders_scan(&c->holders, err))
		return -1;
	for (size_t i = 0; !rc && i < c->n_targets; i++)
		rc = check_target(c, ops, &c->targets[i]);
	return rc;
}

void tce_check_free(struct tce_check *c)
{
	tce_holders_free(&c->holders);
}
