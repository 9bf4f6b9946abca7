// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * monitor.c - tcectl monitor: the tables of some targets, or of the host,
 * refresh after refresh as JSON lines: every change the sampler finds
 * (src/sampler.h), or one line of counts per table and refresh
 * (--summary), like kvm_stat --log.  Nothing per entry is kept here: each
 * line goes out as the sampler reports it.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/cursor.h"
#include "../src/sampler.h"
#include "../src/source.h"
#include "../src/tce.h"
#include "cli.h"
#include "fields.h"
#include "visit.h"

#define NSEC 1000000000ULL

/* A (target, message) pair of an error event. */
struct seen_error {
	char *target;
	char *message;
};

struct error_set {
	struct seen_error *e;
	size_t count, capacity;
};

struct monitor {
	struct tce_target *targets;
	size_t count;
	uint64_t interval_ns;
	uint64_t max_refreshes;		/* --count; 0: no limit */
	uint64_t duration_ns;		/* --duration; 0: none */
	bool summary;
	/* The refresh under way: what each of its lines begins with. */
	struct json j;
	char time[48];
	uint64_t refresh;
	double seconds;			/* since the refresh before; 0 for the first */
	/* Errors of the refresh before, and of this one: each is said once while it lasts. */
	struct error_set before, now;
	size_t denied_said;
};

enum {
	OPT_INTERVAL = 'i',
	OPT_COUNT = 'c',
	OPT_DURATION = OPT_LONG_BASE,
	OPT_SUMMARY,
};

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Refreshes:", 1 },
	{ "interval", OPT_INTERVAL, "SECONDS", 0,
	  "Seconds between refreshes, 0.01 to 86400 (default 1)", 0 },
	{ "count", OPT_COUNT, "N", 0, "Exit after N refreshes", 0 },
	{ "duration", OPT_DURATION, "SECONDS", 0, "Exit after SECONDS", 0 },
	{ NULL, 0, NULL, 0, "What to print:", 2 },
	{ "summary", OPT_SUMMARY, NULL, 0,
	  "One line per table and refresh, with counts and rates, instead of every change", 0 },
	{ 0 }
};

/*
 * Seconds as a decimal number (1, 0.5, .25) into nanoseconds, within
 * [min, max]: no exponent, sign, hex, inf or nan, which strtod would take.
 */
static int parse_seconds(const char *s, uint64_t min, uint64_t max, uint64_t *ns)
{
	uint64_t whole = 0, frac = 0, scale = NSEC;
	const char *p = s;
	bool digits = false;

	for (; *p >= '0' && *p <= '9'; p++, digits = true)
		if ((whole = whole * 10 + (uint64_t)(*p - '0')) > max / NSEC + 1)
			return -1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, digits = true)
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*p - '0') * scale;
			}
	if (*p || !digits)
		return -1;
	*ns = whole * NSEC + frac;
	return *ns < min || *ns > max ? -1 : 0;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct monitor *m = state->input;
	char *end;

	switch (key) {
	case OPT_INTERVAL:
		if (parse_seconds(arg, NSEC / 100, 86400 * NSEC, &m->interval_ns))
			exit(cli_error(TCE_EUSAGE,
				       "--interval takes seconds from 0.01 to 86400, such as 0.5 or 2, not '%s'",
				       arg));
		break;
	case OPT_COUNT:
		errno = 0;
		m->max_refreshes = strtoull(arg, &end, 10);
		if (arg[0] < '0' || arg[0] > '9' || *end || errno || !m->max_refreshes)
			exit(cli_error(TCE_EUSAGE, "--count takes a number of refreshes from 1 up, not '%s'",
				       arg));
		break;
	case OPT_DURATION:
		if (parse_seconds(arg, NSEC / 100, 999999999 * NSEC, &m->duration_ns))
			exit(cli_error(TCE_EUSAGE,
				       "--duration takes seconds from 0.01 to 999999999, such as 60 or 0.5, not '%s'",
				       arg));
		break;
	case OPT_SUMMARY:
		m->summary = true;
		break;
	case ARGP_KEY_ARG:
		m->targets = realloc(m->targets, (m->count + 1) * sizeof(*m->targets));
		if (!m->targets)
			exit(cli_error(TCE_EIO, "out of memory"));
		cli_parse_live_target(arg, &m->targets[m->count],
				      "monitor follows live tables; compare checkpoint files with tcectl diff");
		m->count++;
		break;
	case ARGP_KEY_FINI:
		/* One object a line: indented JSON would not be JSON lines. */
		if (output.pretty)
			exit(cli_error(TCE_EUSAGE,
				       "--pretty would spread each object over many lines; monitor writes one a line: "
				       "indent them with jq"));
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* --- signals and waiting ---------------------------------------------------- */

/* The signal that asked monitor to end, or 0. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

/*
 * SIGINT, SIGTERM and SIGHUP end the run after the line being written;
 * one ignored at start (nohup) stays ignored.  A closed pipe is a write
 * that fails with EPIPE, not a signal: monitor then ends quietly.
 */
static void catch_stop_signals(sigset_t *set)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_stop_signal, .sa_flags = SA_RESTART };

	sigemptyset(set);
	sigfillset(&sa.sa_mask);
	for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++) {
		struct sigaction old;

		if (sigaction(sigs[k], NULL, &old) || old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[k], &sa, NULL);
		sigaddset(set, sigs[k]);
	}
	signal(SIGPIPE, SIG_IGN);
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
}

