// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "../src/cursor.h"
#include "../src/proc.h"
#include "../src/source.h"
#include "cli.h"
#include "escape.h"
#include "visit.h"

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

void warn_not_tce(const struct tce_table *t)
{
	char link[4 * sizeof(t->origin.link)];

	/* A file's tables, QEMU's emulated copies and kernel tables are what they say. */
	if (t->origin.via == TCE_VIA_FILE || t->origin.emulated || proc_link_is_tce(t->origin.link))
		return;
	if (t->origin.fd >= 0)
		cli_warn("fd %d of pid %d is '%s', not a kvm-spapr-tce table; decoding it anyway",
			 t->origin.fd, (int)t->origin.pid, safe_text(t->origin.link, link, sizeof(link)));
	else
		cli_warn("the mapping at 0x%llx of pid %d is not a kvm-spapr-tce table; decoding it anyway",
			 (unsigned long long)t->origin.addr, (int)t->origin.pid);
}

static void warn_once(struct tce_source *src, size_t i, const char *name)
{
	char why[256];

	if (tce_source_holds(src, i))
		cli_warn("reading table %s through a duplicate of its fd: no mapping of it is known, "
			 "and holding it can make a resetting VMM lose the table; see tcectl(1) HOLDING A TABLE",
			 name);
	if (tce_source_disagrees(src, i, why, sizeof(why)))
		cli_warn("table %s: the target gives %s; the target wins", name, why);
}

void warn_table(const struct tce_table *t, const char *name)
{
	warn_not_tce(t);
	if (t->origin.emulated)
		cli_warn("table %s (liobn 0x%llx) is emulated by QEMU: the kernel refused to create it, "
			 "so the guest's every H_PUT_TCE on it exits to QEMU; the next guest reset may bring it back",
			 name, (unsigned long long)t->geo.liobn);
}

/*
 * One table: its batches to the verb (a table of fewer than
 * TCE_KEEP_EXTENTS runs is one batch, read whole before anything is
 * printed); the status of the verb, or -1 when the table could not be
 * read.
 */
static int visit_table(struct tce_source *src, size_t i, const struct visit *v,
		       struct tce_err *err)
{
	struct tce_cursor c;
	uint64_t extents = 0;
	bool begun = false;
	int status = 0, more;
	char name[4200];

	tce_source_table_name(src, i, name, sizeof(name));
	warn_once(src, i, name);
	if (tce_cursor_open(&c, src, i, v->range, TCE_CUT_EXTENT, err)) {
		tce_cursor_close(&c);
		return -1;
	}
	warn_table(&c.t, name);
	while ((more = tce_cursor_next(&c, err)) > 0 || (more == 0 && !begun)) {
		/* An empty range still gets its title and summary. */
		if (!begun && v->begin)
			status = v->begin(v->ctx, &c.t, &c.x);
		begun = true;
		extents += c.x.count;
		if (v->batch)
			status = status_merge(status, v->batch(v->ctx, &c.t, &c.x));
		if (!more)
			break;
	}
	/* What was begun is closed, also after a failure. */
	if (begun && v->end)
		status = status_merge(status, v->end(v->ctx, &c.t, &c.counts, extents));
	tce_cursor_close(&c);
	return more < 0 ? -1 : status;
}

static int visit_source(struct tce_source *src, const struct visit *v)
{
	int status = 0;

	for (size_t i = 0; i < src->count; i++) {
		struct tce_err err = { 0 };
		char name[4200];
		int rc = visit_table(src, i, v, &err);

		tce_source_table_name(src, i, name, sizeof(name));
		if (rc < 0)
			rc = visit_fail(v, src->target->pid, name, &err);
		status = status_merge(status, rc);
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

struct tce_target *host_targets(size_t *count, size_t *denied)
{
	struct tce_err err = { 0 };
	struct tce_target *targets;
	size_t n_pids, n_denied;
	pid_t *pids;

	if (proc_tce_holders(&pids, &n_pids, &n_denied, &err))
		exit(cli_exit_status(cli_report(&err)));
	targets = calloc(n_pids ? n_pids : 1, sizeof(*targets));
	if (!targets)
		exit(cli_error(TCE_EIO, "out of memory"));
	for (size_t i = 0; i < n_pids; i++) {
		targets[i] = (struct tce_target){ .kind = TCE_TARGET_PID, .pid = pids[i],
						  .fd = -1, .text = "" };
		tce_geometry_default(&targets[i].geo);
	}
	free(pids);
	*count = n_pids;
	if (denied)
		*denied = n_denied;
	if (n_denied)
		cli_warn("%zu processes could not be inspected; run as root or with CAP_SYS_PTRACE to see them all",
			 n_denied);
	return targets;
}
