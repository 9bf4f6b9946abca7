/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * columns.h - a column registry for tabular output, after lsblk:
 * -o LIST picks columns, -o +LIST adds to the defaults, --list-columns
 * describes them, --raw drops the alignment, --json keys each value.
 */
#ifndef TCECTL_COLUMNS_H
#define TCECTL_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"

enum {
	COL_RIGHT = 1 << 0,	/* numbers: right-aligned */
	COL_DEFAULT = 1 << 1,	/* shown without -o */
};

struct column {
	const char *name;	/* heading and -o name */
	const char *key;	/* JSON key */
	unsigned flags;
	const char *help;
	/* Text of the value; "" prints as "-" except in --raw. */
	void (*text)(const void *row, char *buf, size_t len);
	void (*json)(struct json *j, const void *row);
	unsigned width;		/* at least this wide when aligned (a hint, as lsblk's) */
};

struct column_set {
	const struct column *all;
	size_t n_all;
	size_t *picked;		/* indexes into all, as many as -o names */
	size_t n_picked, capacity;
};

void columns_default(struct column_set *set, const struct column *all, size_t n_all);

/*
 * Applies -o LIST or -o +LIST.  On a bad name returns -1 with it in *bad;
 * out of memory, -1 with *bad NULL.
 */
int columns_pick(struct column_set *set, const char *list, const char **bad);

void columns_free(struct column_set *set);

void columns_list(const struct column_set *set);

/* Prints rows (an array of row_size-byte records) as an aligned table. */
void columns_print(const struct column_set *set, const void *rows, size_t n_rows,
		   size_t row_size, bool raw, bool noheadings);

/* One row as a JSON object keyed by the picked columns. */
void columns_json_row(const struct column_set *set, struct json *j, const void *row);

#endif
