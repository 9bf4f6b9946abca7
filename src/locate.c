// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "locate.h"
#include "proc.h"

const char *tce_via_name(enum tce_via via)
{
	static const char *const names[] = {
		[TCE_VIA_MAPPING] = "mapping",
		[TCE_VIA_FD] = "fd",
		[TCE_VIA_MEMORY] = "memory",
		[TCE_VIA_FILE] = "file",
	};

	return via <= TCE_VIA_FILE ? names[via] : "?";
}

struct pairing {
	struct tce_places *out;
	size_t cap;
	bool *fd_used, *area_used;
};

static int add(struct pairing *pr, const struct tce_place *p, struct tce_err *err)
{
	if (pr->out->count == pr->cap) {
		size_t cap = pr->cap ? 2 * pr->cap : 16;
		struct tce_place *grown = realloc(pr->out->p, cap * sizeof(*grown));

		if (!grown)
			return tce_fail(err, TCE_EIO, "out of memory");
		pr->out->p = grown;
		pr->cap = cap;
	}
	pr->out->p[pr->out->count++] = *p;
	return 0;
}

static struct tce_place at_area(int fd, const struct area *a)
{
	return (struct tce_place){ .fd = fd, .addr = a->start, .len = a->end - a->start,
				   .via = TCE_VIA_MAPPING, .tce = a->tce };
}

static int compare_place(const void *x, const void *y)
{
	const struct tce_place *a = x, *b = y;

	/* Tables with fds first, by fd; then the rest by address. */
	if ((a->fd < 0) != (b->fd < 0))
		return a->fd < 0 ? 1 : -1;
	if (a->fd != b->fd)
		return a->fd < b->fd ? -1 : 1;
	return (a->addr > b->addr) - (a->addr < b->addr);
}

/* Pass 1: what QEMU's records pair. */
static int pair_records(struct pairing *pr, const struct fd_ident *fds, size_t n_fds,
			const struct areas *areas, const struct tce_record *rec, size_t n_rec,
			struct tce_err *err)
{
	for (size_t r = 0; r < n_rec; r++) {
		struct tce_place p;
		size_t f, a;

		if (rec[r].emulated)
			continue;
		for (f = 0; f < n_fds && fds[f].fd != rec[r].fd; f++)
			;
		for (a = 0; a < areas->count && areas->a[a].start != rec[r].table; a++)
			;
		if (f == n_fds || a == areas->count || pr->fd_used[f] || pr->area_used[a])
			continue;
		p = at_area(fds[f].fd, &areas->a[a]);
		p.has_record = true;
		p.rec = rec[r];
		pr->fd_used[f] = pr->area_used[a] = true;
		if (add(pr, &p, err))
			return -1;
	}
	return 0;
}

/* Pass 2: a file of its own is mapped where its device and inode are. */
static int pair_inodes(struct pairing *pr, const struct fd_ident *fds, size_t n_fds,
		       const struct areas *areas, struct tce_err *err)
{
	for (size_t f = 0; f < n_fds; f++) {
		const struct area *best = NULL;

		if (pr->fd_used[f] || !fds[f].has_inode)
			continue;
		for (size_t a = 0; a < areas->count; a++) {
			const struct area *m = &areas->a[a];

			if (m->kind != AREA_SHARED || m->offset || m->inode != fds[f].ino ||
			    m->dev_major != fds[f].dev_major || m->dev_minor != fds[f].dev_minor)
				continue;
			/* Every mapping of it shows the same pages: one place, the longest. */
			pr->area_used[a] = true;
			if (!best || m->end - m->start > best->end - best->start)
				best = m;
		}
		if (best) {
			struct tce_place p = at_area(fds[f].fd, best);

			pr->fd_used[f] = true;
			if (add(pr, &p, err))
				return -1;
		}
	}
	return 0;
}

/* Pass 3: the table fds and table mappings nothing paired. */
static int pair_rest(struct pairing *pr, const struct fd_ident *fds, size_t n_fds,
		     const struct areas *areas, enum tce_attach_mode mode, struct tce_err *err)
{
	size_t n_u = 0, n_a = 0, last_u = 0, last_a = 0;
	bool mappings;

	for (size_t f = 0; f < n_fds; f++)
		if (!pr->fd_used[f]) {
			n_u++;
			last_u = f;
		}
	for (size_t a = 0; a < areas->count; a++)
		if (!pr->area_used[a] && areas->a[a].tce) {
			n_a++;
			last_a = a;
		}
	if (mode != TCE_ATTACH_FD && n_u == 1 && n_a == 1) {
		struct tce_place p = at_area(fds[last_u].fd, &areas->a[last_a]);

		return add(pr, &p, err);
	}
	/*
	 * As many mappings as fds (or more): every fd is presumably one of
	 * them, so the mappings are the tables.  Else the fds are, except
	 * for --attach=mapping, which never reads a table through its fd:
	 * the mappings are all it reads.
	 */
	mappings = mode == TCE_ATTACH_MAPPING || (mode != TCE_ATTACH_FD && n_a && n_a >= n_u);
	if (mappings) {
		for (size_t a = 0; a < areas->count; a++)
			if (!pr->area_used[a] && areas->a[a].tce) {
				struct tce_place p = at_area(-1, &areas->a[a]);

				if (add(pr, &p, err))
					return -1;
			}
		return 0;
	}
	for (size_t f = 0; f < n_fds; f++)
		if (!pr->fd_used[f]) {
			struct tce_place p = { .fd = fds[f].fd, .via = TCE_VIA_FD, .tce = fds[f].tce };

			if (add(pr, &p, err))
				return -1;
		}
	return 0;
}

