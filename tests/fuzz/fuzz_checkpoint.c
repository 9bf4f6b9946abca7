// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_checkpoint.c - libFuzzer target for the checkpoint reader and the section decoder.
 *
 * Each input is tried two ways:
 *  - as a whole checkpoint file: tce_checkpoint_open, then every table
 *    streamed through tce_checkpoint_read (a late block first, then in
 *    order) and loaded into extents, then close.  The two reads must give
 *    the same entries.  A table that reads whole is written again through
 *    the writer, in the file's byte order, and the copy must read back to
 *    the same entries and the checksum the file recorded;
 *  - as the data of one table section: tce_decoder as a zstd frame, a zlib
 *    stream and raw bytes, for a few lengths.  libzstd's and zlib's one-shot
 *    decoders are the reference: where both read the data, the same bytes;
 *    data the reference reads to exactly the length, as one stream with
 *    nothing after it, within the window tcectl allows, is not refused.
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
/* ZSTD_getFrameHeader: the window a frame asks for (exported, marked experimental). */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include "../../src/byteorder.h"
#include "../../src/checkpoint.h"
#include "../../src/codec.h"

/* Tables up to this many entries are read whole; larger ones their first block. */
#define READ_WHOLE_MAX	(1u << 20)
/* Tables up to this many entries are written again. */
#define ROUND_TRIP_MAX	(1u << 16)
/* Entries read at a time: small, so that blocks end inside a zstd block. */
#define STEP		3000

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where each input is written, and the path the reader opens it by. */
static int input_fd = -1;
static char input_path[64];
static char tmp_path[] = "/tmp/tcectl-fuzz.XXXXXX";
static char copy_dir[] = "/tmp/tcectl-fuzz-copy.XXXXXX";
static char copy_path[128];

/* Kept from input to input, as their allocations are large. */
static struct tce_decoder decoder;
static ZSTD_DCtx *zstd_reference;

static void die(const char *what)
{
	fprintf(stderr, "fuzz_checkpoint: %s: %s\n", what, strerror(errno));
	abort();
}

