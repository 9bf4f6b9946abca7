// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump.c - tcectl dump: a table's extents or entries as text, CSV, JSON
 * or raw bytes.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/parse.h"
#include "../src/source.h"
#include "../src/tce.h"
#include "cli.h"
#include "digits.h"
#include "escape.h"
#include "fields.h"
#include "lines.h"
#include "visit.h"

enum format { FORMAT_TEXT, FORMAT_CSV, FORMAT_JSON, FORMAT_RAW };

struct dump {
	struct tce_target *targets;
	size_t count;
	bool entries;		/* every non-zero entry instead of extents */
	bool all;		/* every entry, empty ones too */
	bool has_range;
	struct addr_range range;
	unsigned perms;		/* bit per tce_perm() to show */
	bool has_perms;
	enum format format;
	const char *format_option;	/* the option that chose it, for the message */
	size_t tables;		/* printed so far */
	struct json json;
	struct widths w;	/* of the table being printed, from its first batch */
	uint64_t extents;	/* of it, shown so far */
};

enum {
	OPT_ENTRIES = 'e',
	OPT_ALL = 'a',
	OPT_RANGE = 'R',
	OPT_PERM = 'P',
	OPT_CSV = OPT_LONG_BASE,
	OPT_RAW,
};

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "What to show:", 1 },
	{ "entries", OPT_ENTRIES, NULL, 0, "Every non-zero entry instead of extents", 0 },
	{ "all", OPT_ALL, NULL, 0, "Every entry, empty ones too; implies --entries", 0 },
	{ "range", OPT_RANGE, "IOBA[-IOBA]", 0,
	  "Only this IO bus address range (also IOBA+LENGTH)", 0 },
	{ "perm", OPT_PERM, "PERMS", 0,
	  "Only entries with these permissions: a comma-separated list of rw, r, w and - (or none)", 0 },
	{ "csv", OPT_CSV, NULL, 0, "Comma-separated values with a header row", 50 },
	{ "raw", OPT_RAW, NULL, 0, "The table's bytes as they are, for piping (one table)", 0 },
	{ 0 }
};

