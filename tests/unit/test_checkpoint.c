// SPDX-License-Identifier: GPL-2.0-or-later
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
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
	CHECK(c.count == 3 && c.big_endian == big_endian && c.version == 1);
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

	damage(good, bad, find(good, "version=1") + 8, '7', -1);
	expect_bad(bad, "format version 7 is not the version 1 this tcectl reads");
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
	damage(good, bad, 0, -1, 2000);
	expect_bad(bad, "checkpoint '");

	CHECK(tce_checkpoint_open(&c, "/nonexistent/x.tce", &err) < 0 && err.status == TCE_ENOTARGET);
	tce_checkpoint_close(&c);
}

TEST(checkpoint_uncompressed_is_the_raw_table)
{
	struct tce_ckpt_table t;
	struct tce_err err = { 0 };
	struct tce_ckpt c;

	sample(&t, 4096, 12, 0);
	CHECK(tce_checkpoint_write(path_in_dir("plain.tce"), &info, &t, 1, false, TCE_CKPT_DURABLE, &err) == 0);
	CHECK(!t.compressed && t.stored_bytes == 4096 * 8);
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
