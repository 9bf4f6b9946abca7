// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * restore.c - tcectl restore: put a checkpoint's tables back into a live
 * VMM, or clear its tables with --reset.
 *
 * Order of work: match and check every table, make the plan, ask; then
 * with the VMM paused, save what the tables hold now as an undo
 * checkpoint, write only the entries that differ, read each table back;
 * resume the VMM whatever happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/byteorder.h"
#include "../src/checkpoint.h"
#include "../src/diff.h"
#include "../src/freeze.h"
#include "../src/match.h"
#include "../src/proc.h"
#include "../src/restore.h"
#include "../src/source.h"
#include "cli.h"
#include "lines.h"

struct restore {
	struct tce_target file_target, live_target;
	size_t given;
	bool reset, dry_run, yes, force, already_paused;
	const char *undo_path;
	struct tce_source file, live;
	struct tce_table *file_meta, *live_meta;
	struct tce_pair *pairs;	/* live table a, file table b */
	size_t n_pairs;
	struct tce_ckpt_table *want;	/* per pair: what the live table must hold */
	struct tce_ckpt_table *now;	/* per pair: what it holds; the undo checkpoint */
	struct tce_diff *plan;		/* per pair: from now to want */
};

enum {
	OPT_RESET = OPT_LONG_BASE,
	OPT_DRY_RUN,
	OPT_YES,
	OPT_FORCE,
	OPT_ALREADY_PAUSED,
	OPT_UNDO,
};

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Restore:", 1 },
	{ "reset", OPT_RESET, NULL, 0, "Clear every entry of TARGET's tables instead (no FILE)", 0 },
	{ "dry-run", OPT_DRY_RUN, NULL, 0, "Print which entries would change, and change nothing", 0 },
	{ "yes", OPT_YES, NULL, 0, "Do not ask for confirmation", 0 },
	{ "force", OPT_FORCE, NULL, 0,
	  "Restore although the VMM has VFIO devices, whose hardware IOMMU a table write does not reach", 0 },
	{ "already-paused", OPT_ALREADY_PAUSED, NULL, 0,
	  "The guest is paused through the VMM; do not stop it with SIGSTOP", 0 },
	{ "undo", OPT_UNDO, "FILE", 0,
	  "Where to save the tables as they were (default: next to FILE, or in the current directory)", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct restore *r = state->input;

	switch (key) {
	case OPT_RESET:
		r->reset = true;
		break;
	case OPT_DRY_RUN:
		r->dry_run = true;
		break;
	case OPT_YES:
		r->yes = true;
		break;
	case OPT_FORCE:
		r->force = true;
		break;
	case OPT_ALREADY_PAUSED:
		r->already_paused = true;
		break;
	case OPT_UNDO:
		r->undo_path = arg;
		break;
	case ARGP_KEY_ARG:
		if (r->given == 2)
			exit(cli_error(TCE_EUSAGE, "too many arguments; usage: tcectl restore [OPTION...] FILE TARGET"));
		cli_parse_target(arg, r->given ? &r->live_target : &r->file_target);
		r->given++;
		break;
	case ARGP_KEY_END:
		if (r->reset && r->given == 1) {
			r->live_target = r->file_target;
			r->file_target = (struct tce_target){ 0 };
		} else if (r->reset) {
			exit(cli_error(TCE_EUSAGE, "--reset takes one TARGET and no FILE"));
		} else if (r->given < 2) {
			exit(cli_error(TCE_EUSAGE, "usage: tcectl restore [OPTION...] FILE TARGET, or --reset TARGET"));
		}
		if (r->live_target.kind == TCE_TARGET_FILE)
			exit(cli_error(TCE_EUSAGE, "'%s' is a file; restore writes into a live TARGET (PID or PID:FD)",
				       r->live_target.text));
		if (!r->reset && r->file_target.kind != TCE_TARGET_FILE)
			exit(cli_error(TCE_EUSAGE, "'%s' is not a checkpoint file; usage: tcectl restore FILE TARGET",
				       r->file_target.text));
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* A live table left without a partner: say which labels kept them apart. */
static int unmatched_live(const struct restore *r, const struct tce_pair *p,
			  const char *live_name, struct tce_err *err)
{
	const struct tce_table *live = &r->live_meta[p->a];
	char liobns[256] = "";
	size_t used = 0;

	for (size_t i = 0; i < r->file.count && used < sizeof(liobns) - 24; i++)
		if (r->file_meta[i].geo.has_liobn)
			used += (size_t)snprintf(liobns + used, sizeof(liobns) - used, "%s0x%llx",
						 used ? ", " : "",
						 (unsigned long long)r->file_meta[i].geo.liobn);
	if (live->geo.has_liobn && used)
		return tce_fail(err, TCE_EFILE,
				"live table %s is labelled liobn 0x%llx, and %s holds liobn %s; label it with the checkpoint's liobn",
				live_name, (unsigned long long)live->geo.liobn, r->file_target.path, liobns);
	return tce_fail(err, TCE_EFILE,
			"live table %s has no partner in %s; label the tables with liobn=, or give FILE:N and PID:FD",
			live_name, r->file_target.path);
}

/*
 * Every table of the target paired with its checkpoint table, whose
 * entries are decoded now, before the guest is paused.
 */
static int prepare(struct restore *r, struct tce_err *err)
{
	if (tce_source_open(&r->live, &r->live_target, err))
		return -1;
	r->live_meta = calloc(r->live.count, sizeof(*r->live_meta));
	if (!r->live_meta)
		return tce_fail(err, TCE_EIO, "out of memory");
	for (size_t i = 0; i < r->live.count; i++) {
		tce_source_meta(&r->live, i, &r->live_meta[i]);
		/* Before the undo file, let alone a pause: nothing to undo. */
		if (tce_origin_writable(&r->live_meta[i].origin, err))
			return -1;
	}
	if (!r->reset) {
		if (tce_source_open(&r->file, &r->file_target, err))
			return -1;
		r->file_meta = calloc(r->file.count, sizeof(*r->file_meta));
		if (!r->file_meta)
			return tce_fail(err, TCE_EIO, "out of memory");
		for (size_t i = 0; i < r->file.count; i++)
			tce_source_meta(&r->file, i, &r->file_meta[i]);
		if (tce_match(r->live_meta, r->live.count, r->file_meta, r->file.count, &r->pairs,
			      &r->n_pairs, err))
			return -1;
	} else {
		r->pairs = calloc(r->live.count + 1, sizeof(*r->pairs));
		if (!r->pairs)
			return tce_fail(err, TCE_EIO, "out of memory");
		for (size_t i = 0; i < r->live.count; i++)
			r->pairs[i] = (struct tce_pair){ (long)i, -1, TCE_MATCH_ORDER };
		r->n_pairs = r->live.count;
	}
	r->want = calloc(r->n_pairs + 1, sizeof(*r->want));
	r->now = calloc(r->n_pairs + 1, sizeof(*r->now));
	r->plan = calloc(r->n_pairs + 1, sizeof(*r->plan));
	if (!r->want || !r->now || !r->plan)
		return tce_fail(err, TCE_EIO, "out of memory");
	for (size_t k = 0; k < r->n_pairs; k++) {
		const struct tce_pair *p = &r->pairs[k];
		char live_name[4200], file_name[4200];

		if (p->a < 0) {
			tce_source_table_name(&r->file, (size_t)p->b, file_name, sizeof(file_name));
			return tce_fail(err, TCE_EFILE,
					"%s matches no table of %s; restore one table as FILE:N, or label the live tables with liobn=",
					file_name, r->live_target.text);
		}
		tce_source_table_name(&r->live, (size_t)p->a, live_name, sizeof(live_name));
		if (r->reset)
			continue;
		if (p->b < 0)
			return unmatched_live(r, p, live_name, err);
		tce_source_table_name(&r->file, (size_t)p->b, file_name, sizeof(file_name));
		if (p->by == TCE_MATCH_ORDER)
			cli_warn("%s and %s are paired by their order: no liobn or fd in common",
				 live_name, file_name);
		if (tce_source_snapshot(&r->file, (size_t)p->b, NULL, &r->want[k].meta,
					&r->want[k].x, err))
			return -1;
	}
	return 0;
}

/* What each live table holds now, its geometry checked, and the diff to write. */
static int plan(struct restore *r, struct tce_err *err)
{
	for (size_t k = 0; k < r->n_pairs; k++) {
		const struct tce_pair *p = &r->pairs[k];
		char live_name[4200], file_name[4200];
		struct tce_table now;

		tce_extents_free(&r->now[k].x);
		tce_diff_free(&r->plan[k]);
		tce_source_table_name(&r->live, (size_t)p->a, live_name, sizeof(live_name));
		if (tce_source_snapshot(&r->live, (size_t)p->a, NULL, &now, &r->now[k].x, err))
			return -1;
		r->now[k].meta = now;
		if (r->reset) {
			tce_extents_free(&r->want[k].x);
			r->want[k].meta = now;
			tce_extents_begin(&r->want[k].x, 0, now.entries, now.geo.page_shift);
		} else {
			tce_source_table_name(&r->file, (size_t)p->b, file_name, sizeof(file_name));
			if (tce_same_geometry(&r->want[k].meta, file_name, &now, live_name, err))
				return -1;
		}
		if (tce_diff(&r->now[k].x, &r->want[k].x, &r->plan[k], err))
			return -1;
	}
	return 0;
}

static uint64_t writes(const struct tce_diff *d)
{
	return d->added + d->removed + d->changed;
}

static uint64_t total_writes(const struct restore *r)
{
	uint64_t n = 0;

	for (size_t k = 0; k < r->n_pairs; k++)
		n += writes(&r->plan[k]);
	return n;
}

/* --dry-run in JSON: per table its name, the entries to write and the changes. */
static void json_plan(const struct restore *r)
{
	struct json j;

	json_init(&j, out, output.pretty);
	json_object_begin(&j);
	json_key(&j, "dry_run");
	json_bool(&j, r->dry_run);
	json_key(&j, "tables");
	json_array_begin(&j);
	for (size_t k = 0; k < r->n_pairs; k++) {
		char name[4200];

		tce_source_table_name(&r->live, (size_t)r->pairs[k].a, name, sizeof(name));
		json_object_begin(&j);
		json_key(&j, "table");
		json_string(&j, name);
		json_key(&j, "writes");
		json_u64(&j, writes(&r->plan[k]));
		json_key(&j, "changes");
		json_array_begin(&j);
		for (size_t c = 0; c < r->plan[k].count; c++)
			json_change(&j, &r->want[k].meta.geo, &r->plan[k], &r->plan[k].ch[c], false);
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

/* --dry-run: per table, the entries as they are (-) and as they would be (+). */
static void print_plan(const struct restore *r)
{
	if (output.json) {
		json_plan(r);
		return;
	}
	for (size_t k = 0; k < r->n_pairs; k++) {
		const struct tce_table *t = &r->want[k].meta;
		struct widths w = table_widths(t, &r->want[k].x);
		char name[4200];

		tce_source_table_name(&r->live, (size_t)r->pairs[k].a, name, sizeof(name));
		ob_printf(out, "%s: %llu %s to write\n", name, (unsigned long long)writes(&r->plan[k]),
			  writes(&r->plan[k]) == 1 ? "entry" : "entries");
		for (size_t c = 0; c < r->plan[k].count; c++)
			print_change(&t->geo, &r->plan[k], &r->plan[k].ch[c], false, &w);
	}
}

static bool confirmed(const struct restore *r)
{
	char answer[16];

	if (r->yes)
		return true;
	ob_flush(out);
	fprintf(stderr, "tcectl: restore: write %llu %s into %zu %s of pid %d? [y/N] ",
		(unsigned long long)total_writes(r), total_writes(r) == 1 ? "entry" : "entries",
		r->n_pairs, r->n_pairs == 1 ? "table" : "tables", (int)r->live_target.pid);
	return fgets(answer, sizeof(answer), stdin) && (answer[0] == 'y' || answer[0] == 'Y');
}

/* The tables as the plan found them, the VMM paused since: the undo checkpoint. */
static int save_undo(struct restore *r, const char *path, struct tce_err *err)
{
	struct tce_snapshot_info info = { .pid = r->live_target.pid, .consistent = true, .passes = 1 };

	tce_snapshot_info_host(&info);
	snprintf(info.comm, sizeof(info.comm), "%s", r->live.proc.comm);
	tce_guest_name(r->live_target.pid, info.guest, sizeof(info.guest));
	/* The matching labels travel with the undo file. */
	for (size_t k = 0; k < r->n_pairs; k++)
		if (!r->now[k].meta.geo.has_liobn && r->want[k].meta.geo.has_liobn) {
			r->now[k].meta.geo.liobn = r->want[k].meta.geo.liobn;
			r->now[k].meta.geo.has_liobn = true;
		}
	/*
	 * Atomic but not fsynced: it describes tables that live in this
	 * host's kernel and die with it, while the write waits on the
	 * guest's pause.
	 */
	return tce_checkpoint_write(path, &info, r->now, r->n_pairs, host_is_big_endian(),
				    TCE_CKPT_COMPRESS, err);
}

static int write_tables(struct restore *r, uint64_t *written, struct tce_err *err)
{
	*written = 0;
	for (size_t k = 0; k < r->n_pairs; k++) {
		struct tce_table t;
		int rc;

		if (!writes(&r->plan[k]))
			continue;
		if (tce_source_attach(&r->live, (size_t)r->pairs[k].a, &t, TCE_ATTACH_WRITE, err))
			return -1;
		rc = tce_restore_apply(&t, &r->plan[k], err);
		tce_table_release(&t);
		if (rc)
			return -1;
		*written += writes(&r->plan[k]);
	}
	return 0;
}

static void free_plan(struct restore *r)
{
	for (size_t k = 0; r->want && k < r->n_pairs; k++) {
		tce_extents_free(&r->want[k].x);
		tce_extents_free(&r->now[k].x);
		tce_diff_free(&r->plan[k]);
	}
	free(r->want);
	free(r->now);
	free(r->plan);
	free(r->pairs);
	free(r->live_meta);
	free(r->file_meta);
	r->want = r->now = NULL;
	r->plan = NULL;
	r->pairs = NULL;
	r->live_meta = r->file_meta = NULL;
	tce_source_close(&r->live);
	if (!r->reset)
		tce_source_close(&r->file);
}

/* The outcome in JSON: {confirmed, restored, tables, pid, undo}. */
static void report_json(const struct restore *r, bool was_confirmed, uint64_t written, const char *undo)
{
	struct json j;

	json_init(&j, out, output.pretty);
	json_object_begin(&j);
	json_key(&j, "confirmed");
	json_bool(&j, was_confirmed);
	json_key(&j, "restored");
	json_u64(&j, written);
	json_key(&j, "tables");
	json_u64(&j, r->n_pairs);
	json_key(&j, "pid");
	json_u64(&j, (uint64_t)r->live_target.pid);
	json_key(&j, "undo");
	if (undo)
		json_string(&j, undo);
	else
		json_null(&j);
	json_object_end(&j);
	json_finish(&j);
}

static void default_undo_path(const struct restore *r, char *buf, size_t len)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	/* Two restores in one second must not share an undo file: count on. */
	for (unsigned n = 1; n < 1000; n++) {
		char suffix[16] = "";

		if (n > 1)
			snprintf(suffix, sizeof(suffix), "-%u", n);
		if (r->reset)
			snprintf(buf, len, "tcectl-undo-%d-%s%s.tce", (int)r->live_target.pid, stamp, suffix);
		else
			snprintf(buf, len, "%s.undo-%d-%s%s", r->file_target.path,
				 (int)r->live_target.pid, stamp, suffix);
		if (access(buf, F_OK))
			return;
	}
}

int do_restore(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &common_argp, 0, NULL, 0 }, { &live_argp, 0, NULL, 0 }, { 0 }
	};
	static const struct argp argp = {
		options, parse_opt, "FILE TARGET\n--reset TARGET",
		"Write a checkpoint's tables back into a live VMM, or clear its tables.\v"
		"Tables are paired as diff pairs them and any geometry mismatch refuses the "
		"restore. Only the entries that differ are written, with the VMM stopped; the "
		"tables as they were are saved first as an undo checkpoint; each table is read "
		"back. Hardware IOMMU entries of VFIO devices are not reprogrammed by a table "
		"write, so a VMM with VFIO devices is refused without --force. See tcectl-restore(1).",
		children, NULL, NULL
	};
	struct restore r = { 0 };
	struct tce_err err = { 0 };
	struct tce_freeze frozen = { 0 };
	char undo[4200] = "";
	uint64_t written = 0;
	int status = 0;

	cli_parse(&argp, argc, argv, &r);
	if (!r.force && proc_has_vfio(r.live_target.pid)) {
		status = cli_error(TCE_EUSAGE,
				   "pid %d has VFIO devices: a table write does not reprogram their hardware IOMMU entries, so the guest and the device would disagree; give --force to restore anyway",
				   (int)r.live_target.pid);
		goto out;
	}
	if ((r.undo_path && tce_checkpoint_path_ok(r.undo_path, "undo file", &err)) ||
	    prepare(&r, &err)) {
		status = cli_report(&err);
		goto out;
	}
	/* A person's answer is awaited with the guest running, on a preview. */
	if (r.dry_run || !r.yes) {
		if (plan(&r, &err)) {
			status = cli_report(&err);
			goto out;
		}
		if (r.dry_run || !total_writes(&r)) {
			print_plan(&r);
			if (!total_writes(&r) && !output.json)
				ob_printf(out, "nothing to write: the tables already hold it\n");
			goto out;
		}
		if (!isatty(STDIN_FILENO)) {
			status = cli_error(TCE_EUSAGE,
					   "restore rewrites a running guest's DMA mappings; confirm with --yes (or run it on a terminal)");
			goto out;
		}
		if (!confirmed(&r)) {
			if (output.json)
				report_json(&r, false, 0, NULL);
			else
				ob_printf(out, "not confirmed; nothing was written\n");
			status = TCE_NEGATIVE;
			goto out;
		}
	}
	/* Then, paused: the plan, the undo file and the writes all see one state. */
	if (!r.already_paused && tce_freeze(&frozen, r.live_target.pid, &err)) {
		status = cli_report(&err);
		goto out;
	}
	/* Paused now: the tables must still be the ones found before. */
	if (tce_source_recheck(&r.live, &err) || plan(&r, &err)) {
		status = cli_report(&err);
	} else if (total_writes(&r)) {
		if (r.undo_path)
			snprintf(undo, sizeof(undo), "%s", r.undo_path);
		else
			default_undo_path(&r, undo, sizeof(undo));
		if (save_undo(&r, undo, &err) || write_tables(&r, &written, &err))
			status = cli_report(&err);
	}
	tce_thaw(&frozen);
	if (!status && output.json)
		report_json(&r, true, written, written ? undo : NULL);
	else if (!status && !written)
		ob_printf(out, "nothing to write: the tables already hold it\n");
	else if (!status)
		ob_printf(out, "restored %llu %s in %zu %s of pid %d; undo with: tcectl restore %s %s\n",
			  (unsigned long long)written, written == 1 ? "entry" : "entries", r.n_pairs,
			  r.n_pairs == 1 ? "table" : "tables", (int)r.live_target.pid, undo,
			  r.live_target.text);
	else if (undo[0] && access(undo, F_OK) == 0)
		fprintf(stderr, "tcectl: restore: the tables as they were are saved in %s\n", undo);
out:
	free_plan(&r);
	return cli_finish(status);
}
