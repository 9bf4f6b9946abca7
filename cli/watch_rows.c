// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../src/parse.h"
#include "../src/tce.h"
#include "digits.h"
#include "escape.h"
#include "fields.h"
#include "obuf.h"
#include "watch_rows.h"

const struct watch_column watch_columns[WCOL_COUNT] = {
	[WCOL_VM] = { "VM", false },
	[WCOL_TABLE] = { "TABLE", false },
	[WCOL_LIOBN] = { "LIOBN", false },
	[WCOL_DEVICE] = { "DEVICE", false },
	[WCOL_PAGE] = { "PAGE", true },
	[WCOL_WINDOW] = { "WINDOW", true },
	[WCOL_MAPPED] = { "MAPPED", true },
	[WCOL_RW] = { "RW", true },
	[WCOL_R] = { "R", true },
	[WCOL_W] = { "W", true },
	[WCOL_EXTENTS] = { "EXTENTS", true },
	[WCOL_MAPS] = { "MAP/s", true },
	[WCOL_UNMAPS] = { "UNMAP/s", true },
	[WCOL_CHANGES] = { "CHG/s", true },
	[WCOL_USE] = { "USE", true },
};

void watch_rate_text(double rate, char *buf, size_t len)
{
	static const char suffixes[] = "KMGT";
	unsigned i = 0;

	if (rate < 0) {
		snprintf(buf, len, "-");
		return;
	}
	/* A change or two in a long interval is no "0". */
	if (rate == 0 || rate >= 10) {
		if (rate < 9999.5) {
			snprintf(buf, len, "%.0f", rate);
			return;
		}
	} else {
		snprintf(buf, len, "%.1f", rate);
		return;
	}
	rate /= 1000;
	while (rate >= 999.5 && i + 1 < sizeof(suffixes) - 1) {
		rate /= 1000;
		i++;
	}
	snprintf(buf, len, rate < 99.95 ? "%.1f%c" : "%.0f%c", rate, suffixes[i]);
}

/*
 * A name another process chose, safe for the screen: escaped as in every
 * text output, and kept to ASCII when the terminal's locale is not UTF-8
 * (curses would draw each byte of a character as M-x).
 */
static void name_text(const char *raw, bool utf8, char *buf, size_t len)
{
	char safe[WATCH_CELL];
	size_t used = 0;

	safe_text(raw, safe, sizeof(safe));
	if (utf8) {
		snprintf(buf, len, "%s", safe);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)safe; *p && used + 5 <= len; p++) {
		if (*p < 0x80) {
			buf[used++] = (char)*p;
		} else {
			buf[used++] = '\\';
			buf[used++] = 'x';
			put_hex_byte(buf + used, *p);
			used += 2;
		}
	}
	buf[used] = '\0';
}

static void cell_u64(struct watch_row *row, enum watch_col c, uint64_t v)
{
	snprintf(row->cell[c], WATCH_CELL, "%llu", (unsigned long long)v);
	row->key[c] = (double)v;
}

static void cell_rate(struct watch_row *row, enum watch_col c, bool known, uint64_t entries,
		      double elapsed)
{
	double rate = known ? (double)entries / elapsed : -1;

	watch_rate_text(rate, row->cell[c], WATCH_CELL);
	row->key[c] = rate;
}

static void fill_row(struct watch_row *row, const struct tce_watched *w, double elapsed, bool utf8,
		     bool first)
{
	const struct tce_table *t = &w->t;
	unsigned __int128 window = (unsigned __int128)t->entries << t->geo.page_shift;
	/* Rates need the refresh before: not for a table just found, nor one gone. */
	bool rates = elapsed > 0 && w->detailed && !w->added && !w->removed;

	memset(row, 0, sizeof(*row));
	row->id = w->id;
	/* The tables of the first refresh were there before: none is new. */
	row->state = w->added && !first ? '+' : w->removed ? '-' : ' ';
	row->pid = t->origin.pid;
	row->fd = t->origin.fd;
	row->addr = t->origin.addr;
	snprintf(row->vm, sizeof(row->vm), "%s", w->vm);
	name_text(w->vm, utf8, row->cell[WCOL_VM], WATCH_CELL);
	table_label(t, row->cell[WCOL_TABLE], WATCH_CELL);
	liobn_text(&t->geo, row->cell[WCOL_LIOBN], WATCH_CELL);
	row->key[WCOL_LIOBN] = t->geo.has_liobn ? (double)t->geo.liobn : -1;
	table_device(t, row->cell[WCOL_DEVICE], WATCH_CELL);
	format_size(row->cell[WCOL_PAGE], WATCH_CELL, tce_page_size(&t->geo));
	row->key[WCOL_PAGE] = (double)tce_page_size(&t->geo);
	if (window > UINT64_MAX)
		snprintf(row->cell[WCOL_WINDOW], WATCH_CELL, "16E");
	else
		format_size(row->cell[WCOL_WINDOW], WATCH_CELL, (uint64_t)window);
	row->key[WCOL_WINDOW] = (double)window;
	cell_u64(row, WCOL_MAPPED, w->counts.mapped);
	cell_u64(row, WCOL_RW, w->counts.by_perm[3]);
	cell_u64(row, WCOL_R, w->counts.by_perm[1]);
	cell_u64(row, WCOL_W, w->counts.by_perm[2]);
	cell_u64(row, WCOL_EXTENTS, w->extents);
	cell_rate(row, WCOL_MAPS, rates, w->mapped, elapsed);
	cell_rate(row, WCOL_UNMAPS, rates, w->unmapped, elapsed);
	cell_rate(row, WCOL_CHANGES, rates, w->changed, elapsed);
	row->use = t->entries ? (double)w->counts.mapped / (double)t->entries : 0;
	snprintf(row->cell[WCOL_USE], WATCH_CELL, "%.1f%%", 100 * row->use);
	row->key[WCOL_USE] = row->use;
}

