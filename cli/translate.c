// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * translate.c - tcectl translate: where an IO bus address goes.
 */
#include <stdlib.h>

#include "../src/lookup.h"
#include "../src/parse.h"
#include "../src/source.h"
#include "../src/tce.h"
#include "cli.h"
#include "fields.h"
#include "visit.h"

struct translate {
	struct tce_target target;
	bool has_target;
	uint64_t *iobas;
	size_t count;
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct translate *tr = state->input;

	switch (key) {
	case ARGP_KEY_ARG:
		if (!tr->has_target) {
			cli_parse_target(arg, &tr->target);
			tr->has_target = true;
			break;
		}
		tr->iobas = realloc(tr->iobas, (tr->count + 1) * sizeof(*tr->iobas));
		if (!tr->iobas)
			exit(cli_error(TCE_EIO, "out of memory"));
		if (parse_u64(arg, &tr->iobas[tr->count]))
			exit(cli_error(TCE_EUSAGE, "'%s' is not an IO bus address; give a number such as 0x1000", arg));
		tr->count++;
		break;
	case ARGP_KEY_END:
		if (!tr->count)
			exit(cli_error(TCE_EUSAGE, "%s; usage: tcectl translate [OPTION...] TARGET IOBA...",
				       tr->has_target ? "no IO bus address" : "no target"));
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void print_text(const struct tce_table *t, const char *name, uint64_t ioba,
		       uint64_t index, uint64_t tce)
{
	ob_puts(out, "ioba ");
	ob_hex(out, ioba, 1);
	ob_printf(out, ": %s entry %llu, ", name, (unsigned long long)index);
	if (!tce) {
		ob_puts(out, "not mapped\n");
		return;
	}
	ob_puts(out, "gpa ");
	ob_hex(out, tce_translate(tce, t->geo.page_shift, ioba), 1);
	ob_printf(out, ", perm %s, raw ", tce_perm_name(tce_perm(tce)));
	ob_hex(out, tce, 16);
	ob_putc(out, '\n');
}

static void print_json(struct json *j, const struct tce_table *t, uint64_t ioba,
		       uint64_t index, uint64_t tce)
{
	json_object_begin(j);
	json_u64_field(j, "pid", (uint64_t)t->origin.pid);
	json_fd_field(j, t);
	json_hex_field(j, "ioba", ioba);
	json_u64_field(j, "index", index);
	json_bool_field(j, "mapped", tce != 0);
	json_hex_or_null_field(j, "gpa", tce != 0, tce_translate(tce, t->geo.page_shift, ioba));
	json_string_field(j, "perm", tce_perm_name(tce_perm(tce)));
	json_hex_field(j, "raw", tce);
	json_object_end(j);
}

/*
 * Each entry asked for, read alone: a snapshot of just that entry, the
 * table released before anything is printed.  Reading no more matters:
 * every page read makes the kernel allocate it.  An address outside the
 * window gets its message in outside[n].
 */
static int read_entries(struct translate *tr, struct tce_table *t, uint64_t *tces,
			struct tce_err *outside, struct tce_err *err)
{
	struct tce_source src;
	int rc = -1;

	if (tce_source_open(&src, &tr->target, err))
		goto out;
	if (src.count > 1 && tr->target.kind == TCE_TARGET_FILE) {
		tce_fail(err, TCE_EUSAGE,
			 "checkpoint '%s' holds %zu TCE tables; name one as FILE:N (see tcectl inspect %s)",
			 tr->target.path, src.count, tr->target.path);
		goto out;
	}
	if (src.count > 1) {
		tce_fail(err, TCE_EUSAGE,
			 "pid %d holds %zu TCE tables; name one as PID:FD (see tcectl list %d)",
			 (int)tr->target.pid, src.count, (int)tr->target.pid);
		goto out;
	}
	for (size_t n = 0; n < tr->count; n++) {
		struct addr_range one = { tr->iobas[n], tr->iobas[n] };
		struct tce_err why = { 0 };
		struct tce_extents x;

		if (tce_source_snapshot(&src, 0, &one, t, &x, &why)) {
			/* Outside the window: this address only; anything else: all of them. */
			if (why.status != TCE_EUSAGE) {
				*err = why;
				goto out;
			}
			outside[n] = why;
			continue;
		}
		tces[n] = x.count ? x.ext[0].raw : 0;
		tce_extents_free(&x);
	}
	/* t: the last snapshot's table, filled in also when its address was outside. */
	rc = 0;
out:
	tce_source_close(&src);
	return rc;
}

int do_translate(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &common_argp, 0, NULL, 0 }, { &live_argp, 0, NULL, 0 }, { 0 }
	};
	static const struct argp argp = {
		NULL, parse_opt, "TARGET IOBA...",
		"Show the guest physical address and permission that IO bus addresses map to."
		"\vTARGET names one table: PID:FD, or PID when it holds only one; give its "
		"geometry as PID:FD,KEY=VALUE,... with keys shift, page, offset, liobn and entries. Exits 1 when an address is not mapped; "
		"see tcectl-translate(1).",
		children, NULL, NULL
	};
	struct translate tr = { 0 };
	struct tce_err err = { 0 };
	struct tce_table t;
	struct tce_err *outside;
	char name[4200];
	uint64_t *tces;
	struct json j;
	int status = 0;

	cli_parse(&argp, argc, argv, &tr);
	tces = calloc(tr.count, sizeof(*tces));
	outside = calloc(tr.count, sizeof(*outside));
	if (!tces || !outside) {
		status = cli_error(TCE_EIO, "out of memory");
		goto out;
	}
	if (read_entries(&tr, &t, tces, outside, &err)) {
		status = cli_report(&err);
		goto out;
	}
	warn_not_tce(&t);
	if (tr.target.kind == TCE_TARGET_FILE)
		snprintf(name, sizeof(name), "%s", tr.target.text);
	else
		table_label(&t, name, sizeof(name));
	/* One shape whatever the number of addresses: an array. */
	json_init(&j, out, output.pretty);
	if (output.json) {
		cli_json_document_begun();
		json_array_begin(&j);
	}
	for (size_t n = 0; n < tr.count; n++) {
		uint64_t index = (tr.iobas[n] - t.geo.bus_offset) >> t.geo.page_shift;

		if (outside[n].status) {
			if (output.json)
				cli_json_target_error(&j, tr.target.text, &outside[n]);
			else
				cli_report(&outside[n]);
			status = status_merge(status, outside[n].status);
			continue;
		}
		if (output.json)
			print_json(&j, &t, tr.iobas[n], index, tces[n]);
		else
			print_text(&t, name, tr.iobas[n], index, tces[n]);
		if (!tces[n])
			status = status_merge(status, TCE_NEGATIVE);
	}
	if (output.json) {
		json_array_end(&j);
		json_finish(&j);
	}
out:
	free(tces);
	free(outside);
	free(tr.iobas);
	return cli_finish(status);
}
