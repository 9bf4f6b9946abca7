// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
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
