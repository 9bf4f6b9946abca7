// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "cursor.h"

static bool from_file(const struct tce_cursor *c)
{
	return c->s->target->kind == TCE_TARGET_FILE;
}

int tce_cursor_open(struct tce_cursor *c, struct tce_source *s, size_t i,
		    const struct addr_range *range, enum tce_cut cut, struct tce_err *err)
{
	*c = (struct tce_cursor){ .s = s, .i = i, .cut = cut };
	if (from_file(c))
		tce_source_meta(s, i, &c->t);
	else if (tce_source_attach(s, i, &c->t, 0, err))
		return -1;
	/*
	 * A table reached through its fd is held only while a chunk is read
	 * (DOMAIN, lifetime); its length is known now.
	 */
	tce_table_release(&c->t);
	if (tce_source_index_range(s, i, &c->t, range, &c->first, &c->end, err))
		return -1;
	c->next = c->first;
	c->buf = malloc(TCE_READ_BLOCK * sizeof(*c->buf));
	if (!c->buf)
		return tce_fail(err, TCE_EIO, "out of memory");
	/* A damaged file's table is refused before any of it is used. */
	return from_file(c) ? tce_source_file_check(s, i, c->buf, err) : 0;
}

/* Reattaches a table read through its fd, which must still be as long. */
static int reattach(struct tce_cursor *c, struct tce_err *err)
{
	struct tce_table now;
	char name[4200];

	if (from_file(c) || c->t.origin.via != TCE_VIA_FD)
		return 0;
	if (tce_source_attach(c->s, c->i, &now, 0, err))
		return -1;
	if (now.entries != c->t.entries) {
		tce_table_release(&now);
		tce_source_table_name(c->s, c->i, name, sizeof(name));
		return tce_fail(err, TCE_ENOTARGET,
				"table %s changed length while it was read (%llu entries, now %llu); run the command again",
				name, (unsigned long long)c->t.entries, (unsigned long long)now.entries);
	}
	c->t.tce = now.tce;
	c->t.map_len = now.map_len;
	return 0;
}

static const uint64_t *read_block(struct tce_cursor *c, uint64_t first, uint64_t n,
				  struct tce_err *err)
{
	if (from_file(c))
		return tce_source_file_read(c->s, c->i, first, n, c->buf, err) ? NULL : c->buf;
	return tce_table_read(&c->t, first, n, c->buf, err);
}

static int read_chunk(struct tce_cursor *c, uint64_t end, struct tce_err *err)
{
	int rc = reattach(c, err);

	if (!rc)
		tce_table_populate(&c->t, c->next, end);
	for (uint64_t i = c->next; !rc && i < end; i += TCE_READ_BLOCK) {
		uint64_t n = end - i < TCE_READ_BLOCK ? end - i : TCE_READ_BLOCK;
		const uint64_t *block = read_block(c, i, n, err);

		rc = block ? tce_extents_feed(&c->x, block, i, n, err) : -1;
	}
	tce_table_release(&c->t);
	return rc;
}

/* Empties the batch, keeping its memory for the next. */
static void batch_begin(struct tce_cursor *c, uint64_t first, uint64_t end)
{
	struct tce_extent *ext = c->x.ext;
	size_t capacity = c->x.capacity;

	tce_extents_begin(&c->x, first, end, c->t.geo.page_shift);
	c->x.ext = ext;
	c->x.capacity = capacity;
}

static void count_batch(struct tce_cursor *c)
{
	tce_extents_finish(&c->x);
	c->x.counts.entries = c->x.end - c->x.first;
	c->counts.entries += c->x.counts.entries;
	c->counts.mapped += c->x.counts.mapped;
	for (size_t p = 0; p < 4; p++)
		c->counts.by_perm[p] += c->x.counts.by_perm[p];
}

int tce_cursor_next(struct tce_cursor *c, struct tce_err *err)
{
	struct tce_extent *last;

	if (c->next >= c->end)
		return 0;
	batch_begin(c, c->holding ? c->held.index : c->next, c->next);
	if (c->holding && tce_extents_add(&c->x, c->held.index, c->held.count, c->held.raw, err))
		return -1;
	c->holding = false;
	/* Cut by extent, a batch reads on while it keeps fewer than TCE_KEEP_EXTENTS. */
	do {
		uint64_t end = c->end - c->next < TCE_CHUNK_ENTRIES ? c->end : c->next + TCE_CHUNK_ENTRIES;

		if (read_chunk(c, end, err))
			return -1;
		c->next = end;
	} while (c->cut == TCE_CUT_EXTENT && c->next < c->end && c->x.count < TCE_KEEP_EXTENTS);
	c->x.end = c->next;
	last = c->x.count ? &c->x.ext[c->x.count - 1] : NULL;
	/* The feed joins a run that goes on into the next chunk: hold it till then. */
	if (c->cut == TCE_CUT_EXTENT && c->next < c->end && last &&
	    last->index + last->count == c->next) {
		c->held = *last;
		c->holding = true;
		c->x.count--;
		c->x.end = c->held.index;
	}
	count_batch(c);
	return 1;
}

void tce_cursor_rewind(struct tce_cursor *c)
{
	c->next = c->first;
	c->holding = false;
	memset(&c->counts, 0, sizeof(c->counts));
}

void tce_cursor_close(struct tce_cursor *c)
{
	tce_table_release(&c->t);
	tce_extents_free(&c->x);
	free(c->buf);
	c->buf = NULL;
}
