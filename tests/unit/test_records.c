// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QEMU's table records: which blocks count, and which pairing of fds and
 * mappings follows from them.  The areas are as /proc/PID/maps shows a
 * QEMU with two kernel tables, its heap and one malloc arena.
 */
#include <stdlib.h>
#include <unistd.h>

#include "../../src/locate.h"
#include "../../src/records.h"
#include "unit.h"

#define TABLE_A 0x7fff5c000000ULL	/* 65536 entries: 512 KiB */
#define TABLE_B 0x7fff5d000000ULL	/* 8192 entries mappable, 16 in the window */
#define HEAP    0x1000000ULL
#define ARENA   0x7fff40000000ULL

static struct area qemu_areas[] = {
	{ .start = HEAP, .end = HEAP + (16 << 20), .kind = AREA_HEAP, .writable = true },
	{ .start = ARENA, .end = ARENA + (8 << 20), .kind = AREA_ANON, .writable = true },
	{ .start = TABLE_A, .end = TABLE_A + (512 << 10), .kind = AREA_SHARED, .writable = true, .tce = true },
	{ .start = TABLE_B, .end = TABLE_B + (64 << 10), .kind = AREA_SHARED, .writable = true, .tce = true },
};
static const struct areas areas = { qemu_areas, sizeof(qemu_areas) / sizeof(qemu_areas[0]) };
static const int table_fds[] = { 9, 16 };
static const struct record_context ctx = { &areas, table_fds, 2 };

/* The fields of a SpaprTceTable from its liobn on, as QEMU lays them out. */
static void make(unsigned char *raw, uint32_t liobn, uint32_t nb, uint64_t offset, uint32_t shift,
		 uint64_t table, int fd)
{
	memset(raw, 0, QEMU_REC_SIZE);
	memcpy(raw + QEMU_REC_LIOBN, &liobn, 4);
	memcpy(raw + QEMU_REC_NB_TABLE, &nb, 4);
	memcpy(raw + QEMU_REC_BUS_OFFSET, &offset, 8);
	memcpy(raw + QEMU_REC_PAGE_SHIFT, &shift, 4);
	memcpy(raw + QEMU_REC_TABLE, &table, 8);
	raw[QEMU_REC_FLAGS + 3] = 1;	/* def_win */
	memcpy(raw + QEMU_REC_FD, &fd, 4);
}

TEST(records_good_ones_are_taken_whole)
{
	unsigned char raw[QEMU_REC_SIZE];
	struct tce_record r;

	make(raw, 0x71000003, 65536, 0, 12, TABLE_A, 9);
	CHECK(tce_record_decode(raw, HEAP + 0x1000, &ctx, &r));
	CHECK(r.liobn == 0x71000003 && r.nb_table == 65536 && r.page_shift == 12 &&
	      r.bus_offset == 0 && r.table == TABLE_A && r.fd == 9 && !r.emulated && r.at == HEAP + 0x1000);
	make(raw, 0x80000001, 16, 0x800000000000000ULL, 24, TABLE_B, 16);
	CHECK(tce_record_decode(raw, HEAP, &ctx, &r));
	CHECK(r.page_shift == 24 && r.bus_offset == 0x800000000000000ULL && r.nb_table == 16);
}

