// SPDX-License-Identifier: GPL-2.0-or-later
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../src/checkpoint.h"
#include "unit.h"

static char dir[] = "/tmp/tcectl-unit.XXXXXX";

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		printf("# cannot remove %s\n", dir);
}

static const char *path_in_dir(const char *name)
{
	static char path[256];
	static bool made;

	if (!made) {
		CHECK(mkdtemp(dir) != NULL);
		atexit(remove_dir);
		made = true;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void sample(struct tce_ckpt_table *t, uint64_t entries, unsigned shift, uint64_t seed)
{
	struct tce_err err = { 0 };

	*t = (struct tce_ckpt_table){ 0 };
	tce_geometry_default(&t->meta.geo);
	t->meta.geo.page_shift = shift;
	t->meta.geo.bus_offset = seed & 1 ? 0x800000000000000ULL : 0;
	t->meta.geo.liobn = 0x80000000 + seed;
	t->meta.geo.has_liobn = seed != 2;
	t->meta.entries = t->meta.geo.entries = entries;
	t->meta.origin = (struct tce_origin){ .pid = 4242, .fd = (int)(17 + seed),
					      .comm = "qemu-system-ppc", .link = "anon_inode:kvm-spapr-tce" };
	tce_extents_begin(&t->x, 0, entries, shift);
	CHECK(tce_extents_add(&t->x, 3, 100, (0x1000000ULL << seed) | 3, &err) == 0);
	CHECK(tce_extents_add(&t->x, 200, 1, 0x5551, &err) == 0);
	CHECK(tce_extents_add(&t->x, entries - 1, 1, 0x7000002, &err) == 0);
	tce_extents_finish(&t->x);
}

static const struct tce_snapshot_info info = {
	.time = 1764000000, .hostname = "power9", .kernel = "6.1.0-50-powerpc64le",
	.pid = 4242, .comm = "qemu-system-ppc", .guest = "vm1", .consistent = true, .passes = 2,
};

static void write_three(const char *path, bool big_endian)
{
	struct tce_ckpt_table t[3];
	struct tce_err err = { 0 };

	sample(&t[0], 65536, 12, 0);
	sample(&t[1], 8192, 16, 1);
	sample(&t[2], 1 << 20, 24, 2);
	CHECK(tce_checkpoint_write(path, &info, t, 3, big_endian, TCE_CKPT_COMPRESS | TCE_CKPT_DURABLE, &err) == 0);
	CHECK(t[0].compressed && t[0].stored_bytes < 65536 * 8 / 10);
	for (int i = 0; i < 3; i++)
		tce_extents_free(&t[i].x);
}

static void read_back(const char *path, bool big_endian)
{
	struct tce_ckpt c;
	struct tce_err err = { 0 };
	struct tce_ckpt_table want;

	CHECK(tce_checkpoint_open(&c, path, &err) == 0);
	CHECK(c.count == 3 && c.big_endian == big_endian && c.version == 2);
	CHECK_STR(c.info.hostname, "power9");
	CHECK_STR(c.info.guest, "vm1");
	CHECK(c.info.consistent && c.info.passes == 2 && c.info.time == 1764000000);
	for (size_t i = 0; i < c.count; i++) {
		CHECK(tce_checkpoint_load(&c, i, &err) == 0);
		sample(&want, c.tables[i].meta.entries, c.tables[i].meta.geo.page_shift, i);
		CHECK(tce_extents_equal(&want.x, &c.tables[i].x));
		CHECK(c.tables[i].meta.geo.bus_offset == want.meta.geo.bus_offset);
		CHECK(c.tables[i].meta.geo.has_liobn == want.meta.geo.has_liobn);
		CHECK(!want.meta.geo.has_liobn || c.tables[i].meta.geo.liobn == want.meta.geo.liobn);
		CHECK(c.tables[i].meta.origin.fd == want.meta.origin.fd);
		CHECK_STR(c.tables[i].meta.origin.comm, "qemu-system-ppc");
		tce_extents_free(&want.x);
	}
	tce_checkpoint_close(&c);
}

static size_t file_bytes(const char *path, unsigned char **out)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	CHECK(fd >= 0 && fstat(fd, &st) == 0);
	*out = malloc((size_t)st.st_size);
	CHECK(read(fd, *out, (size_t)st.st_size) == st.st_size);
	close(fd);
	return (size_t)st.st_size;
}

TEST(checkpoint_round_trip_little_and_big_endian)
{
	write_three(path_in_dir("le.tce"), false);
	read_back(path_in_dir("le.tce"), false);
	write_three(path_in_dir("be.tce"), true);
	read_back(path_in_dir("be.tce"), true);
}

/* Read a file, write what was read: the same bytes (CRIU's crit habit). */
TEST(checkpoint_decode_encode_is_byte_identical)
{
	char first[256], second[256];
	struct tce_ckpt c;
	struct tce_err err = { 0 };
	unsigned char *a, *b;
	size_t la, lb;

	snprintf(first, sizeof(first), "%s", path_in_dir("first.tce"));
	snprintf(second, sizeof(second), "%s", path_in_dir("second.tce"));
	for (int big = 0; big < 2; big++) {
		write_three(first, big);
		CHECK(tce_checkpoint_open(&c, first, &err) == 0);
		for (size_t i = 0; i < c.count; i++)
			CHECK(tce_checkpoint_load(&c, i, &err) == 0);
		CHECK(tce_checkpoint_write(second, &c.info, c.tables, c.count, c.big_endian, TCE_CKPT_COMPRESS | TCE_CKPT_DURABLE, &err) == 0);
		tce_checkpoint_close(&c);
		la = file_bytes(first, &a);
		lb = file_bytes(second, &b);
		CHECK(la == lb && memcmp(a, b, la) == 0);
		free(a);
		free(b);
	}
}

static void expect_bad(const char *path, const char *fragment)
{
	struct tce_ckpt c;
	struct tce_err err = { 0 };
	int rc = tce_checkpoint_open(&c, path, &err);

	for (size_t i = 0; !rc && i < c.count; i++)
		rc = tce_checkpoint_load(&c, i, &err);
	CHECK(rc < 0 && err.status == TCE_EFILE);
	if (!strstr(err.msg, fragment))
		printf("#   message: %s\n#   wanted:  %s\n", err.msg, fragment);
	CHECK(strstr(err.msg, fragment) != NULL);
	tce_checkpoint_close(&c);
}

/* Offset of a string in a file's bytes. */
static long find(const char *path, const char *needle)
{
	unsigned char *d;
	size_t n = file_bytes(path, &d), k = strlen(needle);
	long at = -1;

	for (size_t i = 0; i + k <= n && at < 0; i++)
		if (!memcmp(d + i, needle, k))
			at = (long)i;
	free(d);
	CHECK(at >= 0);
	return at;
}

static int find_byte(const char *path, long offset)
{
	unsigned char *d;
	int byte;

	file_bytes(path, &d);
	byte = d[offset];
	free(d);
	return byte;
}

static void damage(const char *from, const char *to, long offset, int byte, long truncate_to)
{
	unsigned char *d;
	size_t n = file_bytes(from, &d);
	int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (offset < 0)
		offset += (long)n;
	if (byte >= 0)
		d[offset] = (unsigned char)byte;
	CHECK(write(fd, d, truncate_to >= 0 ? (size_t)truncate_to : n) >= 0);
	close(fd);
	free(d);
}

TEST(checkpoint_rejects_damaged_files)
{
	char good[256], bad[256];
	struct tce_ckpt c;
	struct tce_err err = { 0 };

	snprintf(good, sizeof(good), "%s", path_in_dir("good.tce"));
	snprintf(bad, sizeof(bad), "%s", path_in_dir("bad.tce"));
	write_three(good, false);

	damage(good, bad, 0, 'X', -1);
	expect_bad(bad, "not an ELF file");
	damage(good, bad, 0, -1, 100);
	expect_bad(bad, "checkpoint '");
	damage(good, bad, 0, -1, 0);
	expect_bad(bad, "not an ELF file");

	damage(good, bad, find(good, "version=2") + 8, '7', -1);
	expect_bad(bad, "format version 7 is not one this tcectl reads (1 to 2)");
	damage(good, bad, find(good, "version=2") + 8, '0', -1);
	expect_bad(bad, "format version 0 is not one this tcectl reads (1 to 2)");
	damage(good, bad, find(good, "magic=tcectl") + 6, 'T', -1);
	expect_bad(bad, "no format record");
	damage(good, bad, find(good, "crc32=0x") + 8, 'g', -1);
	expect_bad(bad, "table 0: no checksum");
	damage(good, bad, find(good, "crc32=0x") + 9, find_byte(good, find(good, "crc32=0x") + 9) == '0' ? '1' : '0', -1);
	expect_bad(bad, "table 0: the entries' checksum is");
	damage(good, bad, find(good, "section=.tce.1") + 13, '9', -1);
	expect_bad(bad, "table 1: its section '.tce.9' is missing");
	damage(good, bad, find(good, "entries=8192") + 8, '9', -1);
	expect_bad(bad, "table 1: the compression header says 65536 bytes, the record 9192 entries");
	damage(good, bad, find(good, "tables=3") + 7, '4', -1);
	expect_bad(bad, "4 tables announced, 3 found");
	damage(good, bad, find(good, "page_shift=12") + 11, '9', -1);
	expect_bad(bad, "table 0: no valid page_shift");
	/* Table 0 of sample() maps 102 entries; its record is made to say 103. */
	damage(good, bad, find(good, "mapped=102") + 9, '3', -1);
	expect_bad(bad, "table 0: the record says 103 mapped entries, the data has 102; the file was altered");
	damage(good, bad, 0, -1, 2000);
	expect_bad(bad, "checkpoint '");

	CHECK(tce_checkpoint_open(&c, "/nonexistent/x.tce", &err) < 0 && err.status == TCE_ENOTARGET);
	tce_checkpoint_close(&c);
}

/* The offset of n bytes in a file's bytes. */
static long find_bytes(const char *path, const void *needle, size_t n)
{
	unsigned char *d;
	size_t len = file_bytes(path, &d);
	unsigned char *at = memmem(d, len, needle, n);
	long off = at ? (long)(at - d) : -1;

	free(d);
	CHECK(off >= 0);
	return off;
}

/* An entry count the section's bytes could never decode to is refused before decoding. */
TEST(checkpoint_refuses_counts_beyond_what_the_data_can_hold)
{
	char good[256], bad[256];
	/* Table 2's Elf64_Chdr, little-endian: zstd, 2^20 entries of 8 bytes. */
	static const unsigned char chdr[16] = { 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0 };
	uint64_t size = 9999999ULL * 8;
	unsigned char *d;
	size_t len;
	long at;
	int fd;

	snprintf(good, sizeof(good), "%s", path_in_dir("ratio-good.tce"));
	snprintf(bad, sizeof(bad), "%s", path_in_dir("ratio-bad.tce"));
	write_three(good, false);
	len = file_bytes(good, &d);
	at = find_bytes(good, chdr, sizeof(chdr));
	memcpy(d + at + 8, &size, 8);
	at = find(good, "entries=1048576");
	memcpy(d + at, "entries=9999999", 15);
	fd = open(bad, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, d, len) == (ssize_t)len);
	close(fd);
	free(d);
	expect_bad(bad, "table 2: ");
	expect_bad(bad, " bytes of zstd data cannot hold 9999999 entries; the file is damaged");
}

