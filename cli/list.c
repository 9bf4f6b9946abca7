// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * list.c - tcectl list: one row per TCE table, for one process or the host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/parse.h"
#include "../src/proc.h"
#include "cli.h"
#include "columns.h"
#include "escape.h"
#include "fields.h"
#include "list.h"
#include "visit.h"

struct list {
	struct tce_target *targets;
	size_t count;
	struct column_set columns;
	bool list_columns;
	bool raw;
	bool columns_given;	/* -o LIST without a + */
	struct list_row *rows;
	size_t n_rows;
	struct json json;	/* failures are elements of the JSON array */
	struct cli_vms vms;
};

#define ROW(r) ((const struct list_row *)(r))

static void text_u64(char *buf, size_t len, uint64_t v)
{
	snprintf(buf, len, "%llu", (unsigned long long)v);
}

static void text_pid(const void *r, char *b, size_t l) { text_u64(b, l, (uint64_t)ROW(r)->t.origin.pid); }
static void text_comm(const void *r, char *b, size_t l) { safe_text(ROW(r)->t.origin.comm, b, l); }
static void text_fd(const void *r, char *b, size_t l)
{
	if (ROW(r)->t.origin.fd >= 0)
		text_u64(b, l, (uint64_t)ROW(r)->t.origin.fd);
	else
		b[0] = '\0';
}
static void text_table(const void *r, char *b, size_t l) { table_label(&ROW(r)->t, b, l); }
/* The row's device name, raw (an id from the monitor: the VM's owner chose it). */
static enum tce_device_source row_device(const struct list_row *row, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!row->t.geo.has_liobn)
		return TCE_DEVICE_NONE;
	return tce_vminfo_device(row->vm, (uint32_t)row->t.geo.liobn, buf, len);
}

static void text_device(const void *r, char *b, size_t l)
{
	char raw[256];

	row_device(ROW(r), raw, sizeof(raw));
	safe_text(raw, b, l);
}

/* The monitor's window of the row's table, or NULL. */
static const struct tce_qmp_window *row_window(const struct list_row *row)
{
	if (row->qmp_only)
		return row->qmp_only;
	return row->t.geo.has_liobn ? tce_vminfo_window(row->vm, (uint32_t)row->t.geo.liobn) : NULL;
}

static void text_vm(const void *r, char *b, size_t l)
{
	if (ROW(r)->vm)
		safe_text(ROW(r)->vm->name, b, l);
	else
		b[0] = '\0';
}

static void text_devtype(const void *r, char *b, size_t l)
{
	const struct tce_qmp_window *w = row_window(ROW(r));

	safe_text(w ? w->type : "", b, l);
}

static void text_devpath(const void *r, char *b, size_t l)
{
	const struct tce_qmp_window *w = row_window(ROW(r));

	safe_text(w ? w->owner_path : "", b, l);
}

static void text_devsource(const void *r, char *b, size_t l)
{
	char raw[256];

	snprintf(b, l, "%s", tce_device_source_name(row_device(ROW(r), raw, sizeof(raw))));
}

/* The PCI devices behind a host bridge, comma-separated, each escaped. */
static void text_pci(const void *r, char *b, size_t l)
{
	const struct tce_qmp_window *w = row_window(ROW(r));
	size_t n = 0;

	b[0] = '\0';
	for (size_t i = 0; w && i < w->n_pci && n + 1 < l; i++) {
		char safe[256];

		n += (size_t)snprintf(b + n, l - n, "%s%s", i ? "," : "",
				      safe_text(w->pci[i], safe, sizeof(safe)));
	}
}
static void text_source(const void *r, char *b, size_t l)
{
	snprintf(b, l, "%s", ROW(r)->qmp_only ? "qmp" : tce_geo_source_name(ROW(r)->t.geo.source));
}
static void text_via(const void *r, char *b, size_t l)
{
	snprintf(b, l, "%s", ROW(r)->qmp_only ? "qmp" : tce_via_name(ROW(r)->t.origin.via));
}
static void text_link(const void *r, char *b, size_t l) { safe_text(ROW(r)->t.origin.link, b, l); }
/*
 * A window only the monitor shows has no entries tcectl could read nor a
 * known page size: its counts are unknown, "" in text and null in JSON.
 */