TEST(records_forged_or_stale_ones_are_ignored)
{
	unsigned char raw[QEMU_REC_SIZE];
	struct tce_record r;

	/* Not the start of a table mapping, or no mapping at all. */
	make(raw, 0x71000003, 16, 0, 12, TABLE_A + 4096, 9);
	CHECK(!tce_record_decode(raw, HEAP, &ctx, &r));
	make(raw, 0x71000003, 16, 0, 12, HEAP + 4096, 9);
	CHECK(!tce_record_decode(raw, HEAP, &ctx, &r));
	/* An fd that is not one of the process's tables. */
	make(raw, 0x71000003, 16, 0, 12, TABLE_A, 10);
	CHECK(!tce_record_decode(raw, HEAP, &ctx, &r));
	/* More entries than the mapping holds. */
	make(raw, 0x71000003, 65537, 0, 12, TABLE_A, 9);
	CHECK(!tce_record_decode(raw, HEAP, &ctx, &r));
	/* A page shift the kernel refuses; a misaligned bus offset. */
	make(raw, 0x80000001, 16, 0, 11, TABLE_B, 16);
	CHECK(!tce_record_decode(raw, HEAP, &ctx, &r));
	make(raw, 0x80000001, 16, 0, 35, TABLE_B, 16);
	CHECK(!tce_record_decode(raw, HEAP, &ctx, &r));
	make(raw, 0x80000001, 16, 0x800000000001000ULL, 24, TABLE_B, 16);
	CHECK(!tce_record_decode(raw, HEAP, &ctx, &r));
	/* A liobn QEMU never assigns: window 2, or neither PHB nor VIO. */
	make(raw, 0x80000002, 16, 0, 12, TABLE_B, 16);
	CHECK(!tce_record_decode(raw, HEAP, &ctx, &r));
	make(raw, 0x12345678, 16, 0, 12, TABLE_B, 16);
	CHECK(!tce_record_decode(raw, HEAP, &ctx, &r));
	/* A disabled window: QEMU sets fd -1, table NULL, nb_table 0. */
	make(raw, 0x80000001, 0, 0, 0, 0, -1);
	CHECK(!tce_record_decode(raw, HEAP, &ctx, &r));
	/* A bool that is neither 0 nor 1: not C's bool, not a record. */
	make(raw, 0x71000003, 16, 0, 12, TABLE_A, 9);
	raw[QEMU_REC_FLAGS] = 2;
	CHECK(!tce_record_decode(raw, HEAP, &ctx, &r));
	/* A window that runs past the 64-bit bus space. */
	make(raw, 0x80000001, 16, 0xffffffffff000000ULL, 24, TABLE_B, 16);
	CHECK(!tce_record_decode(raw, HEAP, &ctx, &r));
}

TEST(records_an_emulated_table_lies_in_qemu_memory)
{
	unsigned char raw[QEMU_REC_SIZE];
	struct tce_record r;

	make(raw, 0x80000000, 262144, 0, 12, ARENA + 0x10000, -1);
	CHECK(tce_record_decode(raw, HEAP, &ctx, &r) && r.emulated && r.fd == -1);
	/* Running past the end of the area that holds it. */
	make(raw, 0x80000000, 262144, 0, 12, ARENA + (8 << 20) - 4096, -1);
	CHECK(!tce_record_decode(raw, HEAP, &ctx, &r));
	/* In a table mapping is no emulated table. */
	make(raw, 0x80000000, 16, 0, 12, TABLE_A, -1);
	CHECK(!tce_record_decode(raw, HEAP, &ctx, &r));
}

TEST(records_two_claims_void_each_other)
{
	struct tce_record rec[] = {
		{ .liobn = 0x71000003, .table = TABLE_A, .fd = 9 },
		{ .liobn = 0x80000001, .table = TABLE_B, .fd = 16 },
		{ .liobn = 0x80000000, .table = TABLE_B, .fd = 16 },	/* forged: same table */
		{ .liobn = 0x71000004, .table = ARENA, .fd = -1, .emulated = true },
		{ .liobn = 0x71000004, .table = ARENA + 8192, .fd = -1, .emulated = true },
	};

	CHECK(tce_records_unique(rec, 5) == 1);
	CHECK(rec[0].liobn == 0x71000003);
}

TEST(records_liobn_names_the_device)
{
	char buf[32];

	tce_liobn_device(0x80000000, buf, sizeof(buf));
	CHECK_STR(buf, "phb0-win0");
	tce_liobn_device(0x80000101, buf, sizeof(buf));
	CHECK_STR(buf, "phb1-win1");
	tce_liobn_device(0x71000003, buf, sizeof(buf));
	CHECK_STR(buf, "vio-71000003");
	tce_liobn_device(0x2a, buf, sizeof(buf));
	CHECK_STR(buf, "");
	CHECK(tce_liobn_is_qemu(0x8000ff01) && !tce_liobn_is_qemu(0x80010000) && !tce_liobn_is_qemu(0x70000000));
}

