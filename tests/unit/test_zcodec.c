// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../../src/byteorder.h"
#include "../../src/zcodec.h"
#include "unit.h"

/* A table of n entries with runs, gaps short and long, and scattered entries. */
static uint64_t *sample_table(uint64_t n)
{
	uint64_t *t = calloc(n, 8);

	for (uint64_t i = 0; i < n; i++) {
		if (i % 5000 < 700)
			t[i] = (0x100000000ULL + i * 0x1000) | 3;
		else if (i % 977 == 0)
			t[i] = 0x7000000ULL + i * 0x10000 + 1;
	}
	t[n - 1] = 0x12345002;
	return t;
}

static void roundtrip(uint64_t n, bool big_endian, bool compress)
{
	uint64_t *t = sample_table(n);
	struct tce_extents x, back;
	struct tce_err err = { 0 };
	struct zbytes z = { 0 };
	uint32_t crc_out, crc_in, crc_file;
	uint64_t *file_order = malloc(n * 8);

	CHECK(tce_extents_scan(&x, t, 0, n, 12, &err) == 0);
	if (compress)
		CHECK(tce_zlib_encode(&x, big_endian, &z, &crc_out, &err) == 0);
	else
		CHECK(tce_raw_encode(&x, big_endian, &z, &crc_out, &err) == 0);
	/* The checksum is of the entries in the file's byte order. */
	for (uint64_t i = 0; i < n; i++)
		file_order[i] = order64(t[i], big_endian);
	crc_file = (uint32_t)crc32(0, (const Bytef *)file_order, (uInt)(n * 8));
	CHECK_U64(crc_out, crc_file);
	if (compress) {
		/* Plain zlib reads the stream back to the same bytes. */
		uLongf len = n * 8;
		uint64_t *plain = malloc(n * 8);

		CHECK(uncompress((Bytef *)plain, &len, z.data, z.len) == Z_OK);
		CHECK(len == n * 8 && memcmp(plain, file_order, n * 8) == 0);
		free(plain);
	} else {
		CHECK(z.len == n * 8 && memcmp(z.data, file_order, n * 8) == 0);
	}
	tce_extents_begin(&back, 0, n, 12);
	CHECK(tce_decode(z.data, z.len, compress, n, big_endian, &back, &crc_in, &err) == 0);
	tce_extents_finish(&back);
	CHECK(tce_extents_equal(&x, &back));
	CHECK_U64(crc_in, crc_file);
	tce_extents_free(&x);
	tce_extents_free(&back);
	zbytes_free(&z);
	free(file_order);
	free(t);
}

TEST(zcodec_roundtrips_both_byte_orders)
{
	roundtrip(100000, false, true);
	roundtrip(100000, true, true);
	roundtrip(100000, true, false);
	roundtrip(8192, false, false);
}

TEST(zcodec_empty_and_full_tables)
{
	struct tce_extents x, back;
	struct tce_err err = { 0 };
	struct zbytes z = { 0 };
	uint32_t crc, crc_in;

	tce_extents_begin(&x, 0, 1 << 20, 12);
	CHECK(tce_zlib_encode(&x, false, &z, &crc, &err) == 0);
	CHECK(z.len < 54000);	/* 8 MiB of zeros: 13 bits per 258 bytes */
	CHECK_U64(crc, crc32_zeros(0, 8 << 20));
	tce_extents_begin(&back, 0, 1 << 20, 12);
	CHECK(tce_decode(z.data, z.len, true, 1 << 20, false, &back, &crc_in, &err) == 0);
	CHECK(back.count == 0 && crc_in == crc);
	tce_extents_free(&back);
	zbytes_free(&z);
	roundtrip(7, false, true);
}

TEST(zcodec_crc_of_zeros)
{
	static const unsigned char zeros[100000];

	CHECK_U64(crc32_zeros(0, 0), 0);
	CHECK_U64(crc32_zeros(0, 1), crc32(0, zeros, 1));
	CHECK_U64(crc32_zeros(0, 100000), crc32(0, zeros, 100000));
	CHECK_U64(crc32_zeros(0x1234, 77777), crc32(0x1234, zeros, 77777));
}

