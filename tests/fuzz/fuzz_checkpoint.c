// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_checkpoint.c - libFuzzer target for the checkpoint reader and the table codec.
 *
 * Each input is tried two ways:
 *  - as a whole checkpoint file: tce_checkpoint_open, tce_checkpoint_load
 *    of every table, then close.  A table that loads is encoded again and
 *    must give the checksum the file recorded and decode to the same extents;
 *  - as the bytes of one table section: tce_decode as a zlib stream and as
 *    raw entries, for a few entry counts, page shifts and both byte orders.
 *    zlib's own uncompress2 is the reference: where both read the stream,
 *    the entries and the CRC-32 must agree, and a stream zlib reads to the
 *    right length must not be refused.
 *
 * The reader takes a path, so the input goes into one memfd that it opens
 * again through /proc/self/fd.  LeakSanitizer checks memory after each
 * input; this file checks file descriptors: the lowest free one must be
 * the same before and after, or the input leaked one and the run aborts.
 *
 * Build and run: make fuzz (tests/fuzz/README.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "../../src/byteorder.h"
#include "../../src/checkpoint.h"
#include "../../src/zcodec.h"

/* Tables up to this many entries are encoded again after loading. */
#define ROUND_TRIP_MAX	(1u << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where each input is written, and the path the reader opens it by. */
static int input_fd = -1;
static char input_path[64];
static char tmp_path[] = "/tmp/tcectl-fuzz.XXXXXX";

static void die(const char *what)
{
	fprintf(stderr, "fuzz_checkpoint: %s: %s\n", what, strerror(errno));
	abort();
}

static void remove_tmp(void)
{
	unlink(tmp_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	elf_version(EV_CURRENT);
	input_fd = memfd_create("tcectl-fuzz-input", MFD_CLOEXEC);
	if (input_fd >= 0) {
		snprintf(input_path, sizeof(input_path), "/proc/self/fd/%d", input_fd);
		if (!access(input_path, R_OK))
			return 0;
		close(input_fd);
	}
	/* No memfd, or no /proc: a temporary file, removed at exit. */
	input_fd = mkstemp(tmp_path);
	if (input_fd < 0)
		die("cannot create a temporary file");
	atexit(remove_tmp);
	snprintf(input_path, sizeof(input_path), "%s", tmp_path);
	return 0;
}

static void put_input(const uint8_t *data, size_t size)
{
	size_t done = 0;

	if (ftruncate(input_fd, 0))
		die("ftruncate");
	while (done < size) {
		ssize_t n = pwrite(input_fd, data + done, size - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("pwrite");
		done += (size_t)n;
	}
}

/* The lowest free descriptor: what the next open() would return. */
static int lowest_free_fd(void)
{
	int fd = dup(input_fd);

	if (fd < 0)
		die("dup");
	close(fd);
	return fd;
}

static bool same_extents(const struct tce_extents *a, const struct tce_extents *b)
{
	return tce_extents_equal(a, b);
}

/* A loaded table encodes to the bytes it was read from: the same CRC, the same extents. */
static void round_trip(const struct tce_ckpt *c, const struct tce_ckpt_table *t)
{
	struct zbytes z = { 0 };
	struct tce_extents back;
	struct tce_err err = { 0 };
	uint32_t crc, crc_back;

	if (t->meta.entries > ROUND_TRIP_MAX)
		return;
	if (tce_raw_encode(&t->x, c->big_endian, &z, &crc, &err))
		abort();
	if (crc != t->crc) {
		fprintf(stderr, "fuzz_checkpoint: raw encoding has CRC 0x%08x, the file 0x%08x\n",
			crc, t->crc);
		abort();
	}
	z.len = 0;
	if (tce_zlib_encode(&t->x, c->big_endian, &z, &crc, &err))
		abort();
	tce_extents_begin(&back, 0, t->meta.entries, t->meta.geo.page_shift);
	if (tce_decode(z.data, z.len, true, t->meta.entries, c->big_endian, &back, &crc_back, &err)) {
		fprintf(stderr, "fuzz_checkpoint: our own zlib stream does not decode: %s\n", err.msg);
		abort();
	}
	tce_extents_finish(&back);
	if (crc != t->crc || crc_back != t->crc || !same_extents(&back, &t->x)) {
		fprintf(stderr, "fuzz_checkpoint: zlib round trip differs\n");
		abort();
	}
	tce_extents_free(&back);
	zbytes_free(&z);
}

static void fuzz_file(const uint8_t *data, size_t size)
{
	struct tce_ckpt c;
	struct tce_err err = { 0 };

	put_input(data, size);
	if (!tce_checkpoint_open(&c, input_path, &err)) {
		for (size_t i = 0; i < c.count; i++) {
			struct tce_err load_err = { 0 };

			if (!tce_checkpoint_load(&c, i, &load_err))
				round_trip(&c, &c.tables[i]);
		}
	} else if (err.status == TCE_OK || !err.msg[0]) {
		fprintf(stderr, "fuzz_checkpoint: open failed without a message\n");
		abort();
	}
	tce_checkpoint_close(&c);
}

/*
 * What tce_decode made of a section must be what zlib itself makes of it:
 * the same bytes, expanded from the extents, and the same CRC-32.
 */
static void compare_with_zlib(const uint8_t *data, size_t size, bool compressed,
			      uint64_t entries, bool big_endian, const struct tce_extents *x,
			      uint32_t crc)
{
	size_t bytes = entries * 8, cursor = 0;
	uint64_t *plain = malloc(bytes), *ours = malloc(bytes);
	uLongf plain_len = bytes;
	uLong used = size;

	if (!plain || !ours)
		die("malloc");
	if (!compressed) {
		memcpy(plain, data, bytes);
	} else if (uncompress2((Bytef *)plain, &plain_len, data, &used) != Z_OK ||
		   plain_len != bytes || used != size) {
		/*
		 * zlib holds a stream to the window its header declares; ours
		 * reads any stream with a 32 KiB window.  Only then may they differ.
		 */
		if (data[0] >> 4 == 7) {
			fprintf(stderr, "fuzz_checkpoint: tce_decode read a stream zlib rejects\n");
			abort();
		}
		goto out;
	}
	if ((uint32_t)crc32(0, (const Bytef *)plain, (uInt)bytes) != crc) {
		fprintf(stderr, "fuzz_checkpoint: tce_decode gave CRC 0x%08x, zlib's bytes 0x%08x\n",
			crc, (uint32_t)crc32(0, (const Bytef *)plain, (uInt)bytes));
		abort();
	}
	tce_extents_expand(x, 0, entries, ours, &cursor);
	for (uint64_t i = 0; i < entries; i++)
		if (order64(ours[i], big_endian) != plain[i]) {
			fprintf(stderr, "fuzz_checkpoint: entry %llu decodes to 0x%llx, not 0x%llx\n",
				(unsigned long long)i, (unsigned long long)ours[i],
				(unsigned long long)order64(plain[i], big_endian));
			abort();
		}
out:
	free(plain);
	free(ours);
}

/* The other way round: a stream zlib reads to exactly `entries` entries, tce_decode reads too. */
static void expect_valid(const uint8_t *data, size_t size, uint64_t entries,
			 const struct tce_err *err)
{
	size_t bytes = entries * 8;
	unsigned char *plain = malloc(bytes ? bytes : 1);
	uLongf plain_len = bytes;
	uLong used = size;

	if (!plain)
		die("malloc");
	if (uncompress2(plain, &plain_len, data, &used) == Z_OK && plain_len == bytes &&
	    used == size) {
		fprintf(stderr, "fuzz_checkpoint: zlib reads %llu entries, tce_decode fails: %s\n",
			(unsigned long long)entries, err->msg);
		abort();
	}
	free(plain);
}

static void decode_one(const uint8_t *data, size_t size, bool compressed, uint64_t entries,
		       bool big_endian, unsigned page_shift)
{
	struct tce_extents x;
	struct tce_err err = { 0 };
	uint32_t crc;

	tce_extents_begin(&x, 0, entries, page_shift);
	if (!tce_decode(data, size, compressed, entries, big_endian, &x, &crc, &err)) {
		tce_extents_finish(&x);
		if (x.counts.mapped > entries)
			abort();
		compare_with_zlib(data, size, compressed, entries, big_endian, &x, crc);
	} else if (err.status == TCE_OK) {
		fprintf(stderr, "fuzz_checkpoint: decode failed without a message\n");
		abort();
	} else if (compressed) {
		expect_valid(data, size, entries, &err);
	}
	tce_extents_free(&x);
}

static void fuzz_codec(const uint8_t *data, size_t size)
{
	/* Counts the seeds use, one off, and more than the input can hold raw. */
	static const uint64_t counts[] = { 1, 512, 8192, 8193, 65536 };

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		decode_one(data, size, true, counts[i], (i + size) & 1, 12 + (unsigned)(i * 11) % 23);
	if (size >= 8 && size % 8 == 0) {
		decode_one(data, size, false, size / 8, false, 12);
		decode_one(data, size, false, size / 8, true, 34);
	}
	decode_one(data, size, false, 1, size & 1, 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd_before = lowest_free_fd();

	fuzz_file(data, size);
	fuzz_codec(data, size);
	if (lowest_free_fd() != fd_before) {
		fprintf(stderr, "fuzz_checkpoint: the input leaked file descriptor %d\n", fd_before);
		abort();
	}
	return 0;
}
