// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "../src/diff.h"
#include "../src/tce.h"
#include "digits.h"
#include "lines.h"
#include "obuf.h"

void widths_include(struct widths *w, const struct tce_table *t, const struct tce_extents *x)
{
	uint64_t last_ioba = tce_ioba(&t->geo, t->entries - 1) + (tce_page_size(&t->geo) - 1);

	if (hex_digits(last_ioba) > w->ioba)
		w->ioba = hex_digits(last_ioba);
	for (size_t n = 0; n < x->count; n++) {
		const struct tce_extent *e = &x->ext[n];
		uint64_t last_gpa = tce_gpa(tce_extent_entry(x, e, e->index + e->count - 1));

		/* An entry's address need not be aligned to a page size given wrong. */
		if (last_gpa + (tce_page_size(&t->geo) - 1) < last_gpa)
			last_gpa = UINT64_MAX;
		else
			last_gpa += tce_page_size(&t->geo) - 1;

		if (hex_digits(last_gpa) > w->gpa)
			w->gpa = hex_digits(last_gpa);
		if (dec_digits(e->count) > w->pages)
			w->pages = dec_digits(e->count);
	}
	if (dec_digits(t->entries - 1) > w->index)
		w->index = dec_digits(t->entries - 1);
}

struct widths table_widths(const struct tce_table *t, const struct tce_extents *x)
{
	struct widths w = { 8, 8, 5, 5 };

	widths_include(&w, t, x);
	return w;
}

void print_extent_line(const struct tce_geometry *geo, uint64_t index, uint64_t count,
		       uint64_t raw, const struct widths *w)
{
	uint64_t span = (count << geo->page_shift) - 1;
	uint64_t ioba = tce_ioba(geo, index), gpa = tce_gpa(raw);
	const char *perm = tce_perm_name(tce_perm(raw));

	ob_hex(out, ioba, w->ioba);
	ob_putc(out, '-');
	ob_hex(out, ioba + span, w->ioba);
	ob_putc(out, ' ');
	ob_hex(out, gpa, w->gpa);
	ob_putc(out, '-');
	ob_hex(out, gpa + span, w->gpa);
	ob_putc(out, ' ');
	ob_puts(out, perm);
	ob_spaces(out, 5 - strlen(perm));
	ob_u64_right(out, count, w->pages);
	ob_putc(out, '\n');
}

void print_change(const struct tce_geometry *geo, const struct tce_diff *d,
		  const struct tce_change *c, bool per_entry, const struct widths *w)
{
	uint64_t step = per_entry ? 1 : c->count;

	for (uint64_t i = c->index; i < c->index + c->count; i += step) {
		if (c->old_raw) {
			ob_puts(out, "- ");
			print_extent_line(geo, i, step, tce_change_old(d, c, i), w);
		}
		if (c->new_raw) {
			ob_puts(out, "+ ");
			print_extent_line(geo, i, step, tce_change_new(d, c, i), w);
		}
	}
}

void json_entry_value(struct json *j, uint64_t raw)
{
	json_hex_field(j, "gpa", tce_gpa(raw));
	json_string_field(j, "perm", tce_perm_name(tce_perm(raw)));
	json_hex_field(j, "raw", raw);
}

static void json_value(struct json *j, const char *key, uint64_t raw)
{
	json_key(j, key);
	if (!raw) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_entry_value(j, raw);
	json_object_end(j);
}

void json_change(struct json *j, const struct tce_geometry *geo, const struct tce_diff *d,
		 const struct tce_change *c, bool per_entry)
{
	uint64_t step = per_entry ? 1 : c->count;

	for (uint64_t i = c->index; i < c->index + c->count; i += step) {
		json_object_begin(j);
		json_string_field(j, "kind", !c->old_raw ? "added" : !c->new_raw ? "removed" : "changed");
		json_u64_field(j, "index", i);
		json_hex_field(j, "ioba", tce_ioba(geo, i));
		json_u64_field(j, "pages", step);
		json_value(j, "old", tce_change_old(d, c, i));
		json_value(j, "new", tce_change_new(d, c, i));
		json_object_end(j);
	}
}
