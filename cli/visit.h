/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * visit.h - run a verb over every table its targets name.
 *
 * Each table is read in chunks (src/cursor.h), so memory stays bounded
 * whatever it holds; a table reached through its fd is attached only
 * while a chunk is read, never while output is written.  A failing
 * target is reported and the rest still run (eu-readelf's habit); the
 * merged exit status says whether any failed.
 */
#ifndef TCECTL_VISIT_H
#define TCECTL_VISIT_H

#include <stdbool.h>
#include <stddef.h>

#include "../src/extents.h"
#include "../src/parse.h"
#include "../src/table.h"
#include "../src/target.h"
#include "json.h"

struct visit {
	/* IO bus addresses to read in each table; NULL: the whole window. */
	const struct addr_range *range;
	/*
	 * Each table's batches of whole extents in index order: begin sees
	 * the first (enough to size columns), then batch sees every one,
	 * then end the counts over them all.  Any may be NULL.  end is
	 * called too when a later batch cannot be read, so that output
	 * begun is closed; the failure is reported after it.
	 */
	int (*begin)(void *ctx, const struct tce_table *t, const struct tce_extents *x);
	int (*batch)(void *ctx, const struct tce_table *t, const struct tce_extents *x);
	int (*end)(void *ctx, const struct tce_table *t, const struct tce_counts *counts,
		   uint64_t extents);
	void *ctx;
	/* JSON mode: a failing target becomes an element of this array. */
	struct json *json;
	/* Host-wide: a process that has ended since it was listed is no error. */
	bool ignore_vanished;
};

/* Warns when a live table is not a kvm-spapr-tce one; else nothing. */
void warn_not_tce(const struct tce_table *t);

/* The same, and when table `name` is QEMU's emulated copy. */
void warn_table(const struct tce_table *t, const char *name);

/*
 * Every process on the host that holds a table, as PID targets, into
 * *count; warns of the processes that could not be inspected and counts
 * them in *denied when it is not NULL.  Exits when /proc cannot be read.
 */
struct tce_target *host_targets(size_t *count, size_t *denied);

int visit_targets(const struct tce_target *targets, size_t count, const struct visit *v);

#endif