enum wait_end { WAITED, STOPPED, CLOSED };

/*
 * Sleeps until the monotonic clock reaches deadline (absolute, so that
 * refreshes do not drift), unless a stop signal comes or standard output
 * is a pipe whose reader has gone (POLLERR: `tcectl monitor | head -1`
 * ends as soon as head does, not at the next write).
 */
static enum wait_end wait_until(uint64_t deadline, const sigset_t *stop_set)
{
	static bool watch_out = true;
	enum wait_end end = WAITED;
	sigset_t run;

	/* Blocked from the check on, and unblocked by ppoll alone: none is missed. */
	sigprocmask(SIG_BLOCK, stop_set, &run);
	for (;;) {
		struct pollfd p = { .fd = STDOUT_FILENO, .events = 0 };
		uint64_t now = monotonic_ns(), left;
		struct timespec ts;
		int n;

		if (stop_signal) {
			end = STOPPED;
			break;
		}
		if (now >= deadline)
			break;
		left = deadline - now;
		ts = (struct timespec){ .tv_sec = (time_t)(left / NSEC), .tv_nsec = (long)(left % NSEC) };
		n = ppoll(&p, watch_out ? 1 : 0, &ts, &run);
		if (n > 0 && (p.revents & POLLNVAL))
			watch_out = false;
		else if (n > 0 && (p.revents & (POLLERR | POLLHUP))) {
			end = CLOSED;
			break;
		}
		/* Whatever else ppoll said (EINTR, a timeout), the loop checks again. */
	}
	sigprocmask(SIG_SETMASK, &run, NULL);
	return end;
}

/* --- lines ------------------------------------------------------------------ */

/* Non-zero once monitor should stop: a signal came, or output cannot be written. */
static int stopping(void)
{
	return stop_signal || out->error ? 1 : 0;
}

static void line_begin(struct monitor *m, const char *event)
{
	json_object_begin(&m->j);
	json_string_field(&m->j, "time", m->time);
	json_u64_field(&m->j, "refresh", m->refresh);
	json_string_field(&m->j, "event", event);
}

static int line_end(struct monitor *m)
{
	json_object_end(&m->j);
	ob_putc(out, '\n');
	return stopping();
}

/* vm, pid, fd, table, liobn: whose table a line is about. */
static void table_who(struct monitor *m, const struct tce_watched *w)
{
	char label[64];

	json_string_field(&m->j, "vm", w->vm);
	json_u64_field(&m->j, "pid", (uint64_t)w->t.origin.pid);
	json_fd_field(&m->j, &w->t);
	table_label(&w->t, label, sizeof(label));
	json_string_field(&m->j, "table", label);
	json_liobn_field(&m->j, &w->t.geo);
}

