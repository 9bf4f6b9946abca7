// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geometry.h"
#include "records.h"
#include "remote.h"

/* Candidates kept at most before duplicates are dropped: more is a forgery. */
#define RECORDS_MAX 1024
#define SCAN_CHUNK (1u << 20)

bool tce_liobn_is_qemu(uint32_t liobn)
{
	/* SPAPR_PCI_LIOBN(index, window): two windows per host bridge. */
	if ((liobn & 0xffff00feu) == 0x80000000u)
		return true;
	/* SPAPR_VIO_LIOBN(reg): VIO regs start at SPAPR_VIO_REG_BASE 0x71000000. */
	return (liobn & 0xff000000u) == 0x71000000u;
}

void tce_liobn_device(uint32_t liobn, char *buf, size_t len)
{
	if ((liobn & 0xffff00feu) == 0x80000000u)
		snprintf(buf, len, "phb%u-win%u", (liobn >> 8) & 0xff, liobn & 1);
	else if ((liobn & 0xff000000u) == 0x71000000u)
		snprintf(buf, len, "vio-%08x", liobn);
	else if (len)
		buf[0] = '\0';
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static bool is_fd_of(const struct record_context *ctx, int fd)
{
	for (size_t i = 0; i < ctx->n_fds; i++)
		if (ctx->fds[i] == fd)
			return true;
	return false;
}

bool tce_record_decode(const unsigned char *raw, uint64_t at, const struct record_context *ctx,
		       struct tce_record *rec)
{
	const struct area *a;
	uint64_t bytes;

	*rec = (struct tce_record){
		.at = at,
		.liobn = get32(raw + QEMU_REC_LIOBN),
		.nb_table = get32(raw + QEMU_REC_NB_TABLE),
		.bus_offset = get64(raw + QEMU_REC_BUS_OFFSET),
		.page_shift = get32(raw + QEMU_REC_PAGE_SHIFT),
		.table = get64(raw + QEMU_REC_TABLE),
		.fd = (int)get32(raw + QEMU_REC_FD),
	};
	if (!tce_liobn_is_qemu(rec->liobn) || !rec->nb_table ||
	    rec->page_shift < TCE_PAGE_SHIFT_MIN || rec->page_shift > TCE_PAGE_SHIFT_MAX ||
	    rec->bus_offset & ((1ULL << rec->page_shift) - 1) ||
	    ((unsigned __int128)rec->nb_table << rec->page_shift) + rec->bus_offset >
		    (unsigned __int128)UINT64_MAX + 1 ||
	    !rec->table || rec->table & 7)
		return false;
	/* C bools: QEMU stores 0 or 1 and nothing else. */
	for (unsigned k = 0; k < 4; k++)
		if (raw[QEMU_REC_FLAGS + k] > 1)
			return false;
	bytes = (uint64_t)rec->nb_table * sizeof(uint64_t);
	if (rec->fd == -1) {
		/* QEMU's fallback: g_new0(uint64_t, nb_table), in its own memory. */
		a = maps_find_range(ctx->areas, rec->table, bytes);
		rec->emulated = true;
		return a && a->kind != AREA_SHARED;
	}
	a = maps_find_start(ctx->areas, rec->table);
	return a && a->kind == AREA_SHARED && !a->offset && bytes <= a->end - a->start &&
	       is_fd_of(ctx, rec->fd);
}

/* Whether record i shares what identifies a table with record j. */
static bool clash(const struct tce_record *i, const struct tce_record *j)
{
	return i->table == j->table || i->liobn == j->liobn || (i->fd >= 0 && i->fd == j->fd);
}

size_t tce_records_unique(struct tce_record *rec, size_t n)
{
	bool *dup = calloc(n ? n : 1, sizeof(*dup));
	size_t kept = 0;

	if (!dup)
		return 0;	/* no memory: no records, never a guess */
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (clash(&rec[i], &rec[j]))
				dup[i] = dup[j] = true;
	for (size_t i = 0; i < n; i++)
		if (!dup[i])
			rec[kept++] = rec[i];
	free(dup);
	return kept;
}

struct scan {
	const struct record_context *ctx;
	struct tce_record *rec;
	size_t n;
	bool overflow;
};

/* Every 8-byte aligned block of buf (which starts at addr) that validates. */
static void scan_block(struct scan *s, const unsigned char *buf, size_t len, uint64_t addr,
		       size_t limit)
{
	for (size_t off = (size_t)(-addr & 7); off + QEMU_REC_SIZE <= len && off < limit; off += 8) {
		struct tce_record r;

		/* The cheap test first: most words are no liobn. */
		if (!tce_liobn_is_qemu(get32(buf + off)) ||
		    !tce_record_decode(buf + off, addr + off, s->ctx, &r))
			continue;
		if (s->n == RECORDS_MAX) {
			s->overflow = true;
			return;
		}
		s->rec[s->n++] = r;
	}
}

static int scan_area(struct scan *s, pid_t pid, const struct area *a, unsigned char *buf,
		     uint64_t *budget)
{
	uint64_t end = a->end - a->start > *budget ? a->start + *budget : a->end;

	for (uint64_t at = a->start; at < end && !s->overflow; at += SCAN_CHUNK) {
		size_t want = end - at > SCAN_CHUNK ? SCAN_CHUNK + QEMU_REC_SIZE : (size_t)(end - at);
		ssize_t got = remote_read_some(pid, at, buf, want);

		if (got < 0 && (errno == EPERM || errno == ESRCH))
			return -1;
		if (got <= 0)
			continue;	/* an area unmapped meanwhile: nothing there */
		scan_block(s, buf, (size_t)got, at, SCAN_CHUNK);
	}
	*budget -= end - a->start;
	return 0;
}

/*
 * What a scan of one process found, and what it was found against: its
 * table fds and the starts, ends and inodes of its table mappings.
 */
struct remembered {
	pid_t pid;
	unsigned uses;			/* finds answered since the scan */
	uint64_t stamp;			/* of the last use: the oldest goes first */
	int *fds;
	size_t n_fds;
	struct area *tce_areas;
	size_t n_areas;
	struct tce_record *rec;
	size_t n;
};

/* Processes remembered at most: a host's VMMs, with room to spare. */
#define REMEMBERED_MAX 256

static struct {
	bool on;
	uint64_t clock;
	struct remembered r[REMEMBERED_MAX];
	size_t count;
} memory;

void tce_records_remember(bool on)
{
	memory.on = on;
}

static size_t tce_areas_of(const struct areas *areas, struct area *out)
{
	size_t n = 0;

	for (size_t i = 0; i < areas->count; i++)
		if (areas->a[i].tce) {
			if (out)
				out[n] = areas->a[i];
			n++;
		}
	return n;
}

static bool same_context(const struct remembered *m, const struct record_context *ctx)
{
	size_t n = 0;

	if (m->n_fds != ctx->n_fds || memcmp(m->fds, ctx->fds, ctx->n_fds * sizeof(*ctx->fds)))
		return false;
	for (size_t i = 0; i < ctx->areas->count; i++) {
		const struct area *a = &ctx->areas->a[i];

		if (!a->tce)
			continue;
		if (n == m->n_areas || m->tce_areas[n].start != a->start ||
		    m->tce_areas[n].end != a->end || m->tce_areas[n].inode != a->inode)
			return false;
		n++;
	}
	return n == m->n_areas;
}

static void forget(struct remembered *m)
{
	free(m->fds);
	free(m->tce_areas);
	free(m->rec);
	*m = (struct remembered){ 0 };
}

static bool same_record(const struct tce_record *a, const struct tce_record *b)
{
	return a->at == b->at && a->liobn == b->liobn && a->nb_table == b->nb_table &&
	       a->bus_offset == b->bus_offset && a->page_shift == b->page_shift &&
	       a->table == b->table && a->fd == b->fd && a->emulated == b->emulated;
}

/*
 * Whether every table mapping has its record: a scan made while the VMM
 * was between creating a table and writing its record missed that one,
 * and its next find must look again.
 */
static bool covers_every_table(const struct remembered *m)
{
	for (size_t a = 0; a < m->n_areas; a++) {
		size_t i;

		for (i = 0; i < m->n && m->rec[i].table != m->tce_areas[a].start; i++)
			;
		if (i == m->n)
			return false;
	}
	return true;
}

static struct remembered *remembered_of(pid_t pid)
{
	for (size_t i = 0; i < memory.count; i++)
		if (memory.r[i].pid == pid)
			return &memory.r[i];
	return NULL;
}

/* The records remembered of pid, each re-read and still valid: a copy in *out. */
static bool recall(pid_t pid, const struct record_context *ctx, struct tce_record **out, size_t *n)
{
	struct remembered *m = remembered_of(pid);
	struct tce_record *rec;

	if (!m || !m->n || m->uses + 1 >= RECORDS_RESCAN_EVERY || !same_context(m, ctx) ||
	    !covers_every_table(m))
		return false;
	rec = malloc(m->n * sizeof(*rec));
	if (!rec)
		return false;
	for (size_t i = 0; i < m->n; i++) {
		unsigned char raw[QEMU_REC_SIZE];

		if (remote_read_some(pid, m->rec[i].at, raw, sizeof(raw)) != (ssize_t)sizeof(raw) ||
		    !tce_record_decode(raw, m->rec[i].at, ctx, &rec[i]) ||
		    !same_record(&rec[i], &m->rec[i])) {
			free(rec);
			return false;
		}
	}
	m->uses++;
	m->stamp = ++memory.clock;
	*out = rec;
	*n = m->n;
	return true;
}

static void remember(pid_t pid, const struct record_context *ctx, const struct tce_record *rec,
		     size_t n)
{
	struct remembered *m, fresh = { .pid = pid, .n = n, .n_fds = ctx->n_fds };

	fresh.n_areas = tce_areas_of(ctx->areas, NULL);
	fresh.fds = malloc((ctx->n_fds + 1) * sizeof(*fresh.fds));
	fresh.tce_areas = malloc((fresh.n_areas + 1) * sizeof(*fresh.tce_areas));
	fresh.rec = malloc((n + 1) * sizeof(*rec));
	if (!fresh.fds || !fresh.tce_areas || !fresh.rec) {
		forget(&fresh);
		return;		/* only a cache: the next find scans */
	}
	memcpy(fresh.fds, ctx->fds, ctx->n_fds * sizeof(*ctx->fds));
	tce_areas_of(ctx->areas, fresh.tce_areas);
	memcpy(fresh.rec, rec, n * sizeof(*rec));
	fresh.stamp = ++memory.clock;
	m = remembered_of(pid);
	if (!m && memory.count < REMEMBERED_MAX)
		m = &memory.r[memory.count++];
	if (!m) {	/* full: the process not asked about for longest makes room */
		m = &memory.r[0];
		for (size_t i = 1; i < memory.count; i++)
			if (memory.r[i].stamp < m->stamp)
				m = &memory.r[i];
	}
	forget(m);
	*m = fresh;
}

int tce_records_find(pid_t pid, const struct record_context *ctx, struct tce_record **out,
		     size_t *n, bool *denied, struct tce_err *err)
{
	struct scan s = { .ctx = ctx };
	uint64_t budget = RECORDS_SCAN_MAX;
	unsigned char *buf;

	*denied = false;
	*out = NULL;
	*n = 0;
	if (memory.on && recall(pid, ctx, out, n))
		return 0;
	s.rec = malloc(RECORDS_MAX * sizeof(*s.rec));
	buf = malloc(SCAN_CHUNK + QEMU_REC_SIZE);
	if (!s.rec || !buf) {
		free(s.rec);
		free(buf);
		return tce_fail(err, TCE_EIO, "out of memory");
	}
	for (size_t i = 0; i < ctx->areas->count && budget && !s.overflow; i++) {
		const struct area *a = &ctx->areas->a[i];

		/* Guest RAM is anonymous too, but larger than any malloc arena. */
		if (a->kind == AREA_SHARED || (a->kind == AREA_ANON && a->end - a->start > RECORDS_AREA_MAX))
			continue;
		if (scan_area(&s, pid, a, buf, &budget)) {
			/* No permission or no process: the caller's own read will say so. */
			*denied = errno == EPERM;
			s.n = 0;
			break;
		}
	}
	free(buf);
	if (s.overflow)
		s.n = 0;	/* more claims than tables: trust none */
	*n = tce_records_unique(s.rec, s.n);
	if (memory.on && !*denied)
		remember(pid, ctx, s.rec, *n);
	if (!*n) {
		free(s.rec);
		s.rec = NULL;
	}
	*out = s.rec;
	return 0;
}
