// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metrics.c - tcectl metrics: the tables as Prometheus metrics, on
 * standard output or atomically into node_exporter's textfile directory.
 *
 * Tables are read as list reads them (visit.h), one target at a time so
 * that each target's success is a series of its own.  Every per-table
 * series carries one identifying label, table (PID:FD or PID@ADDR,
 * unique on the host); the names that describe a table are the labels
 * of tcectl_table_info alone, to be joined on table.
 *
 * Findings are counted by check's engine (check.h) once every table is
 * read, each table reached again as it was then.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/check.h"
#include "../src/checkpoint.h"
#include "../src/outfile.h"
#include "../src/prom.h"
#include "cli.h"
#include "fields.h"
#include "visit.h"
#include "vms.h"

/* What a table's series say, kept once the table is released. */
struct metrics_row {
	char table[80];
	pid_t pid_num;
	char pid[16];
	char fd[16];
	char comm[sizeof(((struct tce_origin *)0)->comm)];
	char vm[sizeof(((struct tce_vminfo *)0)->name)];
	char liobn[24];
	char device[160];
	char source[16];
	char type[16];
	uint64_t entries;
	struct tce_counts counts;
	char window_bytes[24];	/* exact: a window can cover 2^64 bytes */
	uint64_t findings[TCE_SEV_COUNT];	/* check's, by enum tce_severity */
	bool findings_known;	/* false: check could not read the target */
};

struct metrics {
	struct tce_target *targets;
	size_t count;
	const char *textfile_dir;
	struct metrics_row *rows;
	size_t n_rows;
	bool *target_up;
	bool host;		/* the targets are the host's */
	struct cli_vms vms;	/* VM and device names, RAM size: QEMU's monitor or libvirt */
	int status;		/* of check's errors */
};

/*
 * A per-table family split by one label: the sum over the label is
 * meaningful (mapped entries by permission sum to the mapped ones), so
 * the total is a family of its own, never a series among the parts.
 */
struct split {
	const char *label;
	const char *const *values;
	size_t n_values;
	uint64_t (*value)(const struct metrics_row *r, size_t k);
};

struct table_family {
	const char *name;
	const char *help;
	uint64_t (*value)(const struct metrics_row *r);	/* NULL: split or window */
	const struct split *split;
	bool (*known)(const struct metrics_row *r);	/* NULL: always; false: no sample */
};

static uint64_t entries(const struct metrics_row *r) { return r->entries; }
static uint64_t mapped(const struct metrics_row *r) { return r->counts.mapped; }

/* by_perm is indexed by the permission bits: 0 none, 1 r, 2 w, 3 rw. */
static const char *const permissions[] = { "rw", "r", "w", "none" };
static uint64_t by_permission(const struct metrics_row *r, size_t k)
{
	static const unsigned bits[] = { 3, 1, 2, 0 };

	return r->counts.by_perm[bits[k]];
}
static const struct split permission_split = { "permission", permissions, 4, by_permission };

static const char *const severities[] = { "critical", "warning", "notice" };
static uint64_t by_severity(const struct metrics_row *r, size_t k)
{
	static const enum tce_severity sev[] = { TCE_SEV_CRITICAL, TCE_SEV_WARNING, TCE_SEV_NOTICE };

	return r->findings[sev[k]];
}
static const struct split severity_split = { "severity", severities, 3, by_severity };
static bool findings_known(const struct metrics_row *r) { return r->findings_known; }

static const struct table_family table_families[] = {
	{ "tcectl_table_entries", "Entries in the table's DMA window.", entries, NULL, NULL },
	{ "tcectl_table_mapped_entries", "Non-zero entries: those that map a guest page.", mapped, NULL, NULL },
	{ "tcectl_table_mapped_entries_by_permission",
	  "Non-zero entries by what they let the device do: rw, r (read only), w (write only), "
	  "none (an address without permission bits); they sum to tcectl_table_mapped_entries.",
	  NULL, &permission_split, NULL },
	{ "tcectl_table_window_bytes", "Bytes of IO bus address space the table's window covers.",
	  NULL, NULL, NULL },
	{ "tcectl_table_findings",
	  "Findings tcectl check reports about the table, by severity; an alias between two tables "
	  "counts once, on the table check reports it on.",
	  NULL, &severity_split, findings_known },
};

