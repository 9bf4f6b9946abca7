// SPDX-License-Identifier: GPL-2.0-or-later
#include "lookup.h"
#include "tce.h"

bool tce_extent_reaches(const struct tce_extent *e, unsigned page_shift,
			uint64_t gpa_first, uint64_t gpa_last,
			uint64_t *index, uint64_t *count)
{
	/* 128-bit: an extent near the top of the address space must not wrap. */
	unsigned __int128 base = tce_gpa(e->raw);
	unsigned __int128 end = base + ((unsigned __int128)e->count << page_shift);
	uint64_t first_page, last_page;

	if (gpa_last < base || gpa_first >= end)
		return false;
	first_page = gpa_first <= base ? 0 : (uint64_t)((gpa_first - base) >> page_shift);
	last_page = (unsigned __int128)gpa_last >= end ? e->count - 1
						       : (uint64_t)((gpa_last - base) >> page_shift);
	*index = e->index + first_page;
	*count = last_page - first_page + 1;
	return true;
}
