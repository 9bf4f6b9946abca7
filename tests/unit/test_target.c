// SPDX-License-Identifier: GPL-2.0-or-later
#include "../../src/target.h"
#include "unit.h"

static int parse(const char *text, struct tce_target *t, struct tce_err *err)
{
	*err = (struct tce_err){ 0 };
	return tce_target_parse(text, t, err);
}

TEST(target_pid_and_pid_fd)
{
	struct tce_target t;
	struct tce_err err;

	CHECK(parse("4242", &t, &err) == 0);
	CHECK(t.kind == TCE_TARGET_PID && t.pid == 4242 && t.fd == -1);
	CHECK(t.geo.page_shift == 12 && t.geo.bus_offset == 0 && !t.geo.has_liobn);
	CHECK(parse("4242:17", &t, &err) == 0);
	CHECK(t.kind == TCE_TARGET_FD && t.pid == 4242 && t.fd == 17);
}

TEST(target_files)
{
	struct tce_target t;
	struct tce_err err;

	CHECK(parse("vm1.tce", &t, &err) == 0 && t.kind == TCE_TARGET_FILE && t.table == -1);
	CHECK_STR(t.path, "vm1.tce");
	CHECK(parse("/var/lib/vm1.tce:2", &t, &err) == 0 && t.kind == TCE_TARGET_FILE && t.table == 2);
	CHECK_STR(t.path, "/var/lib/vm1.tce");
	CHECK(parse("./1234", &t, &err) == 0 && t.kind == TCE_TARGET_FILE);
	CHECK(parse("1234", &t, &err) == 0 && t.kind == TCE_TARGET_PID);
	CHECK(parse("a:b", &t, &err) == 0 && t.table == -1);
	CHECK_STR(t.path, "a:b");
	CHECK(parse("", &t, &err) < 0);
}

TEST(target_geometry_keys)
{
	struct tce_target t;
	struct tce_err err;

	CHECK(parse("1:3,page=64K,offset=0x800000000000000,liobn=0x80000001,entries=8K", &t, &err) == 0);
	CHECK(t.geo.page_shift == 16);
	CHECK_U64(t.geo.bus_offset, 0x800000000000000ULL);
	CHECK(t.geo.has_liobn && t.geo.liobn == 0x80000001);
	CHECK_U64(t.geo.entries, 8192);
	CHECK(parse("1:3,shift=24", &t, &err) == 0 && t.geo.page_shift == 24);
}

TEST(target_errors_name_the_problem)
{
	struct tce_target t;
	struct tce_err err;

	CHECK(parse("0", &t, &err) < 0 && err.status == TCE_EUSAGE);
	CHECK_STR(err.msg, "'0' is not a target; give PID, PID:FD or PID@ADDR (each table with ,KEY=VALUE,...: shift, page, offset, liobn, entries) or a checkpoint FILE");
	CHECK(parse("12:", &t, &err) < 0);
	CHECK(parse("12:x", &t, &err) < 0);
	CHECK(parse("99999999999", &t, &err) < 0);
	CHECK(parse("12,shift=16", &t, &err) < 0);
	CHECK_STR(err.msg, "'12,shift=16': a geometry describes one table; give PID:FD,KEY=VALUE (see tcectl list 12)");
	CHECK(parse("12:3,shift=11", &t, &err) < 0);
	CHECK(parse("12:3,shift=35", &t, &err) < 0);
	CHECK(parse("12:3,page=3K", &t, &err) < 0);
	CHECK(parse("12:3,liobn=0x100000000", &t, &err) < 0);
	CHECK_STR(err.msg, "liobn '0x100000000' in target '12:3,liobn=0x100000000' is not a 32-bit number");
	CHECK(parse("12:3,colour=red", &t, &err) < 0);
	CHECK_STR(err.msg, "unknown key 'colour' in target '12:3,colour=red'; keys: shift, page, offset, liobn, entries");
	CHECK(parse("12:3,offset", &t, &err) < 0);
	CHECK(parse("12:3,", &t, &err) < 0);
	CHECK_STR(err.msg, "'' in target '12:3,' is not KEY=VALUE; keys: shift, page, offset, liobn, entries");
	CHECK(parse("12:3,,shift=16", &t, &err) < 0);
	CHECK(parse("12:99999999999", &t, &err) < 0);
	CHECK_STR(err.msg, "'12:99999999999' is not a target: 99999999999 is not a file descriptor number");
	CHECK(parse("12:3,entries=0", &t, &err) < 0);
	CHECK(parse("12:3,offset=0x800", &t, &err) < 0 && err.status == TCE_EUSAGE);
	CHECK_STR(err.msg, "bus offset 0x800 is not aligned to the 4096-byte IOMMU page; give an offset that is a multiple of the page size");
}

/* A key given twice would leave the first value silently unused. */
TEST(target_refuses_a_repeated_key)
{
	struct tce_target t;
	struct tce_err err;

	CHECK(parse("3:3,shift=12,shift=16", &t, &err) < 0 && err.status == TCE_EUSAGE);
	CHECK_STR(err.msg, "key 'shift' in target '3:3,shift=12,shift=16' gives the page size again; give each key once");
	CHECK(parse("3:3,shift=12,page=64K", &t, &err) < 0);
	CHECK_STR(err.msg, "key 'page' in target '3:3,shift=12,page=64K' gives the page size again; give each key once");
	CHECK(parse("3:3,offset=0,offset=0x1000", &t, &err) < 0);
	CHECK_STR(err.msg, "key 'offset' in target '3:3,offset=0,offset=0x1000' gives the bus offset again; give each key once");
	CHECK(parse("3:3,liobn=1,liobn=1", &t, &err) < 0);
	CHECK(parse("3:3,entries=8,entries=16", &t, &err) < 0);
	CHECK(parse("3@0x1000,liobn=1,liobn=2", &t, &err) < 0);
}
