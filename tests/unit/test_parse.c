// SPDX-License-Identifier: GPL-2.0-or-later
#include "../../src/parse.h"
#include "../../src/tce.h"
#include "unit.h"

TEST(parse_u64_accepts_decimal_and_hex)
{
	uint64_t v;

	CHECK(parse_u64("0", &v) == 0 && v == 0);
	CHECK(parse_u64("4096", &v) == 0 && v == 4096);
	CHECK(parse_u64("0x800000000000000", &v) == 0 && v == 0x800000000000000ULL);
	CHECK(parse_u64("0XFFFFFFFFFFFFFFFF", &v) == 0 && v == UINT64_MAX);
	CHECK(parse_u64("010", &v) == 0 && v == 10);	/* no octal surprise */
}

TEST(parse_u64_rejects_junk)
{
	uint64_t v;

	CHECK(parse_u64("", &v) < 0);
	CHECK(parse_u64("-1", &v) < 0);
	CHECK(parse_u64(" 1", &v) < 0);
	CHECK(parse_u64("1x", &v) < 0);
	CHECK(parse_u64("0x", &v) < 0);
	CHECK(parse_u64("0x10000000000000000", &v) < 0);
	CHECK(parse_u64("18446744073709551616", &v) < 0);
}

TEST(parse_size_suffixes)
{
	uint64_t v;

	CHECK(parse_size("64K", &v) == 0 && v == 65536);
	CHECK(parse_size("16m", &v) == 0 && v == 16 << 20);
	CHECK(parse_size("2G", &v) == 0 && v == 2ULL << 30);
	CHECK(parse_size("1T", &v) == 0 && v == 1ULL << 40);
	CHECK(parse_size("1KB", &v) < 0);
	CHECK(parse_size("16777216T", &v) < 0);	/* 2^64 overflows */
}

TEST(parse_range_forms)
{
	struct addr_range r;

	CHECK(parse_range("0x1000", &r) == 0 && r.first == 0x1000 && r.last == 0x1000);
	CHECK(parse_range("0x1000-0x1fff", &r) == 0 && r.first == 0x1000 && r.last == 0x1fff);
	CHECK(parse_range("0x1000+4K", &r) == 0 && r.first == 0x1000 && r.last == 0x1fff);
	CHECK(parse_range("0x2000-0x1000", &r) < 0);
	CHECK(parse_range("0x1000+0", &r) < 0);
	CHECK(parse_range("0xffffffffffffffff+2", &r) < 0);
	CHECK(parse_range("0xffffffffffffffff+1", &r) == 0 && r.last == UINT64_MAX);
	CHECK(parse_range("0x1000-", &r) < 0);
	CHECK(parse_range("x", &r) < 0);
}

TEST(format_size_units)
{
	char b[32];

	format_size(b, sizeof(b), 4096);
	CHECK_STR(b, "4K");
	format_size(b, sizeof(b), 1ULL << 30);
	CHECK_STR(b, "1G");
	format_size(b, sizeof(b), 3ULL << 20);
	CHECK_STR(b, "3M");
	format_size(b, sizeof(b), 1000);
	CHECK_STR(b, "1000");
	format_size(b, sizeof(b), 0);
	CHECK_STR(b, "0");
	format_size(b, sizeof(b), 1ULL << 62);
	CHECK_STR(b, "4E");
}

TEST(perm_names_and_sets)
{
	unsigned set;

	CHECK_STR(tce_perm_name(tce_perm(0x12340003)), "rw");
	CHECK_STR(tce_perm_name(tce_perm(0x12340001)), "r");
	CHECK_STR(tce_perm_name(tce_perm(0x12340002)), "w");
	CHECK_STR(tce_perm_name(tce_perm(0x12340000)), "-");
	CHECK_U64(tce_gpa(0x12340003), 0x12340000);
	CHECK(tce_perm_set_parse("rw", &set) == 0 && set == 1u << 3);
	CHECK(tce_perm_set_parse("r,w", &set) == 0 && set == ((1u << 1) | (1u << 2)));
	CHECK(tce_perm_set_parse("-,none", &set) == 0 && set == 1u);
	CHECK(tce_perm_set_parse("rwx", &set) < 0);
	CHECK(tce_perm_set_parse("r,", &set) < 0);
	CHECK(tce_perm_set_parse("", &set) < 0);
}
