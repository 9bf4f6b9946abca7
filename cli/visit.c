// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <signal.h>
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
static int visit_fail(const struct visit *v, pid_t pid, const char *what, const struct tce_err *err)
{
	/* Host-wide, a process that ended meanwhile is no error; any other failure is. */
	if (v->ignore_vanished && pid > 0 && kill(pid, 0) && errno == ESRCH)
		return 0;
	if (v->json) {
		cli_json_target_error(v->json, what, err);
		return err->status;
	}
	return cli_report(err);
}

static int visit_source(struct tce_source *src, const struct visit *v)
{
	int status = 0;

	for (size_t i = 0; i < src->count; i++) {
		struct tce_err err = { 0 };
		struct tce_table t;
		struct tce_extents x;
		char name[4200];

		tce_source_table_name(src, i, name, sizeof(name));
		if (tce_source_snapshot(src, i, v->range, &t, &x, &err)) {
			status = status_merge(status, visit_fail(v, src->target->pid, name, &err));
			tce_extents_free(&x);
			continue;
		}
		if (src->target->kind != TCE_TARGET_FILE && !proc_link_is_tce(t.origin.link))
			cli_warn("fd %d of pid %d is '%s', not a kvm-spapr-tce table; decoding it anyway",
				 t.origin.fd, (int)t.origin.pid, t.origin.link);
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
			status = status_merge(status, visit_fail(v, targets[n].pid, targets[n].text, &err));
		else
			status = status_merge(status, visit_source(&src, v));
		tce_source_close(&src);
	}
	return status;
}
