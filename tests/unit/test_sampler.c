// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sampler over memfd tables of this very process (PID:FD targets,
 * read through our own mapping): what one refresh reports of the changes
 * made since the one before.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../src/cursor.h"
#include "../../src/sampler.h"
#include "unit.h"

struct memfd_table {
	int fd;
	uint64_t *tce;
	size_t bytes;
};

static void table_make(struct memfd_table *m, uint64_t entries)
{
	m->bytes = entries * 8;
	m->fd = memfd_create("unit-sampler", MFD_CLOEXEC);
	CHECK(m->fd >= 0 && ftruncate(m->fd, (off_t)m->bytes) == 0);
	m->tce = mmap(NULL, m->bytes, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	CHECK(m->tce != MAP_FAILED);
}

static void table_drop(struct memfd_table *m)
{
	munmap(m->tce, m->bytes);
	close(m->fd);
}

/* What the callbacks saw, in order. */
struct seen {
	char log[4096];
	size_t used;
	int errors;
};

static __attribute__((format(printf, 2, 3))) void say(void *ctx, const char *fmt, ...)
{
	struct seen *s = ctx;
	va_list ap;

	va_start(ap, fmt);
	s->used += (size_t)vsnprintf(s->log + s->used, sizeof(s->log) - s->used, fmt, ap);
	va_end(ap);
}

static int on_added(void *ctx, const struct tce_watched *w)
{
	say(ctx, "added %" PRIu64 " entries=%" PRIu64 " mapped=%" PRIu64 " extents=%" PRIu64 "\n",
	    w->id, w->t.entries, w->counts.mapped, w->extents);
	return 0;
}

static int on_change(void *ctx, const struct tce_watched *w, const struct tce_diff *d,
		     const struct tce_change *c)
{
	(void)w;
	(void)d;
	say(ctx, "change %" PRIu64 "+%" PRIu64 " 0x%" PRIx64 "->0x%" PRIx64 "\n",
	    c->index, c->count, c->old_raw, c->new_raw);
	return 0;
}

static int on_removed(void *ctx, const struct tce_watched *w)
{
	say(ctx, "removed %" PRIu64 " mapped=%" PRIu64 "\n", w->id, w->counts.mapped);
	return 0;
}

static int on_error(void *ctx, const char *what, const struct tce_err *err)
{
	(void)what;
	(void)err;
	((struct seen *)ctx)->errors++;
	return 0;
}

static int refresh(struct tce_sampler *s, struct seen *seen)
{
	const struct tce_sampler_ops ops = { on_added, on_change, on_removed, on_error, seen };
	struct tce_err err = { 0 };

	seen->used = 0;
	seen->log[0] = '\0';
	return tce_sampler_refresh(s, &ops, &err);
}

static void target_of(struct tce_target *t, int fd)
{
	char text[64];
	struct tce_err err = { 0 };

	snprintf(text, sizeof(text), "%d:%d", (int)getpid(), fd);
	CHECK(tce_target_parse(strdup(text), t, &err) == 0);
}

TEST(sampler_reports_the_net_change_of_each_refresh)
{
	const uint64_t n = TCE_CHUNK_ENTRIES + 4096, edge = TCE_CHUNK_ENTRIES;
	struct memfd_table m;
	struct tce_sampler s;
	struct tce_target t;
	struct seen seen = { 0 };

	table_make(&m, n);
	m.tce[0] = 0x10003;
	m.tce[1] = 0x11003;
	target_of(&t, m.fd);
	tce_sampler_init(&s, &t, 1);

	CHECK(refresh(&s, &seen) == 0);
	CHECK_STR(seen.log, "added 1 entries=266240 mapped=2 extents=1\n");
	CHECK(s.count == 1 && s.w[0].added && s.w[0].detailed);

	/* Nothing changed: nothing said. */
	CHECK(refresh(&s, &seen) == 0);
	CHECK_STR(seen.log, "");
	CHECK(!s.w[0].added && !s.w[0].mapped && !s.w[0].unmapped && !s.w[0].changed);

	/* A run across the chunk boundary is one change; an unmap; a change of permission. */
	for (uint64_t k = 0; k < 4; k++)
		m.tce[edge - 2 + k] = (0x800000 + (k << 12)) | 3;
	m.tce[1] = 0;
	m.tce[0] = 0x10001;
	CHECK(refresh(&s, &seen) == 0);
	CHECK_STR(seen.log, "change 0+1 0x10003->0x10001\n"
			    "change 1+1 0x11003->0x0\n"
			    "change 262142+4 0x0->0x800003\n");
	CHECK_U64(s.w[0].mapped, 4);
	CHECK_U64(s.w[0].unmapped, 1);
	CHECK_U64(s.w[0].changed, 1);
	CHECK_U64(s.w[0].counts.mapped, 5);
	/* The run read in two chunks is one extent, as tcectl list counts it. */
	CHECK_U64(s.w[0].extents, 2);

	/* Focused, a table's changes are kept for a view of it. */
	s.focus = s.w[0].id;
	m.tce[edge] = 0;
	CHECK(refresh(&s, &seen) == 0);
	CHECK_STR(seen.log, "change 262144+1 0x802003->0x0\n");
	CHECK(s.focus_changes.count == 1 && s.focus_changes.ch[0].index == edge);

	/* Gone: removed, with its last figures, then forgotten. */
	table_drop(&m);
	CHECK(refresh(&s, &seen) == 0);
	CHECK_STR(seen.log, "removed 1 mapped=4\n");
	CHECK(s.count == 1 && s.w[0].removed);
	CHECK(refresh(&s, &seen) == 0);
	CHECK_STR(seen.log, "");
	CHECK(s.count == 0 && seen.errors == 0);
	tce_sampler_free(&s);
	free((void *)t.text);
}

TEST(sampler_follows_an_empty_table)
{
	struct memfd_table m;
	struct tce_sampler s;
	struct tce_target t;
	struct seen seen = { 0 };

	/* No extent in any chunk: nothing kept, nothing to copy. */
	table_make(&m, 8192);
	target_of(&t, m.fd);
	tce_sampler_init(&s, &t, 1);
	CHECK(refresh(&s, &seen) == 0);
	CHECK_STR(seen.log, "added 1 entries=8192 mapped=0 extents=0\n");
	CHECK(s.count == 1 && s.w[0].detailed && s.w[0].kept.count == 0);
	CHECK(refresh(&s, &seen) == 0);
	CHECK_STR(seen.log, "");
	m.tce[7] = 0x7003;
	CHECK(refresh(&s, &seen) == 0);
	CHECK_STR(seen.log, "change 7+1 0x0->0x7003\n");
	table_drop(&m);
	tce_sampler_free(&s);
	free((void *)t.text);
}

TEST(sampler_follows_a_table_of_too_many_runs_by_its_counts)
{
	const uint64_t n = 2 * TCE_KEEP_EXTENTS + 8;
	struct memfd_table m;
	struct tce_sampler s;
	struct tce_target t;
	struct seen seen = { 0 };

	table_make(&m, n);
	/* Every other entry mapped: one run each, past the cap. */
	for (uint64_t k = 0; k < n; k += 2)
		m.tce[k] = (k << 13) | 3;
	target_of(&t, m.fd);
	tce_sampler_init(&s, &t, 1);
	CHECK(refresh(&s, &seen) == 0);
	CHECK(s.count == 1 && !s.w[0].detailed);
	CHECK_U64(s.w[0].counts.mapped, n / 2);
	m.tce[0] = 0;
	CHECK(refresh(&s, &seen) == 0);
	CHECK_STR(seen.log, "");	/* no entry by entry changes: its counts alone */
	CHECK_U64(s.w[0].counts.mapped, n / 2 - 1);

	/* Once it fits again it is compared from the refresh after. */
	memset(m.tce, 0, m.bytes);
	CHECK(refresh(&s, &seen) == 0);
	CHECK(s.w[0].detailed && !s.w[0].compared);
	m.tce[3] = 0x5003;
	CHECK(refresh(&s, &seen) == 0);
	CHECK(s.w[0].compared);
	CHECK_STR(seen.log, "change 3+1 0x0->0x5003\n");
	table_drop(&m);
	tce_sampler_free(&s);
	free((void *)t.text);
}

TEST(sampler_sees_a_table_that_changed_length_as_removed_and_added)
{
	struct memfd_table m;
	struct tce_sampler s;
	struct tce_target t;
	struct seen seen = { 0 };
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	table_make(&m, 2 * page / 8);
	target_of(&t, m.fd);
	tce_sampler_init(&s, &t, 1);
	CHECK(refresh(&s, &seen) == 0);
	munmap(m.tce, m.bytes);
	CHECK(ftruncate(m.fd, (off_t)page) == 0);
	m.bytes = page;
	m.tce = mmap(NULL, m.bytes, PROT_READ | PROT_WRITE, MAP_SHARED, m.fd, 0);
	CHECK(refresh(&s, &seen) == 0);
	CHECK(strstr(seen.log, "added 2 entries=") != NULL);
	CHECK(strstr(seen.log, "removed 1 mapped=0\n") != NULL);
	table_drop(&m);
	tce_sampler_free(&s);
	free((void *)t.text);
}

TEST(sampler_reports_a_table_it_may_not_read_and_ignores_one_gone)
{
	struct tce_sampler s;
	struct tce_target t;
	struct seen seen = { 0 };
	/* A memfd this process does not map: no mapping of it is known. */
	int fd = memfd_create("unit-sampler-unmapped", MFD_CLOEXEC);

	CHECK(fd >= 0 && ftruncate(fd, 8192) == 0);
	target_of(&t, fd);
	tce_sampler_init(&s, &t, 1);
	tce_source_set_attach(TCE_ATTACH_MAPPING);
	/* There, but not to be read without holding it: an error, not an absence. */
	CHECK(refresh(&s, &seen) == 0);
	CHECK(seen.errors == 1 && s.count == 0);
	/* Gone: no error, as for a VMM between two lives of its table. */
	close(fd);
	seen.errors = 0;
	CHECK(refresh(&s, &seen) == 0);
	CHECK(seen.errors == 0 && s.count == 0);
	tce_source_set_attach(TCE_ATTACH_AUTO);
	tce_sampler_free(&s);
	free((void *)t.text);
}

TEST(sampler_follows_an_empty_table_of_two_chunks)
{
	struct memfd_table m;
	struct tce_sampler s;
	struct tce_target t;
	struct seen seen = { 0 };

	/* Two chunks with no extent in either: nothing kept, nothing copied. */
	table_make(&m, 2 * TCE_CHUNK_ENTRIES);
	target_of(&t, m.fd);
	tce_sampler_init(&s, &t, 1);
	CHECK(refresh(&s, &seen) == 0);
	CHECK_STR(seen.log, "added 1 entries=524288 mapped=0 extents=0\n");
	CHECK(s.count == 1 && s.w[0].detailed && s.w[0].kept.count == 0);
	m.tce[TCE_CHUNK_ENTRIES + 1] = 0x7003;
	CHECK(refresh(&s, &seen) == 0);
	CHECK_STR(seen.log, "change 262145+1 0x0->0x7003\n");
	table_drop(&m);
	tce_sampler_free(&s);
	free((void *)t.text);
}