static void remove_tmp(void)
{
	if (tmp_path[sizeof(tmp_path) - 7] != 'X')
		unlink(tmp_path);
	tce_decoder_free(&decoder);
	ZSTD_freeDCtx(zstd_reference);
	unlink(copy_path);
	rmdir(copy_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	elf_version(EV_CURRENT);
	tce_decoder_init(&decoder);
	zstd_reference = ZSTD_createDCtx();
	if (!zstd_reference)
		die("ZSTD_createDCtx");
	if (!mkdtemp(copy_dir))
		die("cannot create a temporary directory");
	snprintf(copy_path, sizeof(copy_path), "%s/copy.tce", copy_dir);
	atexit(remove_tmp);
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

static void fail(const char *fmt, const char *detail)
{
	fprintf(stderr, "fuzz_checkpoint: ");
	fprintf(stderr, fmt, detail);
	fprintf(stderr, "\n");
	abort();
}

/* Table i read in order into a fresh array; NULL when the reader refuses it. */
static uint64_t *read_table(struct tce_ckpt *c, size_t i)
{
	uint64_t entries = c->tables[i].meta.entries, *all = malloc(entries * 8);
	struct tce_err err = { 0 };

	if (!all)
		die("malloc");
	for (uint64_t k = 0; k < entries; k += STEP)
		if (tce_checkpoint_read(c, i, k, entries - k < STEP ? entries - k : STEP, all + k, &err)) {
			if (err.status == TCE_OK || !err.msg[0])
				fail("%s", "a read failed without a message");
			free(all);
			return NULL;
		}
	return all;
}

/* The table written again alone, in the file's byte order, reads back the same. */
static void round_trip(const struct tce_ckpt *c, struct tce_ckpt_table *t, const uint64_t *all)
{
	struct tce_ckpt_table copy = *t;
	struct tce_err err = { 0 };
	struct tce_ckpt back;
	uint64_t *again;

	copy.x = t->x;
	if (tce_checkpoint_write(copy_path, &c->info, &copy, 1, c->big_endian, TCE_CKPT_COMPRESS, &err))
		fail("cannot write a table that was read: %s", err.msg);
	if (copy.crc != t->crc)
		fail("%s", "a table written again has another checksum");
	if (tce_checkpoint_open(&back, copy_path, &err))
		fail("cannot open a table written again: %s", err.msg);
	again = read_table(&back, 0);
	if (!again || memcmp(again, all, t->meta.entries * 8))
		fail("%s", "a table written again reads back otherwise");
	free(again);
	tce_checkpoint_close(&back);
	unlink(copy_path);
}

static void fuzz_table(struct tce_ckpt *c, size_t i)
{
	struct tce_ckpt_table *t = &c->tables[i];
	uint64_t entries = t->meta.entries, late[4], *all, *block;
	struct tce_err err = { 0 };
	size_t cursor = 0;
	int late_rc;

	if (entries > READ_WHOLE_MAX) {
		block = malloc(STEP * 8);
		if (!block)
			die("malloc");
		tce_checkpoint_read(c, i, 0, STEP, block, &err);
		free(block);
		return;
	}
	/* Out of order first: the read behind it must start again cleanly. */
	late_rc = tce_checkpoint_read(c, i, entries - 1, 1, late, &err);
	all = read_table(c, i);
	if (!all)
		return;
	if (!late_rc && late[0] != all[entries - 1])
		fail("%s", "the last entry reads otherwise out of order");
	if (tce_checkpoint_load(c, i, &err))
		fail("a table that reads does not load: %s", err.msg);
	block = malloc(entries * 8);
	if (!block)
		die("malloc");
	tce_extents_expand(&t->x, 0, entries, block, &cursor);
	if (memcmp(block, all, entries * 8) || (t->has_mapped && t->x.counts.mapped != t->mapped))
		fail("%s", "the extents of a table differ from its entries");
	free(block);
	if (entries <= ROUND_TRIP_MAX)
		round_trip(c, t, all);
	tce_extents_free(&t->x);
	free(all);
}

static void fuzz_file(const uint8_t *data, size_t size)
{
	struct tce_ckpt c;
	struct tce_err err = { 0 };

	put_input(data, size);
	if (!tce_checkpoint_open(&c, input_path, &err)) {
		for (size_t i = 0; i < c.count; i++)
			fuzz_table(&c, i);
	} else if (err.status == TCE_OK || !err.msg[0]) {
		fail("%s", "open failed without a message");
	}
	tce_checkpoint_close(&c);
}

/* What the libraries' one-shot decoders make of data: 0 and out, or -1. */
static int reference(enum tce_codec codec, const uint8_t *data, size_t size, void *out,
		     size_t bytes)
{
	if (codec == TCE_CODEC_NONE) {
		if (size != bytes)
			return -1;
		memcpy(out, data, bytes);
		return 0;
	}
	if (codec == TCE_CODEC_ZLIB) {
		uLongf len = bytes;
		uLong used = size;

		return uncompress2(out, &len, data, &used) == Z_OK && len == bytes && used == size ? 0 : -1;
	}
	/* One frame, all of the data, within tcectl's window. */
	ZSTD_frameHeader h;
	size_t got;

	if (ZSTD_findFrameCompressedSize(data, size) != size || ZSTD_getFrameHeader(&h, data, size) ||
	    h.frameType != ZSTD_frame || h.windowSize > (1u << 23))
		return -1;
	got = ZSTD_decompressDCtx(zstd_reference, out, bytes, data, size);
	return !ZSTD_isError(got) && got == bytes ? 0 : -1;
}

static void decode_one(const uint8_t *data, size_t size, enum tce_codec codec, size_t bytes)
{
	unsigned char *ours = malloc(bytes ? bytes : 1), *theirs = malloc(bytes ? bytes : 1);
	struct tce_err err = { 0 };
	int rc, ref;

	if (!ours || !theirs)
		die("malloc");
	/* The input file changed since the decoder's last chunk of it. */
	decoder.in_valid = 0;
	rc = tce_decoder_start(&decoder, codec, input_fd, 0, size, &err) ||
	     tce_decoder_read(&decoder, ours, bytes, &err) || tce_decoder_finish(&decoder, &err) ? -1 : 0;
	if (rc && (err.status == TCE_OK || !err.msg[0]))
		fail("%s", "a decode failed without a message");
	ref = reference(codec, data, size, theirs, bytes);
	if (!rc && ref)
		fail("tce_decoder read %s data the library refuses", tce_codec_name(codec));
	if (rc && !ref)
		fail("tce_decoder refused %s data the library reads", tce_codec_name(codec));
	if (!rc && memcmp(ours, theirs, bytes))
		fail("tce_decoder and the library read %s data otherwise", tce_codec_name(codec));
	free(ours);
	free(theirs);
}

static void fuzz_codec(const uint8_t *data, size_t size)
{
	/* Lengths the seeds use, one off, and more than the input can hold raw. */
	static const size_t lengths[] = { 8, 4096, 65536, 65544 };
	unsigned long long content;

	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		decode_one(data, size, TCE_CODEC_ZLIB, lengths[i]);
		decode_one(data, size, TCE_CODEC_ZSTD, lengths[i]);
	}
	/* The length a zstd frame says it holds, when that is small enough to try. */
	content = ZSTD_getFrameContentSize(data, size);
	if (content != ZSTD_CONTENTSIZE_UNKNOWN && content != ZSTD_CONTENTSIZE_ERROR &&
	    content <= (1u << 20))
		decode_one(data, size, TCE_CODEC_ZSTD, (size_t)content);
	decode_one(data, size, TCE_CODEC_NONE, size);
	if (size)
		decode_one(data, size, TCE_CODEC_NONE, size - 1);
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
