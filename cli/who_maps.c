// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * who_maps.c - tcectl who-maps: which IO bus addresses reach guest memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/lookup.h"
#include "../src/parse.h"
#include "../src/tce.h"
#include "cli.h"
#include "columns.h"
#include "fields.h"
#include "visit.h"

struct hit;

struct who_maps {
	struct tce_target *targets;
	size_t count;
	char **args;
	size_t n_args;
	struct addr_range gpa;
	size_t found;
	struct json json;
	struct hit *hits;	/* text output: hits not printed yet */
	size_t n_hits;
	bool flushed;		/* some were, with the heading */
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct who_maps *w = state->input;

	switch (key) {
	case ARGP_KEY_ARG:
		w->args = realloc(w->args, (w->n_args + 1) * sizeof(*w->args));
		if (!w->args)
			exit(cli_error(TCE_EIO, "out of memory"));
		w->args[w->n_args++] = arg;
		break;
	case ARGP_KEY_END:
		/* The last argument is the guest range; the others are targets. */
		if (w->n_args < 2)
			exit(cli_error(TCE_EUSAGE, "%s; usage: tcectl who-maps [OPTION...] TARGET... GPA[-GPA]",
				       w->n_args ? "no guest address range" : "no target"));
		w->targets = calloc(w->n_args - 1, sizeof(*w->targets));
		if (!w->targets)
			exit(cli_error(TCE_EIO, "out of memory"));
		for (w->count = 0; w->count < w->n_args - 1; w->count++)
			cli_parse_target(w->args[w->count], &w->targets[w->count]);
		if (parse_range(w->args[w->count], &w->gpa))
			exit(cli_error(TCE_EUSAGE,
				       "'%s' is not a guest physical address range; give GPA, GPA-GPA or GPA+LENGTH",
				       w->args[w->count]));
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* A hit, for the text table: printed once every table is read, so it aligns. */
struct hit {
	char table[64];
	char liobn[24];
	char ioba[40];
	char gpa[40];
	const char *perm;
	uint64_t pages;
};

#define HIT(r) ((const struct hit *)(r))

static void text_table(const void *r, char *b, size_t l) { snprintf(b, l, "%s", HIT(r)->table); }
static void text_liobn(const void *r, char *b, size_t l) { snprintf(b, l, "%s", HIT(r)->liobn); }
static void text_ioba(const void *r, char *b, size_t l) { snprintf(b, l, "%s", HIT(r)->ioba); }
static void text_gpa(const void *r, char *b, size_t l) { snprintf(b, l, "%s", HIT(r)->gpa); }
static void text_perm(const void *r, char *b, size_t l) { snprintf(b, l, "%s", HIT(r)->perm); }
static void text_pages(const void *r, char *b, size_t l)
{
	snprintf(b, l, "%llu", (unsigned long long)HIT(r)->pages);
}

/* Widths: an address range of 32-bit addresses, as dump prints them. */
static const struct column hit_columns[] = {
	{ "TABLE", "table", COL_DEFAULT, "the table", text_table, NULL, 12 },
	{ "LIOBN", "liobn", COL_DEFAULT, "its liobn", text_liobn, NULL, 10 },
	{ "IOBA", "ioba", COL_DEFAULT, "the IO bus addresses that reach the range", text_ioba, NULL, 21 },
	{ "GPA", "gpa", COL_DEFAULT, "the guest addresses they reach", text_gpa, NULL, 21 },
	{ "PERM", "perm", COL_DEFAULT, "what the device may do", text_perm, NULL, 4 },
	{ "PAGES", "pages", COL_DEFAULT, "IOMMU pages", text_pages, NULL, 0 },
};

/* "0xFIRST-0xLAST", each of at least 8 hex digits. */
static void range_text(char *buf, size_t len, uint64_t first, uint64_t last)
{
	snprintf(buf, len, "0x%08llx-0x%08llx", (unsigned long long)first, (unsigned long long)last);
}

/*
 * Hits are kept to be printed aligned, at the end; but a guest decides how
 * many there are (a table whose every entry maps one page has as many as
 * entries), so past this many they are printed as they come, in batches
 * aligned each on its own.
 */
#define HITS_KEPT 65536

static void print_hits(struct who_maps *w)
{
	struct column_set columns = { 0 };

	if (!w->n_hits)
		return;
	columns_default(&columns, hit_columns, sizeof(hit_columns) / sizeof(hit_columns[0]));
	columns_print(&columns, w->hits, w->n_hits, sizeof(*w->hits), false,
		      output.noheadings || w->flushed);
	columns_free(&columns);
	w->flushed = true;
	w->n_hits = 0;
}

static int add_hit(struct who_maps *w, const struct tce_table *t, uint64_t index, uint64_t count,
		   uint64_t gpa, const char *perm)
{
	uint64_t span = (count << t->geo.page_shift) - 1;
	uint64_t ioba = tce_ioba(&t->geo, index);
	struct hit *h;

	if (w->n_hits == HITS_KEPT)
		print_hits(w);
	if (!w->hits && !(w->hits = malloc(HITS_KEPT * sizeof(*w->hits))))
		return cli_error(TCE_EIO, "out of memory");
	h = &w->hits[w->n_hits++];
	table_label(t, h->table, sizeof(h->table));
	liobn_text(&t->geo, h->liobn, sizeof(h->liobn));
	range_text(h->ioba, sizeof(h->ioba), ioba, ioba + span);
	range_text(h->gpa, sizeof(h->gpa), gpa, gpa + span);
	h->perm = perm;
	h->pages = count;
	return 0;
}

static int who_maps_table(void *ctx, const struct tce_table *t, const struct tce_extents *x)
{
	struct who_maps *w = ctx;

	for (size_t n = 0; n < x->count; n++) {
		const struct tce_extent *e = &x->ext[n];
		uint64_t index, count, gpa;
		const char *perm = tce_perm_name(tce_perm(e->raw));

		/* An entry without permission bits lets no device reach the page. */
		if (!tce_perm(e->raw) ||
		    !tce_extent_reaches(e, t->geo.page_shift, w->gpa.first, w->gpa.last, &index, &count))
			continue;
		gpa = tce_gpa(tce_extent_entry(x, e, index));
		w->found++;
		if (!output.json) {
			if (add_hit(w, t, index, count, gpa, perm))
				return TCE_EIO;
			continue;
		}
		json_object_begin(&w->json);
		json_u64_field(&w->json, "pid", (uint64_t)t->origin.pid);
		json_fd_field(&w->json, t);
		json_liobn_field(&w->json, &t->geo);
		json_u64_field(&w->json, "index", index);
		json_hex_field(&w->json, "ioba", tce_ioba(&t->geo, index));
		json_hex_field(&w->json, "gpa", gpa);
		json_u64_field(&w->json, "pages", count);
		json_string_field(&w->json, "perm", perm);
		json_object_end(&w->json);
	}
	return 0;
}

int do_who_maps(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &common_argp, 0, NULL, 0 }, { &live_argp, 0, NULL, 0 }, { 0 }
	};
	static const struct argp argp = {
		NULL, parse_opt, "TARGET... GPA[-GPA]",
		"Show every IO bus address range, in every table of the targets, that maps "
		"guest physical memory in GPA[-GPA]: which DMA windows can reach those pages."
		"\vEntries without permission bits are left out. Exits 1 when none maps the "
		"range; see tcectl-who-maps(1).",
		children, NULL, NULL
	};
	struct who_maps w = { 0 };
	struct visit v = { .batch = who_maps_table, .ctx = &w };
	int status;

	cli_parse(&argp, argc, argv, &w);
	json_init(&w.json, out, output.pretty);
	if (output.json) {
		cli_json_document_begun();
		json_array_begin(&w.json);
		v.json = &w.json;
	}
	status = visit_targets(w.targets, w.count, &v);
	if (output.json) {
		json_array_end(&w.json);
		json_finish(&w.json);
	} else {
		/* No match prints nothing, not even the heading. */
		print_hits(&w);
	}
	if (!w.found)
		status = status_merge(status, TCE_NEGATIVE);
	free(w.hits);
	free(w.targets);
	free(w.args);
	return cli_finish(status);
}
