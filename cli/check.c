// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check.c - tcectl check: findings about tables, one line each, and an
 * exit status a script can test (0 clean, 1 findings at or above
 * --severity, 2 trouble: diff's convention).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/aliases.h"
#include "../src/check.h"
#include "../src/parse.h"
#include "../src/proc.h"
#include "../src/source.h"
#include "cli.h"
#include "escape.h"
#include "fields.h"
#include "visit.h"
#include "vms.h"

/* What is kept for the end of a JSON document: one per VMM, table or error. */
struct check_table {
	struct tce_table t;
	char name[64];
	struct tce_check_counts counts;
};

struct check_error {
	char what[256];
	struct tce_err err;
};

struct check_cli {
	struct tce_target *targets;
	size_t count;
	enum tce_severity severity;	/* exit 1 from this one up */
	bool quiet;			/* print only findings from --severity up */
	bool host;
	struct json json;
	uint64_t total[TCE_SEV_COUNT];
	struct tce_check_vm *vm_list;
	size_t n_vms;
	struct check_table *tables;
	size_t n_tables;
	struct check_error *errors;
	size_t n_errors;
	int status;			/* of errors */
	struct cli_vms vms;		/* names and RAM from QEMU's monitor or libvirt */
};

enum {
	OPT_SEVERITY = OPT_LONG_BASE,
	OPT_QUIET = 'q',
};

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Findings:", 1 },
	{ "severity", OPT_SEVERITY, "LEVEL", 0,
	  "Exit 1 when a finding is at least this severe: notice, warning (the default) or critical", 0 },
	{ "quiet", OPT_QUIET, NULL, 0, "Print only the findings at least as severe as --severity", 0 },
	{ 0 }
};

static const struct tce_vminfo *vminfo_of(void *ctx, pid_t pid)
{
	struct check_cli *c = ctx;
	struct tce_vminfo *vi = cli_vms_get(&c->vms, pid, "RAM size from its command line or mappings");

	if (!vi)
		exit(cli_error(TCE_EIO, "out of memory"));
	return vi;
}

static void *grow(void *arr, size_t n, size_t size)
{
	void *p = realloc(arr, (n + 1) * size);

	if (!p)
		exit(cli_error(TCE_EIO, "out of memory"));
	return p;
}