/* device ... extents: the table's geometry and counts, as list gives them. */
static void table_figures(struct monitor *m, const struct tce_watched *w)
{
	char device[32];

	table_device(&w->t, device, sizeof(device));
	json_string_or_null_field(&m->j, "device", device);
	json_u64_field(&m->j, "page_shift", w->t.geo.page_shift);
	json_hex_field(&m->j, "bus_offset", w->t.geo.bus_offset);
	json_u64_field(&m->j, "entries", w->t.entries);
	json_u64_field(&m->j, "mapped", w->counts.mapped);
	json_u64_field(&m->j, "rw", w->counts.by_perm[3]);
	json_u64_field(&m->j, "r", w->counts.by_perm[1]);
	json_u64_field(&m->j, "w", w->counts.by_perm[2]);
	json_u64_field(&m->j, "none", w->counts.by_perm[0]);
	json_u64_field(&m->j, "extents", w->extents);
}

static int table_line(struct monitor *m, const char *event, const struct tce_watched *w)
{
	line_begin(m, event);
	table_who(m, w);
	table_figures(m, w);
	return line_end(m);
}

/* gpa, perm and raw of one side of a change: null, null and "0x0" when empty. */
static void entry_side(struct json *j, const char *gpa, const char *perm, const char *raw_key,
		       uint64_t raw)
{
	json_hex_or_null_field(j, gpa, raw, tce_gpa(raw));
	json_string_or_null_field(j, perm, raw ? tce_perm_name(tce_perm(raw)) : NULL);
	json_hex_field(j, raw_key, raw);
}

static int on_added(void *ctx, const struct tce_watched *w)
{
	struct monitor *m = ctx;
	char name[64];

	/* Said once per table, not at every refresh. */
	table_label(&w->t, name, sizeof(name));
	warn_table(&w->t, name);
	return m->summary ? stopping() : table_line(m, "table-added", w);
}

static int on_removed(void *ctx, const struct tce_watched *w)
{
	struct monitor *m = ctx;

	return m->summary ? stopping() : table_line(m, "table-removed", w);
}

static int on_change(void *ctx, const struct tce_watched *w, const struct tce_diff *d,
		     const struct tce_change *c)
{
	struct monitor *m = ctx;

	(void)d;
	if (m->summary)
		return stopping();
	line_begin(m, !c->old_raw ? "map" : !c->new_raw ? "unmap" : "change");
	table_who(m, w);
	json_u64_field(&m->j, "index", c->index);
	json_u64_field(&m->j, "pages", c->count);
	json_hex_field(&m->j, "ioba", tce_ioba(&w->t.geo, c->index));
	entry_side(&m->j, "gpa", "perm", "raw", c->new_raw);
	entry_side(&m->j, "old_gpa", "old_perm", "old_raw", c->old_raw);
	return line_end(m);
}

/* --- errors ----------------------------------------------------------------- */

static bool error_known(const struct error_set *set, const char *target, const char *message)
{
	for (size_t k = 0; k < set->count; k++)
		if (!strcmp(set->e[k].target, target) && !strcmp(set->e[k].message, message))
			return true;
	return false;
}

static int error_add(struct error_set *set, const char *target, const char *message)
{
	struct seen_error e = { strdup(target), strdup(message) };

	if (e.target && e.message && set->count == set->capacity) {
		size_t cap = set->capacity ? 2 * set->capacity : 8;
		struct seen_error *grown = realloc(set->e, cap * sizeof(*grown));

		if (grown) {
			set->e = grown;
			set->capacity = cap;
		}
	}
	if (!e.target || !e.message || set->count == set->capacity) {
		free(e.target);
		free(e.message);
		return -1;
	}
	set->e[set->count++] = e;
	return 0;
}

