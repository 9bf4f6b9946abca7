// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * who_maps.c - tcectl who-maps: which IO bus addresses reach guest memory.
 */
#include <stdlib.h>
#include <string.h>

#include "../src/lookup.h"
#include "../src/parse.h"
#include "../src/tce.h"
#include "cli.h"
#include "fields.h"
#include "visit.h"

struct who_maps {
	struct tce_target *targets;
	size_t count;
	char **args;
	size_t n_args;
	struct addr_range gpa;
	size_t found;
	struct json json;
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

static void print_text(const struct tce_table *t, uint64_t index, uint64_t count, uint64_t gpa)
{
	uint64_t span = (count << t->geo.page_shift) - 1;
	uint64_t ioba = tce_ioba(&t->geo, index);
	char name[64];

	table_label(t, name, sizeof(name));
	ob_printf(out, "%-12s ", name);
	if (t->geo.has_liobn)
		ob_hex(out, t->geo.liobn, 8);
	else
		ob_puts(out, "-         ");
	ob_putc(out, ' ');
	ob_hex(out, ioba, 8);
	ob_putc(out, '-');
	ob_hex(out, ioba + span, 8);
	ob_putc(out, ' ');
	ob_hex(out, gpa, 8);
	ob_putc(out, '-');
	ob_hex(out, gpa + span, 8);
	ob_putc(out, ' ');
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
		/* The heading comes with the first row: no match prints nothing. */
		if (!w->found++ && !output.json && !output.noheadings)
			ob_printf(out, "%-12s %-10s %-21s %-21s %-4s %s\n", "TABLE", "LIOBN", "IOBA",
				  "GPA", "PERM", "PAGES");
		if (!output.json) {
			print_text(t, index, count, gpa);
			ob_printf(out, "%-4s %llu\n", perm, (unsigned long long)count);
			continue;
		}
		json_object_begin(&w->json);
		json_key(&w->json, "pid");
		json_u64(&w->json, (uint64_t)t->origin.pid);
		json_key(&w->json, "fd");
		json_table_fd(&w->json, t);
		json_key(&w->json, "liobn");
		json_table_liobn(&w->json, t);
		json_key(&w->json, "index");
		json_u64(&w->json, index);
		json_key(&w->json, "ioba");
		json_hex(&w->json, tce_ioba(&t->geo, index));
		json_key(&w->json, "gpa");
		json_hex(&w->json, gpa);
		json_key(&w->json, "pages");
		json_u64(&w->json, count);
		json_key(&w->json, "perm");
		json_string(&w->json, perm);
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
	}
	if (!w.found)
		status = status_merge(status, TCE_NEGATIVE);
	free(w.targets);
	free(w.args);
	return cli_finish(status);
}
