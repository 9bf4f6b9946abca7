// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>

#include "../../src/diff.h"
#include "unit.h"

/* The diff, replayed entry by entry, turns a into b; and it is minimal. */
static void check_diff(const uint64_t *a, const uint64_t *b, uint64_t n, unsigned shift)
{
	struct tce_extents xa, xb;
	struct tce_diff d;
	struct tce_err err = { 0 };
	uint64_t *t = malloc(n * 8), differ = 0;

	CHECK(tce_extents_scan(&xa, a, 0, n, shift, &err) == 0);
	CHECK(tce_extents_scan(&xb, b, 0, n, shift, &err) == 0);
	CHECK(tce_diff(&xa, &xb, &d, &err) == 0);
	memcpy(t, a, n * 8);
	for (size_t k = 0; k < d.count; k++) {
		const struct tce_change *c = &d.ch[k];

		for (uint64_t i = c->index; i < c->index + c->count; i++) {
			CHECK_U64(tce_change_old(&d, c, i), a[i]);
			t[i] = tce_change_new(&d, c, i);
		}
	}
	CHECK(memcmp(t, b, n * 8) == 0);
	for (uint64_t i = 0; i < n; i++)
		differ += a[i] != b[i];
	CHECK_U64(d.added + d.removed + d.changed, differ);
	tce_diff_free(&d);
	tce_extents_free(&xa);
	tce_extents_free(&xb);
	free(t);
}

TEST(diff_of_equal_tables_is_empty)
{
	uint64_t a[64] = { [3] = 0x1003, [4] = 0x2003 };
	struct tce_extents xa;
	struct tce_diff d;
	struct tce_err err = { 0 };

	CHECK(tce_extents_scan(&xa, a, 0, 64, 12, &err) == 0);
	CHECK(tce_diff(&xa, &xa, &d, &err) == 0 && d.count == 0);
	tce_extents_free(&xa);
}

TEST(diff_kinds_and_counts)
{
	uint64_t a[32] = { 0 }, b[32] = { 0 };
	struct tce_extents xa, xb;
	struct tce_diff d;
	struct tce_err err = { 0 };

	for (int i = 0; i < 8; i++)
		a[i] = b[i] = (0x10000000ULL + (uint64_t)i * 0x1000) | 3;
	b[2] = 0x10002001;		/* changed: rw -> r */
	a[10] = 0x5003;			/* removed */
	b[20] = 0x7003;			/* added */
	b[21] = 0x8003;
	CHECK(tce_extents_scan(&xa, a, 0, 32, 12, &err) == 0);
	CHECK(tce_extents_scan(&xb, b, 0, 32, 12, &err) == 0);
	CHECK(tce_diff(&xa, &xb, &d, &err) == 0);
	CHECK(d.count == 3 && d.changed == 1 && d.removed == 1 && d.added == 2);
	CHECK(d.ch[0].index == 2 && d.ch[0].count == 1 && d.ch[0].old_raw == 0x10002003 &&
	      d.ch[0].new_raw == 0x10002001);
	CHECK(d.ch[1].index == 10 && d.ch[1].new_raw == 0);
	CHECK(d.ch[2].index == 20 && d.ch[2].count == 2 && d.ch[2].old_raw == 0);
	tce_diff_free(&d);
	tce_extents_free(&xa);
	tce_extents_free(&xb);
}

TEST(diff_replays_random_changes)
{
	enum { N = 20000 };
	uint64_t *a = calloc(N, 8), *b = calloc(N, 8);

	srand(11);
	for (int i = 0; i < N; i++) {
		if (rand() % 3)
			a[i] = i && a[i - 1] && rand() % 5 ? a[i - 1] + 0x10000 : ((uint64_t)rand() << 16) | 3;
		b[i] = rand() % 50 ? a[i] : (rand() % 2 ? 0 : ((uint64_t)rand() << 16) | 1);
	}
	check_diff(a, b, N, 16);
	check_diff(b, a, N, 16);
	check_diff(a, a, N, 16);
	free(a);
	free(b);
}