TEST(checkpoint_uncompressed_is_the_raw_table)
{
	struct tce_ckpt_table t;
	struct tce_err err = { 0 };
	struct tce_ckpt c;

	sample(&t, 4096, 12, 0);
	CHECK(tce_checkpoint_write(path_in_dir("plain.tce"), &info, &t, 1, false, TCE_CKPT_DURABLE, &err) == 0);
	CHECK(!t.compressed && t.codec == TCE_CODEC_NONE && t.stored_bytes == 4096 * 8);
	CHECK(tce_checkpoint_open(&c, path_in_dir("plain.tce"), &err) == 0);
	CHECK(tce_checkpoint_load(&c, 0, &err) == 0);
	CHECK(!c.tables[0].compressed && tce_extents_equal(&c.tables[0].x, &t.x));
	tce_checkpoint_close(&c);
	tce_extents_free(&t.x);
}

TEST(checkpoint_leaves_no_temporary_file)
{
	struct tce_ckpt_table t;
	struct tce_err err = { 0 };
	char cmd[512];

	sample(&t, 4096, 12, 0);
	CHECK(tce_checkpoint_write(path_in_dir("clean.tce"), &info, &t, 1, false, TCE_CKPT_COMPRESS | TCE_CKPT_DURABLE, &err) == 0);
	snprintf(cmd, sizeof(cmd), "test -z \"$(find %s -name '.*' -type f)\"", dir);
	CHECK(system(cmd) == 0);
	err = (struct tce_err){ 0 };
	CHECK(tce_checkpoint_write("/nonexistent-dir/x.tce", &info, &t, 1, false, TCE_CKPT_COMPRESS | TCE_CKPT_DURABLE, &err) < 0);
	CHECK(strstr(err.msg, "cannot create a file in '/nonexistent-dir'") != NULL);
	tce_extents_free(&t.x);
}

