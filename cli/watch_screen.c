// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * watch_screen.c - the one place where tcectl watch touches curses.
 *
 * kvm_stat and ncdu are the models: curses is set up and torn down here
 * only, the signals that end watch are turned into a flag that the loop
 * reads (endwin is not async-signal-safe), and the terminal is given back
 * before watch exits, dies of a signal or reports an error.
 */
#include <curses.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/cursor.h"
#include "escape.h"
#include "fields.h"
#include "watch_screen.h"
#include "watch_term.h"

static SCREEN *screen;
static bool colors;
static volatile sig_atomic_t stop_signal;

enum { PAIR_ADDED = 1, PAIR_REMOVED, PAIR_CHANGED, PAIR_BAR, PAIR_ERROR };

/* Lines above the list: three of header, one of headings; one below, the status line. */
enum { LIST_FIRST = 4, TABLE_FIRST = 5 };

/* The VM column is cut to this many characters. */
enum { VM_WIDTH = 24 };

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

void screen_catch_signals(void)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP };

	for (size_t k = 0; k < sizeof(signals) / sizeof(signals[0]); k++) {
		/* No SA_RESTART: a signal ends the wait for a key at once (getch returns ERR). */
		struct sigaction sa = { .sa_handler = on_stop_signal }, old;

		if (sigaction(signals[k], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigemptyset(&sa.sa_mask);
		sigaction(signals[k], &sa, NULL);
	}
}

int screen_stop_signal(void)
{
	return stop_signal;
}

void screen_die_of(int sig)
{
	sigset_t set;

	screen_end();
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

int screen_begin(bool color, char *why, size_t len)
{
	static bool registered;
	const char *term = getenv("TERM");
	char safe[256];

	if (!term || !*term) {
		snprintf(why, len, "TERM is not set; set it to the terminal's type, or for scripts and logs use tcectl monitor");
		return -1;
	}
	/* newterm, not initscr: an unknown terminal is an error of ours, not an exit of curses. */
	screen = screen_term_known(STDOUT_FILENO) ? newterm(NULL, stdout, stdin) : NULL;
	if (!screen) {
		snprintf(why, len, "cannot drive terminal type '%s' (TERM); set TERM to the terminal's type, or for scripts and logs use tcectl monitor",
			 safe_text(term, safe, sizeof(safe)));
		return -1;
	}
	if (!registered) {
		atexit(screen_end);
		registered = true;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	/* Esc goes back at once, not after curses' second of waiting for a sequence. */
	set_escdelay(25);
	colors = color && has_colors();
	if (colors) {
		start_color();
		use_default_colors();
		init_pair(PAIR_ADDED, COLOR_GREEN, -1);
		init_pair(PAIR_REMOVED, COLOR_RED, -1);
		init_pair(PAIR_CHANGED, COLOR_YELLOW, -1);
		init_pair(PAIR_BAR, COLOR_CYAN, -1);
		init_pair(PAIR_ERROR, COLOR_RED, -1);
	}
	return 0;
}

void screen_end(void)
{
	if (!screen)
		return;
	endwin();
	delscreen(screen);
	screen = NULL;
}

int screen_key(int timeout_ms)
{
	timeout(timeout_ms);
	return getch();
}

size_t screen_list_height(void)
{
	return LINES > LIST_FIRST + 1 ? (size_t)(LINES - LIST_FIRST - 1) : 0;
}

size_t screen_table_height(void)
{
	return LINES > TABLE_FIRST + 1 ? (size_t)(LINES - TABLE_FIRST - 1) : 0;
}

/* Characters of UTF-8 text (or bytes of ASCII): the columns it takes. */
static size_t text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Bytes of s that hold its first `width` characters. */
static size_t text_bytes(const char *s, size_t width)
{
	size_t k = 0;

	for (; s[k] && width; width--)
		for (k++; ((unsigned char)s[k] & 0xc0) == 0x80; k++)
			;
	return k;
}

/* Text at the cursor, never past the right edge (curses would wrap it). */
static void put(const char *s, attr_t attr)
{
	int x = getcurx(stdscr);

	if (x < 0 || x >= COLS)
		return;
	attron(attr);
	addnstr(s, (int)text_bytes(s, (size_t)(COLS - x)));
	attroff(attr);
}

static __attribute__((format(printf, 3, 4))) void line(int y, attr_t attr, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	move(y, 0);
	clrtoeol();
	put(buf, attr);
}

static attr_t pair(int p, attr_t mono)
{
	return colors ? (attr_t)COLOR_PAIR(p) | mono : mono;
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void rate_total(char *buf, size_t len, bool known, double rate)
{
	watch_rate_text(known ? rate : -1, buf, len);
}

/* Line 0 of every view: where, when, how often. */
static void draw_title(const struct watch *w)
{
	char when[32] = "-";
	struct tm tm;

	if (w->refreshed && localtime_r(&w->refreshed, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	line(0, A_NORMAL, "tcectl watch - %s - %s - every %gs - refresh %llu", w->host, when,
	     w->interval, (unsigned long long)w->s.refreshes);
	if (w->paused)
		put("  PAUSED", A_BOLD | A_REVERSE);
}

static const char *sort_order(const struct watch_rows *r)
{
	if (r->sort == WCOL_TABLE)
		return r->reverse ? "by pid and fd, reversed" : "by pid and fd";
	if (watch_columns[r->sort].number)
		return r->reverse ? "smallest first" : "largest first";
	return r->reverse ? "Z to A" : "A to Z";
}

static void draw_list_header(const struct watch *w)
{
	const struct watch_totals *t = &w->rows.totals;
	char maps[16], unmaps[16], changes[16], more[512] = "";
	size_t used = 0;

	rate_total(maps, sizeof(maps), t->rates, t->maps);
	rate_total(unmaps, sizeof(unmaps), t->rates, t->unmaps);
	rate_total(changes, sizeof(changes), t->rates, t->changes);
	line(1, A_NORMAL, "%zu %s, %zu %s, %llu entries, %llu mapped; maps/s %s, unmaps/s %s, changes/s %s",
	     t->vms, plural(t->vms, "VM", "VMs"), t->tables, plural(t->tables, "table", "tables"),
	     (unsigned long long)t->entries, (unsigned long long)t->mapped, maps, unmaps, changes);
	used += (size_t)snprintf(more, sizeof(more), "sort %s, %s", watch_columns[w->rows.sort].name,
				 sort_order(&w->rows));
	if (w->rows.filter[0]) {
		char safe[128];

		used += (size_t)snprintf(more + used, sizeof(more) - used, "; filter '%s': %zu of %zu",
					 safe_text(w->rows.filter, safe, sizeof(safe)), w->rows.shown,
					 w->rows.count);
	}
	if (w->s.denied && used < sizeof(more))
		snprintf(more + used, sizeof(more) - used,
			 "; %zu %s could not be inspected (run as root to see them all)", w->s.denied,
			 plural(w->s.denied, "process", "processes"));
	line(2, A_NORMAL, "%s", more);
}

static const char *cell_text(const struct watch_row *row, enum watch_col c)
{
	return row->cell[c][0] ? row->cell[c] : "-";
}

static void column_widths(const struct watch_rows *r, size_t width[WCOL_COUNT])
{
	for (int c = 0; c < WCOL_COUNT; c++) {
		width[c] = strlen(watch_columns[c].name);
		for (size_t k = 0; k < r->shown; k++) {
			size_t n = text_width(cell_text(&r->row[k], (enum watch_col)c));

			if (n > width[c])
				width[c] = n;
		}
	}
	if (width[WCOL_VM] > VM_WIDTH)
		width[WCOL_VM] = VM_WIDTH;
	/* USE is its percentage ("100.0%"); the bar after it takes what is left. */
	width[WCOL_USE] = 6;
}

/* Appends text padded or cut to width; returns the bytes used in buf. */
static size_t add_cell(char *buf, size_t used, size_t len, const char *text, size_t width,
		       bool right)
{
	size_t n = text_width(text), bytes, pad;

	if (n > width) {
		bytes = text_bytes(text, width);
		n = width;
	} else {
		bytes = strlen(text);
	}
	pad = width - n;
	if (used + width * 4 + 2 > len)
		return used;
	if (right) {
		memset(buf + used, ' ', pad);
		used += pad;
	}
	memcpy(buf + used, text, bytes);
	used += bytes;
	if (!right) {
		memset(buf + used, ' ', pad);
		used += pad;
	}
	buf[used] = '\0';
	return used;
}

/* The bar's width: what the line leaves, at most 50; 0 (no bar) when under 5. */
static size_t bar_width(size_t x)
{
	size_t room = (size_t)COLS > x + 3 ? (size_t)COLS - x - 3 : 0;

	return room < 5 ? 0 : room > 50 ? 50 : room;
}

static void draw_headings(const struct watch_rows *r, const size_t width[WCOL_COUNT])
{
	char buf[1024] = "  ";
	size_t used = 2, sort_x = 0, sort_len = 0;

	for (int c = 0; c < WCOL_COUNT; c++) {
		if (c == (int)r->sort) {
			sort_x = used;
			sort_len = strlen(watch_columns[c].name);
			if (watch_columns[c].number && c != WCOL_USE)
				sort_x += width[c] - sort_len;
		}
		used = add_cell(buf, used, sizeof(buf), watch_columns[c].name, width[c],
				watch_columns[c].number && c != WCOL_USE);
		if (c + 1 < WCOL_COUNT && used + 1 < sizeof(buf)) {
			buf[used++] = ' ';
			buf[used] = '\0';
		}
	}
	move(3, 0);
	clrtoeol();
	put(buf, A_REVERSE);
	for (int x = getcurx(stdscr); x < COLS; x++)
		addch(' ' | A_REVERSE);
	if ((int)sort_x < COLS) {
		move(3, (int)sort_x);
		put(watch_columns[r->sort].name, A_REVERSE | A_BOLD | A_UNDERLINE);
	}
}

static void draw_row(int y, const struct watch_row *row, const size_t width[WCOL_COUNT],
		     bool selected)
{
	char buf[2048];
	size_t used = 0, bar, fill, bar_x;
	attr_t attr = A_NORMAL;

	buf[used++] = row->state;
	buf[used++] = ' ';
	buf[used] = '\0';
	for (int c = 0; c < WCOL_COUNT; c++) {
		used = add_cell(buf, used, sizeof(buf), cell_text(row, (enum watch_col)c), width[c],
				watch_columns[c].number);
		buf[used++] = ' ';
		buf[used] = '\0';
	}
	bar_x = used;
	bar = bar_width(bar_x);
	fill = (size_t)(row->use * (double)bar + 0.5);
	/* Any entry in use shows: a bar never looks empty for a table that is not. */
	if (!fill && row->use > 0)
		fill = 1;
	if (fill > bar)
		fill = bar;
	if (bar) {
		buf[used++] = '[';
		memset(buf + used, '#', fill);
		memset(buf + used + fill, '.', bar - fill);
		used += bar;
		buf[used++] = ']';
	}
	buf[used] = '\0';
	if (row->state == '+')
		attr = pair(PAIR_ADDED, A_BOLD);
	else if (row->state == '-')
		attr = pair(PAIR_REMOVED, A_DIM);
	if (selected)
		attr |= A_REVERSE;
	move(y, 0);
	clrtoeol();
	put(buf, attr);
	if (selected) {
		for (int x = getcurx(stdscr); x > 0 && x < COLS; x++)
			addch(' ' | attr);
	} else if (colors && fill && row->state == ' ' && (int)bar_x + 1 < COLS) {
		char hashes[64];

		memset(hashes, '#', fill);
		hashes[fill] = '\0';
		move(y, (int)bar_x + 1);
		put(hashes, pair(PAIR_BAR, A_NORMAL));
	}
}

static void draw_list(const struct watch *w)
{
	size_t width[WCOL_COUNT], height = screen_list_height();
	const struct watch_rows *r = &w->rows;

	draw_title(w);
	draw_list_header(w);
	column_widths(r, width);
	draw_headings(r, width);
	for (size_t k = 0; k < height; k++) {
		size_t n = w->list_top + k;
		int y = LIST_FIRST + (int)k;

		if (n < r->shown) {
			draw_row(y, &r->row[n], width, r->row[n].id == w->selected);
		} else if (n == 0) {
			line(y, A_NORMAL, "%s", !w->s.refreshes ? "reading the tables..." :
			     r->count ? "no table matches the filter" : "no tables");
		} else {
			move(y, 0);
			clrtoeol();
		}
	}
}

static void draw_table_header(const struct watch *w, const struct tce_watched *t)
{
	char label[64], liobn[32], device[64], vm[WATCH_CELL], type[1024], page[16], window[16];
	unsigned __int128 bytes;

	if (!t) {
		line(1, A_BOLD, "the table is gone: it was removed two refreshes ago");
		for (int y = 2; y < TABLE_FIRST; y++) {
			move(y, 0);
			clrtoeol();
		}
		return;
	}
	bytes = (unsigned __int128)t->t.entries << t->t.geo.page_shift;
	table_label(&t->t, label, sizeof(label));
	liobn_text(&t->t.geo, liobn, sizeof(liobn));
	table_device(&t->t, device, sizeof(device));
	safe_text(t->vm, vm, sizeof(vm));
	safe_text(table_type(&t->t), type, sizeof(type));
	format_size(page, sizeof(page), tce_page_size(&t->t.geo));
	if (bytes > UINT64_MAX)
		snprintf(window, sizeof(window), "16E");
	else
		format_size(window, sizeof(window), (uint64_t)bytes);
	line(1, A_BOLD, "table %s  vm %s  liobn %s  device %s  type %s", label, vm,
	     liobn[0] ? liobn : "-", device[0] ? device : "-", type);
	line(2, A_NORMAL, "%s pages from 0x%llx, window %s: %llu entries, %llu mapped (rw %llu, r %llu, w %llu), %llu extents",
	     page, (unsigned long long)t->t.geo.bus_offset, window, (unsigned long long)t->t.entries,
	     (unsigned long long)t->counts.mapped, (unsigned long long)t->counts.by_perm[3],
	     (unsigned long long)t->counts.by_perm[1], (unsigned long long)t->counts.by_perm[2],
	     (unsigned long long)t->extents);
	if (t->removed)
		line(3, pair(PAIR_REMOVED, A_BOLD), "removed at the last refresh: these are its last figures");
	else if (t->added)
		line(3, pair(PAIR_ADDED, A_BOLD), "found at the last refresh");
	else if (!t->detailed)
		line(3, A_BOLD, "at the last refresh: %llu mapped, %llu unmapped, %llu changed entries; "
		     "more than %u runs: followed by its counts alone, no extents kept",
		     (unsigned long long)t->mapped, (unsigned long long)t->unmapped,
		     (unsigned long long)t->changed, TCE_KEEP_EXTENTS);
	else
		line(3, A_NORMAL, "at the last refresh: %llu mapped, %llu unmapped, %llu changed entries%s",
		     (unsigned long long)t->mapped, (unsigned long long)t->unmapped,
		     (unsigned long long)t->changed,
		     w->changes_of != t->id ? " (marked from the next refresh on)" :
		     w->s.focus_truncated ? " (the first runs marked)" : "");
}

static void draw_table(const struct watch *w)
{
	const struct tce_watched *t = tce_sampler_find(&w->s, w->open);
	size_t height = screen_table_height();
	char buf[512];

	draw_title(w);
	draw_table_header(w, t);
	watch_line_headings(&w->lines, buf, sizeof(buf));
	line(TABLE_FIRST - 1, A_REVERSE, "%s", buf);
	for (int x = getcurx(stdscr); x > 0 && x < COLS; x++)
		addch(' ' | A_REVERSE);
	for (size_t k = 0; k < height; k++) {
		size_t n = w->table_top + k;
		int y = TABLE_FIRST + (int)k;

		if (t && n < w->lines.count) {
			char mark = w->lines.line[n].mark;

			watch_line_text(&w->lines, t, n, buf, sizeof(buf));
			line(y, mark == ' ' ? A_NORMAL : mark == '-' ? pair(PAIR_REMOVED, A_BOLD) :
				pair(PAIR_CHANGED, A_BOLD), "%s", buf);
		} else if (n == 0) {
			line(y, A_NORMAL, "%s", !t || t->removed ? "" :
			     !t->detailed ? "(its extents are not kept)" : "(no entry is mapped)");
		} else {
			move(y, 0);
			clrtoeol();
		}
	}
}

static const char *const help_text[] = {
	"tcectl watch: the TCE tables, refreshed like top",
	"",
	"In the list:",
	"  Up Down j k PgUp PgDn Home End   select a table",
	"  Enter          open the selected table: its extents, what changed marked",
	"  < >            sort by the column on the left, on the right",
	"  r              reverse the order",
	"  / f            filter by part of a VM name, or a PID (empty shows all)",
	"In a table:",
	"  Up Down PgUp PgDn Home End      scroll",
	"  Esc q Backspace Left            back to the list",
	"  marks: + mapped, * changed, - unmapped at the last refresh",
	"Everywhere:",
	"  p              pause or resume the refreshes",
	"  Space Ctrl-L   refresh now; while paused, one refresh",
	"  d              type the refresh interval, in seconds",
	"  + -            double, halve the interval (0.1 to 3600 s)",
	"  ?              this help",
	"  q              quit",
	"",
	"Rows: + a table found at the last refresh, - one gone (shown once more).",
	"MAP/s, UNMAP/s, CHG/s: entries mapped, unmapped and changed per second",
	"since the refresh before; - when not known.",
	"",
	"Press any key to go back.",
};

static void draw_help(const struct watch *w)
{
	draw_title(w);
	for (int y = 1; y < LINES - 1; y++) {
		size_t k = (size_t)y - 1;

		if (k < sizeof(help_text) / sizeof(help_text[0]))
			line(y, k == 0 ? A_BOLD : A_NORMAL, "%s", help_text[k]);
		else {
			move(y, 0);
			clrtoeol();
		}
	}
}

static void draw_status(const struct watch *w)
{
	int y = LINES - 1;

	if (w->prompt != PROMPT_NONE) {
		line(y, A_NORMAL, "%s: %s", w->prompt == PROMPT_FILTER ?
		     "filter (part of a VM name, or a PID; empty shows all)" :
		     "refresh interval in seconds (0.1 to 3600)", w->input);
		curs_set(1);
		return;
	}
	curs_set(0);
	if (w->note[0]) {
		line(y, A_BOLD, "%s", w->note);
	} else if (w->errors) {
		if (w->errors > 1)
			line(y, pair(PAIR_ERROR, A_BOLD), "error: %s (and %zu more)", w->error,
			     w->errors - 1);
		else
			line(y, pair(PAIR_ERROR, A_BOLD), "error: %s", w->error);
	} else if (w->view == VIEW_TABLE) {
		line(y, A_NORMAL, "Esc back  Up Down PgUp PgDn scroll  p pause  ? help   lines %zu-%zu of %zu",
		     w->lines.count ? w->table_top + 1 : 0,
		     w->table_top + screen_table_height() < w->lines.count ?
		     w->table_top + screen_table_height() : w->lines.count, w->lines.count);
	} else if (w->view == VIEW_LIST) {
		line(y, A_NORMAL, "q quit  ? help  Enter open  / filter  < > sort  r reverse  p pause  + - d interval");
	} else {
		move(y, 0);
		clrtoeol();
	}
}

void screen_draw(const struct watch *w)
{
	if (LINES < TABLE_FIRST + 2 || COLS < 20) {
		erase();
		mvaddnstr(0, 0, "terminal too small", COLS);
		refresh();
		return;
	}
	if (w->view == VIEW_HELP)
		draw_help(w);
	else if (w->view == VIEW_TABLE)
		draw_table(w);
	else
		draw_list(w);
	draw_status(w);
	refresh();
}