static void error_set_clear(struct error_set *set)
{
	for (size_t k = 0; k < set->count; k++) {
		free(set->e[k].target);
		free(set->e[k].message);
	}
	set->count = 0;
}

/*
 * A target or table that cannot be read: an error line and the message
 * on stderr when it first appears, then nothing while it lasts (every
 * refresh meets it again).  A table found host-wide has no target.
 */
static int on_error(void *ctx, const char *what, const struct tce_err *err)
{
	struct monitor *m = ctx;
	const char *target = what ? what : "";

	if (error_known(&m->now, target, err->msg))
		return stopping();
	if (error_add(&m->now, target, err->msg))
		return cli_error(TCE_EIO, "out of memory");
	if (error_known(&m->before, target, err->msg))
		return stopping();
	cli_error(err->status, "%s", err->msg);
	line_begin(m, "error");
	json_string_or_null_field(&m->j, "target", target);
	json_u64_field(&m->j, "status", err->status);
	json_string_field(&m->j, "message", err->msg);
	return line_end(m);
}

/* --- refreshes -------------------------------------------------------------- */

static void json_rate(struct json *j, const char *key, uint64_t n, double seconds)
{
	char num[48];

	snprintf(num, sizeof(num), "%.3f", seconds > 0 ? (double)n / seconds : 0.0);
	json_key(j, key);
	json_number(j, num);
}

static int summary_line(struct monitor *m, const struct tce_watched *w)
{
	/* Change counts exist where the refresh before kept the entries. */
	bool counted = w->added || w->removed || w->compared;
	double seconds = w->added || w->removed ? 0 : m->seconds;
	char num[48];

	line_begin(m, "summary");
	snprintf(num, sizeof(num), "%.3f", m->seconds);
	json_key(&m->j, "interval");
	json_number(&m->j, num);
	json_string_field(&m->j, "state", w->added ? "added" : w->removed ? "removed" : "kept");
	table_who(m, w);
	table_figures(m, w);
	if (counted) {
		json_u64_field(&m->j, "maps", w->mapped);
		json_u64_field(&m->j, "unmaps", w->unmapped);
		json_u64_field(&m->j, "changes", w->changed);
		json_rate(&m->j, "maps_per_s", w->mapped, seconds);
		json_rate(&m->j, "unmaps_per_s", w->unmapped, seconds);
		json_rate(&m->j, "changes_per_s", w->changed, seconds);
	} else {
		static const char *const keys[] = { "maps", "unmaps", "changes", "maps_per_s",
						    "unmaps_per_s", "changes_per_s" };

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			json_key(&m->j, keys[k]);
			json_null(&m->j);
		}
	}
	return line_end(m);
}

/*
 * After a refresh: a warning for a table whose entries are no longer kept
 * (it is followed by its counts alone), and the errors of this refresh
 * become those of the one before.
 */
static int refresh_done(struct monitor *m, const struct tce_sampler *s)
{
	struct error_set swap;

	for (size_t k = 0; k < s->count; k++) {
		const struct tce_watched *w = &s->w[k];
		char name[64];

		if (w->removed)
			continue;
		if (!w->detailed && (w->added || w->compared)) {
			table_label(&w->t, name, sizeof(name));
			cli_warn("table %s holds more than %u runs of entries: its counts are followed, "
				 "its changes are not", name, TCE_KEEP_EXTENTS);
		}
	}
	error_set_clear(&m->before);
	swap = m->before;
	m->before = m->now;
	m->now = swap;
	if (s->denied && s->denied != m->denied_said) {
		cli_warn("%zu processes could not be inspected; run as root or with CAP_SYS_PTRACE to see them all",
			 s->denied);
		m->denied_said = s->denied;
	}
	return 0;
}

