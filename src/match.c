// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <stdlib.h>

#include "match.h"

static bool liobns_clash(const struct tce_table *a, const struct tce_table *b)
{
	return a->geo.has_liobn && b->geo.has_liobn && a->geo.liobn != b->geo.liobn;
}

int tce_match(const struct tce_table *a, size_t na, const struct tce_table *b, size_t nb,
	      struct tce_pair **pairs, size_t *count, struct tce_err *err)
{
	long *b_taken = calloc(nb + 1, sizeof(*b_taken));	/* 1 + index of a, or 0 */
	long *a_pair = calloc(na + 1, sizeof(*a_pair));		/* 1 + index of b, or 0 */
	enum tce_match_by *by = calloc(na + 1, sizeof(*by));
	struct tce_pair *p;
	size_t n = 0, next_b = 0;

	p = calloc(na + nb + 1, sizeof(*p));
	if (!b_taken || !a_pair || !by || !p) {
		free(b_taken), free(a_pair), free(by), free(p);
		return tce_fail(err, TCE_EIO, "out of memory");
	}
	for (size_t pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < na; i++) {
			if (a_pair[i])
				continue;
			for (size_t j = 0; j < nb; j++) {
				bool fit;

				if (b_taken[j] || liobns_clash(&a[i], &b[j]))
					continue;
				if (pass == 0)
					fit = a[i].geo.has_liobn && b[j].geo.has_liobn;
				else if (pass == 1)
					fit = a[i].origin.fd >= 0 && a[i].origin.fd == b[j].origin.fd;
				else
					fit = j >= next_b;
				if (!fit)
					continue;
				a_pair[i] = (long)j + 1;
				b_taken[j] = (long)i + 1;
				by[i] = (enum tce_match_by)pass;
				if (pass == 2)
					next_b = j + 1;
				break;
			}
		}
	for (size_t i = 0; i < na; i++)
		p[n++] = (struct tce_pair){ (long)i, a_pair[i] - 1, a_pair[i] ? by[i] : TCE_MATCH_ORDER };
	for (size_t j = 0; j < nb; j++)
		if (!b_taken[j])
			p[n++] = (struct tce_pair){ -1, (long)j, TCE_MATCH_ORDER };
	free(b_taken);
	free(a_pair);
	free(by);
	*pairs = p;
	*count = n;
	return 0;
}

int tce_same_geometry(const struct tce_table *a, const char *a_name,
		      const struct tce_table *b, const char *b_name, struct tce_err *err)
{
	if (a->geo.page_shift != b->geo.page_shift)
		return tce_fail(err, TCE_EFILE,
				"%s has %" PRIu64 "-byte IOMMU pages and %s %" PRIu64 "; if one is live, give its geometry (PID:FD,page=SIZE)",
				a_name, tce_page_size(&a->geo), b_name, tce_page_size(&b->geo));
	if (a->geo.bus_offset != b->geo.bus_offset)
		return tce_fail(err, TCE_EFILE,
				"%s starts at bus address 0x%" PRIx64 " and %s at 0x%" PRIx64 "; if one is live, give its geometry (PID:FD,offset=ADDR)",
				a_name, a->geo.bus_offset, b_name, b->geo.bus_offset);
	if (a->entries != b->entries)
		return tce_fail(err, TCE_EFILE,
				"%s has %" PRIu64 " entries and %s %" PRIu64 "; they are not the same window",
				a_name, a->entries, b_name, b->entries);
	return 0;
}
