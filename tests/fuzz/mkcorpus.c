// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkcorpus.c - writes the seed corpus of fuzz_checkpoint into a directory.
 *
 *   mkcorpus DIR      (make fuzz-corpus: DIR is tests/fuzz/corpus)
 *
 * Every seed is made by the library itself, from fixed tables and a fixed
 * snapshot record, so the same sources give the same bytes:
 *  - valid checkpoints (ok-*.tce) of both byte orders, compressed, raw and
 *    mixed, with 0 to 3 tables of at most 8192 entries, and the version-1
 *    files of tests/unit/data (v1-*.tce);
 *  - damaged copies of them (bad-*.tce), one fault each, the faults the
 *    reader names in its messages;
 *  - the bytes of single table sections (zstd-*.bin, zlib-*.bin, raw-*.bin)
 *    for the decoder half of the target, which decodes its input as one
 *    section.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../../src/checkpoint.h"

static const char *out_dir;

static void die(const char *fmt, const char *what)
{
	fprintf(stderr, "mkcorpus: ");
	fprintf(stderr, fmt, what);
	fprintf(stderr, "\n");
	exit(1);
}

static const char *path_of(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", out_dir, name);
	return path;
}

static void put_file(const char *name, const void *data, size_t len)
{
	FILE *f = fopen(path_of(name), "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		die("cannot write '%s'", path_of(name));
}

static unsigned char *get_file(const char *name, size_t *len)
{
	FILE *f = fopen(path_of(name), "rb");
	unsigned char *data;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		die("cannot read '%s'", path_of(name));
	data = malloc((size_t)n + 1);
	if (!data || fread(data, 1, (size_t)n, f) != (size_t)n)
		die("cannot read '%s'", path_of(name));
	fclose(f);
	*len = (size_t)n;
	return data;
}

/* --- tables ----------------------------------------------------------------- */

enum shape {
	SPARSE,		/* a run, scattered entries, long gaps */
	STRIDED,	/* every other entry: one extent per entry */
	FULL,		/* one extent over the whole table */
	NOISE,		/* unrelated values: zstd gains nothing, stored raw */
	EMPTY,
};

static void add(struct tce_extents *x, uint64_t index, uint64_t count, uint64_t raw)
{
	struct tce_err err = { 0 };

	if (tce_extents_add(x, index, count, raw, &err))
		die("%s", err.msg);
}

static void make_table(struct tce_ckpt_table *t, uint64_t entries, unsigned shift,
		       uint64_t bus_offset, long liobn, enum shape shape)
{
	uint64_t page = 1ULL << shift, v = 0x2545f4914f6cdd1dULL;

	*t = (struct tce_ckpt_table){ 0 };
	tce_geometry_default(&t->meta.geo);
	t->meta.geo.page_shift = shift;
	t->meta.geo.bus_offset = bus_offset;
	t->meta.geo.has_liobn = liobn >= 0;
	t->meta.geo.liobn = liobn >= 0 ? (uint64_t)liobn : 0;
	t->meta.entries = t->meta.geo.entries = entries;
	t->meta.origin = (struct tce_origin){ .pid = 4242, .fd = 17,
					      .comm = "qemu-system-ppc",
					      .link = "anon_inode:kvm-spapr-tce" };
	tce_extents_begin(&t->x, 0, entries, shift);
	switch (shape) {
	case SPARSE:
		add(&t->x, 3, entries / 64, 0x10000000 | 3);
		add(&t->x, entries / 2, 1, 0x20000000 | 1);
		add(&t->x, entries / 2 + 7, 5, 0x30000000 | 2);
		add(&t->x, entries - 1, 1, 0x7000000 | 3);
		break;
	case STRIDED:
		for (uint64_t i = 0; i < entries; i += 2)
			add(&t->x, i, 1, (0x40000000 + i * 3 * page) | (i & 3));
		break;
	case FULL:
		add(&t->x, 0, entries, 0x100000000ULL | 3);
		break;
	case NOISE:
		for (uint64_t i = 0; i < entries; i++) {
			v ^= v << 13;
			v ^= v >> 7;
			v ^= v << 17;
			add(&t->x, i, 1, (v & ~(page - 1)) | 3);
		}
		break;
	case EMPTY:
		break;
	}
	tce_extents_finish(&t->x);
}

static const struct tce_snapshot_info info = {
	.time = 1764000000, .hostname = "power9", .kernel = "6.1.0-28-powerpc64le",
	.pid = 4242, .comm = "qemu-system-ppc", .guest = "vm1", .consistent = true, .passes = 2,
};

static void write_ckpt(const char *name, struct tce_ckpt_table *t, size_t count,
		       bool big_endian, bool compress)
{
	struct tce_err err = { 0 };

	if (tce_checkpoint_write(path_of(name), &info, t, count, big_endian, compress, &err))
		die("%s", err.msg);
	for (size_t i = 0; i < count; i++)
		tce_extents_free(&t[i].x);
}

/* --- damaged copies --------------------------------------------------------- */

/* A copy of `from` with the first `old` replaced by `new` (same length). */
static void patch(const char *from, const char *to, const char *old, const char *new)
{
	size_t len, k = strlen(old);
	unsigned char *d = get_file(from, &len);
	unsigned char *at = memmem(d, len, old, k);

	if (!at || strlen(new) != k)
		die("no '%s' to patch", old);
	memcpy(at, new, k);
	put_file(to, d, len);
	free(d);
}

/* Offset and size of table 0's section in a checkpoint. */
static void section_of(const char *name, size_t *offset, size_t *size)
{
	struct tce_ckpt c;
	struct tce_err err = { 0 };
	GElf_Shdr sh;

	if (tce_checkpoint_open(&c, path_of(name), &err) || !c.count)
		die("%s", err.msg);
	if (!gelf_getshdr(elf_getscn(c.elf, c.tables[0].section), &sh))
		die("no section header in '%s'", name);
	*offset = sh.sh_offset;
	*size = sh.sh_size;
	tce_checkpoint_close(&c);
}

/* A copy with byte `at` of table 0's section (negative: from its end) xor-ed with `mask`. */
static void flip_in_section(const char *from, const char *to, long at, unsigned char mask)
{
	size_t len, offset, size;
	unsigned char *d;

	section_of(from, &offset, &size);
	d = get_file(from, &len);
	d[offset + (size_t)(at < 0 ? (long)size + at : at)] ^= mask;
	put_file(to, d, len);
	free(d);
}

/* Table 0's section bytes, without the compression header when it has one. */
static void extract_section(const char *from, const char *to, bool compressed)
{
	size_t len, offset, size, skip = compressed ? sizeof(Elf64_Chdr) : 0;
	unsigned char *d;

	section_of(from, &offset, &size);
	d = get_file(from, &len);
	put_file(to, d + offset + skip, size - skip);
	free(d);
}

/* A copy with the character after the first `key` changed to another hex digit. */
static void bump_after(const char *from, const char *to, const char *key)
{
	size_t len;
	unsigned char *d = get_file(from, &len);
	unsigned char *at = memmem(d, len, key, strlen(key));

	if (!at || at + strlen(key) >= d + len)
		die("no '%s' to change", key);
	at += strlen(key);
	*at = *at == '0' ? '1' : '0';
	put_file(to, d, len);
	free(d);
}

static void truncate_copy(const char *from, const char *to, size_t keep)
{
	size_t len;
	unsigned char *d = get_file(from, &len);

	put_file(to, d, keep < len ? keep : len);
	free(d);
}

/* A file of tests/unit/data, copied into the corpus as it is. */
static void copy_data_file(const char *name)
{
	const char *slash = strrchr(__FILE__, '/');
	char from[4096];
	FILE *f;
	unsigned char buf[1 << 16];
	size_t n;

	snprintf(from, sizeof(from), "%.*s../unit/data/%s", slash ? (int)(slash - __FILE__ + 1) : 0,
		 __FILE__, name);
	f = fopen(from, "rb");
	if (!f || (n = fread(buf, 1, sizeof(buf), f)) == 0 || !feof(f))
		die("cannot read '%s'", from);
	fclose(f);
	put_file(name, buf, n);
}

int main(int argc, char **argv)
{
	struct tce_ckpt_table t[3];
	unsigned char plain[8 * 4], packed[64];
	uLongf packed_len = sizeof(packed);

	if (argc != 2)
		die("usage: %s DIR", "mkcorpus");
	out_dir = argv[1];
	elf_version(EV_CURRENT);

	/* Valid files. */
	make_table(&t[0], 8192, 12, 0, 0x80000000, SPARSE);
	write_ckpt("ok-le-zstd-1.tce", t, 1, false, true);
	make_table(&t[0], 8192, 16, 0x800000000000000ULL, 0x80000001, SPARSE);
	make_table(&t[1], 4096, 24, 0, -1, STRIDED);
	write_ckpt("ok-be-zstd-2.tce", t, 2, true, true);
	make_table(&t[0], 512, 12, 0, 0x80000000, SPARSE);
	write_ckpt("ok-le-raw-1.tce", t, 1, false, false);
	make_table(&t[0], 64, 12, 0, 0x80000000, FULL);
	make_table(&t[1], 256, 16, 0x10000, -1, STRIDED);
	make_table(&t[2], 512, 34, 0, 0x71000000, SPARSE);
	write_ckpt("ok-be-raw-3.tce", t, 3, true, false);
	make_table(&t[0], 8192, 12, 0, 0x80000000, SPARSE);
	make_table(&t[1], 16, 21, 0, 0x80000001, NOISE);
	make_table(&t[2], 8192, 12, 0x40000000, 0x80000002, FULL);
	write_ckpt("ok-le-mixed-3.tce", t, 3, false, true);
	make_table(&t[0], 8192, 12, 0, 0x80000000, EMPTY);
	write_ckpt("ok-be-empty-1.tce", t, 1, true, true);
	write_ckpt("ok-le-none-0.tce", t, 0, false, true);
	copy_data_file("v1-zlib-le.tce");
	copy_data_file("v1-zlib-be.tce");
	copy_data_file("v1-raw-le.tce");

	/* One fault each. */
	truncate_copy("ok-le-zstd-1.tce", "bad-truncated.tce", 600);
	patch("ok-le-zstd-1.tce", "bad-version.tce", "version=2", "version=9");
	patch("ok-le-zstd-1.tce", "bad-magic.tce", "magic=tcectl", "magic=TCECTL");
	bump_after("ok-le-zstd-1.tce", "bad-crc.tce", "crc32=0x");
	patch("ok-le-zstd-1.tce", "bad-mapped.tce", "mapped=", "mappeX=");
	patch("ok-be-zstd-2.tce", "bad-section.tce", "section=.tce.1", "section=.tce.7");
	patch("ok-be-zstd-2.tce", "bad-entries.tce", "entries=8192", "entries=8193");
	patch("ok-be-zstd-2.tce", "bad-tables.tce", "tables=2", "tables=3");
	patch("ok-le-raw-1.tce", "bad-raw-size.tce", "entries=512", "entries=511");
	patch("ok-be-raw-3.tce", "bad-page-shift.tce", "page_shift=34", "page_shift=35");
	flip_in_section("ok-le-zstd-1.tce", "bad-zstd-frame.tce", 30, 0x55);
	flip_in_section("ok-le-zstd-1.tce", "bad-zstd-end.tce", -1, 0x01);
	flip_in_section("ok-be-zstd-2.tce", "bad-chdr-type.tce", 3, 0x03);
	flip_in_section("v1-zlib-le.tce", "bad-zlib-stream.tce", 40, 0x55);
	flip_in_section("v1-zlib-le.tce", "bad-adler.tce", -1, 0x01);

	/* Single sections, for tce_decoder. */
	extract_section("ok-le-zstd-1.tce", "zstd-le-8192.bin", true);
	extract_section("ok-le-mixed-3.tce", "zstd-le-mixed-8192.bin", true);
	extract_section("v1-zlib-le.tce", "zlib-le-2048.bin", true);
	extract_section("ok-le-raw-1.tce", "raw-le-512.bin", false);
	/* A stream from zlib itself (its header 78 9c, not the old writer's 78 01): one entry. */
	memset(plain, 0, sizeof(plain));
	plain[0] = 0x03;
	plain[1] = 0x10;
	if (compress2(packed, &packed_len, plain, 8, Z_DEFAULT_COMPRESSION) != Z_OK)
		die("%s", "compress2 failed");
	put_file("zlib-plain-1.bin", packed, packed_len);
	return 0;
}
