// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>

#include "../../src/extents.h"
#include "../../src/lookup.h"
#include "unit.h"

static void scan(struct tce_extents *x, const uint64_t *t, uint64_t n, unsigned shift)
{
	struct tce_err err = { 0 };

	CHECK(tce_extents_scan(x, t, 0, n, shift, &err) == 0);
}

TEST(extents_of_an_empty_table)
{
	uint64_t t[100] = { 0 };
	struct tce_extents x;

	scan(&x, t, 100, 12);
	CHECK(x.count == 0 && x.counts.mapped == 0 && x.counts.entries == 100);
	tce_extents_free(&x);
}

TEST(extents_split_on_gap_perm_and_discontiguity)
{
	uint64_t t[32] = { 0 };
	struct tce_extents x;

	for (int i = 0; i < 4; i++)
		t[i] = (0x10000000ULL + i * 0x1000) | 3;
	t[4] = 0x10004000ULL | 1;		/* contiguous, but another perm */
	t[6] = 0x20000000ULL | 3;		/* after a gap */
	t[7] = 0x20002000ULL | 3;		/* not the next page */
	t[8] = 0x30000000ULL;			/* no permission bits */
	t[9] = 0x30001000ULL;			/* continues the poison run */
	t[31] = 0x40000000ULL | 2;
	scan(&x, t, 32, 12);
	CHECK(x.count == 6);
	CHECK(x.ext[0].index == 0 && x.ext[0].count == 4 && x.ext[0].raw == 0x10000003);
	CHECK(x.ext[1].index == 4 && x.ext[1].count == 1);
	CHECK(x.ext[2].index == 6 && x.ext[2].count == 1);
	CHECK(x.ext[3].index == 7 && x.ext[3].count == 1);
	CHECK(x.ext[4].index == 8 && x.ext[4].count == 2);
	CHECK(x.ext[5].index == 31 && x.ext[5].count == 1);
	CHECK(x.counts.mapped == 10);
	CHECK(x.counts.by_perm[3] == 6 && x.counts.by_perm[1] == 1 &&
	      x.counts.by_perm[2] == 1 && x.counts.by_perm[0] == 2);
	tce_extents_free(&x);
}

TEST(extents_follow_the_page_size)
{
	uint64_t t[4] = { 0x1000003, 0x1010003, 0x1020003, 0 };
	struct tce_extents x;

	scan(&x, t, 4, 16);
	CHECK(x.count == 1 && x.ext[0].count == 3);
	tce_extents_free(&x);
	scan(&x, t, 4, 12);
	CHECK(x.count == 3);
	tce_extents_free(&x);
}

TEST(extents_do_not_wrap_into_empty_entries)
{
	uint64_t t[3] = { 0xfffffffffffff000ULL, 0, 0 };
	struct tce_extents x;

	scan(&x, t, 3, 12);
	CHECK(x.count == 1 && x.ext[0].count == 1 && x.counts.mapped == 1);
	tce_extents_free(&x);
}

/* A run ends where the next guest page would lie past 2^64, also across blocks. */
TEST(extents_end_where_the_guest_address_wraps)
{
	uint64_t t[4] = { 0xfffffffffffff003ULL, 0x3, 0x1003, 0 };
	struct tce_extents x;
	struct tce_err err = { 0 };

	scan(&x, t, 4, 12);
	CHECK(x.count == 2);
	CHECK(x.ext[0].index == 0 && x.ext[0].count == 1);
	CHECK(x.ext[1].index == 1 && x.ext[1].count == 2 && x.ext[1].raw == 0x3);
	tce_extents_free(&x);
	tce_extents_begin(&x, 0, 4, 12);
	CHECK(tce_extents_feed(&x, t, 0, 1, &err) == 0);
	CHECK(tce_extents_feed(&x, t + 1, 1, 3, &err) == 0);
	tce_extents_finish(&x);
	CHECK(x.count == 2 && x.ext[0].count == 1 && x.ext[1].count == 2);
	tce_extents_free(&x);
}

