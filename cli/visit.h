/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * visit.h - run a verb over every table its targets name.
 *
 * Each table is attached, scanned into extents and released before the
 * verb sees it, so no table is held while output is written.  A failing
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
	/* IO bus addresses to scan in each table; NULL: the whole window. */
	const struct addr_range *range;
	/* Called with the released table (geometry, origin) and its extents. */
	int (*table)(void *ctx, const struct tce_table *t, const struct tce_extents *x);
	void *ctx;
	/* JSON mode: a failing target becomes an element of this array. */
	struct json *json;
	/* Host-wide: a process that has ended since it was listed is no error. */
	bool ignore_vanished;
};

/* Warns when a live table is not a kvm-spapr-tce one; else nothing. */
void warn_not_tce(const struct tce_table *t);

int visit_targets(const struct tce_target *targets, size_t count, const struct visit *v);

#endif
