/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * match.h - which table of one side is which table of the other.
 *
 * By liobn when both sides know it; else by fd (a checkpoint records the
 * fd it was taken from); else in order, which the caller warns about.
 * Tables whose liobns are both known and differ are never paired.
 */
#ifndef TCECTL_MATCH_H
#define TCECTL_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "table.h"

enum tce_match_by { TCE_MATCH_LIOBN, TCE_MATCH_FD, TCE_MATCH_ORDER };

struct tce_pair {
	long a, b;		/* indexes into the sides; -1: only on the other side */
	enum tce_match_by by;
};

/* Pairs every table of a with one of b or none; *pairs is malloc'd. */
int tce_match(const struct tce_table *a, size_t na, const struct tce_table *b, size_t nb,
	      struct tce_pair **pairs, size_t *count, struct tce_err *err);

/*
 * Whether a and b describe the same window; if not, why, naming sides
 * a_name and b_name, in err (TCE_EFILE).
 */
int tce_same_geometry(const struct tce_table *a, const char *a_name,
		      const struct tce_table *b, const char *b_name, struct tce_err *err);

#endif
