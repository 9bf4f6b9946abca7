// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * restore.c - tcectl restore: put a checkpoint's tables back into a live
 * VMM, or clear its tables with --reset.
 *
 * Order of work: pin the VMM with a pidfd, match and check every table,
 * make the plan, ask; then with the VMM paused, make the plan again and
 * refuse unless it is the one confirmed, save what the tables hold now as
 * an undo checkpoint, write only the entries that differ, read each table
 * back; resume the VMM whatever happened.  From the pause on, a signal
 * that asks tcectl to end waits for the end of a step: before the first
 * write nothing is written, after it what was written is put back.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/byteorder.h"
#include "../src/checkpoint.h"
#include "../src/cleanup.h"
#include "../src/diff.h"
#include "../src/freeze.h"
#include "../src/match.h"
#include "../src/proc.h"
#include "../src/restore.h"
#include "../src/source.h"
#include "cli.h"
#include "escape.h"
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
	struct tce_restore_walk *walks;	/* per pair: its plan, chunk by chunk (src/restore.h) */
	struct tce_table *planned;	/* per pair: the live table as the paused plan found it */
	bool confirmed;			/* a person confirmed the plan the walks' sums record */
	struct tce_diff *kept;		/* per pair: its paused plan, when all plans fit */
	size_t keep_room;		/* changes the kept plans may still take */
	int pidfd;			/* pins the VMM from its tables found to the last write */
};

/* What the write phase did, for the closing lines. */
struct outcome {
	uint64_t written;	/* entries written and read back */
	size_t done;		/* pairs [0, done) were written (those with writes) */
	int signal;		/* a deferred signal that stopped the writes, or 0 */
	bool reverted;		/* the tables written were put back */
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
	  "Write although a refusal names a risk: a VMM with VFIO devices, or a target that is not a kvm-spapr-tce table", 0 },
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
 * The process whose tables were found, not one that got its pid since:
 * a pidfd names one process for good, and polls readable once it exits.
 */
static int pin(struct restore *r, struct tce_err *err)
{
	pid_t pid = r->live_target.pid;

	r->pidfd = proc_pidfd_open(pid);
	if (r->pidfd >= 0)
		return 0;
	if (errno == ENOSYS)
		return tce_fail(err, TCE_ENOSYS,
				"this kernel has no pidfd_open (Linux 5.3 or later is needed to hold on to pid %d while restoring)",
				(int)pid);
	return tce_fail(err, TCE_ENOTARGET, "no process with pid %d; check the pid with ps or tcectl list",
			(int)pid);
}

static int still_there(const struct restore *r, struct tce_err *err)
{
	if (!proc_pidfd_exited(r->pidfd))
		return 0;
	return tce_fail(err, TCE_ENOTARGET,
			"pid %d exited after its tables were read; nothing was written (a process that has its pid now is not the one planned for)",
			(int)r->live_target.pid);
}

/*
 * restore writes only into kvm-spapr-tce tables: an fd whose link says
 * so, or a mapping of one.  Any other fd that maps read-write, a data
 * file, would be overwritten just as well.
 */
static int is_table(const struct restore *r, size_t i, struct tce_err *err)
{
	const struct tce_place *p = &r->live.places.p[i];
	char link[256] = "", what[1100], name[4200];

	if (p->tce)
		return 0;
	if (p->fd >= 0) {
		proc_fd_link(r->live_target.pid, p->fd, link, sizeof(link));
		if (proc_link_is_tce(link))
			return 0;
	}
	tce_source_table_name(&r->live, i, name, sizeof(name));
	if (link[0])
		safe_text(link, what, sizeof(what));
	else
		snprintf(what, sizeof(what), "a mapping of another file");
	return tce_fail(err, TCE_EUSAGE,
			"%s is %s, not a kvm-spapr-tce table: a restore would overwrite it; give --force to write into it anyway",
			name, what);
}

/* Changes of all tables kept from the paused plan for the writes: 32 bytes each. */
#define KEEP_CHANGES (1u << 19)

/* Reads FILE's paired tables through: a damaged one replaces err with its own message. */
static void file_damaged(struct restore *r, struct tce_err *err)
{
	uint64_t *block = malloc(TCE_READ_BLOCK * sizeof(*block));
	struct tce_err why = { 0 };

	for (size_t k = 0; block && !r->reset && k < r->n_pairs; k++)
		if (tce_source_file_check(&r->file, (size_t)r->pairs[k].b, block, &why)) {
			*err = why;
			break;
		}
	free(block);
}