#define UNKNOWN_IF_QMP(r, b) do { if (ROW(r)->qmp_only) { (b)[0] = '\0'; return; } } while (0)
#define NULL_IF_QMP(j, r) do { if (ROW(r)->qmp_only) { json_null(j); return; } } while (0)

static void text_entries(const void *r, char *b, size_t l) { UNKNOWN_IF_QMP(r, b); text_u64(b, l, ROW(r)->t.entries); }
static void text_mapped(const void *r, char *b, size_t l) { UNKNOWN_IF_QMP(r, b); text_u64(b, l, ROW(r)->counts.mapped); }
static void text_rw(const void *r, char *b, size_t l) { UNKNOWN_IF_QMP(r, b); text_u64(b, l, ROW(r)->counts.by_perm[3]); }
static void text_r(const void *r, char *b, size_t l) { UNKNOWN_IF_QMP(r, b); text_u64(b, l, ROW(r)->counts.by_perm[1]); }
static void text_w(const void *r, char *b, size_t l) { UNKNOWN_IF_QMP(r, b); text_u64(b, l, ROW(r)->counts.by_perm[2]); }
static void text_none(const void *r, char *b, size_t l) { UNKNOWN_IF_QMP(r, b); text_u64(b, l, ROW(r)->counts.by_perm[0]); }
static void text_extents(const void *r, char *b, size_t l) { UNKNOWN_IF_QMP(r, b); text_u64(b, l, ROW(r)->extents); }
static void text_shift(const void *r, char *b, size_t l) { UNKNOWN_IF_QMP(r, b); text_u64(b, l, ROW(r)->t.geo.page_shift); }
static void text_type(const void *r, char *b, size_t l) { safe_text(table_type(&ROW(r)->t), b, l); }

static void text_liobn(const void *r, char *b, size_t l)
{
	if (ROW(r)->t.geo.has_liobn)
		snprintf(b, l, "0x%llx", (unsigned long long)ROW(r)->t.geo.liobn);
	else
		b[0] = '\0';
}

static void text_offset(const void *r, char *b, size_t l)
{
	snprintf(b, l, "0x%llx", (unsigned long long)ROW(r)->t.geo.bus_offset);
}

static void text_pagesize(const void *r, char *b, size_t l)
{
	UNKNOWN_IF_QMP(r, b);
	format_size(b, (unsigned)l, tce_page_size(&ROW(r)->t.geo));
}

/*
 * A window can cover the whole 64-bit bus space: 2^64 bytes does not fit
 * a u64.  As a JSON number it stays exact, since it is entries (< 2^37)
 * times a power of two.
 */
static unsigned __int128 window_size(const struct list_row *row)
{
	if (row->qmp_only)
		return row->qmp_only->size;
	return (unsigned __int128)row->t.entries << row->t.geo.page_shift;
}

static void text_window(const void *r, char *b, size_t l)
{
	unsigned __int128 size = window_size(ROW(r));

	if (size > UINT64_MAX)
		snprintf(b, l, "16E");
	else
		format_size(b, (unsigned)l, (uint64_t)size);
}

static void json_pid(struct json *j, const void *r) { json_u64(j, (uint64_t)ROW(r)->t.origin.pid); }
static void json_comm(struct json *j, const void *r) { json_string(j, ROW(r)->t.origin.comm); }
static void json_fd(struct json *j, const void *r) { json_table_fd(j, &ROW(r)->t); }
static void json_text(struct json *j, const void *r, void (*text)(const void *, char *, size_t))
{
	char buf[256];

	text(r, buf, sizeof(buf));
	if (buf[0])
		json_string(j, buf);
	else
		json_null(j);
}
/* Raw names from the monitor or the command line: json_string keeps them valid UTF-8. */
static void json_raw(struct json *j, const char *s)
{
	if (s && s[0])
		json_string(j, s);
	else
		json_null(j);
}