/* How many processes the targets are (a file is none). */
static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct check_cli *c = state->input;
	int sev;

	switch (key) {
	case OPT_SEVERITY:
		sev = tce_severity_parse(arg);
		if (sev < 0)
			exit(cli_exit_status(cli_error(TCE_EUSAGE,
				"--severity takes notice, warning or critical, not '%s'", arg)));
		c->severity = (enum tce_severity)sev;
		break;
	case OPT_QUIET:
		c->quiet = true;
		break;
	case ARGP_KEY_ARG:
		c->targets = grow(c->targets, c->count, sizeof(*c->targets));
		cli_parse_target(arg, &c->targets[c->count++]);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The one-line reason of a finding. */
static void reason(const struct tce_finding *f, const struct tce_table *t, char *buf, size_t len)
{
	char size[32], comm[4 * sizeof(f->holder_comm)];

	safe_text(f->holder_comm, comm, sizeof(comm));
	switch (f->kind) {
	case TCE_FIND_OUTSIDE_RAM:
		format_size(size, sizeof(size), f->ram.size);
		snprintf(buf, len, "guest pages past the guest's %s of RAM (%s): DMA there reaches no guest RAM",
			 size, tce_ram_source_name(f->ram.source));
		break;
	case TCE_FIND_RESERVED_BITS:
		snprintf(buf, len, "bits 2-%u are set; the format keeps them zero for %s pages",
			 t->geo.page_shift - 1, (format_size(size, sizeof(size), tce_page_size(&t->geo)), size));
		break;
	case TCE_FIND_NO_PERMISSION:
		snprintf(buf, len, "an address with neither read nor write permission: legal (poison), no DMA through it");
		break;
	case TCE_FIND_WRITE_ONLY:
		snprintf(buf, len, "the device may write this memory but not read it: legal, unusual");
		break;
	case TCE_FIND_ALIAS:
		snprintf(buf, len, "writable guest pages also writable through %s entry %llu",
			 f->other, (unsigned long long)f->other_index);
		break;
	case TCE_FIND_FOREIGN_HOLDER:
		if (f->vmm_pid > 0)
			snprintf(buf, len, "pid %d (%s) holds fd %d of a table of pid %d, likelier its VMM: "
				 "it can read and change the guest's DMA mappings and blocks their re-creation",
				 (int)f->holder_pid, comm, f->holder_fd, (int)f->vmm_pid);
		else if (f->holder_fd >= 0)
			snprintf(buf, len, "pid %d (%s) holds fd %d of this table: it can read and change the "
				 "guest's DMA mappings and blocks the VMM's re-creation of the table",
				 (int)f->holder_pid, comm, f->holder_fd);
		else if (!f->unattributed)
			snprintf(buf, len, "pid %d (%s) maps this table at 0x%llx: it can read and change the "
				 "guest's DMA mappings and blocks the VMM's re-creation of the table",
				 (int)f->holder_pid, comm, (unsigned long long)f->holder_addr);
		else
			snprintf(buf, len, "pid %d (%s) maps a kvm-spapr-tce table at 0x%llx that may be this one: "
				 "no page frame tells (they need root, and a page both have touched)",
				 (int)f->holder_pid, comm, (unsigned long long)f->holder_addr);
		break;
	case TCE_FIND_EMULATED:
		snprintf(buf, len, "QEMU keeps this window in its own memory (the kernel refused a table): "
			 "every H_PUT_TCE on it exits to QEMU");
		break;
	default:
		snprintf(buf, len, "?");
	}
}

static void print_text(const struct tce_finding *f, const struct tce_table *t, const char *name)
{
	char liobn[32], why[512];

	liobn_text(&t->geo, liobn, sizeof(liobn));
	reason(f, t, why, sizeof(why));
	ob_printf(out, "%s %s %s liobn %s ", tce_severity_name(tce_finding_severity(f->kind)),
		  tce_finding_kind_name(f->kind), name, liobn[0] ? liobn : "-");
	if (f->has_entries)
		ob_printf(out, "entries %llu-%llu (%llu) ioba 0x%llx-0x%llx gpa 0x%llx-0x%llx: %s\n",
			  (unsigned long long)f->first, (unsigned long long)(f->first + f->count - 1),
			  (unsigned long long)f->count, (unsigned long long)tce_ioba(&t->geo, f->first),
			  (unsigned long long)(tce_ioba(&t->geo, f->first + f->count) - 1),
			  (unsigned long long)f->gpa_first, (unsigned long long)f->gpa_last, why);
	else
		ob_printf(out, "table: %s\n", why);
}

/* "vm" and "device": the VM's name and the table's device, null when unknown. */
static void json_vm_fields(struct json *j, const struct tce_check_vm *vm, const struct tce_table *t)
{
	char device[256];

	json_string_or_null_field(j, "vm", vm->info && vm->info->name[0] ? vm->info->name : NULL);
	device[0] = '\0';
	if (vm->pid && t->geo.has_liobn)
		tce_vminfo_device(vm->info, (uint32_t)t->geo.liobn, device, sizeof(device));
	json_string_or_null_field(j, "device", device[0] ? device : NULL);
}

static void print_json(struct json *j, const struct tce_check_vm *vm, const struct tce_finding *f,
		       const struct tce_table *t, const char *name)
{
	bool outside = f->kind == TCE_FIND_OUTSIDE_RAM, alias = f->kind == TCE_FIND_ALIAS;
	bool holder = f->kind == TCE_FIND_FOREIGN_HOLDER;
	char why[512];

	reason(f, t, why, sizeof(why));
	json_object_begin(j);
	json_string_field(j, "severity", tce_severity_name(tce_finding_severity(f->kind)));
	json_string_field(j, "kind", tce_finding_kind_name(f->kind));
	json_string_field(j, "table", name);
	json_key(j, "pid");
	if (t->origin.pid > 0)
		json_u64(j, (uint64_t)t->origin.pid);
	else
		json_null(j);
	json_fd_field(j, t);
	json_liobn_field(j, &t->geo);
	json_vm_fields(j, vm, t);
	json_key(j, "first_entry");
	f->has_entries ? json_u64(j, f->first) : json_null(j);
	json_key(j, "entries");
	f->has_entries ? json_u64(j, f->count) : json_null(j);
	json_hex_or_null_field(j, "ioba_first", f->has_entries, tce_ioba(&t->geo, f->first));
	json_hex_or_null_field(j, "ioba_last", f->has_entries, tce_ioba(&t->geo, f->first + f->count) - 1);
	json_hex_or_null_field(j, "gpa_first", f->has_entries, f->gpa_first);
	json_hex_or_null_field(j, "gpa_last", f->has_entries, f->gpa_last);
	json_key(j, "ram_size");
	outside ? json_u64(j, f->ram.size) : json_null(j);
	json_string_or_null_field(j, "ram_source", outside ? tce_ram_source_name(f->ram.source) : NULL);
	json_string_or_null_field(j, "other_table", alias ? f->other : NULL);
	json_key(j, "other_entry");
	alias ? json_u64(j, f->other_index) : json_null(j);
	json_key(j, "holder_pid");
	holder ? json_u64(j, (uint64_t)f->holder_pid) : json_null(j);
	json_key(j, "holder_comm");
	holder ? json_string(j, f->holder_comm) : json_null(j);
	json_key(j, "holder_fd");
	holder && f->holder_fd >= 0 ? json_u64(j, (uint64_t)f->holder_fd) : json_null(j);
	json_hex_or_null_field(j, "holder_address", holder && f->holder_fd < 0, f->holder_addr);
	json_key(j, "attributed");
	holder ? json_bool(j, !f->unattributed) : json_null(j);
	json_key(j, "vmm_pid");
	holder && f->vmm_pid > 0 ? json_u64(j, (uint64_t)f->vmm_pid) : json_null(j);
	json_string_field(j, "reason", why);
	json_object_end(j);
}

static int on_finding(void *ctx, const struct tce_check_vm *vm, const struct tce_table *t,
		      const char *name, const struct tce_finding *f)
{
	struct check_cli *c = ctx;
	enum tce_severity sev = tce_finding_severity(f->kind);

	c->total[sev]++;
	if (c->quiet && sev < c->severity)
		return 0;
	if (output.json)
		print_json(&c->json, vm, f, t, name);
	else
		print_text(f, t, name);
	return 0;
}

static int on_table(void *ctx, const struct tce_check_vm *vm, const struct tce_table *t,
		    const char *name, const struct tce_check_counts *counts)
{
	struct check_cli *c = ctx;

	(void)vm;
	if (!output.json)
		return 0;
	c->tables = grow(c->tables, c->n_tables, sizeof(*c->tables));
	c->tables[c->n_tables] = (struct check_table){ .t = *t, .counts = *counts };
	snprintf(c->tables[c->n_tables++].name, sizeof(c->tables[0].name), "%s", name);
	return 0;
}

static int on_vm(void *ctx, const struct tce_check_vm *vm)
{
	struct check_cli *c = ctx;
	char comm[4 * sizeof(vm->comm)], what[1024];

	if (output.json) {
		c->vm_list = grow(c->vm_list, c->n_vms, sizeof(*c->vm_list));
		c->vm_list[c->n_vms++] = *vm;
		return 0;
	}
	safe_text(vm->comm, comm, sizeof(comm));
	if (!vm->pid && !vm->ram.size)
		ob_printf(out, "note: %s: a file tells no guest RAM size: outside-ram not checked\n",
			  safe_text(vm->target, what, sizeof(what)));
	else if (!vm->ram.size)
		ob_printf(out, "note: pid %d (%s): its guest's RAM size is unknown: outside-ram not checked\n",
			  (int)vm->pid, comm);
	if (vm->aliases_incomplete)
		ob_printf(out, "note: pid %d (%s): more than %u writable runs: the alias check is incomplete\n",
			  (int)vm->pid, comm, TCE_ALIAS_RUNS_MAX);
	return 0;
}

static int on_error(void *ctx, pid_t pid, const char *what, const struct tce_err *err)
{
	struct check_cli *c = ctx;

	/* Host-wide, a process that ended meanwhile is no error. */
	if (c->host && pid > 0 && kill(pid, 0) && errno == ESRCH)
		return 0;
	c->status = status_merge(c->status, err->status);
	if (!output.json) {
		ob_flush(out);
		cli_report(err);
		return 0;
	}
	fprintf(stderr, "tcectl: check: %s\n", err->msg);
	c->errors = grow(c->errors, c->n_errors, sizeof(*c->errors));
	snprintf(c->errors[c->n_errors].what, sizeof(c->errors[0].what), "%s", what);
	c->errors[c->n_errors++].err = *err;
	return 0;
}

static void json_counts(struct json *j, const uint64_t *by_severity)
{
	for (int s = TCE_SEV_COUNT - 1; s >= 0; s--)
		json_u64_field(j, tce_severity_name((enum tce_severity)s), by_severity[s]);
}

static void json_tail(struct check_cli *c)
{
	struct json *j = &c->json;

	json_array_end(j);
	json_key(j, "vms");
	json_array_begin(j);
	for (size_t i = 0; i < c->n_vms; i++) {
		const struct tce_check_vm *vm = &c->vm_list[i];

		json_object_begin(j);
		json_key(j, "pid");
		vm->pid ? json_u64(j, (uint64_t)vm->pid) : json_null(j);
		json_string_field(j, "comm", vm->comm);
		json_string_or_null_field(j, "vm", vm->info && vm->info->name[0] ? vm->info->name : NULL);
		json_string_or_null_field(j, "target", vm->target);
		json_key(j, "ram_size");
		vm->ram.size ? json_u64(j, vm->ram.size) : json_null(j);
		json_string_or_null_field(j, "ram_source", vm->ram.size ? tce_ram_source_name(vm->ram.source) : NULL);
		json_u64_field(j, "tables", vm->tables);
		json_bool_field(j, "aliases_complete", !vm->aliases_incomplete);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "tables");
	json_array_begin(j);
	for (size_t i = 0; i < c->n_tables; i++) {
		json_object_begin(j);
		json_string_field(j, "table", c->tables[i].name);
		json_key(j, "pid");
		c->tables[i].t.origin.pid > 0 ? json_u64(j, (uint64_t)c->tables[i].t.origin.pid) : json_null(j);
		json_fd_field(j, &c->tables[i].t);
		json_liobn_field(j, &c->tables[i].t.geo);
		json_counts(j, c->tables[i].counts.by_severity);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "errors");
	json_array_begin(j);
	for (size_t i = 0; i < c->n_errors; i++) {
		json_object_begin(j);
		json_string_field(j, "target", c->errors[i].what);
		json_string_field(j, "error", c->errors[i].err.msg);
		json_u64_field(j, "status", c->errors[i].err.status);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "summary");
	json_object_begin(j);
	json_counts(j, c->total);
	json_object_end(j);
	json_object_end(j);
	json_finish(j);
}

int do_check(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &common_argp, 0, NULL, 0 }, { &qmp_argp, 0, NULL, 0 }, { 0 }
	};
	static const struct argp argp = {
		options, parse_opt, "[TARGET...]",
		"Report what is wrong or worth knowing about TCE tables: entries outside the guest's RAM, "
		"reserved bits, entries without permission or write-only, guest pages writable through "
		"more than one entry, tables held by a process other than their VMM, emulated windows."
		"\vWith no TARGET, every VMM on the host is checked. Tables are read through the VMM's "
		"own mapping: nothing is held. Exit status: 0 when no finding is at least as severe as "
		"--severity, 1 when one is, 2 on trouble; see tcectl-check(1).",
		children, NULL, NULL
	};
	struct check_cli c = { .severity = TCE_SEV_WARNING };
	struct tce_check chk = { 0 };
	struct tce_check_ops ops = { .finding = on_finding, .table_done = on_table, .vm_done = on_vm,
				     .error = on_error, .ctx = &c };
	struct tce_err err = { 0 };
	int status = 0;

	cli_trouble_is_usage();
	/* check never holds a table: the VMM's mapping or nothing. */
	tce_source_set_attach(TCE_ATTACH_MAPPING);
	cli_parse(&argp, argc, argv, &c);
	c.vms.opts = qmp_options;
	if (!c.count) {
		c.targets = host_targets(&c.count, NULL);
		c.host = true;
	}
	qmp_options_one_vmm(targets_distinct_pids(c.targets, c.count));
	if (output.json) {
		json_init(&c.json, out, output.pretty);
		cli_json_document_begun();
		json_object_begin(&c.json);
		json_key(&c.json, "findings");
		json_array_begin(&c.json);
	}
	chk.targets = c.targets;
	chk.n_targets = c.count;
	chk.host = c.host;
	chk.vminfo = vminfo_of;
	chk.vminfo_ctx = &c;
	if (tce_check_run(&chk, &ops, &err) < 0)
		on_error(&c, 0, "host", &err);
	if (chk.holders.denied)
		cli_warn("the fds of %zu processes could not be read: a foreign holder among them is not seen; "
			 "run as root or with CAP_SYS_PTRACE", chk.holders.denied);
	if (chk.holders.incomplete)
		cli_warn("more than %u fds or mappings on the host could be tables: the foreign-holder check is incomplete",
			 TCE_HOLDERS_MAX);
	tce_check_free(&chk);
	for (int s = c.severity; s < TCE_SEV_COUNT; s++)
		if (c.total[s])
			status = TCE_NEGATIVE;
	if (output.json) {
		json_tail(&c);
	} else if (!output.noheadings) {
		for (int s = TCE_SEV_COUNT - 1; s >= 0; s--)
			ob_printf(out, "summary: %llu %s\n", (unsigned long long)c.total[s],
				  tce_severity_name((enum tce_severity)s));
	}
	free(c.targets);
	cli_vms_free(&c.vms);
	free(c.vm_list);
	free(c.tables);
	free(c.errors);
	return cli_finish(status_merge(status, c.status));
}