/* Every table of the target paired with its checkpoint table, before the guest is paused. */
static int prepare(struct restore *r, struct tce_err *err)
{
	if (pin(r, err) || tce_source_open(&r->live, &r->live_target, err) || still_there(r, err))
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
	r->walks = calloc(r->n_pairs + 1, sizeof(*r->walks));
	r->planned = calloc(r->n_pairs + 1, sizeof(*r->planned));
	r->kept = calloc(r->n_pairs + 1, sizeof(*r->kept));
	r->keep_room = KEEP_CHANGES;
	if (!r->walks || !r->planned || !r->kept)
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
	}
	/*
	 * Whether the live side may be written (a dry run writes nothing).  A
	 * damaged FILE is said first: every plan reads FILE whole anyway, so
	 * it is read through here only to tell which refusal comes first.
	 */
	for (size_t i = 0; i < r->live.count && !r->force && !r->dry_run; i++)
		if (is_table(r, i, err))
			return file_damaged(r, err), -1;
	return 0;
}

/* Walk k as the plan's: live table a against file table b, or against nothing. */
static struct tce_restore_walk *walk_of(struct restore *r, size_t k)
{
	struct tce_restore_walk *w = &r->walks[k];

	w->live = &r->live;
	w->live_i = (size_t)r->pairs[k].a;
	w->want = r->reset ? NULL : &r->file;
	w->want_i = r->reset ? 0 : (size_t)r->pairs[k].b;
	w->undo = NULL;
	w->write = NULL;
	w->changes = NULL;
	w->stop = NULL;
	w->keep = NULL;
	return w;
}

/*
 * The plan of every table: what each holds now against what it must
 * hold.  The first plan records each chunk's sum; every later walk must
 * find the same (a table changed meanwhile fails it: *changed).
 */
static int plan(struct restore *r, struct tce_ckpt_writer *undo, bool *changed,
		struct tce_err *err)
{
	for (size_t k = 0; k < r->n_pairs; k++) {
		struct tce_restore_walk *w = walk_of(r, k);

		w->undo = undo;
		w->keep = &r->kept[k];
		w->keep_room = &r->keep_room;
		if (tce_restore_walk(w, err)) {
			*changed = w->changed_since;
			return -1;
		}
		r->planned[k] = w->meta;
	}
	return 0;
}

static uint64_t total_writes(const struct restore *r)
{
	uint64_t n = 0;

	for (size_t k = 0; k < r->n_pairs; k++)
		n += tce_restore_writes(&r->walks[k]);
	return n;
}

struct preview {
	struct json *json;	/* NULL: text */
	struct widths w;
	bool sized;
	unsigned page_shift;
};

static void preview_changes(void *ctx, const struct tce_table *t, const struct tce_diff *d)
{
	struct preview *p = ctx;

	/* Sized on the first changes printed, as dump sizes on its first chunk. */
	if (!p->sized && !p->json) {
		struct tce_extents none = { 0 };

		p->w = table_widths(t, &none);
		for (size_t c = 0; c < d->count; c++) {
			struct tce_extents one = { .page_shift = d->page_shift };
			struct tce_extent e[2] = {
				{ d->ch[c].index, d->ch[c].count, d->ch[c].old_raw },
				{ d->ch[c].index, d->ch[c].count, d->ch[c].new_raw },
			};

			one.ext = e;
			one.count = d->ch[c].old_raw ? 1 : 0;
			widths_include(&p->w, t, &one);
			one.ext = e + 1;
			one.count = d->ch[c].new_raw ? 1 : 0;
			widths_include(&p->w, t, &one);
		}
		p->sized = true;
	}
	for (size_t c = 0; c < d->count; c++)
		if (p->json)
			json_change(p->json, &t->geo, d, &d->ch[c], false);
		else
			print_change(&t->geo, d, &d->ch[c], false, &p->w);
}

/* Walks table k again to print its changes; the table may change meanwhile (no pause). */
static int preview_table(struct restore *r, size_t k, struct preview *p, struct tce_err *err)
{
	struct tce_restore_walk w = *walk_of(r, k);
	int rc;

	w.sums = NULL;
	w.n_sums = 0;
	w.changes = preview_changes;
	w.ctx = p;
	rc = tce_restore_walk(&w, err);
	free(w.sums);
	return rc;
}