static void json_table(struct json *j, const void *r) { json_text(j, r, text_table); }
static void json_device(struct json *j, const void *r)
{
	char raw[256];

	row_device(ROW(r), raw, sizeof(raw));
	json_raw(j, raw);
}
static void json_source(struct json *j, const void *r) { json_text(j, r, text_source); }
static void json_via(struct json *j, const void *r) { json_text(j, r, text_via); }
static void json_link(struct json *j, const void *r) { json_string(j, ROW(r)->t.origin.link); }
static void json_emulated(struct json *j, const void *r) { json_bool(j, ROW(r)->t.origin.emulated); }
static void text_emulated(const void *r, char *b, size_t l) { snprintf(b, l, "%s", ROW(r)->t.origin.emulated ? "yes" : "no"); }
static void json_entries(struct json *j, const void *r) { NULL_IF_QMP(j, r); json_u64(j, ROW(r)->t.entries); }
static void json_mapped(struct json *j, const void *r) { NULL_IF_QMP(j, r); json_u64(j, ROW(r)->counts.mapped); }
static void json_rw(struct json *j, const void *r) { NULL_IF_QMP(j, r); json_u64(j, ROW(r)->counts.by_perm[3]); }
static void json_r(struct json *j, const void *r) { NULL_IF_QMP(j, r); json_u64(j, ROW(r)->counts.by_perm[1]); }
static void json_w(struct json *j, const void *r) { NULL_IF_QMP(j, r); json_u64(j, ROW(r)->counts.by_perm[2]); }
static void json_none(struct json *j, const void *r) { NULL_IF_QMP(j, r); json_u64(j, ROW(r)->counts.by_perm[0]); }
static void json_extents(struct json *j, const void *r) { NULL_IF_QMP(j, r); json_u64(j, ROW(r)->extents); }
static void json_shift(struct json *j, const void *r) { NULL_IF_QMP(j, r); json_u64(j, ROW(r)->t.geo.page_shift); }
static void json_pagesize(struct json *j, const void *r) { NULL_IF_QMP(j, r); json_u64(j, tce_page_size(&ROW(r)->t.geo)); }
static void json_offset(struct json *j, const void *r) { json_hex(j, ROW(r)->t.geo.bus_offset); }
static void json_window(struct json *j, const void *r)
{
	unsigned __int128 size = window_size(ROW(r));

	if (size > UINT64_MAX)
		json_number(j, "18446744073709551616");
	else
		json_u64(j, (uint64_t)size);
}
static void json_type(struct json *j, const void *r) { json_string(j, table_type(&ROW(r)->t)); }

static void json_vm(struct json *j, const void *r) { json_raw(j, ROW(r)->vm ? ROW(r)->vm->name : NULL); }
static void json_devtype(struct json *j, const void *r)
{
	const struct tce_qmp_window *w = row_window(ROW(r));

	json_raw(j, w ? w->type : NULL);
}
static void json_devpath(struct json *j, const void *r)
{
	const struct tce_qmp_window *w = row_window(ROW(r));

	json_raw(j, w ? w->owner_path : NULL);
}
static void json_devsource(struct json *j, const void *r) { json_text(j, r, text_devsource); }
static void json_pci(struct json *j, const void *r)
{
	const struct tce_qmp_window *w = row_window(ROW(r));

	json_array_begin(j);
	for (size_t i = 0; w && i < w->n_pci; i++)
		json_string(j, w->pci[i]);
	json_array_end(j);
}

static void json_liobn_cell(struct json *j, const void *r) { json_liobn(j, &ROW(r)->t.geo); }

