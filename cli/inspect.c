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

static void inspect_text(const struct tce_ckpt *c)
{
	const struct tce_snapshot_info *i = &c->info;
	char date[64], comm[4 * sizeof(i->comm)], guest[4 * sizeof(i->guest)];

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
	if (!output.noheadings)
		ob_printf(out, "%3s %-10s %8s %-18s %9s %9s %10s %-10s %s\n", "N", "LIOBN", "PAGESIZE",
			  "OFFSET", "ENTRIES", "MAPPED", "STORED", "CRC32", "FROM");
	for (size_t n = 0; n < c->count; n++) {
		const struct tce_ckpt_table *t = &c->tables[n];
		char liobn[16] = "-", page[16], offset[24];

		if (t->meta.geo.has_liobn)
			snprintf(liobn, sizeof(liobn), "0x%llx", (unsigned long long)t->meta.geo.liobn);
		format_size(page, sizeof(page), tce_page_size(&t->meta.geo));
		snprintf(offset, sizeof(offset), "0x%llx", (unsigned long long)t->meta.geo.bus_offset);
		ob_printf(out, "%3zu %-10s %8s %-18s %9llu %9llu %10llu 0x%08x %d:%d\n", n, liobn, page,
			  offset, (unsigned long long)t->meta.entries, (unsigned long long)t->mapped,
			  (unsigned long long)t->stored_bytes, t->crc, (int)t->meta.origin.pid,
			  t->meta.origin.fd);
	}
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
			inspect_text(&c);
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