int tce_places_pair(const struct fd_ident *fds, size_t n_fds, const struct areas *areas,
		    const struct tce_record *rec, size_t n_rec, enum tce_attach_mode mode,
		    struct tce_places *out, struct tce_err *err)
{
	struct pairing pr = { .out = out };
	int rc = -1;

	out->p = NULL;
	out->count = 0;
	pr.fd_used = calloc(n_fds + 1, sizeof(bool));
	pr.area_used = calloc(areas->count + 1, sizeof(bool));
	if (!pr.fd_used || !pr.area_used) {
		tce_fail(err, TCE_EIO, "out of memory");
		goto out;
	}
	if (pair_records(&pr, fds, n_fds, areas, rec, n_rec, err) ||
	    pair_inodes(&pr, fds, n_fds, areas, err) ||
	    pair_rest(&pr, fds, n_fds, areas, mode, err))
		goto out;
	for (size_t r = 0; r < n_rec; r++)
		if (rec[r].emulated) {
			struct tce_place p = { .fd = -1, .addr = rec[r].table,
					       .len = (uint64_t)rec[r].nb_table * 8,
					       .via = TCE_VIA_MEMORY, .emulated = true,
					       .has_record = true, .rec = rec[r] };

			if (add(&pr, &p, err))
				goto out;
		}
	/* --attach=fd: a paired table is still read through its fd. */
	for (size_t i = 0; i < out->count && mode == TCE_ATTACH_FD; i++)
		if (out->p[i].via == TCE_VIA_MAPPING && out->p[i].fd >= 0)
			out->p[i].via = TCE_VIA_FD;
	if (out->count > 1)
		qsort(out->p, out->count, sizeof(*out->p), compare_place);
	rc = 0;
out:
	free(pr.fd_used);
	free(pr.area_used);
	if (rc) {
		free(out->p);
		out->p = NULL;
		out->count = 0;
	}
	return rc;
}

/* What fd of pid is: a table, or a file with an inode of its own. */
static void ident_fd(pid_t pid, int fd, struct fd_ident *id)
{
	char path[64], link[256];
	struct stat st;

	*id = (struct fd_ident){ .fd = fd };
	proc_fd_link(pid, fd, link, sizeof(link));
	id->tce = proc_link_is_tce(link);
	/* Anonymous inodes share one inode number: it tells nothing. */
	if (!strncmp(link, "anon_inode:", 11))
		return;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return;
	id->has_inode = true;
	id->dev_major = major(st.st_dev);
	id->dev_minor = minor(st.st_dev);
	id->ino = st.st_ino;
}

int tce_locate(pid_t pid, int extra_fd, enum tce_attach_mode mode, struct tce_places *out,
	       struct tce_err *err)
{
	struct fd_ident *ids = NULL;
	struct tce_record *rec = NULL;
	size_t n_fds = 0, n_rec = 0, n_ids = 0;
	bool any_tce = false;
	int *fds = NULL;
	int rc = -1;

	*out = (struct tce_places){ 0 };
	if (proc_tce_fds(pid, &fds, &n_fds, err) || maps_read(pid, &out->areas, err))
		goto out;
	ids = calloc(n_fds + 1, sizeof(*ids));
	if (!ids) {
		tce_fail(err, TCE_EIO, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n_fds; i++)
		ident_fd(pid, fds[i], &ids[n_ids++]);
	if (extra_fd >= 0) {
		size_t i;

		for (i = 0; i < n_fds && fds[i] != extra_fd; i++)
			;
		if (i == n_fds)
			ident_fd(pid, extra_fd, &ids[n_ids++]);
	}
	for (size_t a = 0; a < out->areas.count && !any_tce; a++)
		any_tce = out->areas.a[a].tce;
	/* Records only where there are tables to pair them with. */
	if (n_fds || any_tce) {
		struct record_context ctx = { &out->areas, fds, n_fds };

		if (tce_records_find(pid, &ctx, &rec, &n_rec, &out->denied, err))
			goto out;
	}
	rc = tce_places_pair(ids, n_ids, &out->areas, rec, n_rec, mode, out, err);
out:
	free(ids);
	free(fds);
	free(rec);
	if (rc)
		tce_places_free(out);
	return rc;
}

void tce_places_free(struct tce_places *p)
{
	free(p->p);
	maps_free(&p->areas);
	p->p = NULL;
	p->count = 0;
}