TEST(maps_lines_of_interest)
{
	struct area a;

	CHECK(maps_parse_line("7fff5c000000-7fff5c080000 rw-s 00000000 00:0e 1057 anon_inode:kvm-spapr-tce\n", &a));
	CHECK(a.kind == AREA_SHARED && a.tce && a.start == TABLE_A && a.end == TABLE_A + (512 << 10) &&
	      a.inode == 1057 && a.dev_major == 0 && a.dev_minor == 0xe);
	CHECK(maps_parse_line("7f0000000000-7f0000010000 rw-s 00000000 00:01 4242 /memfd:tce-holder (deleted)\n", &a));
	CHECK(a.kind == AREA_SHARED && !a.tce && a.inode == 4242 && a.dev_minor == 1);
	/* A file named like a table is not one. */
	CHECK(maps_parse_line("7f0000000000-7f0000010000 rw-s 00000000 08:01 12 /tmp/anon_inode:kvm-spapr-tce\n", &a) && !a.tce);
	CHECK(maps_parse_line("01000000-02000000 rw-p 00000000 00:00 0                  [heap]\n", &a));
	CHECK(a.kind == AREA_HEAP);
	CHECK(maps_parse_line("7fff40000000-7fff40800000 rw-p 00000000 00:00 0 \n", &a));
	CHECK(a.kind == AREA_ANON);
	/* Of no interest: code, the stack, private file mappings, bad lines. */
	CHECK(!maps_parse_line("00400000-00500000 r-xp 00000000 08:01 99 /usr/bin/qemu\n", &a));
	CHECK(!maps_parse_line("7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]\n", &a));
	CHECK(!maps_parse_line("7f0000000000-7f0000010000 rw-p 00001000 08:01 99 /usr/lib/libc.so\n", &a));
	CHECK(!maps_parse_line("garbage\n", &a));
	CHECK(!maps_parse_line("2000-1000 rw-p 00000000 00:00 0\n", &a));
}

static struct tce_places pair(const struct fd_ident *fds, size_t n_fds, const struct tce_record *rec,
			      size_t n_rec, enum tce_attach_mode mode)
{
	struct tce_places out;
	struct tce_err err = { 0 };

	CHECK(tce_places_pair(fds, n_fds, &areas, rec, n_rec, mode, &out, &err) == 0);
	return out;
}

TEST(locate_records_pair_fds_with_mappings)
{
	struct fd_ident fds[] = { { .fd = 9, .tce = true }, { .fd = 16, .tce = true } };
	struct tce_record rec[] = {
		{ .liobn = 0x80000001, .nb_table = 16, .page_shift = 24, .table = TABLE_B, .fd = 16 },
		{ .liobn = 0x71000003, .nb_table = 65536, .page_shift = 12, .table = TABLE_A, .fd = 9 },
		{ .liobn = 0x80000000, .nb_table = 262144, .page_shift = 12, .table = ARENA, .fd = -1, .emulated = true },
	};
	struct tce_places p = pair(fds, 2, rec, 3, TCE_ATTACH_AUTO);

	CHECK(p.count == 3);
	CHECK(p.p[0].fd == 9 && p.p[0].addr == TABLE_A && p.p[0].via == TCE_VIA_MAPPING && p.p[0].has_record &&
	      p.p[0].rec.liobn == 0x71000003);
	CHECK(p.p[1].fd == 16 && p.p[1].addr == TABLE_B && p.p[1].rec.page_shift == 24);
	CHECK(p.p[2].fd == -1 && p.p[2].emulated && p.p[2].via == TCE_VIA_MEMORY && p.p[2].addr == ARENA &&
	      p.p[2].len == 262144 * 8);
	free(p.p);
	/* --attach=fd: the same tables and records, read through their fds. */
	p = pair(fds, 2, rec, 2, TCE_ATTACH_FD);
	CHECK(p.count == 2 && p.p[0].via == TCE_VIA_FD && p.p[1].via == TCE_VIA_FD && p.p[1].has_record);
	free(p.p);
}