/* --dry-run: per table, the entries as they are (-) and as they would be (+). */
static int print_plan(struct restore *r, struct tce_err *err)
{
	struct json j;
	int rc = 0;

	json_init(&j, out, output.pretty);
	if (output.json) {
		json_object_begin(&j);
		json_bool_field(&j, "dry_run", r->dry_run);
		json_key(&j, "tables");
		json_array_begin(&j);
	}
	for (size_t k = 0; k < r->n_pairs && !rc; k++) {
		uint64_t n = tce_restore_writes(&r->walks[k]);
		struct preview p = { .json = output.json ? &j : NULL };
		char name[4200];

		tce_source_table_name(&r->live, (size_t)r->pairs[k].a, name, sizeof(name));
		if (output.json) {
			json_object_begin(&j);
			json_string_field(&j, "table", name);
			json_u64_field(&j, "writes", n);
			json_key(&j, "changes");
			json_array_begin(&j);
		} else {
			ob_printf(out, "%s: %llu %s to write\n", name, (unsigned long long)n,
				  n == 1 ? "entry" : "entries");
		}
		if (n)
			rc = preview_table(r, k, &p, err);
		if (output.json) {
			json_array_end(&j);
			json_object_end(&j);
		}
	}
	if (output.json) {
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
	}
	return rc;
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

/*
 * The tables as the paused plan found them, streamed into the undo
 * checkpoint as they were read; the file appears only now, whole.
 */
static int save_undo(struct restore *r, struct tce_ckpt_writer *undo, const char *path,
		     struct tce_err *err)
{
	struct tce_snapshot_info info = { .pid = r->live_target.pid, .consistent = true, .passes = 1 };
	struct tce_err why = { 0 };

	tce_snapshot_info_host(&info);
	snprintf(info.comm, sizeof(info.comm), "%s", r->live.proc.comm);
	tce_guest_name(r->live_target.pid, info.guest, sizeof(info.guest));
	if (!tce_ckpt_writer_commit(undo, &info, &why))
		return 0;
	return tce_fail(err, why.status, "undo file %s: %s; no table was touched", path, why.msg);
}

/*
 * The table as attached for writing must be the one the plan was made
 * for: a table that shrank or changed its geometry since would take the
 * plan's writes at the wrong entries, or past its end.
 */
static int same_table(const struct restore *r, size_t k, const struct tce_table *t,
		      struct tce_err *err)
{
	const struct tce_table *was = &r->planned[k];
	char name[4200];

	if (t->entries == was->entries && t->geo.page_shift == was->geo.page_shift &&
	    t->geo.bus_offset == was->geo.bus_offset)
		return 0;
	tce_source_table_name(&r->live, (size_t)r->pairs[k].a, name, sizeof(name));
	return tce_fail(err, TCE_ENOTARGET,
			"table %s has %llu entries of %llu bytes at bus address 0x%llx now, not the %llu of %llu bytes at 0x%llx the plan was made for; it changed: nothing was written to it",
			name, (unsigned long long)t->entries, 1ULL << t->geo.page_shift,
			(unsigned long long)t->geo.bus_offset, (unsigned long long)was->entries,
			1ULL << was->geo.page_shift, (unsigned long long)was->geo.bus_offset);
}

/* Between two chunks written: a signal that asks tcectl to end stops the writes. */
static bool stop_asked(void *ctx)
{
	struct outcome *o = ctx;

	return (o->signal = cleanup_pending()) != 0;
}

/*
 * Writes table by table, chunk by chunk, each chunk's plan checked
 * against the one confirmed before it is written.  The signals that ask
 * tcectl to end are held back meanwhile (cleanup_defer); one that came
 * stops the writes between two chunks, and the caller puts back what was
 * written.
 */
static int write_tables(struct restore *r, struct outcome *o, struct tce_err *err)
{
	for (size_t k = 0; k < r->n_pairs; k++) {
		struct tce_restore_walk *w;
		struct tce_table t;
		int rc;

		if (!tce_restore_writes(&r->walks[k]))
			continue;
		if ((o->signal = cleanup_pending()) || still_there(r, err))
			return o->signal ? 0 : -1;
		if (tce_source_attach(&r->live, (size_t)r->pairs[k].a, &t, TCE_ATTACH_WRITE, err))
			return -1;
		rc = same_table(r, k, &t, err);
		if (!rc && r->walks[k].keep_whole) {
			/* The paused plan, kept: written without reading the tables again. */
			uint64_t before = o->written;
			bool stopped = false;

			rc = tce_restore_apply_kept(&t, &r->kept[k], stop_asked, o, &o->written, &stopped,
						    err);
			if (o->written > before)
				o->done = k + 1;
		} else if (!rc) {
			w = walk_of(r, k);
			w->write = &t;
			w->stop = stop_asked;
			w->ctx = o;
			rc = tce_restore_walk(w, err);
			o->written += w->written;
			if (w->written)
				o->done = k + 1;
		}
		tce_table_release(&t);
		if (rc)
			return -1;
		if (o->signal)
			return 0;
	}
	o->signal = cleanup_pending();
	return 0;
}

/*
 * Puts back, last first, the tables an interrupted restore wrote: each
 * made to hold what the undo file holds, as a restore of it would.
 */
static int revert_tables(struct restore *r, struct outcome *o, const char *undo,
			 struct tce_err *err)
{
	struct tce_target target = { .kind = TCE_TARGET_FILE, .text = undo, .fd = -1, .table = -1 };
	struct tce_source saved;
	int rc = 0;

	snprintf(target.path, sizeof(target.path), "%s", undo);
	if (tce_source_open(&saved, &target, err)) {
		tce_source_close(&saved);
		return -1;
	}
	for (size_t k = o->done; k-- > 0;) {
		struct tce_restore_walk w = { .live = &r->live, .live_i = (size_t)r->pairs[k].a,
					      .want = &saved, .want_i = k };
		struct tce_table t = { 0 };

		if (tce_source_attach(&r->live, w.live_i, &t, TCE_ATTACH_WRITE, err) == 0) {
			w.write = &t;
			if (tce_restore_walk(&w, err))
				rc = -1;
		} else {
			rc = -1;
		}
		free(w.sums);
		tce_table_release(&t);
	}
	tce_source_close(&saved);
	o->reverted = !rc;
	return rc;
}

static void free_plan(struct restore *r)
{
	for (size_t k = 0; r->walks && k < r->n_pairs; k++) {
		free(r->walks[k].sums);
		if (r->kept)
			tce_diff_free(&r->kept[k]);
	}
	free(r->kept);
	r->kept = NULL;
	if (r->pidfd >= 0)
		close(r->pidfd);
	r->pidfd = -1;
	free(r->walks);
	free(r->planned);
	free(r->pairs);
	free(r->live_meta);
	free(r->file_meta);
	r->walks = NULL;
	r->planned = NULL;
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

static const char *signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}

/*
 * A signal held back through the writes: what state it leaves, on one
 * line.  The caller then lets it end tcectl, so the exit status is the
 * signal's (128 + its number in a shell).
 */
static void report_interrupted(const struct restore *r, const struct outcome *o, const char *undo,
			       bool undo_saved)
{
	char sig[32];

	signal_name(o->signal, sig, sizeof(sig));
	if (!o->done)
		fprintf(stderr, "tcectl: restore: interrupted by %s before any table was written: the tables of pid %d are untouched%s\n",
			sig, (int)r->live_target.pid, undo_saved ? "" : "; no undo file was kept");
	else if (o->reverted)
		fprintf(stderr, "tcectl: restore: interrupted by %s: the %llu %s written were put back, so the tables of pid %d hold what they held before, as undo file %s does\n",
			sig, (unsigned long long)o->written, o->written == 1 ? "entry" : "entries",
			(int)r->live_target.pid, undo);
	else
		fprintf(stderr, "tcectl: restore: interrupted by %s: some tables of pid %d were written and could not all be put back; undo with: tcectl restore %s %s\n",
			sig, (int)r->live_target.pid, undo, r->live_target.text);
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
		"back. Only kvm-spapr-tce tables are written, and hardware IOMMU entries of VFIO "
		"devices are not reprogrammed by a table write, so another target, or a VMM with "
		"VFIO devices, is refused without --force. See tcectl-restore(1).",
		children, NULL, NULL
	};
	struct restore r = { .pidfd = -1 };
	struct tce_err err = { 0 };
	struct tce_freeze frozen = { .pidfd = -1 };
	struct outcome o = { 0 };
	sigset_t deferred;
	char undo[4200] = "";
	bool undo_saved = false;
	struct tce_ckpt_writer undo_writer = { .fd = -1 };
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
		bool changed = false;

		if (plan(&r, NULL, &changed, &err)) {
			status = cli_report(&err);
			goto out;
		}
		if (r.dry_run || !total_writes(&r)) {
			if (print_plan(&r, &err))
				status = cli_report(&err);
			else if (!total_writes(&r) && !output.json)
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
		r.confirmed = true;
	}
	/*
	 * From here to the end a signal asking tcectl to end waits for the
	 * end of a step; a fault still resumes the VMM at once (cleanup.h).
	 */
	cleanup_defer(&deferred);
	/* Then, paused: the plan, the undo file and the writes all see one state. */
	if (still_there(&r, &err) ||
	    (!r.already_paused && tce_freeze(&frozen, r.live_target.pid, r.pidfd, &err))) {
		status = cli_report(&err);
		goto resume;
	}
	if (r.undo_path)
		snprintf(undo, sizeof(undo), "%s", r.undo_path);
	else
		default_undo_path(&r, undo, sizeof(undo));
	/*
	 * Paused now: the tables must still be the ones found, holding what
	 * was confirmed; as they are read again they go into the undo file.
	 * Atomic but not fsynced: it describes tables that live in this
	 * host's kernel and die with it, while the write waits on the guest's
	 * pause.
	 */
	if (tce_source_recheck(&r.live, &err)) {
		status = cli_report(&err);
		goto resume;
	}
	if (tce_ckpt_writer_open(&undo_writer, undo, host_is_big_endian(), TCE_CKPT_COMPRESS, &err)) {
		status = cli_error(err.status, "undo file %s: %s; no table was touched", undo, err.msg);
		goto resume;
	}
	{
		bool changed = false;

		if (plan(&r, &undo_writer, &changed, &err)) {
			if (changed)
				status = cli_error(TCE_ENOTARGET,
						   "the tables of pid %d changed since the restore was confirmed; nothing was written: run the command again to see the new plan",
						   (int)r.live_target.pid);
			else
				status = cli_report(&err);
			goto resume;
		}
	}
	if (!total_writes(&r) || (o.signal = cleanup_pending()))
		goto resume;
	if (save_undo(&r, &undo_writer, undo, &err)) {
		status = cli_report(&err);
		goto resume;
	}
	undo_saved = true;
	if (write_tables(&r, &o, &err))
		status = cli_report(&err);
	else if (o.signal && o.done && revert_tables(&r, &o, undo, &err))
		cli_report(&err);
	if (o.signal && !o.done) {
		/* Nothing was written: the undo file would undo nothing. */
		unlink(undo);
		undo_saved = false;
	}
resume:
	tce_ckpt_writer_abort(&undo_writer);
	tce_thaw(&frozen);
	if (o.signal) {
		report_interrupted(&r, &o, undo, undo_saved);
	} else if (!status && output.json) {
		report_json(&r, true, o.written, o.written ? undo : NULL);
	} else if (!status && !o.written) {
		ob_printf(out, "nothing to write: the tables already hold it\n");
	} else if (!status) {
		ob_printf(out, "restored %llu %s in %zu %s of pid %d; undo with: tcectl restore %s %s\n",
			  (unsigned long long)o.written, o.written == 1 ? "entry" : "entries", r.n_pairs,
			  r.n_pairs == 1 ? "table" : "tables", (int)r.live_target.pid, undo,
			  r.live_target.text);
	} else if (undo_saved && o.done) {
		fprintf(stderr, "tcectl: restore: the tables written before that stay restored; undo with: tcectl restore %s %s\n",
			undo, r.live_target.text);
	} else if (undo_saved) {
		fprintf(stderr, "tcectl: restore: no table was written; undo file %s holds them as they are\n", undo);
	}
	ob_flush(out);
	/* A signal that came after the last write: the restore is whole, say so, then go. */
	if (!o.signal && cleanup_pending()) {
		char sig[32];

		fprintf(stderr, "tcectl: restore: interrupted by %s after the %s: %s\n",
			signal_name(cleanup_pending(), sig, sizeof(sig)),
			status ? "restore failed" : "restore was complete",
			status ? "see the message above" : "the tables hold what the output above says");
	}
	cleanup_allow(&deferred);
out:
	free_plan(&r);
	return cli_finish(status);
}