static void add_totals(struct watch_totals *tot, const struct watch_row *row,
		       const struct tce_watched *w)
{
	if (w->removed)
		return;
	tot->tables++;
	tot->entries += w->t.entries;
	tot->mapped += w->counts.mapped;
	if (row->key[WCOL_MAPS] >= 0) {
		tot->rates = true;
		tot->maps += row->key[WCOL_MAPS];
		tot->unmaps += row->key[WCOL_UNMAPS];
		tot->changes += row->key[WCOL_CHANGES];
	}
}

/* Processes holding live tables: a VM is its VMM process. */
static size_t count_vms(const struct tce_sampler *s)
{
	size_t vms = 0;

	for (size_t k = 0; k < s->count; k++) {
		bool before = false;

		if (s->w[k].removed)
			continue;
		for (size_t j = 0; j < k && !before; j++)
			before = !s->w[j].removed && s->w[j].t.origin.pid == s->w[k].t.origin.pid &&
				 s->w[j].start_time == s->w[k].start_time;
		vms += !before;
	}
	return vms;
}

int watch_rows_build(struct watch_rows *r, const struct tce_sampler *s, double elapsed,
		     bool utf8)
{
	if (s->count > r->capacity) {
		struct watch_row *row = realloc(r->row, s->count * sizeof(*row));

		if (!row)
			return -1;
		r->row = row;
		r->capacity = s->count;
	}
	r->count = s->count;
	memset(&r->totals, 0, sizeof(r->totals));
	for (size_t k = 0; k < s->count; k++) {
		fill_row(&r->row[k], &s->w[k], elapsed, utf8, s->refreshes <= 1);
		add_totals(&r->totals, &r->row[k], &s->w[k]);
	}
	r->totals.vms = count_vms(s);
	watch_rows_order(r);
	return 0;
}

static bool matches(const struct watch_row *row, const char *filter)
{
	char pid[32];

	if (!filter[0])
		return true;
	snprintf(pid, sizeof(pid), "%d", (int)row->pid);
	return !strcmp(pid, filter) || strcasestr(row->vm, filter);
}

/* qsort has no context argument: the order being applied. */
static const struct watch_rows *sorting;

static int compare_rows(const void *pa, const void *pb)
{
	const struct watch_row *a = pa, *b = pb;
	enum watch_col c = sorting->sort;
	int order = 0;

	if (watch_columns[c].number) {
		/* Largest first, as top shows the busiest first. */
		order = a->key[c] < b->key[c] ? 1 : a->key[c] > b->key[c] ? -1 : 0;
	} else if (c == WCOL_LIOBN && a->key[c] != b->key[c]) {
		order = a->key[c] < b->key[c] ? -1 : 1;
	} else if (c != WCOL_TABLE) {
		order = strcmp(a->cell[c], b->cell[c]);
	}
	if (sorting->reverse)
		order = -order;
	/* Ties, and the TABLE column, in the order of pid, fd and address. */
	if (!order && a->pid != b->pid)
		order = a->pid < b->pid ? -1 : 1;
	if (!order && a->fd != b->fd)
		order = a->fd < b->fd ? -1 : 1;
	if (!order && a->addr != b->addr)
		order = a->addr < b->addr ? -1 : 1;
	if (!order && a->id != b->id)
		order = a->id < b->id ? -1 : 1;
	if (c == WCOL_TABLE && sorting->reverse)
		order = -order;
	return order;
}

void watch_rows_order(struct watch_rows *r)
{
	size_t shown = 0;

	/* Matching rows first, then sorted among themselves. */
	for (size_t k = 0; k < r->count; k++) {
		if (!matches(&r->row[k], r->filter))
			continue;
		if (k != shown) {
			struct watch_row tmp = r->row[shown];

			r->row[shown] = r->row[k];
			r->row[k] = tmp;
		}
		shown++;
	}
	r->shown = shown;
	sorting = r;
	if (shown > 1)
		qsort(r->row, shown, sizeof(*r->row), compare_rows);
	sorting = NULL;
}

long watch_rows_find(const struct watch_rows *r, uint64_t id)
{
	for (size_t k = 0; k < r->shown; k++)
		if (r->row[k].id == id)
			return (long)k;
	return -1;
}

