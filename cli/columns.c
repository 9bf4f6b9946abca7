// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "columns.h"
#include "digits.h"

static int add_column(struct column_set *set, size_t i)
{
	if (set->n_picked == set->capacity) {
		size_t cap = set->capacity ? 2 * set->capacity : 32;
		size_t *picked = realloc(set->picked, cap * sizeof(*picked));

		if (!picked)
			return -1;
		set->picked = picked;
		set->capacity = cap;
	}
	set->picked[set->n_picked++] = i;
	return 0;
}

void columns_default(struct column_set *set, const struct column *all, size_t n_all)
{
	size_t *picked = set->picked, capacity = set->capacity;

	*set = (struct column_set){ .all = all, .n_all = n_all, .picked = picked,
				    .capacity = capacity };
	for (size_t i = 0; i < n_all; i++)
		if (all[i].flags & COL_DEFAULT)
			add_column(set, i);
}

void columns_free(struct column_set *set)
{
	free(set->picked);
	set->picked = NULL;
	set->n_picked = set->capacity = 0;
}

int columns_pick(struct column_set *set, const char *list, const char **bad)
{
	static char name[64];
	const char *p = list;

	if (*p == '+')
		p++;
	else
		set->n_picked = 0;
	/* Every comma-separated name must be a column: "" too, as in "pid,". */
	for (;;) {
		size_t len = strcspn(p, ","), i;

		for (i = 0; i < set->n_all; i++)
			if (strlen(set->all[i].name) == len && !strncasecmp(set->all[i].name, p, len))
				break;
		if (i == set->n_all) {
			snprintf(name, sizeof(name), "%.*s", (int)len, p);
			*bad = name;
			return -1;
		}
		if (add_column(set, i)) {
			*bad = NULL;
			return -1;
		}
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

void columns_list(const struct column_set *set)
{
	for (size_t i = 0; i < set->n_all; i++)
		ob_printf(out, "%-10s %s\n", set->all[i].name, set->all[i].help);
}

void columns_json_row(const struct column_set *set, struct json *j, const void *row)
{
	json_object_begin(j);
	for (size_t c = 0; c < set->n_picked; c++) {
		const struct column *col = &set->all[set->picked[c]];

		json_key(j, col->key);
		col->json(j, row);
	}
	json_object_end(j);
}

/* --raw: one space between cells, and spaces inside a cell escaped (lsblk). */
static void raw_cell(const char *cell, bool separate)
{
	if (separate)
		ob_putc(out, ' ');
	for (; *cell; cell++) {
		unsigned char ch = (unsigned char)*cell;

		if (ch <= ' ' || ch == '\\' || ch >= 0x7f) {
			char esc[4] = { '\\', 'x' };

			put_hex_byte(esc + 2, ch);
			ob_write(out, esc, sizeof(esc));
		} else {
			ob_putc(out, (char)ch);
		}
	}
}

void columns_print(const struct column_set *set, const void *rows, size_t n_rows,
		   size_t row_size, bool raw, bool noheadings)
{
	const char *base = rows;
	size_t *width = calloc(set->n_picked ? set->n_picked : 1, sizeof(*width));
	char cell[256];

	/* No memory to align: one space between cells still reads. */
	if (!width)
		raw = true;

	for (size_t c = 0; width && c < set->n_picked; c++) {
		const struct column *col = &set->all[set->picked[c]];

		width[c] = noheadings ? 1 : strlen(col->name);
		if (width[c] < col->width)
			width[c] = col->width;
		for (size_t r = 0; r < n_rows; r++) {
			col->text(base + r * row_size, cell, sizeof(cell));
			if (strlen(cell) > width[c])
				width[c] = strlen(cell);
		}
	}
	for (size_t r = noheadings; r <= n_rows; r++) {
		for (size_t c = 0; c < set->n_picked; c++) {
			const struct column *col = &set->all[set->picked[c]];
			bool last = c + 1 == set->n_picked;
			size_t len;

			if (r == 0)
				snprintf(cell, sizeof(cell), "%s", col->name);
			else
				col->text(base + (r - 1) * row_size, cell, sizeof(cell));
			if (!cell[0] && !raw)
				strcpy(cell, "-");
			if (raw) {
				raw_cell(cell, c > 0);
				continue;
			}
			len = strlen(cell);
			if (c)
				ob_putc(out, ' ');
			if ((col->flags & COL_RIGHT) && width[c] > len)
				ob_spaces(out, width[c] - len);
			ob_write(out, cell, len);
			if (!(col->flags & COL_RIGHT) && !last && width[c] > len)
				ob_spaces(out, width[c] - len);
		}
		ob_putc(out, '\n');
	}
	free(width);
}