TEST(locate_without_records_nothing_is_guessed)
{
	struct fd_ident two[] = { { .fd = 9, .tce = true }, { .fd = 16, .tce = true } };
	struct fd_ident three[] = { { .fd = 9, .tce = true }, { .fd = 16, .tce = true }, { .fd = 17, .tce = true } };
	struct tce_places p = pair(two, 2, NULL, 0, TCE_ATTACH_AUTO);

	/* Two fds, two mappings: the mappings are the tables, named by address. */
	CHECK(p.count == 2 && p.p[0].fd == -1 && p.p[0].addr == TABLE_A && p.p[1].addr == TABLE_B &&
	      p.p[0].via == TCE_VIA_MAPPING && !p.p[0].has_record);
	free(p.p);
	/* More fds than mappings: each fd, through a duplicate. */
	p = pair(three, 3, NULL, 0, TCE_ATTACH_AUTO);
	CHECK(p.count == 3 && p.p[0].fd == 9 && p.p[0].via == TCE_VIA_FD && p.p[2].fd == 17 && p.p[2].tce);
	free(p.p);
	/* One record pairs fd 9; fd 16 and the other mapping are left alone: they pair. */
	{
		struct tce_record rec = { .liobn = 0x71000003, .table = TABLE_A, .fd = 9 };

		p = pair(two, 2, &rec, 1, TCE_ATTACH_AUTO);
		CHECK(p.count == 2 && p.p[0].fd == 9 && p.p[0].has_record && p.p[1].fd == 16 &&
		      p.p[1].addr == TABLE_B && !p.p[1].has_record && p.p[1].via == TCE_VIA_MAPPING);
		free(p.p);
	}
}

TEST(locate_attach_mapping_never_reads_through_an_fd)
{
	struct fd_ident three[] = { { .fd = 9, .tce = true }, { .fd = 16, .tce = true }, { .fd = 17, .tce = true } };
	static struct area none_of_them[] = {
		{ .start = 0x10000, .end = 0x20000, .kind = AREA_SHARED, .dev_minor = 1, .inode = 77 },
	};
	struct areas no_tables = { none_of_them, 1 };
	struct tce_places p = pair(three, 3, NULL, 0, TCE_ATTACH_MAPPING);
	struct tce_err err = { 0 };

	/* More fds than mappings: the mappings, by address, and no fd. */
	CHECK(p.count == 2 && p.p[0].fd == -1 && p.p[0].addr == TABLE_A && p.p[1].addr == TABLE_B &&
	      p.p[0].via == TCE_VIA_MAPPING && p.p[1].via == TCE_VIA_MAPPING);
	free(p.p);
	/* No table mapping at all: nothing to read. */
	CHECK(tce_places_pair(three, 3, &no_tables, NULL, 0, TCE_ATTACH_MAPPING, &p, &err) == 0);
	CHECK(p.count == 0);
	free(p.p);
}

TEST(locate_a_file_is_found_by_its_inode)
{
	static struct area memfd_areas[] = {
		{ .start = 0x10000, .end = 0x20000, .kind = AREA_SHARED, .dev_minor = 1, .inode = 77 },
		{ .start = 0x40000, .end = 0x80000, .kind = AREA_SHARED, .dev_minor = 1, .inode = 77 },
		{ .start = 0x90000, .end = 0xa0000, .kind = AREA_SHARED, .dev_minor = 1, .inode = 78 },
	};
	struct areas m = { memfd_areas, 3 };
	struct fd_ident fds[] = { { .fd = 3, .has_inode = true, .dev_minor = 1, .ino = 77 },
				  { .fd = 4, .has_inode = true, .dev_minor = 2, .ino = 78 } };
	struct tce_places p;
	struct tce_err err = { 0 };

	CHECK(tce_places_pair(fds, 2, &m, NULL, 0, TCE_ATTACH_AUTO, &p, &err) == 0);
	/* Two mappings of one file: the longer; another device's inode 78 is not fd 4's. */
	CHECK(p.count == 2 && p.p[0].fd == 3 && p.p[0].addr == 0x40000 && p.p[0].len == 0x40000 &&
	      p.p[1].fd == 4 && p.p[1].via == TCE_VIA_FD);
	free(p.p);
	/* --attach=mapping: fd 4, with no mapping, is not read. */
	CHECK(tce_places_pair(fds, 2, &m, NULL, 0, TCE_ATTACH_MAPPING, &p, &err) == 0);
	CHECK(p.count == 1 && p.p[0].fd == 3 && p.p[0].via == TCE_VIA_MAPPING);
	free(p.p);
}

/*
 * Records read from a real QEMU 7.2 (tests/vm/records/): the bytes of the
 * object, the maps lines of its heap and of QEMU's mapping of the table,
 * and the table's fd.
 */
struct real_record {
	unsigned char mem[224];
	uint64_t start, liobn_field;
	struct area area[2];
	size_t n_area;
	int fd;
};

