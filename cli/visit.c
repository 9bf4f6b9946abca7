// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>

#include "../src/proc.h"
#include "../src/source.h"
#include "cli.h"
#include "visit.h"

void table_name(const struct tce_table *t, char *buf, size_t len)
{
	snprintf(buf, len, "%d:%d", (int)t->origin.pid, t->origin.fd);
}

/* The one failure path: a line on stderr, and in JSON mode an array element. */
static int visit_fail(const struct visit *v, const char *what, const struct tce_err *err)
{
	if (v->ignore_vanished && err->status == TCE_ENOTARGET)
		return 0;
	if (v->json) {
		cli_json_target_error(v->json, what, err);
		return err->status;
	}
	return cli_report(err);
}

static int scan_table(const struct visit *v, struct tce_table *t, struct tce_extents *x,
		      struct tce_err *err)
{
	uint64_t first = 0, end = t->entries;
	int rc = 0;

	if (v->range)
		rc = tce_geometry_index_range(&t->geo, t->entries, v->range->first,
					      v->range->last, &first, &end, err);
	if (!rc)
		rc = tce_extents_scan(x, t->tce, first, end, t->geo.page_shift, err);
	tce_table_release(t);
	return rc;
}

static int visit_source(struct tce_source *src, const struct visit *v)
{
	int status = 0;

	for (size_t i = 0; i < src->count; i++) {
		struct tce_err err = { 0 };
		struct tce_table t;
		struct tce_extents x;
		char name[48];

		snprintf(name, sizeof(name), "%d:%d", (int)src->target->pid, src->fds[i]);
		if (tce_source_attach(src, i, &t, 0, &err)) {
			status = status_merge(status, visit_fail(v, name, &err));
			continue;
		}
		if (!proc_link_is_tce(t.origin.link))
			cli_warn("fd %d of pid %d is '%s', not a kvm-spapr-tce table; decoding it anyway",
				 t.origin.fd, (int)t.origin.pid, t.origin.link);
		if (scan_table(v, &t, &x, &err)) {
			struct tce_err named = { .status = err.status };

			snprintf(named.msg, sizeof(named.msg), "table %s: %.440s", name, err.msg);
			status = status_merge(status, visit_fail(v, name, &named));
			continue;
		}
		status = status_merge(status, v->table(v->ctx, &t, &x));
		tce_extents_free(&x);
	}
	return status;
}

int visit_targets(const struct tce_target *targets, size_t count, const struct visit *v)
{
	int status = 0;

	for (size_t n = 0; n < count; n++) {
		struct tce_err err = { 0 };
		struct tce_source src;

		if (tce_source_open(&src, &targets[n], &err))
			status = status_merge(status, visit_fail(v, targets[n].text, &err));
		else
			status = status_merge(status, visit_source(&src, v));
		tce_source_close(&src);
	}
	return status;
}
