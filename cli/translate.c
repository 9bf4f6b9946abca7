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

struct wanted {
	uint64_t index;
	size_t n;	/* which address */
};

static int by_index(const void *a, const void *b)
{
	const struct wanted *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * Reads the entries asked for, and no others: every page of a live table
 * read makes the kernel allocate it.  A live table is opened once and
 * released before anything is printed; a file's table is decoded once,
 * in index order, whatever the number of addresses.
 */
static int read_wanted(struct tce_source *src, struct tce_table *t, struct wanted *w, size_t m,
		       uint64_t *tces, struct tce_err *err)
{
	uint64_t *index, *val;
	int rc = 0;

	qsort(w, m, sizeof(*w), by_index);
	if (src->target->kind == TCE_TARGET_FILE) {
		uint64_t *block = malloc(TCE_READ_BLOCK * sizeof(*block));

		/* The whole table is decoded anyway, to check it before use. */
		rc = block ? tce_source_file_check(src, 0, block, err) : tce_fail(err, TCE_EIO, "out of memory");
		for (size_t k = 0; k < m && !rc; k++)
			rc = tce_source_file_read(src, 0, w[k].index, 1, &tces[w[k].n], err);
		free(block);
		return rc;
	}
	index = calloc(m + 1, sizeof(*index));
	val = calloc(m + 1, sizeof(*val));
	if (!index || !val) {
		rc = tce_fail(err, TCE_EIO, "out of memory");
	} else {
		for (size_t k = 0; k < m; k++)
			index[k] = w[k].index;
		rc = tce_table_get(t, index, val, m, err);
		for (size_t k = 0; k < m && !rc; k++)
			tces[w[k].n] = val[k];
	}
	free(index);
	free(val);
	return rc;
}

/*
 * The entries of the addresses asked for into tces; an address outside
 * the window gets its message in outside[n] instead.
 */
static int read_entries(struct translate *tr, struct tce_table *t, uint64_t *tces,
			struct tce_err *outside, struct tce_err *err)
{
	struct tce_source src;
	struct wanted *w = NULL;
	size_t m = 0;
	int rc = -1;

	*t = (struct tce_table){ 0 };
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
	if (tr->target.kind == TCE_TARGET_FILE)
		tce_source_meta(&src, 0, t);
	else if (tce_source_attach(&src, 0, t, 0, err))
		goto out;
	w = calloc(tr->count, sizeof(*w));
	if (!w) {
		tce_fail(err, TCE_EIO, "out of memory");
		goto out;
	}
	for (size_t n = 0; n < tr->count; n++) {
		struct addr_range one = { tr->iobas[n], tr->iobas[n] };
		uint64_t first, end;

		if (tce_source_index_range(&src, 0, t, &one, &first, &end, &outside[n]))
			continue;
		w[m++] = (struct wanted){ first, n };
	}
	rc = read_wanted(&src, t, w, m, tces, err);
out:
	tce_table_release(t);
	free(w);
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
		"\vTARGET names one table: PID:FD, or PID or vm:NAME when it holds only one; give its "
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
