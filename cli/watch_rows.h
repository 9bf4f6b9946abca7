/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * watch_rows.h - what tcectl watch shows, as text: one row per table the
 * sampler follows, filtered and sorted, the totals of the header, and the
 * lines of one table's view.  No curses here: watch_screen.c draws these.
 */
#ifndef TCECTL_WATCH_ROWS_H
#define TCECTL_WATCH_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../src/sampler.h"

enum watch_col {
	WCOL_VM,
	WCOL_TABLE,
	WCOL_LIOBN,
	WCOL_DEVICE,
	WCOL_PAGE,
	WCOL_WINDOW,
	WCOL_MAPPED,
	WCOL_RW,
	WCOL_R,
	WCOL_W,
	WCOL_EXTENTS,
	WCOL_MAPS,
	WCOL_UNMAPS,
	WCOL_CHANGES,
	WCOL_USE,
	WCOL_COUNT
};

struct watch_column {
	const char *name;	/* heading */
	bool number;		/* right-aligned; sorts largest first */
};

extern const struct watch_column watch_columns[WCOL_COUNT];

/* A cell holds an escaped VM name (4 bytes per raw byte at worst), cut. */
#define WATCH_CELL 96

struct watch_row {
	uint64_t id;			/* the sampler's table id */
	char state;			/* ' ', '+' just added, '-' just removed */
	pid_t pid;
	int fd;
	uint64_t addr;
	char vm[64];			/* raw, for the filter */
	char cell[WCOL_COUNT][WATCH_CELL];
	double key[WCOL_COUNT];		/* numeric sort keys; a rate not known is -1 */
	double use;			/* mapped / entries, 0..1 */
};

struct watch_totals {
	size_t vms, tables;		/* live ones */
	uint64_t entries, mapped;
	double maps, unmaps, changes;	/* entries per second, when known */
	bool rates;			/* some table's rates are known */
};

struct watch_rows {
	struct watch_row *row;
	size_t count, capacity;
	size_t shown;			/* row[0, shown) match the filter, in order */
	enum watch_col sort;
	bool reverse;
	char filter[64];		/* VM name part or PID; "" shows all */
	struct watch_totals totals;
};

/*
 * Rows for every table of s after a refresh; elapsed is the seconds since
 * the refresh before (0 on the first: no rates).  utf8: the terminal shows
 * UTF-8, else names keep to ASCII.  Then orders them.  -1: out of memory.
 */
int watch_rows_build(struct watch_rows *r, const struct tce_sampler *s, double elapsed,
		     bool utf8);

/* Filters and sorts again, after the sort column, order or filter changed. */
void watch_rows_order(struct watch_rows *r);

/* Position of table id among the shown rows, or -1. */
long watch_rows_find(const struct watch_rows *r, uint64_t id);

void watch_rows_free(struct watch_rows *r);

/* A rate in entries per second as the columns show it: "0", "12", "1.5K". */
void watch_rate_text(double rate, char *buf, size_t len);

/* One line of a table's view: an extent, or a run unmapped at the last refresh. */
struct watch_line {
	uint64_t index, count;
	uint64_t raw;			/* first entry; for an unmapped run, what it held */
	char mark;			/* ' ', '+' mapped, '*' changed, '-' unmapped */
};

struct watch_lines {
	struct watch_line *line;
	size_t count, capacity;
	unsigned ioba_digits, gpa_digits, pages_digits;
};

/*
 * The lines of table w: its extents (joined where the sampler cut them at
 * a chunk), and, when changes holds its changes of the last refresh, the
 * runs it unmapped, in index order, each marked.  -1: out of memory.
 */
int watch_lines_build(struct watch_lines *l, const struct tce_watched *w,
		      const struct tce_diff *changes);

/* "IOBA-IOBA GPA-GPA PERM PAGES" of line k, aligned; and the headings to match. */
void watch_line_text(const struct watch_lines *l, const struct tce_watched *w, size_t k,
		     char *buf, size_t len);
void watch_line_headings(const struct watch_lines *l, char *buf, size_t len);

void watch_lines_free(struct watch_lines *l);

#endif
