// SPDX-License-Identifier: GPL-2.0-or-later
/* The pieces of tcectl check: entry kinds, runs, aliases, -m, kcmp. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../src/aliases.h"
#include "../../src/findings.h"
#include "../../src/guest_ram.h"
#include "../../src/holders.h"
#include "unit.h"

#define K(kind) (1u << TCE_FIND_##kind)

TEST(check_entry_kinds_every_low_bit_pattern_every_page_size)
{
	/* Every value of the bits below the page, for each page size, over an aligned address. */
	for (unsigned shift = 12; shift <= 34; shift++) {
		uint64_t page = 1ULL << shift, base = 5 * page;

		for (uint64_t low = 0; low < 64; low++) {
			uint64_t bits = low < 4 ? low : (low & 3) | (1ULL << (2 + low % (shift - 2)));
			unsigned perm = bits & 3, kinds = tce_entry_kinds(base | bits, shift, 0), want = 0;

			if (bits & ~3ULL)
				want |= K(RESERVED_BITS);
			if (perm == 0)
				want |= K(NO_PERMISSION);
			if (perm == 2)
				want |= K(WRITE_ONLY);
			CHECK_U64(kinds, want);
		}
		/* The first bit of the address is no reserved bit. */
		CHECK_U64(tce_entry_kinds(page | 3, shift, 0), 0);
		CHECK_U64(tce_entry_kinds((page >> 1) | 3, shift, 0), shift > 2 ? K(RESERVED_BITS) : 0);
	}
	CHECK_U64(tce_entry_kinds(0, 12, 1ULL << 30), 0);
	/* A lone reserved bit is an address-less entry with no permission. */
	CHECK_U64(tce_entry_kinds(4, 12, 0), K(RESERVED_BITS) | K(NO_PERMISSION));
}

TEST(check_entry_kinds_outside_ram)
{
	uint64_t ram = 1ULL << 20;

	CHECK_U64(tce_entry_kinds((ram - 4096) | 3, 12, ram), 0);
	CHECK_U64(tce_entry_kinds(ram | 3, 12, ram), K(OUTSIDE_RAM));
	CHECK_U64(tce_entry_kinds(ram | 2, 12, ram), K(OUTSIDE_RAM) | K(WRITE_ONLY));
	/* A poison entry reaches nothing: never outside. */
	CHECK_U64(tce_entry_kinds(ram << 4, 12, ram), K(NO_PERMISSION));
	/* A 16M page that starts inside a 1M RAM ends past it. */
	CHECK_U64(tce_entry_kinds(0 | 1, 24, ram), K(OUTSIDE_RAM));
	CHECK_U64(tce_entry_kinds(0xfffffffffffff003ULL, 12, ram), K(OUTSIDE_RAM));
	/* RAM size 0: not known, not checked. */
	CHECK_U64(tce_entry_kinds(ram << 8 | 3, 12, 0), 0);
}

struct collected {
	struct tce_finding f[32];
	int n;
};

static int collect(void *ctx, const struct tce_finding *f)
{
	struct collected *c = ctx;

	if (c->n < 32)
		c->f[c->n++] = *f;
	return 0;
}

static void classify(struct collected *out, const struct tce_extent *e, size_t n, unsigned shift,
		     uint64_t ram)
{
	struct tce_guest_ram r = { .size = ram, .source = TCE_RAM_CMDLINE };
	struct tce_classifier c;

	out->n = 0;
	tce_classifier_init(&c, shift, &r, collect, out);
	for (size_t i = 0; i < n; i++)
		CHECK(tce_classify_extent(&c, &e[i]) == 0);
	CHECK(tce_classify_finish(&c) == 0);
}