static bool load_real(const char *name, struct real_record *r)
{
	char path[256], line[512];
	FILE *f;
	size_t n_mem = 0;

	snprintf(path, sizeof(path), "tests/vm/records/%s", name);
	f = fopen(path, "r");
	if (!f)
		return false;
	*r = (struct real_record){ .fd = -1 };
	while (fgets(line, sizeof(line), f)) {
		unsigned b[16];
		uint64_t at;

		if (sscanf(line, "mem %" SCNx64 ": %x %x %x %x %x %x %x %x %x %x %x %x %x %x %x %x", &at,
			   &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6], &b[7], &b[8], &b[9], &b[10],
			   &b[11], &b[12], &b[13], &b[14], &b[15]) == 17 && n_mem + 16 <= sizeof(r->mem)) {
			for (int k = 0; k < 16; k++)
				r->mem[n_mem++] = (unsigned char)b[k];
		} else if (!strncmp(line, "maps_record ", 12) || !strncmp(line, "maps_table ", 11)) {
			if (r->n_area < 2 && maps_parse_line(strchr(line, ' ') + 1, &r->area[r->n_area]))
				r->n_area++;
		} else {
			sscanf(line, "record_start %" SCNx64, &r->start);
			sscanf(line, "record_liobn_field %" SCNx64, &r->liobn_field);
			sscanf(line, "fd %d", &r->fd);
		}
	}
	fclose(f);
	return n_mem == sizeof(r->mem) && r->liobn_field > r->start &&
	       r->liobn_field - r->start + QEMU_REC_SIZE <= sizeof(r->mem);
}

static bool decode_real(struct real_record *r, const unsigned char *raw, struct tce_record *rec)
{
	struct areas a = { r->area, r->n_area };
	int fds[] = { r->fd };
	struct record_context c = { &a, fds, r->fd >= 0 };

	return tce_record_decode(raw, r->liobn_field, &c, rec);
}

TEST(records_from_a_real_qemu_are_taken)
{
	static const struct { const char *file; uint32_t liobn, nb; unsigned shift; uint64_t offset; } want[] = {
		{ "qemu-7.2-vscsi.txt", 0x71000002, 65536, 12, 0 },
		{ "qemu-7.2-phb0-win0.txt", 0x80000000, 262144, 12, 0 },
		{ "qemu-7.2-phb1-win1-ddw.txt", 0x80000101, 16, 24, 0x800000000000000ULL },
		{ "qemu-7.2-phb0-win0-emulated.txt", 0x80000000, 262144, 12, 0 },
	};

	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		struct real_record r;
		struct tce_record rec;
		const unsigned char *raw;

		CHECK(load_real(want[k].file, &r));
		raw = r.mem + (r.liobn_field - r.start);
		CHECK(decode_real(&r, raw, &rec));
		CHECK(rec.liobn == want[k].liobn && rec.nb_table == want[k].nb && rec.page_shift == want[k].shift &&
		      rec.bus_offset == want[k].offset && rec.fd == r.fd && rec.emulated == (r.fd < 0));
		/* Shifted by a word either way, the same bytes are no record. */
		CHECK(!decode_real(&r, raw + 8, &rec));
		CHECK(!decode_real(&r, raw - 8, &rec));
	}
}

TEST(records_from_a_real_qemu_forged_or_stale_are_ignored)
{
	unsigned char raw[QEMU_REC_SIZE];
	struct real_record r;
	struct tce_record rec;
	uint64_t v;
	int fd;

	CHECK(load_real("qemu-7.2-phb1-win1-ddw.txt", &r));
	memcpy(raw, r.mem + (r.liobn_field - r.start), sizeof(raw));
	CHECK(decode_real(&r, raw, &rec));
	/* The table pointer moved to QEMU's heap, a non-table mapping. */
	v = r.area[0].start + 4096;
	memcpy(raw + QEMU_REC_TABLE, &v, 8);
	fd = r.fd;
	CHECK(!decode_real(&r, raw, &rec));
	/* Back, with another fd. */
	memcpy(raw, r.mem + (r.liobn_field - r.start), sizeof(raw));
	fd = r.fd + 1;
	memcpy(raw + QEMU_REC_FD, &fd, 4);
	CHECK(!decode_real(&r, raw, &rec));
	/* Back, with a bus offset off the 16 MiB page. */
	memcpy(raw, r.mem + (r.liobn_field - r.start), sizeof(raw));
	v = 0x800000000010000ULL;
	memcpy(raw + QEMU_REC_BUS_OFFSET, &v, 8);
	CHECK(!decode_real(&r, raw, &rec));
	/* Stale: the window disabled (QEMU zeroes nb_table, table; fd -1). */
	memcpy(raw, r.mem + (r.liobn_field - r.start), sizeof(raw));
	memset(raw + QEMU_REC_NB_TABLE, 0, 4);
	memset(raw + QEMU_REC_TABLE, 0, 8);
	fd = -1;
	memcpy(raw + QEMU_REC_FD, &fd, 4);
	CHECK(!decode_real(&r, raw, &rec));
	/* The emulated record with its heap copy gone: nothing there holds it. */
	CHECK(load_real("qemu-7.2-phb0-win0-emulated.txt", &r));
	memcpy(raw, r.mem + (r.liobn_field - r.start), sizeof(raw));
	v = r.area[0].end - 4096;
	memcpy(raw + QEMU_REC_TABLE, &v, 8);
	CHECK(!decode_real(&r, raw, &rec));
}

