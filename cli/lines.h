/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lines.h - the text line of an extent, shared by dump and diff, and the
 * column widths that keep a table's lines aligned.
 */
#ifndef TCECTL_LINES_H
#define TCECTL_LINES_H

#include <stdbool.h>
#include <stdint.h>

#include "../src/extents.h"
#include "../src/table.h"
#include "json.h"

/* Widths: hex digits of bus and guest addresses, decimal digits of counts. */
struct widths {
	unsigned ioba, gpa, index, pages;
};

/* Wide enough for table t and the extents x of it. */
struct widths table_widths(const struct tce_table *t, const struct tce_extents *x);

/* Grows w to fit the extents x of table t too. */
void widths_include(struct widths *w, const struct tce_table *t, const struct tce_extents *x);

/* "IOBA-IOBA GPA-GPA PERM PAGES" for count entries from index, the first raw. */
void print_extent_line(const struct tce_geometry *geo, uint64_t index, uint64_t count,
		       uint64_t raw, const struct widths *w);

/* The "gpa", "perm" and "raw" members of an entry's JSON object. */
void json_entry_value(struct json *j, uint64_t raw);

struct tce_diff;
struct tce_change;

/* JSON objects {kind, index, ioba, pages, old, new} of a change: per run, or per entry. */
void json_change(struct json *j, const struct tce_geometry *geo, const struct tce_diff *d,
		 const struct tce_change *c, bool per_entry);

/* "- " and "+ " extent lines of a change: per run, or per entry. */
void print_change(const struct tce_geometry *geo, const struct tce_diff *d,
		  const struct tce_change *c, bool per_entry, const struct widths *w);

#endif