TEST(check_runs_join_consecutive_entries_of_a_kind)
{
	/* Two poison extents back to back, a gap, another: two runs. */
	const struct tce_extent e[] = {
		{ .index = 0, .count = 3, .raw = 0x100000 },
		{ .index = 3, .count = 2, .raw = 0x900000 },
		{ .index = 7, .count = 1, .raw = 0x200000 },
	};
	struct collected out;

	classify(&out, e, 3, 12, 0);
	CHECK(out.n == 2);
	CHECK(out.f[0].kind == TCE_FIND_NO_PERMISSION && out.f[0].first == 0 && out.f[0].count == 5);
	CHECK_U64(out.f[0].gpa_first, 0x100000);
	CHECK_U64(out.f[0].gpa_last, 0x901fff);
	CHECK(out.f[1].first == 7 && out.f[1].count == 1);
}

TEST(check_runs_outside_ram_cut_where_ram_ends)
{
	/* Pages 0x1fe000.. of a 2M RAM: two inside, the rest outside, joined with the next extent. */
	const struct tce_extent e[] = {
		{ .index = 10, .count = 6, .raw = 0x1fe000 | 3 },
		{ .index = 16, .count = 2, .raw = 0x800000 | 1 },
		{ .index = 20, .count = 1, .raw = 0x1000 | 3 },
	};
	struct collected out;

	classify(&out, e, 3, 12, 2ULL << 20);
	CHECK(out.n == 1);
	CHECK(out.f[0].kind == TCE_FIND_OUTSIDE_RAM && out.f[0].first == 12 && out.f[0].count == 6);
	CHECK_U64(out.f[0].gpa_first, 0x200000);
	CHECK_U64(out.f[0].gpa_last, 0x801fff);
	CHECK(out.f[0].ram.size == 2ULL << 20 && out.f[0].ram.source == TCE_RAM_CMDLINE);
}

TEST(check_runs_of_several_kinds_at_once)
{
	/* Write-only with reserved bits past RAM: three findings over the same entries. */
	const struct tce_extent e[] = { { .index = 4, .count = 2, .raw = 0x40000000 | 0x10 | 2 } };
	struct collected out;

	classify(&out, e, 1, 12, 1ULL << 20);
	CHECK(out.n == 3);
	CHECK(out.f[0].kind == TCE_FIND_OUTSIDE_RAM);
	CHECK(out.f[1].kind == TCE_FIND_RESERVED_BITS);
	CHECK(out.f[2].kind == TCE_FIND_WRITE_ONLY);
	for (int i = 0; i < 3; i++)
		CHECK(out.f[i].first == 4 && out.f[i].count == 2);
}

TEST(check_severities_and_names)
{
	CHECK(tce_finding_severity(TCE_FIND_OUTSIDE_RAM) == TCE_SEV_CRITICAL);
	CHECK(tce_finding_severity(TCE_FIND_FOREIGN_HOLDER) == TCE_SEV_CRITICAL);
	CHECK(tce_finding_severity(TCE_FIND_RESERVED_BITS) == TCE_SEV_WARNING);
	CHECK(tce_finding_severity(TCE_FIND_EMULATED) == TCE_SEV_WARNING);
	CHECK(tce_finding_severity(TCE_FIND_ALIAS) == TCE_SEV_NOTICE);
	CHECK(tce_severity_parse("warning") == TCE_SEV_WARNING);
	CHECK(tce_severity_parse("Warning") == -1);
	CHECK_STR(tce_finding_kind_name(TCE_FIND_NO_PERMISSION), "no-permission");
	CHECK_STR(tce_ram_source_name(TCE_RAM_MAPPINGS), "estimated from mappings");
}

struct alias_calls {
	struct tce_alias al[16];
	int n;
};

static int alias_collect(void *ctx, const struct tce_alias *al)
{
	struct alias_calls *c = ctx;

	if (c->n < 16)
		c->al[c->n++] = *al;
	return 0;
}

