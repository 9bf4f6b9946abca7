// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * checkpoint.c - tcectl checkpoint: save whole tables into one file.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/byteorder.h"
#include "../src/checkpoint.h"
#include "../src/cursor.h"
#include "../src/digest.h"
#include "../src/freeze.h"
#include "../src/source.h"
#include "cli.h"

/* Passes over a live table before giving up on two that agree. */
#define MAX_PASSES 5

struct checkpoint {
	struct tce_target *targets;
	size_t count;
	const char *output;
	bool freeze;
	bool compress;
	bool big_endian;
	bool progress;		/* a progress line on a terminal */
	struct tce_freeze frozen;	/* the VMM stopped for consecutive targets of it */
	struct tce_ckpt_writer writer;
	size_t n_tables;
	uint64_t mapped, stored;	/* over the tables written */
	struct tce_snapshot_info info;
};

enum {
	OPT_OUTPUT = 'o',
	OPT_FREEZE = OPT_LONG_BASE,
	OPT_NO_COMPRESS,
	OPT_BYTE_ORDER,
};

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Checkpoint:", 1 },
	{ "output", OPT_OUTPUT, "FILE", 0, "The checkpoint file to write (required)", 0 },
	{ "freeze", OPT_FREEZE, NULL, 0,
	  "Stop the VMM with SIGSTOP while its tables are read; it is always resumed", 0 },
	{ "no-compress", OPT_NO_COMPRESS, NULL, 0,
	  "Store the entries as they are (objcopy --dump-section then gives each raw table)", 0 },
	{ "byte-order", OPT_BYTE_ORDER, "ORDER", 0,
	  "Byte order of the entries in the file: host (default), little or big", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct checkpoint *c = state->input;

	switch (key) {
	case OPT_OUTPUT: {
		struct tce_err err = { 0 };

		/* Refused before any table is read, let alone the VMM stopped. */
		if (tce_checkpoint_path_ok(arg, "checkpoint", &err))
			exit(cli_report(&err));
		c->output = arg;
		break;
	}
	case OPT_FREEZE:
		c->freeze = true;
		break;
	case OPT_NO_COMPRESS:
		c->compress = false;
		break;
	case OPT_BYTE_ORDER:
		if (!strcmp(arg, "little") || !strcmp(arg, "big") || !strcmp(arg, "host"))
			c->big_endian = !strcmp(arg, "host") ? host_is_big_endian() : !strcmp(arg, "big");
		else
			exit(cli_error(TCE_EUSAGE, "'%s' is not a byte order; give host, little or big", arg));
		break;
	case ARGP_KEY_ARG:
		c->targets = realloc(c->targets, (c->count + 1) * sizeof(*c->targets));
		if (!c->targets)
			exit(cli_error(TCE_EIO, "out of memory"));
		cli_parse_target(arg, &c->targets[c->count++]);
		break;
	case ARGP_KEY_END:
		if (!c->count)
			exit(cli_error(TCE_EUSAGE, "no target; usage: tcectl checkpoint [OPTION...] -o FILE TARGET..."));
		if (!c->output)
			exit(cli_error(TCE_EUSAGE, "no output file; give -o FILE"));
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void progress(const struct checkpoint *c, const char *name, size_t n, size_t of)
{
	if (c->progress)
		fprintf(stderr, "\rtcectl: checkpoint: reading %s (%zu of %zu)\033[K", name, n, of);
}

/* One pass over the table: its digest, and its entries into the writer when writing. */
static int pass(struct checkpoint *c, struct tce_cursor *cur, bool writing, uint64_t *digest,
		struct tce_err *err)
{
	static uint64_t block[TCE_READ_BLOCK];
	struct tce_digest d;
	int more;

	tce_digest_init(&d);
	tce_cursor_rewind(cur);
	if (writing && tce_ckpt_writer_begin(&c->writer, &cur->t, err))
		return -1;
	while ((more = tce_cursor_next(cur, err)) > 0) {
		const struct tce_extents *x = &cur->x;

		tce_digest_add(&d, x->ext, x->count * sizeof(*x->ext));
		tce_digest_add(&d, &x->end, sizeof(x->end));
		if (writing && tce_ckpt_writer_feed_extents(&c->writer, x, block, err))
			return -1;
	}
	*digest = tce_digest_final(&d);
	return more;
}

/*
 * Writes table i.  A live table is read until two passes agree, or
 * MAX_PASSES: the first only for its digest, each later one into the file
 * (the previous written one dropped) and compared with the pass before.
 * Once with --freeze, and once from a file, whose table cannot change.
 */
static int write_table(struct checkpoint *c, struct tce_source *src, size_t i,
		       struct tce_err *err)
{
	unsigned passes = c->freeze || src->target->kind == TCE_TARGET_FILE ? 1 : MAX_PASSES;
	uint64_t before = 0, now;
	struct tce_cursor cur;
	bool agreed = false;
	unsigned n;
	int rc = -1;

	if (tce_cursor_open(&cur, src, i, NULL, TCE_CUT_CHUNK, err))
		goto out;
	for (n = 1; n <= passes && !agreed; n++) {
		bool writing = passes == 1 || n > 1;

		if (n > 2)
			tce_ckpt_writer_rewind(&c->writer);
		if (pass(c, &cur, writing, &now, err))
			goto out;
		agreed = n > 1 && now == before;
		before = now;
	}
	if (tce_ckpt_writer_end(&c->writer, err))
		goto out;
	c->info.consistent &= agreed || passes == 1;
	if (n - 1 > c->info.passes)
		c->info.passes = n - 1;
	c->n_tables++;
	c->mapped += c->writer.last.mapped;
	c->stored += c->writer.last.stored_bytes;
	rc = 0;
out:
	tce_cursor_close(&cur);
	return rc;
}

static int read_target(struct checkpoint *c, const struct tce_target *target)
{
	struct tce_err err = { 0 };
	struct tce_source src;
	int status = 0;

	if (tce_source_open(&src, target, &err)) {
		tce_source_close(&src);
		return cli_report(&err);
	}
	/* Targets of one VMM in a row share one pause, so the file is consistent. */
	if (c->freeze && target->kind != TCE_TARGET_FILE && c->frozen.pid != target->pid) {
		tce_thaw(&c->frozen);
		if (tce_freeze(&c->frozen, target->pid, -1, &err)) {
			tce_source_close(&src);
			return cli_report(&err);
		}
	}
	for (size_t i = 0; i < src.count && !status; i++) {
		char name[4200];

		tce_source_table_name(&src, i, name, sizeof(name));
		progress(c, name, i + 1, src.count);
		if (write_table(c, &src, i, &err))
			status = cli_report(&err);
	}
	if (!c->info.pid && target->kind != TCE_TARGET_FILE) {
		c->info.pid = target->pid;
		snprintf(c->info.comm, sizeof(c->info.comm), "%s", src.proc.comm);
		tce_guest_name(target->pid, c->info.guest, sizeof(c->info.guest));
	}
	tce_source_close(&src);
	return status;
}

static void report(const struct checkpoint *c)
{
	uint64_t mapped = c->mapped, stored = c->stored;
	struct json j;

	if (!output.json) {
		ob_printf(out, "wrote %s: %zu %s, %llu mapped %s, %llu bytes of entries, %s\n",
			  c->output, c->n_tables, c->n_tables == 1 ? "table" : "tables",
			  (unsigned long long)mapped, mapped == 1 ? "entry" : "entries",
			  (unsigned long long)stored,
			  c->info.consistent ? "consistent" : "NOT consistent: the tables changed while read");
		return;
	}
	json_init(&j, out, output.pretty);
	json_object_begin(&j);
	json_key(&j, "file");
	json_string(&j, c->output);
	json_key(&j, "tables");
	json_u64(&j, c->n_tables);
	json_key(&j, "mapped");
	json_u64(&j, mapped);
	json_key(&j, "stored_bytes");
	json_u64(&j, stored);
	json_key(&j, "consistent");
	json_bool(&j, c->info.consistent);
	json_key(&j, "passes");
	json_u64(&j, c->info.passes);
	json_object_end(&j);
	json_finish(&j);
}

int do_checkpoint(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &common_argp, 0, NULL, 0 }, { &live_argp, 0, NULL, 0 }, { 0 }
	};
	static const struct argp argp = {
		options, parse_opt, "-o FILE TARGET...",
		"Save whole TCE tables into one checkpoint file.\vTARGET is PID (every table it "
		"holds), vm:NAME (the VMM of that VM), PID:FD, PID@ADDR, PID:FD,KEY=VALUE,... with keys shift, page, offset, liobn and "
		"entries, or a checkpoint FILE. Without --freeze each table is read until two "
		"passes agree, and the file says whether they did. The file is written whole or "
		"not at all; see tcectl-checkpoint(1) and tcectl-checkpoint(5).",
		children, NULL, NULL
	};
	struct checkpoint c = { .compress = true, .big_endian = host_is_big_endian() };
	struct tce_err err = { 0 };
	int status = 0;

	cli_parse(&argp, argc, argv, &c);
	c.progress = isatty(STDERR_FILENO);
	c.info.consistent = true;
	tce_snapshot_info_host(&c.info);
	/* Each table goes into the file as it is read; the file appears only whole. */
	if (tce_ckpt_writer_open(&c.writer, c.output, c.big_endian,
				 TCE_CKPT_DURABLE | (c.compress ? TCE_CKPT_COMPRESS : 0), &err))
		status = cli_report(&err);
	for (size_t n = 0; n < c.count && !status; n++)
		status = read_target(&c, &c.targets[n]);
	tce_thaw(&c.frozen);
	if (c.progress)
		fprintf(stderr, "\r\033[K");
	/* Nothing is written unless every table was read. */
	if (!status && tce_ckpt_writer_commit(&c.writer, &c.info, &err))
		status = cli_report(&err);
	tce_ckpt_writer_abort(&c.writer);
	if (!status)
		report(&c);
	free(c.targets);
	return cli_finish(status);
}
