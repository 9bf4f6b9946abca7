/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lookup.h - the two questions asked of a table: where does this IO bus
 * address go, and which entries reach this guest memory.
 */
#ifndef TCECTL_LOOKUP_H
#define TCECTL_LOOKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "extents.h"

/*
 * Guest physical address an IO bus address reaches through entry tce: the
 * entry's page plus the offset in it.  The kernel only accepts addresses
 * aligned to the page; with a wrong page size given, this still agrees
 * with the GPA dump shows.
 */
static inline uint64_t tce_translate(uint64_t tce, unsigned page_shift, uint64_t ioba)
{
	return (tce & ~3ULL) + (ioba & ((1ULL << page_shift) - 1));
}

/*
 * The entries of extent e whose guest page overlaps [gpa_first, gpa_last]:
 * returns false when none do, else their first index and count.
 */
bool tce_extent_reaches(const struct tce_extent *e, unsigned page_shift,
			uint64_t gpa_first, uint64_t gpa_last,
			uint64_t *index, uint64_t *count);

#endif