TEST(check_aliases_sweep_finds_overlaps_across_tables)
{
	struct tce_aliases a;
	struct tce_err err = { 0 };
	struct alias_calls calls = { .n = 0 };

	tce_aliases_init(&a, 0);
	/* Table 0: pages 0x10000..0x13fff; table 1 (64K pages): 0x10000..0x1ffff; table 0 again far away. */
	CHECK(tce_aliases_add(&a, 0, 12, 0, 4, 0x10000, &err) == 0);
	CHECK(tce_aliases_add(&a, 0, 12, 100, 2, 0x900000, &err) == 0);
	CHECK(tce_aliases_add(&a, 1, 16, 7, 1, 0x10000, &err) == 0);
	CHECK(tce_aliases_add(&a, 0, 12, 50, 2, 0x12000, &err) == 0);
	tce_aliases_sweep(&a, alias_collect, &calls);
	CHECK(calls.n == 2);
	/* Same start: the lower table first, so table 1 aliases table 0's entry 0. */
	CHECK(calls.al[0].r->table == 1 && calls.al[0].index == 7 && calls.al[0].count == 1 &&
	      calls.al[0].other->table == 0 && calls.al[0].other_index == 0);
	/* Entries 50-51 (0x12000..0x13fff) lie inside table 1's page, which reaches furthest. */
	CHECK(calls.al[1].r->table == 0 && calls.al[1].index == 50 && calls.al[1].count == 2 &&
	      calls.al[1].other->table == 1 && calls.al[1].other_index == 7);
	CHECK(!a.incomplete);
	tce_aliases_free(&a);
}

TEST(check_aliases_disjoint_runs_are_none)
{
	struct tce_aliases a;
	struct tce_err err = { 0 };
	struct alias_calls calls = { .n = 0 };

	tce_aliases_init(&a, 0);
	CHECK(tce_aliases_add(&a, 0, 12, 0, 4, 0x10000, &err) == 0);
	CHECK(tce_aliases_add(&a, 0, 12, 4, 4, 0x14000, &err) == 0);
	/* The last page of the address space: its last byte is 2^64 - 1. */
	CHECK(tce_aliases_add(&a, 0, 12, 9, 1, 0xfffffffffffff000ULL, &err) == 0);
	tce_aliases_sweep(&a, alias_collect, &calls);
	CHECK(calls.n == 0);
	tce_aliases_free(&a);
}

TEST(check_aliases_sweep_of_no_run)
{
	struct tce_aliases a;
	struct alias_calls calls = { .n = 0 };

	tce_aliases_init(&a, 0);
	CHECK(tce_aliases_sweep(&a, alias_collect, &calls) == 0 && calls.n == 0);
	tce_aliases_free(&a);
}

TEST(check_aliases_cap_marks_the_check_incomplete)
{
	struct tce_aliases a;
	struct tce_err err = { 0 };
	struct alias_calls calls = { .n = 0 };

	tce_aliases_init(&a, 3);
	for (uint64_t i = 0; i < 10; i++)
		CHECK(tce_aliases_add(&a, 0, 12, i, 1, 0x7000000, &err) == 0);
	CHECK(a.count == 3 && a.incomplete);
	tce_aliases_sweep(&a, alias_collect, &calls);
	CHECK(calls.n == 2);
	tce_aliases_clear(&a);
	CHECK(a.count == 0 && !a.incomplete);
	tce_aliases_free(&a);
}