/*
 * Remembered records, re-read in this very process: a change is seen at
 * once, and while the fds and table mappings stay, no heap is scanned
 * (a context without the heap still finds the record) until the rescan
 * every RECORDS_RESCAN_EVERY finds.
 */
TEST(records_remembered_are_revalidated_and_rescanned)
{
	static unsigned char heap[1 << 16] __attribute__((aligned(4096)));
	struct area with_heap[] = {
		{ .start = (uintptr_t)heap, .end = (uintptr_t)heap + sizeof(heap), .kind = AREA_HEAP, .writable = true },
		qemu_areas[2], qemu_areas[3],
	};
	/* Table A alone, then both tables. */
	const struct areas heap_areas = { with_heap, 2 }, no_heap = { with_heap + 1, 1 };
	const struct areas both = { with_heap, 3 };
	const struct record_context seen_both = { &both, table_fds, 2 };
	const struct record_context seen = { &heap_areas, table_fds, 2 }, blind = { &no_heap, table_fds, 2 };
	struct tce_err err = { 0 };
	struct tce_record *rec;
	size_t n;
	bool denied;

	make(heap + 0x100, 0x71000003, 65536, 0, 12, TABLE_A, 9);
	tce_records_remember(true);
	CHECK(tce_records_find(getpid(), &seen, &rec, &n, &denied, &err) == 0);
	CHECK(n == 1 && rec[0].liobn == 0x71000003);
	free(rec);

	/* QEMU re-created the table in the same object: the record is read again. */
	make(heap + 0x100, 0x71000004, 65536, 0, 12, TABLE_A, 9);
	CHECK(tce_records_find(getpid(), &seen, &rec, &n, &denied, &err) == 0);
	CHECK(n == 1 && rec[0].liobn == 0x71000004);
	free(rec);

	for (unsigned k = 1; k < RECORDS_RESCAN_EVERY; k++) {
		CHECK(tce_records_find(getpid(), &blind, &rec, &n, &denied, &err) == 0);
		CHECK(n == 1 && rec[0].liobn == 0x71000004);
		free(rec);
	}
	CHECK(tce_records_find(getpid(), &blind, &rec, &n, &denied, &err) == 0);
	CHECK(n == 0);	/* the rescan, which finds no heap to look into */

	/* A table mapping without its record (written after the scan): looked for at every find. */
	CHECK(tce_records_find(getpid(), &seen_both, &rec, &n, &denied, &err) == 0);
	CHECK(n == 1);
	free(rec);
	make(heap + 0x200, 0x80000001, 16, 0x800000000000000ULL, 24, TABLE_B, 16);
	CHECK(tce_records_find(getpid(), &seen_both, &rec, &n, &denied, &err) == 0);
	CHECK(n == 2);
	free(rec);
	memset(heap + 0x200, 0, QEMU_REC_SIZE);

	/* A table fd more: scanned at once. */
	CHECK(tce_records_find(getpid(), &seen, &rec, &n, &denied, &err) == 0);
	free(rec);
	const int more_fds[] = { 9, 16, 17 };
	const struct record_context grown = { &no_heap, more_fds, 3 };
	CHECK(tce_records_find(getpid(), &grown, &rec, &n, &denied, &err) == 0);
	CHECK(n == 0);
	tce_records_remember(false);
}