TEST(guest_name_of_a_process_without_name_is_empty)
{
	char name[64] = "x";

	tce_guest_name(getpid(), name, sizeof(name));
	CHECK_STR(name, "");
}

/* The tables of tests/unit/data/v1-*.tce, as the version-1 writer got them. */
static void v1_table(struct tce_extents *x, uint64_t entries, unsigned shift, int k)
{
	struct tce_err err = { 0 };

	tce_extents_begin(x, 0, entries, shift);
	CHECK(tce_extents_add(x, 3, 100, (0x1000000ULL << k) | 3, &err) == 0);
	CHECK(tce_extents_add(x, 200, 1, 0x5551, &err) == 0);
	CHECK(tce_extents_add(x, 300, 1, 0x12345001, &err) == 0);
	CHECK(tce_extents_add(x, 301, 1, 0x12345001, &err) == 0);
	CHECK(tce_extents_add(x, entries - 1, 1, 0x7000002, &err) == 0);
	tce_extents_finish(x);
}

static const char *data_file(const char *name)
{
	static char path[512];
	const char *slash = strrchr(__FILE__, '/');

	snprintf(path, sizeof(path), "%.*sdata/%s", slash ? (int)(slash - __FILE__ + 1) : 0, __FILE__,
		 name);
	return path;
}

