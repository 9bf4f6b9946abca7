/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * watch.h - the state of tcectl watch, shared by its loop (watch.c),
 * which changes it, and its screen (watch_screen.c), which draws it.
 */
#ifndef TCECTL_WATCH_H
#define TCECTL_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../src/sampler.h"
#include "watch_rows.h"

/* Bounds of the refresh interval, in seconds. */
#define WATCH_INTERVAL_MIN 0.1
#define WATCH_INTERVAL_MAX 3600.0

enum watch_view {
	VIEW_LIST,		/* one row per table */
	VIEW_TABLE,		/* one table's extents */
	VIEW_HELP,
};

enum watch_prompt {
	PROMPT_NONE,
	PROMPT_FILTER,
	PROMPT_INTERVAL,
};

struct watch {
	struct tce_sampler s;
	struct watch_rows rows;
	struct watch_lines lines;	/* of the open table, in VIEW_TABLE */
	double interval;		/* seconds */
	bool paused;
	enum watch_view view;
	enum watch_view under_help;	/* where ? was pressed */
	uint64_t selected;		/* table id of the selected row; 0: none */
	size_t list_top;		/* first shown row on the screen */
	uint64_t open;			/* table id of VIEW_TABLE */
	size_t table_top;		/* first line on the screen */
	uint64_t changes_of;		/* whose changes s.focus_changes holds */
	enum watch_prompt prompt;
	char input[64];			/* what is typed at the prompt */
	char note[160];			/* a word on the last key, until the next */
	char error[512];		/* the last failure of the last refresh */
	size_t errors;			/* failures of the last refresh */
	char host[256];
	time_t refreshed;		/* wall clock of the last refresh */
	double last;			/* monotonic seconds of the last refresh; 0: none yet */
	double deadline;		/* of the next refresh */
	bool refresh_now;		/* asked for by a key, paused or not */
	bool utf8;			/* the locale's characters are UTF-8 */
};

#endif