static const struct column list_columns[] = {
	{ "TABLE", "table", COL_DEFAULT, "the table as a target: PID:FD, or PID@ADDR for a mapping with no fd known", text_table, json_table, 0 },
	{ "PID", "pid", COL_RIGHT, "process id of the table's holder", text_pid, json_pid, 0 },
	{ "COMM", "comm", COL_DEFAULT, "command name of the holder", text_comm, json_comm, 0 },
	{ "FD", "fd", COL_RIGHT, "file descriptor of the table in the holder, - when none is known", text_fd, json_fd, 0 },
	{ "LIOBN", "liobn", COL_DEFAULT, "logical IO bus number, from QEMU's record or the target", text_liobn, json_liobn_cell, 0 },
	{ "VM", "vm", 0, "the VM's name: QEMU's monitor (query-name), else its libvirt domain's, else -name; shown by default with no TARGET", text_vm, json_vm, 0 },
	{ "DEVICE", "device", COL_DEFAULT, "the table's device: its id from QEMU's monitor, TYPE,reg=/index= when it has none; without the monitor, a libvirt domain's alias, else QEMU's liobn numbering: phbN-winW, vio-REG", text_device, json_device, 0 },
	{ "DEVTYPE", "device_type", 0, "the device's QOM type, from QEMU's monitor", text_devtype, json_devtype, 0 },
	{ "DEVPATH", "device_path", 0, "the device's QOM path, from QEMU's monitor", text_devpath, json_devpath, 0 },
	{ "PCI", "pci_devices", 0, "a host bridge's PCI devices (ids, else types), from QEMU's monitor", text_pci, json_pci, 0 },
	{ "DEVSOURCE", "device_source", 0, "where DEVICE came from: qmp (QEMU's monitor), libvirt (the domain's XML) or records (the liobn)", text_devsource, json_devsource, 0 },
	{ "ENTRIES", "entries", COL_RIGHT | COL_DEFAULT, "entries in the window", text_entries, json_entries, 0 },
	{ "MAPPED", "mapped", COL_RIGHT | COL_DEFAULT, "non-zero entries", text_mapped, json_mapped, 0 },
	{ "RW", "rw", COL_RIGHT | COL_DEFAULT, "entries the device may read and write", text_rw, json_rw, 0 },
	{ "R", "r", COL_RIGHT | COL_DEFAULT, "entries the device may only read", text_r, json_r, 0 },
	{ "W", "w", COL_RIGHT | COL_DEFAULT, "entries the device may only write", text_w, json_w, 0 },
	{ "NONE", "none", COL_RIGHT, "non-zero entries without permission bits", text_none, json_none, 0 },
	{ "EXTENTS", "extents", COL_RIGHT, "runs of entries mapping consecutive guest pages", text_extents, json_extents, 0 },
	{ "SHIFT", "page_shift", COL_RIGHT, "IOMMU page shift", text_shift, json_shift, 0 },
	{ "PAGESIZE", "page_size", COL_RIGHT | COL_DEFAULT, "IOMMU page size", text_pagesize, json_pagesize, 0 },
	{ "OFFSET", "bus_offset", COL_RIGHT | COL_DEFAULT, "IO bus address of entry 0", text_offset, json_offset, 0 },
	{ "WINDOW", "window_size", COL_RIGHT, "bytes of IO bus space the window covers", text_window, json_window, 0 },
	{ "SOURCE", "source", COL_DEFAULT, "where the geometry came from: qemu (its record), given (the target), assumed (4K at 0) or qmp (only the monitor shows it)", text_source, json_source, 0 },
	{ "TYPE", "type", 0, "kvm (a kernel table), emulated (QEMU's own copy: the kernel refused one) or what the fd is", text_type, json_type, 0 },
	{ "VIA", "via", 0, "how it was read: mapping (the VMM's own, holding nothing), fd (a duplicate), memory, file, or qmp (not read: only the monitor shows it)", text_via, json_via, 0 },
	{ "EMULATED", "emulated", 0, "whether QEMU emulates the table in its own memory", text_emulated, json_emulated, 0 },
	{ "LINK", "fd_link", 0, "what the fd is, as /proc shows it", text_link, json_link, 0 },
};

