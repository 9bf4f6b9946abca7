// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diff.c - tcectl diff: what differs between two sets of tables, each
 * live or from a checkpoint file.  Exit status as diff(1): 0 the same,
 * 1 different, 2 trouble.
 */
#include <stdlib.h>

#include "../src/cursor.h"
#include "../src/diff.h"
#include "../src/match.h"
#include "../src/source.h"
#include "../src/tce.h"
#include "cli.h"
#include "lines.h"

struct side {
	struct tce_target target;
	struct tce_source src;
	struct tce_table *meta;
};

struct differ {
	struct side a, b;
	size_t given;
	bool entries;		/* one line per entry, not per run */
	struct json json;
	int status;
};

enum { OPT_ENTRIES = 'e' };

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "What to show:", 1 },
	{ "entries", OPT_ENTRIES, NULL, 0, "One line per entry instead of one per run", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct differ *d = state->input;

	switch (key) {
	case OPT_ENTRIES:
		d->entries = true;
		break;
	case ARGP_KEY_ARG:
		if (d->given == 2)
			exit(cli_error(TCE_EUSAGE, "too many arguments; usage: tcectl diff [OPTION...] A B"));
		cli_parse_target(arg, d->given ? &d->b.target : &d->a.target);
		d->given++;
		break;
	case ARGP_KEY_END:
		if (d->given < 2)
			exit(cli_error(TCE_EUSAGE, "diff compares two sides; usage: tcectl diff [OPTION...] A B"));
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char *const matched_by[] = { "liobn", "fd", "order" };

static void pair_begin(struct differ *d, const char *a, const char *b, const struct tce_table *t,
		       enum tce_match_by by)
{
	if (!output.json) {
		ob_printf(out, "--- %s\n+++ %s\n", a ? a : "(none)", b ? b : "(none)");
		return;
	}
	json_object_begin(&d->json);
	json_string_or_null_field(&d->json, "a", a);
	json_string_or_null_field(&d->json, "b", b);
	json_hex_or_null_field(&d->json, "liobn", t && t->geo.has_liobn, t ? t->geo.liobn : 0);
	json_string_or_null_field(&d->json, "matched_by", a && b ? matched_by[by] : NULL);
}

/* The changes of df so far, but the last unless done: it may go on. */
static void print_changes(struct differ *d, const struct tce_table *ta, struct tce_diff *df,
			  const struct widths *w, bool done)
{
	size_t n = done ? df->count : df->count ? df->count - 1 : 0;

	for (size_t k = 0; k < n; k++)
		if (output.json)
			json_change(&d->json, &ta->geo, df, &df->ch[k], d->entries);
		else
			print_change(&ta->geo, df, &df->ch[k], d->entries, w);
	if (!done)
		tce_diff_keep_last(df);
}

/* The extents kept of both sides to the changes: printed but the last, which may go on. */
static int flush_kept(struct differ *d, const struct tce_pair *p, const char *a_name,
		      const char *b_name, struct tce_cursor *ca, struct tce_cursor *cb,
		      struct tce_extents *ka, struct tce_extents *kb, struct tce_diff *df,
		      struct widths *w, bool *sized, bool *begun, struct tce_err *err)
{
	/* Sized on what is read first, as dump sizes its columns. */
	if (!*sized) {
		*w = table_widths(&ca->t, ka);
		widths_include(w, &cb->t, kb);
		*sized = true;
	}
	if (tce_diff_more(ka, kb, df, err))
		return -1;
	/* Like diff(1), tables that are the same print nothing. */
	if (!*begun && (df->count || output.json)) {
		pair_begin(d, a_name, b_name, ca->t.geo.has_liobn ? &ca->t : &cb->t, p->by);
		if (output.json) {
			json_key(&d->json, "changes");
			json_array_begin(&d->json);
		}
		*begun = true;
	}
	if (*begun)
		print_changes(d, &ca->t, df, w, false);
	tce_extents_clear(ka);
	tce_extents_clear(kb);
	return 0;
}

/*
 * The two tables are read side by side a chunk at a time (src/cursor.h),
 * both read ahead as far as TCE_KEEP_EXTENTS between them, so that two
 * tables of fewer runs are each read whole before anything is printed;
 * each change is printed once no later chunk can extend it.
 */
static int compare_tables(struct differ *d, const struct tce_pair *p, const char *a_name,
			  const char *b_name, struct tce_diff *df, struct tce_err *err)
{
	struct tce_cursor ca = { 0 }, cb = { 0 };
	struct tce_extents ka = { 0 }, kb = { 0 };
	struct widths w = { 0 };
	bool begun = false, sized = false;
	int more = 0, rc = -1;

	if (tce_cursor_open(&ca, &d->a.src, (size_t)p->a, NULL, TCE_CUT_CHUNK, err) ||
	    tce_cursor_open(&cb, &d->b.src, (size_t)p->b, NULL, TCE_CUT_CHUNK, err) ||
	    tce_same_geometry(&ca.t, a_name, &cb.t, b_name, err))
		goto out;
	while ((more = tce_cursor_next(&ca, err)) > 0 && (more = tce_cursor_next(&cb, err)) > 0) {
		if (tce_extents_append(&ka, &ca.x, err) || tce_extents_append(&kb, &cb.x, err))
			goto out;
		if (ka.count + kb.count >= TCE_KEEP_EXTENTS / 2 &&
		    flush_kept(d, p, a_name, b_name, &ca, &cb, &ka, &kb, df, &w, &sized, &begun, err))
			goto out;
	}
	if (more < 0 ||
	    flush_kept(d, p, a_name, b_name, &ca, &cb, &ka, &kb, df, &w, &sized, &begun, err))
		goto out;
	rc = 0;
	if (!begun)
		goto out;
	print_changes(d, &ca.t, df, &w, true);
	if (output.json) {
		json_array_end(&d->json);
		json_u64_field(&d->json, "added", df->added);
		json_u64_field(&d->json, "removed", df->removed);
		json_u64_field(&d->json, "changed", df->changed);
		json_object_end(&d->json);
	} else if (!output.noheadings) {
		ob_printf(out, "added %llu, removed %llu, changed %llu entries\n",
			  (unsigned long long)df->added, (unsigned long long)df->removed,
			  (unsigned long long)df->changed);
	}
out:
	/* The error becomes the next element: close this one first. */
	if (rc && begun && output.json) {
		json_array_end(&d->json);
		json_object_end(&d->json);
	}
	tce_extents_free(&ka);
	tce_extents_free(&kb);
	tce_cursor_close(&ca);
	tce_cursor_close(&cb);
	return rc;
}

static int compare_pair(struct differ *d, const struct tce_pair *p)
{
	char a_name[4200] = "", b_name[4200] = "";
	struct tce_diff df = { 0 };
	struct tce_err err = { 0 };
	int status;

	if (p->a >= 0)
		tce_source_table_name(&d->a.src, (size_t)p->a, a_name, sizeof(a_name));
	if (p->b >= 0)
		tce_source_table_name(&d->b.src, (size_t)p->b, b_name, sizeof(b_name));
	if (p->a < 0 || p->b < 0) {
		pair_begin(d, p->a >= 0 ? a_name : NULL, p->b >= 0 ? b_name : NULL, NULL, p->by);
		if (output.json) {
			json_string_field(&d->json, "only_in", p->a >= 0 ? "a" : "b");
			json_object_end(&d->json);
		} else {
			ob_printf(out, "only in %s: %s\n", p->a >= 0 ? "A" : "B", p->a >= 0 ? a_name : b_name);
		}
		return TCE_NEGATIVE;
	}
	if (p->by == TCE_MATCH_ORDER)
		cli_warn("%s and %s are paired by their order: no liobn or fd in common; label them with liobn=",
			 a_name, b_name);
	if (compare_tables(d, p, a_name, b_name, &df, &err)) {
		/* As everywhere (tcectl(1) JSON OUTPUT): the failure is an element. */
		if (output.json)
			cli_json_target_error(&d->json, a_name, &err);
		else
			cli_report(&err);
		status = err.status;
	} else {
		status = df.added + df.removed + df.changed ? TCE_NEGATIVE : 0;
	}
	tce_diff_free(&df);
	return status;
}

static int open_side(struct side *s, struct tce_err *err)
{
	if (tce_source_open(&s->src, &s->target, err))
		return -1;
	s->meta = calloc(s->src.count, sizeof(*s->meta));
	if (!s->meta)
		return tce_fail(err, TCE_EIO, "out of memory");
	for (size_t i = 0; i < s->src.count; i++)
		tce_source_meta(&s->src, i, &s->meta[i]);
	return 0;
}

int do_diff(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &common_argp, 0, NULL, 0 }, { &live_argp, 0, NULL, 0 }, { 0 }
	};
	static const struct argp argp = {
		options, parse_opt, "A B",
		"Compare the tables of A and B, each a live target or a checkpoint file: the "
		"entries added, removed and changed from A to B.\vTables are paired by liobn when "
		"both sides know it, else by fd, else in order (with a warning). Exits 0 when "
		"they are the same, 1 when they differ, 2 on trouble; see tcectl-diff(1).",
		children, NULL, NULL
	};
	struct differ d = { 0 };
	struct tce_err err = { 0 };
	struct tce_pair *pairs = NULL;
	size_t n_pairs = 0;
	int status = 0;

	cli_trouble_is_usage();
	cli_parse(&argp, argc, argv, &d);
	if (open_side(&d.a, &err) || open_side(&d.b, &err) ||
	    tce_match(d.a.meta, d.a.src.count, d.b.meta, d.b.src.count, &pairs, &n_pairs, &err)) {
		cli_report(&err);
		status = TCE_EUSAGE;
		goto out;
	}
	json_init(&d.json, out, output.pretty);
	if (output.json) {
		cli_json_document_begun();
		json_array_begin(&d.json);
	}
	for (size_t k = 0; k < n_pairs; k++) {
		int rc = compare_pair(&d, &pairs[k]);

		/* diff(1): any trouble is 2, whatever it was. */
		status = status_merge(status, rc >= TCE_EUSAGE ? TCE_EUSAGE : rc);
	}
	if (output.json) {
		json_array_end(&d.json);
		json_finish(&d.json);
	}
out:
	free(pairs);
	free(d.a.meta);
	free(d.b.meta);
	tce_source_close(&d.a.src);
	tce_source_close(&d.b.src);
	return cli_finish(status);
}