/* Every entry of table i, read through the streaming reader in blocks of step. */
static void expect_entries(struct tce_ckpt *c, size_t i, const struct tce_extents *want,
			   uint64_t step)
{
	uint64_t entries = c->tables[i].meta.entries, *got = malloc(step * 8), *exp = malloc(step * 8);
	struct tce_err err = { 0 };
	size_t cursor = 0;

	for (uint64_t k = 0; k < entries; k += step) {
		uint64_t n = entries - k < step ? entries - k : step;

		CHECK(tce_checkpoint_read(c, i, k, n, got, &err) == 0);
		tce_extents_expand(want, k, n, exp, &cursor);
		CHECK(memcmp(got, exp, n * 8) == 0);
	}
	free(got);
	free(exp);
}

TEST(checkpoint_reads_version_1_files_entry_for_entry)
{
	static const char *const files[] = { "v1-zlib-le.tce", "v1-raw-le.tce", "v1-zlib-be.tce" };
	static const enum tce_codec codecs[] = { TCE_CODEC_ZLIB, TCE_CODEC_NONE, TCE_CODEC_ZLIB };

	for (size_t f = 0; f < 3; f++) {
		struct tce_err err = { 0 };
		struct tce_extents want;
		struct tce_ckpt c;

		CHECK(tce_checkpoint_open(&c, data_file(files[f]), &err) == 0);
		if (err.msg[0])
			printf("#   %s\n", err.msg);
		CHECK(c.version == 1 && c.count == 2 && c.big_endian == (f == 2));
		CHECK_STR(c.info.guest, "vm1");
		for (size_t i = 0; i < c.count; i++) {
			CHECK(c.tables[i].codec == codecs[f]);
			CHECK(c.tables[i].meta.geo.page_shift == (i ? 16u : 12u));
			v1_table(&want, i ? 512 : 2048, i ? 16 : 12, (int)i);
			expect_entries(&c, i, &want, 100);
			CHECK(tce_checkpoint_load(&c, i, &err) == 0);
			CHECK(tce_extents_equal(&c.tables[i].x, &want));
			tce_extents_free(&want);
		}
		tce_checkpoint_close(&c);
	}
}