/* The wall-clock time of the refresh, as RFC 3339 UTC with milliseconds. */
static void format_time(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char date[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03uZ", date, (unsigned)(ts.tv_nsec / 1000000) % 1000);
}

/* Every target's process must be there at the start; its tables may come and go later. */
static void check_targets(const struct monitor *m)
{
	for (size_t k = 0; k < m->count; k++) {
		struct proc_info info;
		struct tce_err err = { 0 };

		if (proc_info_read(m->targets[k].pid, &info, &err))
			exit(cli_report(&err));
	}
}

/*
 * One refresh: the sampler's report as lines, then with --summary a line
 * per table.  Returns 0, 1 to stop (a signal, output that cannot be
 * written), or an exit status above 1.
 */
static int refresh(struct monitor *m, struct tce_sampler *s, uint64_t *last_ns)
{
	const struct tce_sampler_ops ops = { on_added, on_change, on_removed, on_error, m };
	struct tce_err err = { 0 };
	uint64_t now = monotonic_ns();
	int rc;

	format_time(m->time, sizeof(m->time));
	m->seconds = m->refresh > 1 ? (double)(now - *last_ns) / NSEC : 0;
	*last_ns = now;
	rc = tce_sampler_refresh(s, &ops, &err);
	if (rc < 0)
		return cli_report(&err);
	for (size_t k = 0; !rc && m->summary && k < s->count; k++)
		rc = summary_line(m, &s->w[k]);
	if (!rc)
		rc = refresh_done(m, s);
	ob_flush(out);
	return rc ? rc : stopping();
}

static int run(struct monitor *m)
{
	struct tce_sampler s;
	sigset_t stop_set;
	uint64_t start, deadline, end, last = 0;
	int rc = 0;

	catch_stop_signals(&stop_set);
	tce_sampler_init(&s, m->targets, m->count);
	json_init(&m->j, out, false);
	start = deadline = monotonic_ns();
	end = m->duration_ns ? start + m->duration_ns : UINT64_MAX;
	for (m->refresh = 1;; m->refresh++) {
		uint64_t now;

		rc = refresh(m, &s, &last);
		if (rc || (m->max_refreshes && m->refresh == m->max_refreshes))
			break;
		/*
		 * The next beat of the interval from the first refresh.  One
		 * that took longer skips the beats it overran: refreshes never
		 * run back to back, whatever the tables cost to read.
		 */
		now = monotonic_ns();
		deadline += m->interval_ns;
		if (deadline <= now)
			deadline += ((now - deadline) / m->interval_ns + 1) * m->interval_ns;
		if (wait_until(deadline < end ? deadline : end, &stop_set) != WAITED || deadline >= end)
			break;
	}
	tce_sampler_free(&s);
	/* A signal or a closed pipe is how a monitor is meant to end. */
	return rc > 1 ? rc : 0;
}

int do_monitor(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &common_argp, 0, NULL, 0 }, { &live_argp, 0, NULL, 0 }, { 0 }
	};
	static const struct argp argp = {
		options, parse_opt, "[TARGET...]",
		"Follow TCE tables as JSON lines: every change, or counts per interval.\v"
		"With no TARGET, every process on the host is followed. TARGET is PID, vm:NAME "
		"(the VMM of that VM), PID:FD, PID@ADDR or PID:FD,KEY=VALUE,... with keys shift, page, offset, liobn and entries: "
		"live tables only, never a checkpoint file. "
		"Tables are read through the VMM's own mapping of them; one whose mapping is not "
		"known is an error line unless --attach=fd is given. See tcectl-monitor(1).",
		children, NULL, NULL
	};
	struct monitor m = { .interval_ns = NSEC };
	int status;

	/* Never a table held: the mapping or nothing, unless --attach says otherwise. */
	tce_source_set_attach(TCE_ATTACH_MAPPING);
	cli_parse(&argp, argc, argv, &m);
	check_targets(&m);
	/* Every line is JSON; an error met while following is one of them. */
	cli_json_document_begun();
	status = run(&m);
	error_set_clear(&m.before);
	error_set_clear(&m.now);
	free(m.before.e);
	free(m.now.e);
	free(m.targets);
	return cli_finish(status);
}