TEST(check_ram_parse_m_values)
{
	uint64_t size = 0;

	CHECK(tce_ram_parse_m("512", &size) && size == 512ULL << 20);
	CHECK(tce_ram_parse_m("512M", &size) && size == 512ULL << 20);
	CHECK(tce_ram_parse_m("512m", &size) && size == 512ULL << 20);
	CHECK(tce_ram_parse_m("2G", &size) && size == 2ULL << 30);
	CHECK(tce_ram_parse_m("1T", &size) && size == 1ULL << 40);
	CHECK(tce_ram_parse_m("65536K", &size) && size == 64ULL << 20);
	CHECK(tce_ram_parse_m("4096B", &size) && size == 4096);
	CHECK(tce_ram_parse_m("size=4G,slots=2,maxmem=8G", &size) && size == 4ULL << 30);
	CHECK(tce_ram_parse_m("slots=2,size=1G", &size) && size == 1ULL << 30);
	CHECK(tce_ram_parse_m("3G,slots=2,maxmem=8G", &size) && size == 3ULL << 30);
	CHECK(!tce_ram_parse_m("", &size));
	CHECK(!tce_ram_parse_m("0", &size));
	CHECK(!tce_ram_parse_m("G", &size));
	CHECK(!tce_ram_parse_m("12Q", &size));
	CHECK(tce_ram_parse_m("1.5G", &size) && size == 1536ULL << 20);
	CHECK(tce_ram_parse_m("0.5", &size) && size == 512ULL << 10);
	CHECK(tce_ram_parse_m("2P", &size) && size == 2ULL << 50);
	CHECK(tce_ram_parse_m("15E", &size) && size == 15ULL << 60);
	CHECK(!tce_ram_parse_m("16E", &size));
	CHECK(tce_ram_parse_m("1.", &size) && size == 1ULL << 20);
	CHECK(!tce_ram_parse_m(".5G", &size));
	CHECK(!tce_ram_parse_m("1.5.2G", &size));
	CHECK(!tce_ram_parse_m("0.0", &size));
	CHECK(!tce_ram_parse_m("slots=2,maxmem=8G", &size));
	CHECK(!tce_ram_parse_m("99999999999999999999", &size));
	CHECK(!tce_ram_parse_m("17179869184T", &size));
}

TEST(check_ram_from_cmdline_spellings)
{
	static const char a[] = "qemu\0-name\0vm1\0-m\0" "2G\0-smp\0" "4";
	static const char b[] = "qemu\0-m=1024\0";
	static const char c[] = "qemu\0--m\0size=256M\0-m\0" "1G";	/* the last wins */
	static const char d[] = "qemu\0-machine\0pseries\0";
	static const char e[] = "qemu\0-m";				/* no value */
	static const char f[] = { 'q', 0, '-', 'm', 0, '5', '1', '2' };	/* cut: no NUL */
	uint64_t size = 0;

	CHECK(tce_ram_from_cmdline(a, sizeof(a), &size) && size == 2ULL << 30);
	CHECK(tce_ram_from_cmdline(b, sizeof(b), &size) && size == 1ULL << 30);
	CHECK(tce_ram_from_cmdline(c, sizeof(c), &size) && size == 1ULL << 30);
	CHECK(!tce_ram_from_cmdline(d, sizeof(d), &size));
	CHECK(!tce_ram_from_cmdline(e, sizeof(e), &size));
	CHECK(!tce_ram_from_cmdline(f, sizeof(f), &size));
}

TEST(check_ram_estimate_takes_the_largest_ram_like_mapping_not_a_table)
{
	const struct ram_mapping m[] = {
		{ 0x1000, 0x2000, true, true },
		{ 0x100000, 0x40100000, true, true },		/* 1G: a table, skipped */
		{ 0x50000000, 0x60000000, true, true },		/* 256M */
		{ 0x70000000, 0xb0000000, false, true },	/* read-only */
		{ 0xc0000000, 0x100000000, true, false },	/* a file */
	};
	const uint64_t skip[] = { 0x100000 };

	CHECK_U64(tce_ram_estimate(m, 5, skip, 1), 256ULL << 20);
	CHECK_U64(tce_ram_estimate(m, 5, NULL, 0), 1ULL << 30);
	CHECK_U64(tce_ram_estimate(m, 0, NULL, 0), 0);
}

TEST(check_kcmp_tells_the_same_open_file)
{
	int fd = memfd_create("kcmp", 0), same = dup(fd), other = memfd_create("kcmp", 0);
	int reopened;
	char path[64];

	CHECK(fd >= 0 && same >= 0 && other >= 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	/* The same file opened again is another open file: a table's fd is never reopened so. */
	reopened = open(path, O_RDWR);
	CHECK(tce_kcmp_file(getpid(), fd, getpid(), same) == 0);
	CHECK(tce_kcmp_file(getpid(), fd, getpid(), other) == 1);
	CHECK(tce_kcmp_file(getpid(), fd, getpid(), reopened) == 1);
	CHECK(tce_kcmp_file(getpid(), fd, getpid(), 9999) == -1);
	close(fd);
	close(same);
	close(other);
	close(reopened);
}