static struct tce_table plain_meta(uint64_t entries)
{
	struct tce_table m = { .entries = entries };

	tce_geometry_default(&m.geo);
	m.geo.entries = entries;
	m.origin.fd = -1;
	return m;
}

/* A pseudo-random table that no codec shrinks. */
static uint64_t noise(uint64_t i)
{
	uint64_t z = (i + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	return z ^ (z >> 27);
}

TEST(checkpoint_writer_streams_and_reader_reads_out_of_order)
{
	const char *path = path_in_dir("stream.tce");
	uint64_t entries = 300000, *block = malloc(TCE_READ_BLOCK * 8), v[4];
	struct tce_table meta = plain_meta(entries);
	struct tce_ckpt_writer w;
	struct tce_err err = { 0 };
	struct tce_ckpt c;

	CHECK(tce_ckpt_writer_open(&w, path, false, TCE_CKPT_COMPRESS, &err) == 0);
	/* Table 0, random: stored raw, the frame being no smaller. */
	CHECK(tce_ckpt_writer_begin(&w, &meta, &err) == 0);
	for (uint64_t k = 0; k < entries; k += 1000) {
		for (uint64_t i = 0; i < 1000; i++)
			block[i] = noise(k + i);
		CHECK(tce_ckpt_writer_feed(&w, block, 1000, &err) == 0);
	}
	CHECK(tce_ckpt_writer_end(&w, &err) == 0);
	CHECK(w.last.codec == TCE_CODEC_NONE && w.last.stored_bytes == entries * 8);
	CHECK(w.last.mapped == entries);
	/* A pass dropped, then table 1 again: runs, compressed. */
	CHECK(tce_ckpt_writer_begin(&w, &meta, &err) == 0);
	CHECK(tce_ckpt_writer_feed(&w, block, 1000, &err) == 0);
	tce_ckpt_writer_rewind(&w);
	CHECK(tce_ckpt_writer_begin(&w, &meta, &err) == 0);
	for (uint64_t k = 0; k < entries; k += 1000) {
		for (uint64_t i = 0; i < 1000; i++)
			block[i] = (k + i) % 7 ? ((k + i) << 12) | 3 : 0;
		CHECK(tce_ckpt_writer_feed(&w, block, 1000, &err) == 0);
	}
	/* One entry too many, then the end. */
	CHECK(tce_ckpt_writer_feed(&w, block, 1, &err) < 0);
	err = (struct tce_err){ 0 };
	CHECK(tce_ckpt_writer_end(&w, &err) == 0);
	CHECK(w.last.codec == TCE_CODEC_ZSTD && w.last.stored_bytes < entries * 8 / 4);
	CHECK(tce_ckpt_writer_commit(&w, &info, &err) == 0);

	CHECK(tce_checkpoint_open(&c, path, &err) == 0);
	CHECK(c.count == 2 && c.tables[0].codec == TCE_CODEC_NONE && c.tables[1].codec == TCE_CODEC_ZSTD);
	/* Backwards and forwards: each read behind starts the table again. */
	for (int t = 0; t < 2; t++)
		for (uint64_t at = entries - 4; at < entries; at -= 77777) {
			CHECK(tce_checkpoint_read(&c, (size_t)t, at, 4, v, &err) == 0);
			for (int i = 0; i < 4; i++)
				CHECK_U64(v[i], t ? ((at + i) % 7 ? ((at + i) << 12) | 3 : 0) : noise(at + i));
		}
	CHECK(err.status == TCE_OK);
	CHECK(tce_checkpoint_read(&c, 0, entries - 1, 2, v, &err) < 0 && err.status == TCE_EUSAGE);
	tce_checkpoint_close(&c);
	free(block);
}

TEST(checkpoint_writer_refuses_a_short_table_and_leaves_nothing)
{
	struct tce_table meta = plain_meta(100);
	struct tce_ckpt_writer w;
	struct tce_err err = { 0 };
	uint64_t e[50] = { 0 };
	char cmd[512];

	CHECK(tce_ckpt_writer_open(&w, path_in_dir("short.tce"), true, TCE_CKPT_COMPRESS, &err) == 0);
	CHECK(tce_ckpt_writer_begin(&w, &meta, &err) == 0);
	CHECK(tce_ckpt_writer_feed(&w, e, 50, &err) == 0);
	CHECK(tce_ckpt_writer_end(&w, &err) < 0);
	CHECK(strstr(err.msg, "table 0 got 50 of its 100 entries") != NULL);
	tce_ckpt_writer_abort(&w);
	snprintf(cmd, sizeof(cmd), "test -z \"$(find %s -name '.short*')\" && ! test -e %s/short.tce",
		 dir, dir);
	CHECK(system(cmd) == 0);
}

TEST(checkpoint_truncated_while_read_is_an_error_not_a_signal)
{
	const char *path = path_in_dir("shrinks.tce");
	uint64_t entries = 1 << 20, *block = malloc(TCE_READ_BLOCK * 8);
	struct tce_table meta = plain_meta(entries);
	struct tce_ckpt_writer w;
	struct tce_err err = { 0 };
	struct tce_ckpt c;
	int rc = 0;

	CHECK(tce_ckpt_writer_open(&w, path, false, 0, &err) == 0);
	CHECK(tce_ckpt_writer_begin(&w, &meta, &err) == 0);
	for (uint64_t k = 0; k < entries; k += TCE_READ_BLOCK) {
		for (uint64_t i = 0; i < TCE_READ_BLOCK; i++)
			block[i] = noise(k + i);
		CHECK(tce_ckpt_writer_feed(&w, block, TCE_READ_BLOCK, &err) == 0);
	}
	CHECK(tce_ckpt_writer_end(&w, &err) == 0);
	CHECK(tce_ckpt_writer_commit(&w, &info, &err) == 0);
	CHECK(tce_checkpoint_open(&c, path, &err) == 0);
	CHECK(tce_checkpoint_read(&c, 0, 0, TCE_READ_BLOCK, block, &err) == 0);
	CHECK(truncate(path, 4 << 20) == 0);
	for (uint64_t k = TCE_READ_BLOCK; k < entries && !rc; k += TCE_READ_BLOCK)
		rc = tce_checkpoint_read(&c, 0, k, TCE_READ_BLOCK, block, &err);
	CHECK(rc < 0 && err.status == TCE_EFILE);
	CHECK(strstr(err.msg, "table 0: truncated:") && strstr(err.msg, "was it written completely?"));
	tce_checkpoint_close(&c);
	free(block);
}

TEST(checkpoint_holds_65536_tables_and_no_more)
{
	const char *path = path_in_dir("many.tce");
	struct tce_table meta = plain_meta(1);
	struct tce_ckpt_writer w;
	struct tce_err err = { 0 };
	struct tce_ckpt c;
	uint64_t e = 0x1003;
	int rc = 0;

	CHECK(tce_ckpt_writer_open(&w, path, false, TCE_CKPT_COMPRESS, &err) == 0);
	for (int i = 0; i < TCE_CKPT_MAX_TABLES && !rc; i++)
		rc = tce_ckpt_writer_begin(&w, &meta, &err) || tce_ckpt_writer_feed(&w, &e, 1, &err) ||
		     tce_ckpt_writer_end(&w, &err);
	CHECK(rc == 0);
	CHECK(tce_ckpt_writer_begin(&w, &meta, &err) < 0 && err.status == TCE_EUSAGE);
	CHECK(strstr(err.msg, "at most 65536 tables") != NULL);
	CHECK(tce_ckpt_writer_commit(&w, &info, &err) == 0);
	/*
	 * 65539 sections: ELF extended numbering, which libelf reads back.
	 * How long many tables take is make bench's to say (verify of 60,000).
	 */
	CHECK(tce_checkpoint_open(&c, path, &err) == 0);
	CHECK(c.count == TCE_CKPT_MAX_TABLES);
	for (size_t i = 0; i < c.count && !rc; i++)
		rc = tce_checkpoint_read(&c, i, 0, 1, &e, &err);
	CHECK(rc == 0 && e == 0x1003);
	tce_checkpoint_close(&c);
}