TEST(extents_scan_a_subrange)
{
	uint64_t t[16];
	struct tce_extents x;
	struct tce_err err = { 0 };

	for (int i = 0; i < 16; i++)
		t[i] = ((uint64_t)i << 12) | 3;
	CHECK(tce_extents_scan(&x, t, 5, 9, 12, &err) == 0);
	CHECK(x.count == 1 && x.ext[0].index == 5 && x.ext[0].count == 4);
	CHECK(x.counts.entries == 4);
	tce_extents_free(&x);
}

/* Expanding the extents gives back the table, byte for byte. */
TEST(extents_are_lossless)
{
	enum { N = 100000 };
	uint64_t *t = calloc(N, 8), *back = calloc(N, 8);
	struct tce_extents x;
	size_t cursor = 0;

	srand(7);
	for (int i = 0; i < N; i++) {
		int r = rand() % 10;

		if (r < 5)
			t[i] = 0;
		else if (r < 8 && i > 0 && t[i - 1])
			t[i] = t[i - 1] + 0x1000;
		else
			t[i] = ((uint64_t)rand() << 20) | (uint64_t)(rand() & 3);
	}
	scan(&x, t, N, 12);
	for (uint64_t i = 0; i < N; i += 777)
		tce_extents_expand(&x, i, i + 777 <= N ? 777 : N - i, back + i, &cursor);
	CHECK(memcmp(t, back, N * 8) == 0);
	/* Out of order too: the cursor restarts. */
	tce_extents_expand(&x, 10, 50, back, &cursor);
	CHECK(memcmp(t + 10, back, 50 * 8) == 0);
	tce_extents_free(&x);
	free(t);
	free(back);
}

TEST(extent_reaches_guest_range)
{
	struct tce_extent e = { .index = 10, .count = 4, .raw = 0x10000003 };
	uint64_t index, count;

	CHECK(tce_extent_reaches(&e, 12, 0x10001000, 0x10002fff, &index, &count));
	CHECK(index == 11 && count == 2);
	CHECK(tce_extent_reaches(&e, 12, 0x10001fff, 0x10001fff, &index, &count));
	CHECK(index == 11 && count == 1);
	CHECK(tce_extent_reaches(&e, 12, 0, UINT64_MAX, &index, &count));
	CHECK(index == 10 && count == 4);
	CHECK(!tce_extent_reaches(&e, 12, 0x10004000, 0x20000000, &index, &count));
	CHECK(!tce_extent_reaches(&e, 12, 0, 0x0fffffff, &index, &count));
}

TEST(extent_reaches_top_of_address_space)
{
	struct tce_extent e = { .index = 0, .count = 2, .raw = 0xffffffffffffe003ULL };
	uint64_t index, count;

	CHECK(tce_extent_reaches(&e, 12, 0xfffffffffffff000ULL, UINT64_MAX, &index, &count));
	CHECK(index == 1 && count == 1);
}

TEST(translate_keeps_the_page_offset)
{
	CHECK_U64(tce_translate(0x10000003, 12, 0x5234), 0x10000234);
	CHECK_U64(tce_translate(0x1000003, 24, 0x800000000123456ULL), 0x1123456);
}

/* Fed in blocks of any size, a table gives the extents of one scan. */
TEST(extents_fed_in_blocks_match_one_scan)
{
	enum { N = 5000 };
	uint64_t t[N] = { 0 };
	struct tce_extents whole, parts;
	struct tce_err err = { 0 };

	for (int i = 100; i < 3000; i++)
		t[i] = (0x40000000ULL + (uint64_t)i * 0x1000) | 3;
	t[3000] = 0x7000001;
	for (int i = 4000; i < N; i++)
		t[i] = (0x80000000ULL + (uint64_t)(i % 7) * 0x1000) | 2;
	scan(&whole, t, N, 12);
	for (uint64_t block = 1; block < 700; block += 99) {
		tce_extents_begin(&parts, 0, N, 12);
		for (uint64_t i = 0; i < N; i += block)
			CHECK(tce_extents_feed(&parts, t + i, i, i + block <= N ? block : N - i, &err) == 0);
		tce_extents_finish(&parts);
		CHECK(tce_extents_equal(&whole, &parts));
		CHECK(parts.counts.mapped == whole.counts.mapped);
		tce_extents_free(&parts);
	}
	tce_extents_free(&whole);
}
