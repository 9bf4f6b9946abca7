// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inspect.c - tcectl inspect and tcectl verify: a checkpoint file's
 * metadata and tables, and whether it is whole.
 */
#include <stdlib.h>
#include <time.h>

#include "../src/checkpoint.h"
#include "../src/parse.h"
#include "cli.h"
#include "columns.h"
#include "escape.h"
#include "fields.h"

struct files {
	char **paths;
	size_t count;
	const char *verb;
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct files *f = state->input;

	switch (key) {
	case ARGP_KEY_ARG:
		f->paths = realloc(f->paths, (f->count + 1) * sizeof(*f->paths));
		if (!f->paths)
			exit(cli_error(TCE_EIO, "out of memory"));
		f->paths[f->count++] = arg;
		break;
	case ARGP_KEY_END:
		if (!f->count)
			exit(cli_error(TCE_EUSAGE, "no checkpoint file; usage: tcectl %s [OPTION...] FILE...",
				       f->verb));
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void when(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm))
		strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
	else
		snprintf(buf, len, "%lld", (long long)t);
}

/* A table's row of inspect's text, for the column registry. */
struct table_row {
	size_t index;
	char liobn[24];
	char page[16];
	char offset[24];
	uint64_t entries, mapped, stored;
	uint32_t crc;
	char from[32];
};

#define ROW(r) ((const struct table_row *)(r))

static void text_index(const void *r, char *b, size_t l) { snprintf(b, l, "%zu", ROW(r)->index); }
static void text_liobn(const void *r, char *b, size_t l) { snprintf(b, l, "%s", ROW(r)->liobn); }
static void text_page(const void *r, char *b, size_t l) { snprintf(b, l, "%s", ROW(r)->page); }
static void text_offset(const void *r, char *b, size_t l) { snprintf(b, l, "%s", ROW(r)->offset); }
static void text_from(const void *r, char *b, size_t l) { snprintf(b, l, "%s", ROW(r)->from); }
static void text_crc(const void *r, char *b, size_t l) { snprintf(b, l, "0x%08x", ROW(r)->crc); }
static void text_entries(const void *r, char *b, size_t l)
{
	snprintf(b, l, "%llu", (unsigned long long)ROW(r)->entries);
}
static void text_mapped(const void *r, char *b, size_t l)
{
	snprintf(b, l, "%llu", (unsigned long long)ROW(r)->mapped);
}
static void text_stored(const void *r, char *b, size_t l)
{
	snprintf(b, l, "%llu", (unsigned long long)ROW(r)->stored);
}

/*
 * The widths are those of the fixed layout inspect always printed; a value
 * wider than its column widens it instead of pushing the row out of line.
 */
static const struct column table_columns[] = {
	{ "N", "index", COL_DEFAULT | COL_RIGHT, "the table's number, as FILE:N", text_index, NULL, 3 },
	{ "LIOBN", "liobn", COL_DEFAULT, "its liobn, - when none was known", text_liobn, NULL, 10 },
	{ "PAGESIZE", "page_shift", COL_DEFAULT | COL_RIGHT, "its IOMMU page size", text_page, NULL, 8 },
	{ "OFFSET", "bus_offset", COL_DEFAULT, "the bus address of entry 0", text_offset, NULL, 18 },
	{ "ENTRIES", "entries", COL_DEFAULT | COL_RIGHT, "its length", text_entries, NULL, 9 },
	{ "MAPPED", "mapped", COL_DEFAULT | COL_RIGHT, "entries in use", text_mapped, NULL, 9 },
	{ "STORED", "stored_bytes", COL_DEFAULT | COL_RIGHT, "bytes in the file", text_stored, NULL, 10 },
	{ "CRC32", "crc32", COL_DEFAULT, "checksum of the entries as stored", text_crc, NULL, 10 },
	{ "FROM", "from", COL_DEFAULT, "the table it was read from, PID:FD", text_from, NULL, 0 },
};

static void table_row_fill(struct table_row *row, size_t n, const struct tce_ckpt_table *t)
{
	const struct tce_geometry *geo = &t->meta.geo;

	row->index = n;
	if (geo->has_liobn)
		snprintf(row->liobn, sizeof(row->liobn), "0x%llx", (unsigned long long)geo->liobn);
	else
		snprintf(row->liobn, sizeof(row->liobn), "-");
	format_size(row->page, sizeof(row->page), tce_page_size(geo));
	snprintf(row->offset, sizeof(row->offset), "0x%llx", (unsigned long long)geo->bus_offset);
	row->entries = t->meta.entries;
	row->mapped = t->mapped;
	row->stored = t->stored_bytes;
	row->crc = t->crc;
	snprintf(row->from, sizeof(row->from), "%d:%d", (int)t->meta.origin.pid, t->meta.origin.fd);
}

static int inspect_text(const struct tce_ckpt *c)
{
	const struct tce_snapshot_info *i = &c->info;
	char date[64], comm[4 * sizeof(i->comm)], guest[4 * sizeof(i->guest)];
	struct column_set columns = { 0 };
	struct table_row *rows;

	when(i->time, date, sizeof(date));
	ob_printf(out, "checkpoint %s: format %u, %s-endian entries\n", c->path, c->version,
		  c->big_endian ? "big" : "little");
	ob_printf(out, "taken %s on %s, kernel %s\n", date, i->hostname, i->kernel);
	if (i->pid)
		ob_printf(out, "process %d (%s), guest %s, ", i->pid, safe_text(i->comm, comm, sizeof(comm)),
			  i->guest[0] ? safe_text(i->guest, guest, sizeof(guest)) : "unnamed");
	else
		ob_printf(out, "from checkpoint files, ");
	ob_printf(out, "%s (%u %s)\n", i->consistent ? "consistent" : "NOT consistent", i->passes,
		  i->passes == 1 ? "pass" : "passes");

	/* Every row first, so the columns fit the widest value. */
	rows = calloc(c->count ? c->count : 1, sizeof(*rows));
	if (!rows)
		return cli_error(TCE_EIO, "out of memory");
	for (size_t n = 0; n < c->count; n++)
		table_row_fill(&rows[n], n, &c->tables[n]);
	columns_default(&columns, table_columns, sizeof(table_columns) / sizeof(table_columns[0]));
	columns_print(&columns, rows, c->count, sizeof(*rows), false, output.noheadings);
	columns_free(&columns);
	free(rows);
	return 0;
}

