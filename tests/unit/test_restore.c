// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Applying a plan to a table held in this process's memory, and its
 * bounds check.
 */
#include <stdlib.h>

#include "../../src/restore.h"
#include "unit.h"

/* A 64-entry buffer whose first `entries` are the table; the rest is guard. */
static struct tce_table table_of(uint64_t *buf, uint64_t entries)
{
	for (size_t i = 0; i < 64; i++)
		buf[i] = 0x1000 * i | 3;
	return (struct tce_table){ .geo = { .page_shift = 12 }, .origin = { .pid = 1, .fd = 3 },
				   .entries = entries, .tce = buf, .writable = true };
}

static struct tce_change run(uint64_t index, uint64_t count, uint64_t old_raw, uint64_t new_raw)
{
	return (struct tce_change){ index, count, old_raw, new_raw };
}

TEST(restore_refuses_a_plan_past_the_end_before_any_write)
{
	uint64_t buf[64];
	struct tce_table t = table_of(buf, 32);
	struct tce_change ch[] = { run(2, 1, 0x2003, 0), run(40, 2, 0x28003, 0) };
	struct tce_diff plan = { .ch = ch, .count = 2, .page_shift = 12, .removed = 3 };
	struct tce_err err = { 0 };

	CHECK(tce_restore_apply(&t, &plan, &err) == -1);
	CHECK(err.status == TCE_ENOTARGET);
	CHECK(strstr(err.msg, "has 32 entries now") != NULL);
	for (size_t i = 0; i < 64; i++)
		CHECK_U64(buf[i], 0x1000 * i | 3);	/* not even entry 2 */
}

TEST(restore_applies_a_plan)
{
	uint64_t buf[64];
	struct tce_table t = table_of(buf, 32);
	struct tce_change ch[] = { run(4, 2, 0x4003, 0), run(31, 1, 0x1f003, 0x99001) };
	struct tce_diff plan = { .ch = ch, .count = 2, .page_shift = 12, .removed = 2, .changed = 1 };
	struct tce_err err = { 0 };

	CHECK(tce_restore_apply(&t, &plan, &err) == 0);
	CHECK_U64(buf[4], 0);
	CHECK_U64(buf[5], 0);
	CHECK_U64(buf[31], 0x99001);
	CHECK_U64(buf[32], 0x20003);
	CHECK_U64(buf[40], 0x28003);		/* the guard past the end, untouched */
}
