// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * watch.c - tcectl watch: the tables of some VMMs, or of every one on the
 * host, on a screen refreshed like top's.
 *
 * The sampler (src/sampler.h) finds and reads the tables at each refresh,
 * through the VMM's own mapping, holding nothing between two; this file
 * parses the options, keeps the refresh clock and answers the keys.  The
 * wait for a key is the clock: it lasts until the next refresh is due, so
 * a key is answered at once and the refreshes do not drift.
 */
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/proc.h"
#include "../src/source.h"
#include "cli.h"
#include "escape.h"
#include "watch.h"
#include "watch_screen.h"

struct watch_options {
	struct tce_target *targets;
	size_t count;
	double interval;
	unsigned long long refreshes;	/* -n: exit after that many; 0: never */
};

enum {
	OPT_INTERVAL = 'd',
	OPT_COUNT = 'n',
};

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Refreshes:", 1 },
	{ "interval", OPT_INTERVAL, "SECONDS", 0,
	  "Refresh every SECONDS, from 0.1 to 3600 (default 1)", 0 },
	{ "count", OPT_COUNT, "COUNT", 0, "Exit after COUNT refreshes", 0 },
	{ 0 }
};

/* Seconds as a decimal number within the bounds, or -1. */
static double parse_interval(const char *text)
{
	char *end;
	double v;

	/* Decimal only: strtod would also take hex, "inf" and "nan". */
	if (!*text || strspn(text, "0123456789.") != strlen(text))
		return -1;
	v = strtod(text, &end);
	if (*end || v < WATCH_INTERVAL_MIN || v > WATCH_INTERVAL_MAX)
		return -1;
	return v;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct watch_options *o = state->input;
	struct tce_target *targets;
	char *end;

	switch (key) {
	case OPT_INTERVAL:
		o->interval = parse_interval(arg);
		if (o->interval < 0)
			exit(cli_error(TCE_EUSAGE, "--interval takes seconds from 0.1 to 3600, not '%s'",
				       arg));
		break;
	case OPT_COUNT:
		o->refreshes = strspn(arg, "0123456789") == strlen(arg) ? strtoull(arg, &end, 10) : 0;
		if (!o->refreshes || o->refreshes > 1000000000)
			exit(cli_error(TCE_EUSAGE, "--count takes a number of refreshes from 1, not '%s'",
				       arg));
		break;
	case ARGP_KEY_ARG:
		targets = realloc(o->targets, (o->count + 1) * sizeof(*targets));
		if (!targets)
			exit(cli_error(TCE_EIO, "out of memory"));
		o->targets = targets;
		cli_parse_target(arg, &o->targets[o->count]);
		if (o->targets[o->count].kind == TCE_TARGET_FILE)
			exit(cli_error(TCE_EUSAGE, "'%s' is a checkpoint file: watch follows live tables; "
				       "see a file with tcectl inspect or tcectl dump", arg));
		o->count++;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A target that cannot be read goes to the status line: watch goes on.
 * The message names the table or process, as on the other verbs' stderr.
 */
static int on_error(void *ctx, const char *what, const struct tce_err *err)
{
	struct watch *w = ctx;

	(void)what;
	snprintf(w->error, sizeof(w->error), "%s", err->msg);
	w->errors++;
	return 0;
}

static const struct tce_watched *open_table(const struct watch *w)
{
	return tce_sampler_find(&w->s, w->open);
}

/* The open table's lines, marked when its changes of the last refresh are known. */
static int build_lines(struct watch *w)
{
	const struct tce_watched *t = open_table(w);

	if (!t) {
		w->lines.count = 0;
		return 0;
	}
	return watch_lines_build(&w->lines, t, w->changes_of == t->id ? &w->s.focus_changes : NULL);
}

/* Keeps the selection on its table, or on the row where it was. */
static void keep_selection(struct watch *w, long was_at)
{
	const struct watch_rows *r = &w->rows;

	if (!r->shown) {
		w->selected = 0;
		return;
	}
	if (watch_rows_find(r, w->selected) >= 0)
		return;
	if (was_at < 0)
		was_at = 0;
	if ((size_t)was_at >= r->shown)
		was_at = (long)r->shown - 1;
	w->selected = r->row[was_at].id;
}

static int refresh_tables(struct watch *w, double elapsed, struct tce_err *err)
{
	long was_at = watch_rows_find(&w->rows, w->selected);
	int rc;

	/* The open table, or else the selected one, keeps its changes for the table view. */
	w->s.focus = w->open ? w->open : w->selected;
	w->errors = 0;
	w->error[0] = '\0';
	rc = tce_sampler_refresh(&w->s, &(struct tce_sampler_ops){ .error = on_error, .ctx = w }, err);
	if (rc < 0)
		return -1;
	w->changes_of = w->s.focus;
	time(&w->refreshed);
	if (watch_rows_build(&w->rows, &w->s, elapsed, w->utf8) ||
	    (w->open && build_lines(w)))
		return tce_fail(err, TCE_EIO, "out of memory");
	keep_selection(w, was_at);
	return 0;
}

static void set_interval(struct watch *w, double interval)
{
	if (interval < WATCH_INTERVAL_MIN)
		interval = WATCH_INTERVAL_MIN;
	if (interval > WATCH_INTERVAL_MAX)
		interval = WATCH_INTERVAL_MAX;
	w->interval = interval;
	/* A new interval counts from the last refresh. */
	if (w->last)
		w->deadline = w->last + interval;
	snprintf(w->note, sizeof(w->note), "refresh every %gs", interval);
}

/* Moves the selection by delta rows, within the list. */
static void select_move(struct watch *w, long delta)
{
	long at = watch_rows_find(&w->rows, w->selected), last = (long)w->rows.shown - 1;

	if (last < 0)
		return;
	at = at < 0 ? 0 : at + delta;
	if (at < 0)
		at = 0;
	if (at > last)
		at = last;
	w->selected = w->rows.row[at].id;
}

static void scroll_table(struct watch *w, long delta)
{
	long height = (long)screen_table_height();
	long last = (long)w->lines.count - height;
	long top = (long)w->table_top + delta;

	if (top > last)
		top = last;
	if (top < 0)
		top = 0;
	w->table_top = (size_t)top;
}

/* Scrolls the list so that the selected row is on the screen. */
static void show_selection(struct watch *w)
{
	size_t height = screen_list_height();
	long at = watch_rows_find(&w->rows, w->selected);

	if (w->rows.shown <= height)
		w->list_top = 0;
	else if (w->list_top > w->rows.shown - height)
		w->list_top = w->rows.shown - height;
	if (at < 0 || !height)
		return;
	if ((size_t)at < w->list_top)
		w->list_top = (size_t)at;
	else if ((size_t)at >= w->list_top + height)
		w->list_top = (size_t)at - height + 1;
}

static void open_selected(struct watch *w)
{
	if (!w->selected)
		return;
	w->open = w->selected;
	w->table_top = 0;
	w->view = VIEW_TABLE;
	if (build_lines(w))
		snprintf(w->note, sizeof(w->note), "out of memory: the extents cannot be shown");
}

static void close_table(struct watch *w)
{
	w->view = VIEW_LIST;
	w->open = 0;
	watch_lines_free(&w->lines);
}

static bool is_enter(int ch)
{
	return ch == '\n' || ch == '\r' || ch == KEY_ENTER;
}

static bool is_backspace(int ch)
{
	return ch == KEY_BACKSPACE || ch == 127 || ch == 8;
}

static void prompt_key(struct watch *w, int ch)
{
	size_t len = strlen(w->input);

	if (ch == 27) {
		w->prompt = PROMPT_NONE;
	} else if (is_backspace(ch)) {
		if (len)
			w->input[len - 1] = '\0';
	} else if (ch == 21) {	/* Ctrl-U, as in a shell */
		w->input[0] = '\0';
	} else if (is_enter(ch)) {
		if (w->prompt == PROMPT_FILTER) {
			snprintf(w->rows.filter, sizeof(w->rows.filter), "%s", w->input);
			watch_rows_order(&w->rows);
			keep_selection(w, 0);
			w->list_top = 0;
		} else if (w->input[0]) {
			double v = parse_interval(w->input);

			if (v < 0) {
				snprintf(w->note, sizeof(w->note),
					 "the interval takes seconds from 0.1 to 3600, not '%s'", w->input);
			} else {
				set_interval(w, v);
			}
		}
		w->prompt = PROMPT_NONE;
	} else if (ch >= 0x20 && ch < 0x7f && len + 1 < sizeof(w->input)) {
		w->input[len] = (char)ch;
		w->input[len + 1] = '\0';
	}
}

static void begin_prompt(struct watch *w, enum watch_prompt prompt)
{
	w->prompt = prompt;
	if (prompt == PROMPT_FILTER)
		snprintf(w->input, sizeof(w->input), "%s", w->rows.filter);
	else
		w->input[0] = '\0';
}

/*
 * The move a key asks for in a list of `total` lines shown `page` at a
 * time, the same in the table list and in one table's extents: true and
 * *delta when it is a moving key.
 */
static bool move_of(int ch, long page, long total, long *delta)
{
	switch (ch) {
	case KEY_UP: case 'k': *delta = -1; return true;
	case KEY_DOWN: case 'j': *delta = 1; return true;
	case KEY_PPAGE: *delta = -page; return true;
	case KEY_NPAGE: *delta = page; return true;
	case KEY_HOME: case 'g': *delta = -total; return true;
	case KEY_END: case 'G': *delta = total; return true;
	default: return false;
	}
}

static void list_key(struct watch *w, int ch)
{
	long delta;

	if (move_of(ch, (long)screen_list_height(), (long)w->rows.shown, &delta)) {
		select_move(w, delta);
		return;
	}
	switch (ch) {
	case '<':
		w->rows.sort = (enum watch_col)((w->rows.sort + WCOL_COUNT - 1) % WCOL_COUNT);
		watch_rows_order(&w->rows);
		break;
	case '>':
		w->rows.sort = (enum watch_col)((w->rows.sort + 1) % WCOL_COUNT);
		watch_rows_order(&w->rows);
		break;
	case 'r':
		w->rows.reverse = !w->rows.reverse;
		watch_rows_order(&w->rows);
		break;
	case '/': case 'f': begin_prompt(w, PROMPT_FILTER); break;
	default:
		if (is_enter(ch))
			open_selected(w);
	}
}

static void table_key(struct watch *w, int ch)
{
	long delta;

	if (move_of(ch, (long)screen_table_height(), (long)w->lines.count, &delta)) {
		scroll_table(w, delta);
		return;
	}
	switch (ch) {
	case 27: case 'q': case KEY_LEFT: close_table(w); break;
	default:
		if (is_backspace(ch))
			close_table(w);
	}
}

/* Answers a key; true when it asks watch to end. */
static bool key(struct watch *w, int ch)
{
	if (ch == KEY_RESIZE)
		return false;	/* the loop draws again at the new size */
	w->note[0] = '\0';
	if (w->prompt != PROMPT_NONE) {
		prompt_key(w, ch);
		return false;
	}
	if (w->view == VIEW_HELP) {
		w->view = w->under_help;
		return false;
	}
	switch (ch) {
	case 'q':
		if (w->view == VIEW_LIST)
			return true;
		break;
	case 'p':
		w->paused = !w->paused;
		return false;
	case '+':
		set_interval(w, w->interval * 2);
		return false;
	case '-':
		set_interval(w, w->interval / 2);
		return false;
	case 'd':
		begin_prompt(w, PROMPT_INTERVAL);
		return false;
	case ' ': case 12:	/* Ctrl-L */
		/* Now, and while paused a single step; the clock goes on from it. */
		w->refresh_now = true;
		clearok(curscr, TRUE);
		return false;
	case '?': case 'h':
		w->under_help = w->view;
		w->view = VIEW_HELP;
		return false;
	}
	if (w->view == VIEW_LIST)
		list_key(w, ch);
	else
		table_key(w, ch);
	return false;
}

/*
 * Refreshes and answers keys until q, the count of refreshes or a
 * signal.  0, or -1 with err set.
 */
static int run(struct watch *w, unsigned long long refreshes, struct tce_err *err)
{
	unsigned early_errs = 0;

	w->deadline = now_seconds();
	for (;;) {
		double now = now_seconds(), left, waited;
		int ch, wait_ms;
		bool due;

		if (screen_stop_signal())
			return 0;
		due = !w->paused && now >= w->deadline;
		if (due || w->refresh_now) {
			w->refresh_now = false;
			if (refresh_tables(w, w->last ? now - w->last : 0, err))
				return -1;
			w->last = now;
			/* Due an interval after the one before was: no drift. */
			w->deadline = due ? w->deadline + w->interval : now + w->interval;
			if (w->deadline <= now_seconds())
				w->deadline = now_seconds() + w->interval;
			if (refreshes && w->s.refreshes >= refreshes) {
				show_selection(w);
				screen_draw(w);
				return 0;
			}
		}
		if (w->view == VIEW_TABLE)
			scroll_table(w, 0);
		show_selection(w);
		screen_draw(w);
		left = w->deadline - now_seconds();
		/* Rounded up: a wait cut short would only come back to wait again. */
		wait_ms = w->paused ? -1 : left <= 0 ? 0 : (int)(left * 1000) + 1;
		waited = now_seconds();
		errno = 0;
		ch = screen_key(wait_ms);
		waited = now_seconds() - waited;
		/*
		 * No key long before the time was up, and no signal: the
		 * terminal's input has ended (a hangup whose SIGHUP is
		 * ignored, as under nohup).  Waiting again would spin.
		 */
		if (ch == ERR && errno != EINTR && wait_ms &&
		    (wait_ms < 0 || waited < (double)wait_ms / 2000))
			early_errs++;
		else
			early_errs = 0;
		if (early_errs == 100)
			return tce_fail(err, TCE_EIO, "the terminal's input has ended; for scripts and logs use tcectl monitor");
		if (ch != ERR && key(w, ch))
			return 0;
	}
}

/* Fails for a process that does not exist: a table of it may come, a process cannot. */
static void check_targets(const struct watch_options *o)
{
	for (size_t k = 0; k < o->count; k++)
		if (!proc_start_time(o->targets[k].pid))
			exit(cli_exit_status(cli_error(TCE_ENOTARGET,
				"no process with pid %d; check the pid with ps or tcectl list",
				(int)o->targets[k].pid)));
}

int do_watch(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &live_argp, 0, NULL, 0 }, { &help_argp, 0, NULL, 0 }, { 0 }
	};
	static const struct argp argp = {
		options, parse_opt, "[TARGET...]",
		"Show the TCE tables on a screen refreshed like top: one row per table, with "
		"what its guest mapped, unmapped and changed since the refresh before.\v"
		"With no TARGET, every VMM on the host is followed. TARGET is PID, vm:NAME "
		"(the VMM of that VM), PID:FD, PID@ADDR or PID:FD,KEY=VALUE,...; see tcectl-watch(1). Tables are read through "
		"the VMM's own mapping, holding nothing. Press ? for the keys, q to quit; "
		"for scripts and logs use tcectl monitor.",
		children, NULL, NULL
	};
	struct watch_options o = { .interval = 1 };
	struct watch w = { 0 };
	struct tce_err err = { 0 };
	const char *no_color;
	char why[512];
	int rc, sig;

	/* Never hold a table: its VMM must be able to re-create it at any time. */
	tce_source_set_attach(TCE_ATTACH_MAPPING);
	cli_parse(&argp, argc, argv, &o);
	check_targets(&o);
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		free(o.targets);
		if (!isatty(STDOUT_FILENO))
			return cli_error(TCE_EUSAGE,
					 "standard output is not a terminal; for scripts and logs use tcectl monitor");
		return cli_error(TCE_EUSAGE,
				 "standard input is not a terminal, and watch reads its keys there; for scripts and logs use tcectl monitor");
	}

	setlocale(LC_CTYPE, "");
	w.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	w.interval = o.interval;
	w.rows.sort = WCOL_VM;
	if (gethostname(w.host, sizeof(w.host) - 1))
		snprintf(w.host, sizeof(w.host), "?");
	else {
		char safe[sizeof(w.host)];

		snprintf(w.host, sizeof(w.host), "%s", safe_text(w.host, safe, sizeof(safe)));
	}
	tce_sampler_init(&w.s, o.targets, o.count);

	/* https://no-color.org: set and not empty. */
	no_color = getenv("NO_COLOR");
	screen_catch_signals();
	if (screen_begin(!no_color || !*no_color, why, sizeof(why))) {
		tce_sampler_free(&w.s);
		free(o.targets);
		return cli_error(TCE_EUSAGE, "%s", why);
	}
	rc = run(&w, o.refreshes, &err);
	screen_end();
	sig = screen_stop_signal();
	tce_sampler_free(&w.s);
	watch_rows_free(&w.rows);
	watch_lines_free(&w.lines);
	free(o.targets);
	if (sig)
		screen_die_of(sig);
	if (rc)
		return cli_exit_status(cli_report(&err));
	return 0;
}
