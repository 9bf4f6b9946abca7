// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <string.h>

#include "geometry.h"

void tce_geometry_default(struct tce_geometry *geo)
{
	*geo = (struct tce_geometry){ .page_shift = TCE_PAGE_SHIFT_DEFAULT };
}

static const char *const source_names[] = {
	[TCE_GEO_ASSUMED] = "assumed",
	[TCE_GEO_GIVEN] = "given",
	[TCE_GEO_QEMU] = "qemu",
};

const char *tce_geo_source_name(enum tce_geo_source source)
{
	return source <= TCE_GEO_QEMU ? source_names[source] : "assumed";
}

int tce_geo_source_parse(const char *name)
{
	for (int s = TCE_GEO_ASSUMED; s <= TCE_GEO_QEMU; s++)
		if (!strcmp(name, source_names[s]))
			return s;
	return -1;
}

/* Last bus address of a window; n > 0.  128-bit so a bad offset cannot wrap. */
static unsigned __int128 window_last(const struct tce_geometry *geo, uint64_t n)
{
	return (unsigned __int128)geo->bus_offset +
	       ((unsigned __int128)n << geo->page_shift) - 1;
}

int tce_geometry_check(const struct tce_geometry *geo, uint64_t n, struct tce_err *err)
{
	if (geo->bus_offset & (tce_page_size(geo) - 1))
		return tce_fail(err, TCE_EUSAGE,
				"bus offset 0x%" PRIx64 " is not aligned to the %" PRIu64
				"-byte IOMMU page; give an offset that is a multiple of the page size",
				geo->bus_offset, tce_page_size(geo));
	if (n && window_last(geo, n) > UINT64_MAX)
		return tce_fail(err, TCE_EUSAGE,
				"a window of %" PRIu64 " entries of 2^%u bytes at bus offset 0x%" PRIx64
				" runs past the 64-bit bus space; check the offset and page size",
				n, geo->page_shift, geo->bus_offset);
	return 0;
}

int tce_geometry_index_range(const struct tce_geometry *geo, uint64_t n,
			     uint64_t ioba_first, uint64_t ioba_last,
			     uint64_t *first, uint64_t *end, struct tce_err *err)
{
	uint64_t last_ioba = (uint64_t)window_last(geo, n);

	if (ioba_last < geo->bus_offset || ioba_first > last_ioba)
		return tce_fail(err, TCE_EUSAGE,
				"IO bus address 0x%" PRIx64 " is outside the window 0x%" PRIx64
				"-0x%" PRIx64 "; give the table's bus offset and page size (TARGET,offset=ADDR,page=SIZE)",
				ioba_last < geo->bus_offset ? ioba_last : ioba_first,
				geo->bus_offset, last_ioba);
	if (ioba_first < geo->bus_offset)
		ioba_first = geo->bus_offset;
	if (ioba_last > last_ioba)
		ioba_last = last_ioba;
	*first = (ioba_first - geo->bus_offset) >> geo->page_shift;
	*end = ((ioba_last - geo->bus_offset) >> geo->page_shift) + 1;
	return 0;
}