static void inspect_json(struct json *j, const struct tce_ckpt *c)
{
	const struct tce_snapshot_info *i = &c->info;

	json_object_begin(j);
	json_string_field(j, "file", c->path);
	json_u64_field(j, "version", c->version);
	json_string_field(j, "byte_order", c->big_endian ? "big" : "little");
	json_u64_field(j, "time", (uint64_t)i->time);
	json_string_field(j, "hostname", i->hostname);
	json_string_field(j, "kernel", i->kernel);
	json_u64_field(j, "pid", (uint64_t)i->pid);
	json_string_field(j, "comm", i->comm);
	json_string_field(j, "guest", i->guest);
	json_bool_field(j, "consistent", i->consistent);
	json_u64_field(j, "passes", i->passes);
	json_key(j, "tables");
	json_array_begin(j);
	for (size_t n = 0; n < c->count; n++) {
		const struct tce_ckpt_table *t = &c->tables[n];

		json_object_begin(j);
		json_u64_field(j, "index", n);
		json_liobn_field(j, &t->meta.geo);
		json_u64_field(j, "page_shift", t->meta.geo.page_shift);
		json_hex_field(j, "bus_offset", t->meta.geo.bus_offset);
		json_u64_field(j, "entries", t->meta.entries);
		json_u64_field(j, "mapped", t->mapped);
		json_bool_field(j, "compressed", t->compressed);
		json_string_field(j, "codec", tce_codec_name(t->codec));
		json_u64_field(j, "stored_bytes", t->stored_bytes);
		json_hex_field(j, "crc32", t->crc);
		json_u64_field(j, "pid", (uint64_t)t->meta.origin.pid);
		json_u64_field(j, "fd", (uint64_t)t->meta.origin.fd);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

/*
 * verify: every table streamed to its end, where the reader checks its
 * checksum and mapped count; one block of memory whatever the tables hold.
 */
static int verify_file(struct tce_ckpt *c, struct tce_err *err)
{
	uint64_t step = 1, *block;
	int rc = 0;

	for (size_t n = 0; n < c->count; n++)
		if (c->tables[n].meta.entries > step)
			step = c->tables[n].meta.entries;
	if (step > TCE_READ_BLOCK)
		step = TCE_READ_BLOCK;
	block = malloc(step * sizeof(*block));
	if (!block)
		return tce_fail(err, TCE_EIO, "out of memory");
	for (size_t n = 0; n < c->count && !rc; n++) {
		uint64_t entries = c->tables[n].meta.entries;

		for (uint64_t k = 0; k < entries && !rc; k += step)
			rc = tce_checkpoint_read(c, n, k, entries - k < step ? entries - k : step, block, err);
	}
	free(block);
	return rc;
}

static int run(int argc, char **argv, bool verify)
{
	static const struct argp_child children[] = { { &common_argp, 0, NULL, 0 }, { 0 } };
	static const struct argp inspect_argp = {
		NULL, parse_opt, "FILE...",
		"Describe checkpoint files: when and where they were taken, and each table's "
		"geometry, size and checksum.\vSee tcectl-inspect(1) and tcectl-checkpoint(5).",
		children, NULL, NULL
	};
	static const struct argp verify_argp = {
		NULL, parse_opt, "FILE...",
		"Check checkpoint files: their structure, every record, and every table's "
		"checksum.\vExits 0 when every file is whole, 6 when one is not; see tcectl-verify(1).",
		children, NULL, NULL
	};
	struct files f = { .verb = verify ? "verify" : "inspect" };
	struct json j;
	int status = 0;

	cli_parse(verify ? &verify_argp : &inspect_argp, argc, argv, &f);
	json_init(&j, out, output.pretty);
	if (output.json) {
		cli_json_document_begun();
		json_array_begin(&j);
	}
	for (size_t n = 0; n < f.count; n++) {
		struct tce_err err = { 0 };
		struct tce_ckpt c;

		if (tce_checkpoint_open(&c, f.paths[n], &err) || (verify && verify_file(&c, &err))) {
			if (output.json)
				cli_json_target_error(&j, f.paths[n], &err);
			else
				cli_report(&err);
			status = status_merge(status, err.status);
		} else if (verify) {
			if (output.json) {
				json_object_begin(&j);
				json_string_field(&j, "file", f.paths[n]);
				json_u64_field(&j, "tables", c.count);
				json_bool_field(&j, "ok", true);
				json_object_end(&j);
			} else {
				ob_printf(out, "%s: ok, %zu %s, every checksum matches\n", f.paths[n],
					  c.count, c.count == 1 ? "table" : "tables");
			}
		} else if (output.json) {
			inspect_json(&j, &c);
		} else {
			if (n)
				ob_putc(out, '\n');
			status = status_merge(status, inspect_text(&c));
		}
		tce_checkpoint_close(&c);
	}
	if (output.json) {
		json_array_end(&j);
		json_finish(&j);
	}
	free(f.paths);
	return cli_finish(status);
}

int do_inspect(int argc, char **argv)
{
	return run(argc, argv, false);
}

int do_verify(int argc, char **argv)
{
	return run(argc, argv, true);
}
