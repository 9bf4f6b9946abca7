// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>

#include "../../src/match.h"
#include "unit.h"

static struct tce_table table(int fd, long liobn)
{
	struct tce_table t = { .entries = 8192 };

	tce_geometry_default(&t.geo);
	t.origin.fd = fd;
	if (liobn >= 0) {
		t.geo.liobn = (uint64_t)liobn;
		t.geo.has_liobn = true;
	}
	return t;
}

TEST(match_by_liobn_then_fd_then_order)
{
	struct tce_table a[] = { table(5, 0x80000000), table(6, -1), table(7, -1), table(8, 0x71000003) };
	struct tce_table b[] = { table(20, -1), table(9, 0x71000003), table(6, -1), table(30, 0x80000000) };
	struct tce_pair *p;
	size_t n;
	struct tce_err err = { 0 };

	CHECK(tce_match(a, 4, b, 4, &p, &n, &err) == 0 && n == 4);
	CHECK(p[0].b == 3 && p[0].by == TCE_MATCH_LIOBN);
	CHECK(p[1].b == 2 && p[1].by == TCE_MATCH_FD);
	CHECK(p[2].b == 0 && p[2].by == TCE_MATCH_ORDER);
	CHECK(p[3].b == 1 && p[3].by == TCE_MATCH_LIOBN);
	free(p);
}

TEST(match_leaves_the_unmatched_alone)
{
	struct tce_table a[] = { table(5, 0x1) };
	struct tce_table b[] = { table(5, 0x2), table(6, -1) };
	struct tce_pair *p;
	size_t n;
	struct tce_err err = { 0 };

	CHECK(tce_match(a, 1, b, 2, &p, &n, &err) == 0 && n == 2);
	/* Different liobns never pair, even with the same fd; the unlabelled one does. */
	CHECK(p[0].a == 0 && p[0].b == 1 && p[0].by == TCE_MATCH_ORDER);
	CHECK(p[1].a == -1 && p[1].b == 0);
	free(p);
}

TEST(same_geometry_names_the_difference)
{
	struct tce_table a = table(1, -1), b = table(2, -1);
	struct tce_err err = { 0 };

	CHECK(tce_same_geometry(&a, "A", &b, "B", &err) == 0);
	b.geo.page_shift = 16;
	CHECK(tce_same_geometry(&a, "A", &b, "B", &err) < 0 && err.status == TCE_EFILE);
	CHECK_STR(err.msg, "A has 4096-byte IOMMU pages and B 65536; if one is live, give its geometry (PID:FD,page=SIZE)");
	err = (struct tce_err){ 0 };
	b = table(2, -1);
	b.entries = 16384;
	CHECK(tce_same_geometry(&a, "A", &b, "B", &err) < 0);
	CHECK_STR(err.msg, "A has 8192 entries and B 16384; they are not the same window");
}