/* --csv and --raw: the later of two formats must not silently win. */
static void choose_format(struct dump *d, enum format format, const char *option)
{
	if (d->format_option && d->format != format)
		exit(cli_error(TCE_EUSAGE, "%s and %s are two formats; choose one",
			       d->format_option, option));
	d->format = format;
	d->format_option = option;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct dump *d = state->input;
	struct tce_err err = { 0 };

	switch (key) {
	case OPT_ENTRIES:
		d->entries = true;
		break;
	case OPT_ALL:
		d->entries = d->all = true;
		break;
	case OPT_RANGE:
		if (parse_range(arg, &d->range))
			exit(cli_error(TCE_EUSAGE,
				       "'%s' is not an IO bus address range; give IOBA, IOBA-IOBA or IOBA+LENGTH",
				       arg));
		d->has_range = true;
		break;
	case OPT_PERM:
		d->has_perms = true;
		if (tce_perm_set_parse(arg, &d->perms))
			exit(cli_error(TCE_EUSAGE,
				       "'%s' is not a permission list; give a comma-separated list of rw, r, w and -",
				       arg));
		break;
	case OPT_CSV:
		choose_format(d, FORMAT_CSV, "--csv");
		break;
	case OPT_RAW:
		choose_format(d, FORMAT_RAW, "--raw");
		break;
	case ARGP_KEY_ARG:
		d->targets = realloc(d->targets, (d->count + 1) * sizeof(*d->targets));
		if (!d->targets)
			exit(cli_error(TCE_EIO, "out of memory"));
		if (tce_target_parse(arg, &d->targets[d->count], &err))
			exit(cli_report(&err));
		d->count++;
		break;
	case ARGP_KEY_END:
		if (!d->count)
			exit(cli_error(TCE_EUSAGE, "no target; usage: tcectl dump [OPTION...] TARGET..."));
		break;
	case ARGP_KEY_FINI:
		if (output.json) {
			if (d->format == FORMAT_CSV || d->format == FORMAT_RAW)
				exit(cli_error(TCE_EUSAGE, "--json goes with neither --csv nor --raw; choose one format"));
			d->format = FORMAT_JSON;
		}
		if (d->format == FORMAT_RAW && (d->has_perms || d->entries))
			exit(cli_error(TCE_EUSAGE,
				       "--raw writes every entry as it is; it takes --range but not --perm, --entries or --all"));
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static bool shown(const struct dump *d, uint64_t raw)
{
	return d->perms & (1u << tce_perm(raw));
}

static uint64_t mapped_shown(const struct dump *d, const struct tce_counts *counts)
{
	uint64_t n = 0;

	for (unsigned p = 0; p < 4; p++)
		if (d->perms & (1u << p))
			n += counts->by_perm[p];
	return n;
}

static void text_title(const struct tce_table *t)
{
	char page[16], name[64], device[32], comm[4 * sizeof(t->origin.comm)];

	format_size(page, sizeof(page), tce_page_size(&t->geo));
	table_label(t, name, sizeof(name));
	ob_printf(out, "table %s (%s), liobn ", name, safe_text(t->origin.comm, comm, sizeof(comm)));
	if (t->geo.has_liobn)
		ob_hex(out, t->geo.liobn, 1);
	else
		ob_puts(out, "unknown");
	table_device(t, device, sizeof(device));
	if (device[0])
		ob_printf(out, " (%s)", device);
	ob_printf(out, ", %s pages, bus offset ", page);
	ob_hex(out, t->geo.bus_offset, 1);
	ob_printf(out, ", %llu entries", (unsigned long long)t->entries);
	if (t->origin.emulated)
		ob_puts(out, ", emulated by QEMU");
	if (t->geo.source == TCE_GEO_ASSUMED)
		ob_puts(out, " (geometry assumed: give page=, offset=)");
	ob_putc(out, '\n');
}

/*
 * The hot loop of --entries --all: one fixed-layout line per entry,
 * formatted in place (table_widths() sized every field to fit).
 */
static void text_entry(const struct tce_table *t, uint64_t i, uint64_t raw, const struct widths *w)
{
	static const char perm_field[4][6] = { "-    ", "r    ", "w    ", "rw   " };
	size_t len = w->index + w->ioba + w->gpa + 16 + 3 * 3 + 5 + 1;
	char *p = ob_reserve(out, len);

	put_dec_right(p, i, w->index);
	p += w->index;
	memcpy(p, " 0x", 3);
	put_hex_fixed(p + 3, tce_ioba(&t->geo, i), w->ioba);
	p += 3 + w->ioba;
	memcpy(p, " 0x", 3);
	put_hex_fixed(p + 3, tce_gpa(raw), w->gpa);
	p += 3 + w->gpa;
	*p++ = ' ';
	memcpy(p, perm_field[tce_perm(raw)], 5);
	memcpy(p + 5, "0x", 2);
	put_hex_fixed(p + 7, raw, 16);
	p[23] = '\n';
	out->len += len;
}

static void csv_prefix(const struct tce_table *t)
{
	ob_u64(out, (uint64_t)t->origin.pid);
	ob_putc(out, ',');
	if (t->origin.fd >= 0)
		ob_u64(out, (uint64_t)t->origin.fd);
	ob_putc(out, ',');
	if (t->geo.has_liobn)
		ob_hex(out, t->geo.liobn, 1);
	ob_putc(out, ',');
}

static void csv_extent(const struct tce_table *t, const struct tce_extent *e)
{
	uint64_t span = (e->count << t->geo.page_shift) - 1;
	uint64_t ioba = tce_ioba(&t->geo, e->index), gpa = tce_gpa(e->raw);

	csv_prefix(t);
	ob_hex(out, ioba, 1);
	ob_putc(out, ',');
	ob_hex(out, ioba + span, 1);
	ob_putc(out, ',');
	ob_hex(out, gpa, 1);
	ob_putc(out, ',');
	ob_hex(out, gpa + span, 1);
	ob_putc(out, ',');
	ob_puts(out, tce_perm_name(tce_perm(e->raw)));
	ob_putc(out, ',');
	ob_u64(out, e->count);
	ob_putc(out, '\n');
}

static void csv_entry(const struct tce_table *t, uint64_t i, uint64_t raw)
{
	csv_prefix(t);
	ob_u64(out, i);
	ob_putc(out, ',');
	ob_hex(out, tce_ioba(&t->geo, i), 1);
	ob_putc(out, ',');
	ob_hex(out, tce_gpa(raw), 1);
	ob_putc(out, ',');
	ob_puts(out, tce_perm_name(tce_perm(raw)));
	ob_putc(out, ',');
	ob_hex(out, raw, 1);
	ob_putc(out, '\n');
}

static void json_extent(struct json *j, const struct tce_table *t, const struct tce_extent *e)
{
	json_object_begin(j);
	json_u64_field(j, "index", e->index);
	json_hex_field(j, "ioba", tce_ioba(&t->geo, e->index));
	json_hex_field(j, "gpa", tce_gpa(e->raw));
	json_u64_field(j, "pages", e->count);
	json_string_field(j, "perm", tce_perm_name(tce_perm(e->raw)));
	json_object_end(j);
}

static void json_entry(struct json *j, const struct tce_table *t, uint64_t i, uint64_t raw)
{
	json_object_begin(j);
	json_u64_field(j, "index", i);
	json_hex_field(j, "ioba", tce_ioba(&t->geo, i));
	json_entry_value(j, raw);
	json_object_end(j);
}

static void emit_entry(struct dump *d, const struct tce_table *t, uint64_t i, uint64_t raw,
		       const struct widths *w)
{
	if (!shown(d, raw))
		return;
	switch (d->format) {
	case FORMAT_TEXT:
		text_entry(t, i, raw, w);
		break;
	case FORMAT_CSV:
		csv_entry(t, i, raw);
		break;
	default:
		json_entry(&d->json, t, i, raw);
		break;
	}
}

/* Entries of the scanned range in index order; empty ones only with --all. */
static void emit_entries(struct dump *d, const struct tce_table *t, const struct tce_extents *x,
			 const struct widths *w)
{
	uint64_t i = x->first;

	for (size_t n = 0; n < x->count; n++) {
		const struct tce_extent *e = &x->ext[n];

		if (d->all)
			for (; i < e->index; i++)
				emit_entry(d, t, i, 0, w);
		for (i = e->index; i < e->index + e->count; i++)
			emit_entry(d, t, i, tce_extent_entry(x, e, i), w);
	}
	if (d->all)
		for (; i < x->end; i++)
			emit_entry(d, t, i, 0, w);
}

static size_t emit_extents(struct dump *d, const struct tce_table *t, const struct tce_extents *x,
			   const struct widths *w)
{
	size_t shown_extents = 0;

	for (size_t n = 0; n < x->count; n++) {
		const struct tce_extent *e = &x->ext[n];

		if (!shown(d, e->raw))
			continue;
		shown_extents++;
		if (d->format == FORMAT_TEXT)
			print_extent_line(&t->geo, e->index, e->count, e->raw, w);
		else if (d->format == FORMAT_CSV)
			csv_extent(t, e);
		else
			json_extent(&d->json, t, e);
	}
	return shown_extents;
}

static void text_headings(const struct dump *d, const struct widths *w)
{
	if (d->entries) {
		ob_printf(out, "%*s %-*s %-*s %-4s %s\n", (int)w->index, "INDEX",
			  (int)w->ioba + 2, "IOBA", (int)w->gpa + 2, "GPA", "PERM", "RAW");
		return;
	}
	ob_printf(out, "%-*s %-*s %-4s %*s\n", 2 * (int)w->ioba + 5, "IOBA",
		  2 * (int)w->gpa + 5, "GPA", "PERM", (int)w->pages, "PAGES");
}

static void json_table_begin(struct json *j, const struct tce_table *t)
{
	json_object_begin(j);
	json_u64_field(j, "pid", (uint64_t)t->origin.pid);
	json_fd_field(j, t);
	json_string_field(j, "comm", t->origin.comm);
	json_string_field(j, "fd_link", t->origin.link);
	json_liobn_field(j, &t->geo);
	json_u64_field(j, "page_shift", t->geo.page_shift);
	json_hex_field(j, "bus_offset", t->geo.bus_offset);
	json_u64_field(j, "entries", t->entries);
	json_table_where(j, t);
}

static int write_raw(const struct tce_extents *x)
{
	enum { CHUNK = 8192 };
	static uint64_t buf[CHUNK];
	size_t cursor = 0;

	for (uint64_t i = x->first; i < x->end; i += CHUNK) {
		uint64_t n = x->end - i < CHUNK ? x->end - i : CHUNK;

		tce_extents_expand(x, i, n, buf, &cursor);
		ob_write(out, buf, n * sizeof(*buf));
	}
	return 0;
}

/*
 * Columns are sized on the table's first batch (all of it, for tables up
 * to a chunk): a later run with wider addresses widens its own line only.
 */
static int dump_begin(void *ctx, const struct tce_table *t, const struct tce_extents *x)
{
	struct dump *d = ctx;

	d->w = table_widths(t, x);
	d->extents = 0;
	if (d->format == FORMAT_RAW)
		return 0;
	if (d->format == FORMAT_TEXT && !output.noheadings) {
		if (d->tables)
			ob_putc(out, '\n');
		text_title(t);
		text_headings(d, &d->w);
	}
	if (d->format == FORMAT_CSV && !output.noheadings && !d->tables)
		ob_puts(out, d->entries ? "pid,fd,liobn,index,ioba,gpa,perm,raw\n"
					: "pid,fd,liobn,ioba_first,ioba_last,gpa_first,gpa_last,perm,pages\n");
	d->tables++;
	if (d->format == FORMAT_JSON) {
		json_table_begin(&d->json, t);
		json_key(&d->json, d->entries ? "tces" : "extents");
		json_array_begin(&d->json);
	}
	return 0;
}

static int dump_batch(void *ctx, const struct tce_table *t, const struct tce_extents *x)
{
	struct dump *d = ctx;

	if (d->format == FORMAT_RAW)
		return write_raw(x);
	if (d->entries) {
		emit_entries(d, t, x, &d->w);
		for (size_t n = 0; n < x->count; n++)
			d->extents += shown(d, x->ext[n].raw);
	} else {
		d->extents += emit_extents(d, t, x, &d->w);
	}
	return 0;
}

static int dump_end(void *ctx, const struct tce_table *t, const struct tce_counts *counts,
		    uint64_t extents)
{
	struct dump *d = ctx;

	(void)extents;	/* of every permission; the footer counts those shown */
	if (d->format == FORMAT_JSON) {
		json_array_end(&d->json);
		json_u64_field(&d->json, "mapped", mapped_shown(d, counts));
		json_u64_field(&d->json, "extent_count", d->extents);
		json_object_end(&d->json);
	}
	if (d->format == FORMAT_TEXT && !output.noheadings)
		ob_printf(out, "entries %llu, mapped %llu, extents %llu\n",
			  (unsigned long long)t->entries,
			  (unsigned long long)mapped_shown(d, counts), (unsigned long long)d->extents);
	return 0;
}

/* --raw is one table's bytes: refuse several tables and terminals up front. */
static void check_raw(const struct dump *d)
{
	struct tce_source src;
	struct tce_err err = { 0 };
	size_t tables;

	if (isatty(STDOUT_FILENO))
		exit(cli_error(TCE_EUSAGE,
			       "--raw writes binary data; redirect it to a file or a pipe"));
	if (d->count > 1)
		exit(cli_error(TCE_EUSAGE, "--raw writes one table; give one PID:FD"));
	if (tce_source_open(&src, &d->targets[0], &err))
		exit(cli_report(&err));
	tables = src.count;
	tce_source_close(&src);
	if (tables > 1 && d->targets[0].kind == TCE_TARGET_FILE)
		exit(cli_error(TCE_EUSAGE,
			       "--raw writes one table and checkpoint '%s' holds %zu; give FILE:N (see tcectl inspect %s)",
			       d->targets[0].path, tables, d->targets[0].path));
	if (tables > 1)
		exit(cli_error(TCE_EUSAGE,
			       "--raw writes one table and pid %d holds %zu; give PID:FD (see tcectl list %d)",
			       (int)d->targets[0].pid, tables, (int)d->targets[0].pid));
}

int do_dump(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &common_argp, 0, NULL, 0 }, { &live_argp, 0, NULL, 0 }, { 0 }
	};
	static const struct argp argp = {
		options, parse_opt, "TARGET...",
		"Decode TCE tables.\vBy default each table is shown as extents: runs of entries "
		"that map consecutive guest pages with the same permission. TARGET is PID, "
		"vm:NAME (the VMM of that VM), PID:FD, PID@ADDR or PID:FD,KEY=VALUE,... with keys shift, page, offset, liobn and entries; see tcectl-dump(1).",
		children, NULL, NULL
	};
	struct dump d = { .perms = 0xf };
	struct visit v = { .begin = dump_begin, .batch = dump_batch, .end = dump_end, .ctx = &d };
	int status;

	cli_parse(&argp, argc, argv, &d);
	if (d.format == FORMAT_RAW)
		check_raw(&d);
	if (d.has_range)
		v.range = &d.range;
	if (d.format == FORMAT_JSON) {
		json_init(&d.json, out, output.pretty);
		cli_json_document_begun();
		json_array_begin(&d.json);
		v.json = &d.json;
	}
	status = visit_targets(d.targets, d.count, &v);
	if (d.format == FORMAT_JSON) {
		json_array_end(&d.json);
		json_finish(&d.json);
	}
	free(d.targets);
	return cli_finish(status);
}