enum { OPT_TEXTFILE_DIR = OPT_LONG_BASE };

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Output:", 1 },
	{ "textfile-dir", OPT_TEXTFILE_DIR, "DIR", 0,
	  "Write DIR/tcectl.prom atomically, for node_exporter's textfile collector, instead of "
	  "standard output", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct metrics *m = state->input;

	switch (key) {
	case OPT_TEXTFILE_DIR:
		if (!arg[0])
			exit(cli_error(TCE_EUSAGE, "--textfile-dir needs a directory, not ''"));
		m->textfile_dir = arg;
		break;
	case ARGP_KEY_ARG:
		m->targets = realloc(m->targets, (m->count + 1) * sizeof(*m->targets));
		if (!m->targets)
			exit(cli_error(TCE_EIO, "out of memory"));
		/* A file's tables have no process: their labels would not be unique. */
		cli_parse_live_target(arg, &m->targets[m->count],
				      "metrics reads live tables; see a checkpoint file with tcectl inspect");
		m->count++;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The names of t's VMM, asked once per process. */
static const struct tce_vminfo *vminfo_of(void *ctx, pid_t pid)
{
	struct metrics *m = ctx;
	struct tce_vminfo *vi = cli_vms_get(&m->vms, pid, "names from QEMU's records");

	if (!vi)
		exit(cli_error(TCE_EIO, "out of memory"));
	return vi;
}

static void fill_row(struct metrics *m, struct metrics_row *r, const struct tce_table *t,
		     const struct tce_counts *counts)
{
	const struct tce_vminfo *vi = vminfo_of(m, t->origin.pid);

	unsigned __int128 window = (unsigned __int128)t->entries << t->geo.page_shift;

	table_label(t, r->table, sizeof(r->table));
	r->pid_num = t->origin.pid;
	snprintf(r->pid, sizeof(r->pid), "%d", (int)t->origin.pid);
	if (t->origin.fd >= 0)
		snprintf(r->fd, sizeof(r->fd), "%d", t->origin.fd);
	snprintf(r->comm, sizeof(r->comm), "%s", t->origin.comm);
	/* As list names them (QEMU's monitor, libvirt, -name), else the command name. */
	snprintf(r->vm, sizeof(r->vm), "%s", vi->name[0] ? vi->name : t->origin.comm);
	liobn_text(&t->geo, r->liobn, sizeof(r->liobn));
	if (t->geo.has_liobn)
		tce_vminfo_device(vi, (uint32_t)t->geo.liobn, r->device, sizeof(r->device));
	else
		table_device(t, r->device, sizeof(r->device));
	snprintf(r->source, sizeof(r->source), "%s", tce_geo_source_name(t->geo.source));
	snprintf(r->type, sizeof(r->type), "%s",
		 t->origin.emulated ? "emulated" : strcmp(table_type(t), "kvm") ? "other" : "kvm");
	r->entries = t->entries;
	r->counts = *counts;
	if (window > UINT64_MAX)
		snprintf(r->window_bytes, sizeof(r->window_bytes), "18446744073709551616");
	else
		snprintf(r->window_bytes, sizeof(r->window_bytes), "%llu",
			 (unsigned long long)window);
}

static int metrics_table(void *ctx, const struct tce_table *t, const struct tce_counts *counts,
			 uint64_t extents)
{
	struct metrics *m = ctx;
	struct metrics_row row = { 0 }, *rows;

	(void)extents;
	fill_row(m, &row, t, counts);
	/* A table named twice (PID and PID:FD) is one set of series: no duplicates. */
	for (size_t i = 0; i < m->n_rows; i++)
		if (!strcmp(m->rows[i].table, row.table))
			return 0;
	rows = realloc(m->rows, (m->n_rows + 1) * sizeof(*rows));
	if (!rows)
		return cli_error(TCE_EIO, "out of memory");
	m->rows = rows;
	m->rows[m->n_rows++] = row;
	return 0;
}

static int findings_table(void *ctx, const struct tce_check_vm *vm, const struct tce_table *t,
			  const char *name, const struct tce_check_counts *counts)
{
	struct metrics *m = ctx;

	(void)vm;
	(void)t;
	/* A table checked twice (named twice) has the same counts: set, not added. */
	for (size_t i = 0; i < m->n_rows; i++)
		if (!strcmp(m->rows[i].table, name)) {
			memcpy(m->rows[i].findings, counts->by_severity, sizeof(m->rows[i].findings));
			m->rows[i].findings_known = true;
		}
	return 0;
}

/* The targets of pid are down: their findings are not all counted. */
static void findings_unknown(struct metrics *m, pid_t pid)
{
	for (size_t i = 0; i < m->count; i++)
		if (!pid || m->targets[i].pid == pid)
			m->target_up[i] = false;
}

static bool pid_down(const struct metrics *m, pid_t pid)
{
	for (size_t i = 0; i < m->count; i++)
		if (m->targets[i].pid == pid && !m->target_up[i])
			return true;
	return false;
}

static int findings_error(void *ctx, pid_t pid, const char *what, const struct tce_err *err)
{
	struct metrics *m = ctx;
	bool was_up = false;

	(void)what;
	/* Host-wide, a process that ended meanwhile is no error. */
	if (m->host && pid > 0 && kill(pid, 0) && errno == ESRCH)
		return 0;
	for (size_t i = 0; i < m->count; i++)
		was_up = was_up || (m->targets[i].pid == pid && m->target_up[i]);
	/* A target that could not be read was reported then, the same reason. */
	if (!was_up)
		return 0;
	findings_unknown(m, pid);
	m->status = status_merge(m->status, cli_report(err));
	return 0;
}

/*
 * Counts check's findings per table, as check would on the same targets,
 * in the --attach mode the tables were just read in: a table is reached
 * as it was then (through the VMM's mapping where one is known), so
 * counting holds no table that reading did not.
 */
static void count_findings(struct metrics *m)
{
	struct tce_check chk = { .targets = m->targets, .n_targets = m->count, .host = m->host,
				 .vminfo = vminfo_of, .vminfo_ctx = m };
	struct tce_check_ops ops = { .table_done = findings_table, .error = findings_error, .ctx = m };
	struct tce_err err = { 0 };

	if (tce_check_run(&chk, &ops, &err) < 0) {
		findings_unknown(m, 0);
		m->status = status_merge(m->status, cli_report(&err));
	} else {
		/* Not reported: checked under its VMM's table, unless its process failed. */
		for (size_t i = 0; i < m->n_rows; i++)
			m->rows[i].findings_known = m->rows[i].findings_known ||
						    !pid_down(m, m->rows[i].pid_num);
	}
	if (chk.holders.denied)
		cli_warn("the fds of %zu processes could not be read: foreign holders among them are not counted",
			 chk.holders.denied);
	tce_check_free(&chk);
}

static void table_series(struct prom *p, const struct metrics *m)
{
	for (size_t f = 0; f < sizeof(table_families) / sizeof(table_families[0]); f++) {
		const struct table_family *fam = &table_families[f];

		prom_family(p, fam->name, "gauge", fam->help);
		for (size_t i = 0; i < m->n_rows; i++) {
			const struct metrics_row *r = &m->rows[i];
			struct prom_label labels[] = { { "table", r->table }, { NULL, NULL } };

			if (fam->known && !fam->known(r))
				continue;
			if (fam->split) {
				for (size_t k = 0; k < fam->split->n_values; k++) {
					labels[1] = (struct prom_label){ fam->split->label,
									 fam->split->values[k] };
					prom_sample_u64(p, fam->name, labels, 2, fam->split->value(r, k));
				}
			} else if (fam->value) {
				prom_sample_u64(p, fam->name, labels, 1, fam->value(r));
			} else {
				prom_sample(p, fam->name, labels, 1, r->window_bytes);
			}
		}
	}
	prom_family(p, "tcectl_table_info", "gauge",
		    "Always 1: the names of a table, to join with its other series on the table label.");
	for (size_t i = 0; i < m->n_rows; i++) {
		const struct metrics_row *r = &m->rows[i];
		const struct prom_label labels[] = {
			{ "table", r->table }, { "pid", r->pid }, { "fd", r->fd },
			{ "comm", r->comm }, { "vm", r->vm }, { "liobn", r->liobn },
			{ "device", r->device }, { "source", r->source }, { "type", r->type },
		};

		prom_sample_u64(p, "tcectl_table_info", labels, sizeof(labels) / sizeof(labels[0]), 1);
	}
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* What a target is called in its series: as given, or its pid when the host was searched. */
static const char *target_label(const struct tce_target *t, char *buf, size_t len)
{
	if (t->text[0])
		return t->text;
	snprintf(buf, len, "%d", (int)t->pid);
	return buf;
}

static void scrape_series(struct prom *p, const struct metrics *m, size_t denied,
			  const struct timespec *start)
{
	size_t errors = 0;
	char text[32];

	prom_family(p, "tcectl_target_up", "gauge",
		    "1 when every table of the target could be read, else 0 (the reason is on tcectl's "
		    "standard error); with no target, one per process that holds a table.");
	for (size_t i = 0; i < m->count; i++) {
		char buf[16], other_buf[16];
		const char *name = target_label(&m->targets[i], buf, sizeof(buf));
		bool up = m->target_up[i], seen = false;

		errors += !up;
		/* A target named twice is one series, up only if every run of it was. */
		for (size_t k = 0; k < m->count; k++) {
			if (k == i || strcmp(name, target_label(&m->targets[k], other_buf, sizeof(other_buf))))
				continue;
			seen = seen || k < i;
			up = up && m->target_up[k];
		}
		if (!seen)
			prom_sample_u64(p, "tcectl_target_up", &(struct prom_label){ "target", name }, 1, up);
	}
	prom_family(p, "tcectl_scrape_errors", "gauge", "Targets that could not be read whole.");
	prom_sample_u64(p, "tcectl_scrape_errors", NULL, 0, errors);
	prom_family(p, "tcectl_uninspectable_processes", "gauge",
		    "Processes tcectl was not allowed to look into when searching the host.");
	prom_sample_u64(p, "tcectl_uninspectable_processes", NULL, 0, denied);
	prom_family(p, "tcectl_tables", "gauge", "Tables read.");
	prom_sample_u64(p, "tcectl_tables", NULL, 0, m->n_rows);
	prom_family(p, "tcectl_scrape_duration_seconds", "gauge",
		    "Seconds tcectl took to find and read the tables.");
	snprintf(text, sizeof(text), "%.6f", seconds_since(start));
	prom_sample(p, "tcectl_scrape_duration_seconds", NULL, 0, text);
}

int do_metrics(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &live_argp, 0, NULL, 0 }, { &qmp_argp, 0, NULL, 0 }, { &help_argp, 0, NULL, 0 }, { 0 }
	};
	static const struct argp argp = {
		options, parse_opt, "[TARGET...]",
		"Print the TCE tables as Prometheus metrics (text exposition format 0.0.4).\v"
		"With no TARGET, every process on the host is searched. TARGET is PID, vm:NAME "
		"(the VMM of that VM), PID:FD, PID@ADDR or PID:FD,KEY=VALUE,...: live tables only, never a checkpoint file. "
		"See tcectl-metrics(1).",
		children, NULL, NULL
	};
	struct metrics m = { 0 };
	struct visit v = { .end = metrics_table, .ctx = &m };
	struct tce_outfile file = { .fd = -1 };
	struct tce_err err = { 0 };
	struct timespec start;
	struct prom p;
	size_t denied = 0;
	int status = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	cli_parse(&argp, argc, argv, &m);
	/* The directory is checked before any table is read: a bad one fails at once. */
	if (m.textfile_dir && tce_outfile_open(&file, m.textfile_dir, "tcectl.prom", 0644, &err)) {
		free(m.targets);
		return cli_report(&err);
	}
	if (!m.count) {
		v.ignore_vanished = true;
		m.host = true;
		m.targets = host_targets(&m.count, &denied);
	}
	m.vms.opts = qmp_options;
	qmp_options_one_vmm(targets_distinct_pids(m.targets, m.count));
	m.target_up = calloc(m.count ? m.count : 1, sizeof(*m.target_up));
	if (!m.target_up) {
		tce_outfile_abort(&file);
		return cli_error(TCE_EIO, "out of memory");
	}
	for (size_t i = 0; i < m.count; i++) {
		int rc = visit_targets(&m.targets[i], 1, &v);

		m.target_up[i] = rc < TCE_EUSAGE;
		status = status_merge(status, rc);
	}
	count_findings(&m);
	status = status_merge(status, m.status);
	prom_init(&p);
	table_series(&p, &m);
	scrape_series(&p, &m, denied, &start);
	if (p.failed) {
		tce_outfile_abort(&file);
		status = cli_error(TCE_EIO, "out of memory");
	} else if (m.textfile_dir) {
		if (tce_outfile_commit(&file, p.text, p.len, &err))
			status = status_merge(status, cli_report(&err));
	} else {
		ob_write(out, p.text, p.len);
	}
	prom_free(&p);
	cli_vms_free(&m.vms);
	free(m.rows);
	free(m.target_up);
	free(m.targets);
	return cli_finish(status);
}