enum {
	OPT_OUTPUT = 'o',
	OPT_RAW = 'r',
	OPT_LIST_COLUMNS = OPT_LONG_BASE,
};

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Columns:", 1 },
	{ "output", OPT_OUTPUT, "LIST", 0, "Columns to print; +LIST adds to the default ones", 0 },
	{ "list-columns", OPT_LIST_COLUMNS, NULL, 0, "Print the available columns and exit", 0 },
	{ "raw", OPT_RAW, NULL, 0, "Separate columns by one space, unaligned", 50 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct list *l = state->input;
	struct tce_err err = { 0 };
	const char *bad;

	switch (key) {
	case OPT_OUTPUT:
		l->columns_given = arg[0] != '+';
		if (columns_pick(&l->columns, arg, &bad))
			exit(bad ? cli_error(TCE_EUSAGE, "unknown column '%s'; see tcectl list --list-columns", bad)
				 : cli_error(TCE_EIO, "out of memory"));
		break;
	case OPT_LIST_COLUMNS:
		l->list_columns = true;
		break;
	case OPT_RAW:
		l->raw = true;
		break;
	case ARGP_KEY_ARG:
		l->targets = realloc(l->targets, (l->count + 1) * sizeof(*l->targets));
		if (!l->targets)
			exit(cli_error(TCE_EIO, "out of memory"));
		if (tce_target_parse(arg, &l->targets[l->count], &err))
			exit(cli_report(&err));
		l->count++;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int list_table(void *ctx, const struct tce_table *t, const struct tce_counts *counts,
		      uint64_t extents)
{
	struct list *l = ctx;
	struct list_row *rows = realloc(l->rows, (l->n_rows + 1) * sizeof(*rows));

	if (!rows)
		return cli_error(TCE_EIO, "out of memory");
	l->rows = rows;
	rows[l->n_rows++] = (struct list_row){ .t = *t, .counts = *counts, .extents = extents };
	return 0;
}

/* The VM column, after COMM, for a host-wide list with the default columns. */
static void add_vm_column(struct column_set *set)
{
	const char *bad;
	size_t comm = set->n_picked, vm;

	for (size_t c = 0; c < set->n_picked; c++) {
		if (!strcmp(set->all[set->picked[c]].name, "VM"))
			return;
		if (!strcmp(set->all[set->picked[c]].name, "COMM"))
			comm = c;
	}
	if (columns_pick(set, "+VM", &bad))
		exit(cli_error(TCE_EIO, "out of memory"));
	if (comm == set->n_picked - 1 || comm >= set->n_picked)
		return;
	vm = set->picked[set->n_picked - 1];
	memmove(&set->picked[comm + 2], &set->picked[comm + 1],
		(set->n_picked - comm - 2) * sizeof(*set->picked));
	set->picked[comm + 1] = vm;
}

/* The processes the targets name (whole: PID targets only), each once. */
static pid_t *target_pids(const struct list *l, bool whole, size_t *n)
{
	pid_t *pids = calloc(l->count ? l->count : 1, sizeof(*pids));

	if (!pids)
		exit(cli_error(TCE_EIO, "out of memory"));
	*n = 0;
	for (size_t i = 0; i < l->count; i++) {
		size_t k;

		if (l->targets[i].kind == TCE_TARGET_FILE ||
		    (whole && l->targets[i].kind != TCE_TARGET_PID))
			continue;
		for (k = 0; k < *n && pids[k] != l->targets[i].pid; k++)
			;
		if (k == *n)
			pids[(*n)++] = l->targets[i].pid;
	}
	return pids;
}

int do_list(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &common_argp, 0, NULL, 0 }, { &live_argp, 0, NULL, 0 }, { &qmp_argp, 0, NULL, 0 }, { 0 }
	};
	static const struct argp argp = {
		options, parse_opt, "[TARGET...]",
		"List TCE tables, one row per table.\vWith no TARGET, every process on the host "
		"is searched. TARGET is PID, PID:FD, PID@ADDR or PID:FD,KEY=VALUE,... with keys shift, page, offset, liobn and entries; "
		"see tcectl-list(1).",
		children, NULL, NULL
	};
	struct list l = { 0 };
	struct visit v = { .end = list_table, .ctx = &l };
	size_t n_pids;
	pid_t *pids;
	int status;

	columns_default(&l.columns, list_columns, sizeof(list_columns) / sizeof(list_columns[0]));
	cli_parse(&argp, argc, argv, &l);
	l.vms.opts = qmp_options;
	if (l.list_columns) {
		columns_list(&l.columns);
		columns_free(&l.columns);
		return cli_finish(0);
	}
	if (!l.count) {
		v.ignore_vanished = true;
		l.targets = host_targets(&l.count, NULL);
		if (!l.columns_given)
			add_vm_column(&l.columns);
	}
	pids = target_pids(&l, false, &n_pids);
	free(pids);
	qmp_options_one_vmm(n_pids);
	pids = target_pids(&l, true, &n_pids);
	if (output.json) {
		/* Rows are known only after every table is scanned; errors go first. */
		json_init(&l.json, out, output.pretty);
		cli_json_document_begun();
		json_array_begin(&l.json);
		v.json = &l.json;
	}
	status = visit_targets(l.targets, l.count, &v);
	if (list_vms_attach(&l.vms, &l.rows, &l.n_rows, pids, n_pids))
		exit(cli_error(TCE_EIO, "out of memory"));
	if (output.json) {
		for (size_t r = 0; r < l.n_rows; r++)
			columns_json_row(&l.columns, &l.json, &l.rows[r]);
		json_array_end(&l.json);
		json_finish(&l.json);
	} else if (l.n_rows || status < TCE_EUSAGE) {
		columns_print(&l.columns, l.rows, l.n_rows, sizeof(*l.rows), l.raw,
			      output.noheadings);
	}
	free(l.rows);
	free(pids);
	cli_vms_free(&l.vms);
	free(l.targets);
	columns_free(&l.columns);
	return cli_finish(status);
}
