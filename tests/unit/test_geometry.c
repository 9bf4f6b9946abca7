// SPDX-License-Identifier: GPL-2.0-or-later
#include "../../src/geometry.h"
#include "unit.h"

TEST(geometry_ioba_of_entries)
{
	struct tce_geometry g = { .page_shift = 16, .bus_offset = 0x800000000000000ULL };

	CHECK_U64(tce_ioba(&g, 0), 0x800000000000000ULL);
	CHECK_U64(tce_ioba(&g, 3), 0x800000000030000ULL);
}

TEST(geometry_index_range_clips_to_window)
{
	struct tce_geometry g = { .page_shift = 12 };
	struct tce_err err = { 0 };
	uint64_t first, end;

	CHECK(tce_geometry_index_range(&g, 16, 0x1800, 0x2fff, &first, &end, &err) == 0);
	CHECK(first == 1 && end == 3);
	CHECK(tce_geometry_index_range(&g, 16, 0x1000, UINT64_MAX, &first, &end, &err) == 0);
	CHECK(first == 1 && end == 16);
	CHECK(tce_geometry_index_range(&g, 16, 0x10000, 0x10000, &first, &end, &err) < 0);
	CHECK(err.status == TCE_EUSAGE);
	CHECK_STR(err.msg, "IO bus address 0x10000 is outside the window 0x0-0xffff; give the table's bus offset and page size (TARGET,offset=ADDR,page=SIZE)");
}

TEST(geometry_below_bus_offset_is_outside)
{
	struct tce_geometry g = { .page_shift = 24, .bus_offset = 0x800000000000000ULL };
	struct tce_err err = { 0 };
	uint64_t first, end;

	CHECK(tce_geometry_index_range(&g, 4, 0x1000, 0x1000, &first, &end, &err) < 0);
	CHECK(tce_geometry_index_range(&g, 4, 0x800000001000000ULL, 0x800000001000000ULL,
				       &first, &end, &err) == 0);
	CHECK(first == 1 && end == 2);
}

TEST(geometry_window_must_fit_bus_space)
{
	struct tce_geometry g = { .page_shift = 34, .bus_offset = 0xfffffffc00000000ULL };
	struct tce_err err = { 0 };

	CHECK(tce_geometry_check(&g, 1, &err) == 0);
	CHECK(tce_geometry_check(&g, 2, &err) < 0 && err.status == TCE_EUSAGE);
}