TEST(zcodec_rejects_bad_streams)
{
	uint64_t t[4096] = { [5] = 0x1003 };
	struct tce_extents x, back;
	struct tce_err err;
	struct zbytes z = { 0 };
	uint32_t crc;

	CHECK(tce_extents_scan(&x, t, 0, 4096, 12, &err) == 0);
	CHECK(tce_zlib_encode(&x, false, &z, &crc, &err) == 0);

	err = (struct tce_err){ 0 };
	tce_extents_begin(&back, 0, 4096, 12);
	CHECK(tce_decode(z.data, z.len - 6, true, 4096, false, &back, &crc, &err) < 0);
	CHECK(err.status == TCE_EFILE);
	CHECK_STR(err.msg, "the compressed table is truncated");
	tce_extents_free(&back);

	err = (struct tce_err){ 0 };
	tce_extents_begin(&back, 0, 4000, 12);
	CHECK(tce_decode(z.data, z.len, true, 4000, false, &back, &crc, &err) < 0);
	CHECK_STR(err.msg, "the compressed table holds more than 4000 entries");
	tce_extents_free(&back);

	err = (struct tce_err){ 0 };
	tce_extents_begin(&back, 0, 5000, 12);
	CHECK(tce_decode(z.data, z.len, true, 5000, false, &back, &crc, &err) < 0);
	CHECK(err.status == TCE_EFILE);
	tce_extents_free(&back);

	err = (struct tce_err){ 0 };
	z.data[z.len - 1] ^= 0xff;	/* the adler32 */
	tce_extents_begin(&back, 0, 4096, 12);
	CHECK(tce_decode(z.data, z.len, true, 4096, false, &back, &crc, &err) < 0);
	CHECK(strstr(err.msg, "corrupt") != NULL);
	tce_extents_free(&back);

	err = (struct tce_err){ 0 };
	tce_extents_begin(&back, 0, 4096, 12);
	CHECK(tce_decode(z.data, 100, false, 4096, false, &back, &crc, &err) < 0);
	CHECK_STR(err.msg, "a table of 4096 entries holds 100 bytes, not 32768");
	tce_extents_free(&back);
	tce_extents_free(&x);
	zbytes_free(&z);
}

/*
 * A zero run as tcectl writes it, then a block from another encoder that
 * copies from the zeros before it: decoding the run without zlib must
 * leave zlib a window of those zeros, and the result must be zlib's own.
 */
TEST(zcodec_zero_run_then_copies_from_it)
{
	enum { RUN = 8192, TAIL = 1024, ALL = RUN + TAIL };
	static uint64_t tail[TAIL], plain[ALL];
	static const unsigned char window[32768];
	struct tce_extents x, back;
	struct tce_err err = { 0 };
	struct zbytes z = { 0 };
	unsigned char stream[200000];
	uint32_t crc, crc_in;
	uLong adler;
	size_t n;
	z_stream d = { 0 };

	/* Header and zero run of an empty table: all but the final block and check. */
	tce_extents_begin(&x, 0, RUN, 12);
	CHECK(tce_zlib_encode(&x, false, &z, &crc, &err) == 0);
	n = z.len - 9;
	memcpy(stream, z.data, n);
	/* Zeros (copies from the window) and a few entries, as the final block. */
	for (int i = 300; i < 320; i++)
		tail[i] = (0x5000000ULL + (uint64_t)i * 0x1000) | 3;
	CHECK(deflateInit2(&d, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	CHECK(deflateSetDictionary(&d, window, sizeof(window)) == Z_OK);
	d.next_in = (Bytef *)tail;
	d.avail_in = sizeof(tail);
	d.next_out = stream + n;
	d.avail_out = (uInt)(sizeof(stream) - n - 4);
	CHECK(deflate(&d, Z_FINISH) == Z_STREAM_END);
	n += d.total_out;
	deflateEnd(&d);
	memcpy(plain + RUN, tail, sizeof(tail));
	adler = adler32(1, (const Bytef *)plain, sizeof(plain));
	for (int shift = 24; shift >= 0; shift -= 8)
		stream[n++] = (unsigned char)(adler >> shift);
	/* The first copy reaches back into the run: the window matters. */
	CHECK(d.total_out < sizeof(tail) / 4);

	tce_extents_begin(&back, 0, ALL, 12);
	CHECK(tce_decode(stream, n, true, ALL, false, &back, &crc_in, &err) == 0);
	CHECK_U64(crc_in, crc32(0, (const Bytef *)plain, sizeof(plain)));
	CHECK_U64(back.count, 1);
	if (back.count == 1) {
		CHECK_U64(back.ext[0].index, RUN + 300);
		CHECK_U64(back.ext[0].count, 20);
	}
	tce_extents_free(&back);
	zbytes_free(&z);
}