void watch_rows_free(struct watch_rows *r)
{
	free(r->row);
	r->row = NULL;
	r->count = r->capacity = r->shown = 0;
}

static int add_line(struct watch_lines *l, uint64_t index, uint64_t count, uint64_t raw, char mark)
{
	if (l->count == l->capacity) {
		size_t cap = l->capacity ? 2 * l->capacity : 64;
		struct watch_line *line = realloc(l->line, cap * sizeof(*line));

		if (!line)
			return -1;
		l->line = line;
		l->capacity = cap;
	}
	l->line[l->count++] = (struct watch_line){ index, count, raw, mark };
	if (dec_digits(count) > l->pages_digits)
		l->pages_digits = dec_digits(count);
	return 0;
}

/* The extent at kept[*k], joined with those that go on from it; *k moves past them. */
static struct tce_extent joined_extent(const struct tce_extents *x, size_t *k)
{
	struct tce_extent e = x->ext[(*k)++];

	while (*k < x->count) {
		const struct tce_extent *n = &x->ext[*k];
		uint64_t last = tce_extent_entry(x, &e, e.index + e.count - 1);

		if (n->index != e.index + e.count || n->raw != tce_next_page(last, x->page_shift))
			break;
		e.count += n->count;
		(*k)++;
	}
	return e;
}

/* '+' when the runs that reach e at the last refresh all mapped empty entries, '*' else. */
static char extent_mark(const struct tce_extent *e, const struct tce_diff *d, size_t *from)
{
	char mark = ' ';

	while (*from < d->count && d->ch[*from].index + d->ch[*from].count <= e->index)
		(*from)++;
	for (size_t m = *from; m < d->count && d->ch[m].index < e->index + e->count; m++) {
		if (!d->ch[m].new_raw)
			continue;
		mark = d->ch[m].old_raw || mark == '*' ? '*' : '+';
	}
	return mark;
}

int watch_lines_build(struct watch_lines *l, const struct tce_watched *w,
		      const struct tce_diff *changes)
{
	static const struct tce_diff none;
	const struct tce_extents *x = &w->kept;
	const struct tce_diff *d = changes ? changes : &none;
	uint64_t last_ioba;
	size_t k = 0, j = 0, from = 0;

	l->count = 0;
	l->pages_digits = 5;
	l->gpa_digits = 8;
	last_ioba = w->t.entries ? tce_ioba(&w->t.geo, w->t.entries - 1) +
				   (tce_page_size(&w->t.geo) - 1) : 0;
	l->ioba_digits = hex_digits(last_ioba) > 8 ? hex_digits(last_ioba) : 8;
	while (k < x->count || j < d->count) {
		size_t next = k;
		struct tce_extent e = { 0 };
		int rc;

		while (j < d->count && d->ch[j].new_raw)
			j++;
		if (k < x->count)
			e = joined_extent(x, &next);
		if (j < d->count && (k == x->count || d->ch[j].index < e.index)) {
			rc = add_line(l, d->ch[j].index, d->ch[j].count, d->ch[j].old_raw, '-');
			j++;
		} else if (k < x->count) {
			rc = add_line(l, e.index, e.count, e.raw, extent_mark(&e, d, &from));
			k = next;
		} else {
			break;
		}
		if (rc)
			return -1;
	}
	for (size_t n = 0; n < l->count; n++) {
		const struct watch_line *line = &l->line[n];
		uint64_t span = (line->count << w->t.geo.page_shift) - 1;
		uint64_t gpa = tce_gpa(line->raw), last = gpa + span < gpa ? UINT64_MAX : gpa + span;

		if (hex_digits(last) > l->gpa_digits)
			l->gpa_digits = hex_digits(last);
	}
	return 0;
}

void watch_line_text(const struct watch_lines *l, const struct tce_watched *w, size_t k,
		     char *buf, size_t len)
{
	const struct watch_line *line = &l->line[k];
	uint64_t span = (line->count << w->t.geo.page_shift) - 1;
	uint64_t ioba = tce_ioba(&w->t.geo, line->index), gpa = tce_gpa(line->raw);

	snprintf(buf, len, "%c 0x%0*llx-0x%0*llx 0x%0*llx-0x%0*llx %-4s %*llu%s", line->mark,
		 (int)l->ioba_digits, (unsigned long long)ioba,
		 (int)l->ioba_digits, (unsigned long long)(ioba + span),
		 (int)l->gpa_digits, (unsigned long long)gpa,
		 (int)l->gpa_digits, (unsigned long long)(gpa + span),
		 tce_perm_name(tce_perm(line->raw)), (int)l->pages_digits,
		 (unsigned long long)line->count, line->mark == '-' ? "  unmapped" : "");
}

void watch_line_headings(const struct watch_lines *l, char *buf, size_t len)
{
	snprintf(buf, len, "  %-*s %-*s %-4s %*s", 2 * (int)l->ioba_digits + 5, "IOBA",
		 2 * (int)l->gpa_digits + 5, "GPA", "PERM", (int)l->pages_digits, "PAGES");
}

void watch_lines_free(struct watch_lines *l)
{
	free(l->line);
	*l = (struct watch_lines){ 0 };
}
