// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "byteorder.h"
#include "zcodec.h"

/* Gaps of empty entries shorter than this go through zlib with the rest. */
#define ZERO_RUN_MIN	4096

/* Entries generated at a time for zlib or the raw copy. */
#define CHUNK_ENTRIES	8192

void zbytes_free(struct zbytes *b)
{
	free(b->data);
	*b = (struct zbytes){ 0 };
}

static int reserve(struct zbytes *b, size_t n)
{
	if (b->len + n <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 65536;
	while (cap < b->len + n)
		cap *= 2;
	unsigned char *p = realloc(b->data, cap);
	if (!p)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

/* --- checksums of long zero runs ------------------------------------------ */

uint32_t crc32_zeros(uint32_t crc, uint64_t n)
{
	static uLong zero_crc[64];	/* CRC-32 of 2^k zero bytes */
	static bool ready;

	if (!ready) {
		zero_crc[0] = crc32(0, (const Bytef *)"", 1);
		for (int k = 1; k < 64; k++)
			zero_crc[k] = crc32_combine64(zero_crc[k - 1], zero_crc[k - 1],
						      (z_off64_t)1 << (k - 1));
		ready = true;
	}
	for (int k = 0; k < 63 && n >> k; k++)
		if ((n >> k) & 1)
			crc = (uint32_t)crc32_combine64(crc, zero_crc[k], (z_off64_t)1 << k);
	return crc;
}

/* adler32 of n zero bytes on its own: a stays 1, b counts the bytes. */
static uLong adler32_zeros(uLong adler, uint64_t n)
{
	uLong zeros = ((uLong)(n % 65521) << 16) | 1;

	return adler32_combine64(adler, zeros, (z_off64_t)n);
}

/*
 * Both checksums of a table's bytes, with runs of zeros (most of a table)
 * folded in by the O(log n) functions above instead of byte by byte.
 */
struct checksums {
	uint32_t crc;
	uLong adler;
	uint64_t zeros;		/* zero bytes not folded in yet */
};

#define ZERO_PROBE 4096

static void checksums_flush(struct checksums *c)
{
	if (c->zeros) {
		c->crc = crc32_zeros(c->crc, c->zeros);
		c->adler = adler32_zeros(c->adler, c->zeros);
		c->zeros = 0;
	}
}

static bool all_zero(const unsigned char *p, size_t n)
{
	const uint64_t *w = (const void *)p;
	uint64_t acc = 0;

	for (size_t i = 0; i < n / 8; i++)
		acc |= w[i];
	for (size_t i = n / 8 * 8; i < n; i++)
		acc |= p[i];
	return !acc;
}

static void checksums_feed(struct checksums *c, const unsigned char *p, size_t n)
{
	while (n) {
		size_t len = n < ZERO_PROBE ? n : ZERO_PROBE;

		if (all_zero(p, len)) {
			c->zeros += len;
		} else {
			checksums_flush(c);
			c->crc = (uint32_t)crc32(c->crc, p, (uInt)len);
			c->adler = adler32(c->adler, p, (uInt)len);
		}
		p += len;
		n -= len;
	}
}

/* --- deflate blocks written by hand --------------------------------------- */

struct bitwriter {
	struct zbytes *out;
	uint64_t acc;
	unsigned n;
	int error;
};

static void put_bits(struct bitwriter *w, uint32_t v, unsigned n)
{
	w->acc |= (uint64_t)v << w->n;
	w->n += n;
	while (w->n >= 8) {
		if (reserve(w->out, 1)) {
			w->error = 1;
			return;
		}
		w->out->data[w->out->len++] = (unsigned char)w->acc;
		w->acc >>= 8;
		w->n -= 8;
	}
}

/* Huffman codes go most significant bit first (RFC 1951 3.1.1). */
static void put_code(struct bitwriter *w, uint32_t code, unsigned len)
{
	uint32_t reversed = 0;

	for (unsigned i = 0; i < len; i++)
		reversed |= ((code >> i) & 1) << (len - 1 - i);
	put_bits(w, reversed, len);
}

/* A literal zero byte in the fixed code: 0x30, 8 bits. */
static void put_zero_literal(struct bitwriter *w)
{
	put_code(w, 0x30, 8);
}

/* Length codes 257..285: the shortest copy of each, and its extra bits (RFC 1951 3.2.5). */
static const uint16_t length_base[] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27,
					31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
					227, 258 };
static const uint8_t length_extra[] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
					3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };

/* Copy `len` (3..258) bytes from distance 1, fixed codes (RFC 1951 3.2.5-6). */
static void put_repeat(struct bitwriter *w, unsigned len)
{
	unsigned c = 28;

	while (length_base[c] > len)
		c--;
	if (c + 257 <= 279)
		put_code(w, c + 257 - 256, 7);
	else
		put_code(w, 0xc0 + (c + 257 - 280), 8);
	put_bits(w, len - length_base[c], length_extra[c]);
	put_code(w, 0, 5);	/* distance code 0: distance 1 */
}

/* An empty stored block: ends byte-aligned, as zlib's Z_SYNC_FLUSH does. */
static void put_sync(struct bitwriter *w, bool final)
{
	put_bits(w, final, 1);
	put_bits(w, 0, 2);
	if (w->n)
		put_bits(w, 0, 8 - w->n);
	put_bits(w, 0x0000, 16);
	put_bits(w, 0xffff, 16);
}

/* n zero bytes as one fixed-code block: a literal, then copies of it. */
static void put_zero_run(struct bitwriter *w, uint64_t n)
{
	put_bits(w, 0, 1);	/* not final */
	put_bits(w, 1, 2);	/* fixed Huffman codes */
	put_zero_literal(w);
	for (n--; n >= 258; n -= 258)
		put_repeat(w, 258);
	if (n >= 3)
		put_repeat(w, (unsigned)n);
	else
		while (n--)
			put_zero_literal(w);
	put_code(w, 0, 7);	/* end of block */
	put_sync(w, false);
}

/* --- the encoder ------------------------------------------------------------ */

struct encoder {
	z_stream z;
	struct zbytes *out;
	bool in_segment;	/* zlib has input since its last sync */
	uLong adler;
	uint32_t crc;
	bool big_endian;
};

static int deflate_into(struct encoder *e, int flush)
{
	do {
		if (reserve(e->out, 65536))
			return -1;
		e->z.next_out = e->out->data + e->out->len;
		e->z.avail_out = 65536;
		if (deflate(&e->z, flush) == Z_STREAM_ERROR)
			return -1;
		e->out->len += 65536 - e->z.avail_out;
	} while (e->z.avail_out == 0 || e->z.avail_in);
	return 0;
}

/* Bytes for zlib; a segment starts on a fresh window after a zero run. */
static int feed(struct encoder *e, const void *data, size_t len)
{
	if (!e->in_segment) {
		deflateReset(&e->z);
		e->in_segment = true;
	}
	e->adler = adler32(e->adler, data, (uInt)len);
	e->crc = (uint32_t)crc32(e->crc, data, (uInt)len);
	e->z.next_in = (Bytef *)data;
	e->z.avail_in = (uInt)len;
	return deflate_into(e, Z_NO_FLUSH);
}

static int end_segment(struct encoder *e)
{
	if (!e->in_segment)
		return 0;
	e->in_segment = false;
	return deflate_into(e, Z_SYNC_FLUSH);
}

static int zero_gap(struct encoder *e, uint64_t entries)
{
	static const uint64_t zeros[CHUNK_ENTRIES];
	uint64_t bytes = entries * 8;

	if (bytes < ZERO_RUN_MIN)
		return entries ? feed(e, zeros, bytes) : 0;
	if (end_segment(e))
		return -1;
	struct bitwriter w = { .out = e->out };
	put_zero_run(&w, bytes);
	e->adler = adler32_zeros(e->adler, bytes);
	e->crc = crc32_zeros(e->crc, bytes);
	return w.error ? -1 : 0;
}

static int extent_bytes(struct encoder *e, const struct tce_extents *x,
			const struct tce_extent *ext)
{
	uint64_t buf[CHUNK_ENTRIES];

	for (uint64_t i = ext->index; i < ext->index + ext->count; ) {
		size_t n = 0;

		for (; n < CHUNK_ENTRIES && i < ext->index + ext->count; n++, i++)
			buf[n] = order64(tce_extent_entry(x, ext, i), e->big_endian);
		if (feed(e, buf, n * 8))
			return -1;
	}
	return 0;
}

int tce_zlib_encode(const struct tce_extents *x, bool big_endian, struct zbytes *out,
		    uint32_t *crc, struct tce_err *err)
{
	struct encoder e = { .out = out, .big_endian = big_endian, .adler = adler32(0, NULL, 0) };
	uint64_t pos = 0;
	int rc = 0;

	if (deflateInit2(&e.z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return tce_fail(err, TCE_EIO, "cannot start zlib");
	/* zlib header: deflate, 32 KiB window, fastest; (0x78 << 8 | 0x01) % 31 == 0. */
	if (reserve(out, 2)) {
		rc = -1;
		goto out;
	}
	out->data[out->len++] = 0x78;
	out->data[out->len++] = 0x01;
	for (size_t n = 0; n < x->count && !rc; n++) {
		rc = zero_gap(&e, x->ext[n].index - pos);
		if (!rc)
			rc = extent_bytes(&e, x, &x->ext[n]);
		pos = x->ext[n].index + x->ext[n].count;
	}
	if (!rc)
		rc = zero_gap(&e, x->end - pos);
	if (!rc)
		rc = end_segment(&e);
	if (!rc) {
		struct bitwriter w = { .out = out };

		put_sync(&w, true);
		for (int shift = 24; shift >= 0 && !w.error; shift -= 8)
			put_bits(&w, (e.adler >> shift) & 0xff, 8);
		rc = w.error ? -1 : 0;
	}
	*crc = e.crc;
out:
	deflateEnd(&e.z);
	if (rc)
		return tce_fail(err, TCE_EIO, "out of memory compressing a table");
	return 0;
}

int tce_raw_encode(const struct tce_extents *x, bool big_endian, struct zbytes *out,
		   uint32_t *crc, struct tce_err *err)
{
	size_t cursor = 0;

	if (reserve(out, x->end * 8))
		return tce_fail(err, TCE_EIO, "out of memory copying a table");
	*crc = 0;
	for (uint64_t i = 0; i < x->end; i += CHUNK_ENTRIES) {
		uint64_t n = x->end - i < CHUNK_ENTRIES ? x->end - i : CHUNK_ENTRIES;
		uint64_t *dst = (uint64_t *)(void *)(out->data + out->len);

		tce_extents_expand(x, i, n, dst, &cursor);
		for (uint64_t k = 0; k < n; k++)
			dst[k] = order64(dst[k], big_endian);
		*crc = (uint32_t)crc32(*crc, (const Bytef *)dst, (uInt)(n * 8));
		out->len += n * 8;
	}
	return 0;
}

/* --- the decoder ------------------------------------------------------------ */

static int feed_block(struct tce_extents *x, uint64_t *block, uint64_t index, uint64_t n,
		      bool big_endian, struct checksums *sums, struct tce_err *err)
{
	checksums_feed(sums, (const unsigned char *)block, n * 8);
	for (uint64_t k = 0; k < n; k++)
		block[k] = order64(block[k], big_endian);
	return tce_extents_feed(x, block, index, n, err);
}

static int decode_raw(const unsigned char *data, size_t len, uint64_t entries, bool big_endian,
		      struct tce_extents *x, uint32_t *crc, struct tce_err *err)
{
	struct checksums sums = { 0, 1, 0 };
	uint64_t block[CHUNK_ENTRIES];

	if (len != entries * 8)
		return tce_fail(err, TCE_EFILE, "a table of %llu entries holds %zu bytes, not %llu",
				(unsigned long long)entries, len, (unsigned long long)entries * 8);
	for (uint64_t i = 0; i < entries; i += CHUNK_ENTRIES) {
		uint64_t n = entries - i < CHUNK_ENTRIES ? entries - i : CHUNK_ENTRIES;

		memcpy(block, data + i * 8, n * 8);
		if (feed_block(x, block, i, n, big_endian, &sums, err))
			return -1;
	}
	checksums_flush(&sums);
	*crc = sums.crc;
	return 0;
}

/*
 * The zero runs tcectl writes: a fixed-code block of a literal 0 and copies
 * of it at distance 1, then an empty stored block, byte-aligned at both
 * ends.  zlib's inflate writes such a run out byte by byte (most of a
 * table's decoding time); one found at a block boundary is counted here
 * instead.  Anything else, or a run too short to fill zlib's window, is
 * left to zlib.
 */
struct bitreader {
	const unsigned char *p;
	size_t len, pos;	/* pos in bits */
	bool overrun;
};

static unsigned get_bits(struct bitreader *r, unsigned n)
{
	unsigned v = 0;

	for (unsigned k = 0; k < n; k++, r->pos++) {
		if (r->pos / 8 >= r->len) {
			r->overrun = true;
			return 0;
		}
		v |= ((r->p[r->pos / 8] >> (r->pos % 8)) & 1u) << k;
	}
	return v;
}

/* A Huffman code is stored from its most significant bit. */
static unsigned get_code(struct bitreader *r, unsigned n)
{
	unsigned v = 0;

	while (n--)
		v = (v << 1) | get_bits(r, 1);
	return v;
}

#define WINDOW_BYTES 32768

/* Bytes of zeros the run at data[0] stands for, and *used its length; 0 if none. */
static uint64_t zero_run_at(const unsigned char *data, size_t len, size_t *used)
{
	struct bitreader r = { data, len, 0, false };
	uint64_t n = 1;		/* the literal 0 */

	if (get_bits(&r, 3) != 2 || get_code(&r, 8) != 0x30)	/* not final, fixed; literal 0 */
		return 0;
	for (;;) {
		unsigned c = get_code(&r, 7), sym;

		if (r.overrun)
			return 0;
		if (c == 0)			/* end of block */
			break;
		if (c <= 0x17) {
			sym = 256 + c;
		} else {
			c = (c << 1) | get_bits(&r, 1);
			if (c == 0x30) {	/* another literal 0 */
				n++;
				continue;
			}
			if (c < 0xc0 || c > 0xc5)
				return 0;
			sym = 280 + (c - 0xc0);
		}
		n += length_base[sym - 257] + get_bits(&r, length_extra[sym - 257]);
		if (get_code(&r, 5) != 0 || r.overrun)	/* distance 1 */
			return 0;
	}
	/* The empty stored block after it: not final, padding, LEN 0, NLEN 0xffff. */
	if (get_bits(&r, 3) != 0)
		return 0;
	r.pos = (r.pos + 7) / 8 * 8;
	if (get_bits(&r, 16) != 0 || get_bits(&r, 16) != 0xffff || r.overrun)
		return 0;
	*used = r.pos / 8;
	return n;
}

static int decode_zlib(const unsigned char *data, size_t len, uint64_t entries, bool big_endian,
		       struct tce_extents *x, uint32_t *crc, struct tce_err *err)
{
	uint64_t block[CHUNK_ENTRIES], index = 0;
	size_t have = 0;	/* bytes of an unfinished entry at the block's start */
	struct checksums sums = { 0, 1, 0 };
	z_stream z = { 0 };
	int zrc = Z_OK, rc = 0;

	/*
	 * The zlib header and Adler-32 trailer are ours to check: zlib's own
	 * check would sum 128 MiB of zeros byte by byte (RFC 1950).
	 */
	if (len < 6 || (data[0] & 0x0f) != Z_DEFLATED || (data[0] >> 4) > 7 ||
	    ((data[0] << 8) | data[1]) % 31 || (data[1] & 0x20))
		return tce_fail(err, TCE_EFILE, "the compressed table has no valid zlib header");
	if (inflateInit2(&z, -15) != Z_OK)
		return tce_fail(err, TCE_EIO, "cannot start zlib");
	data += 2;
	len -= 6;	/* header gone; the 4-byte trailer is checked at the end */
	z.next_in = (Bytef *)data;
	z.data_type = 128;	/* as inflate(Z_BLOCK) says it: between blocks */
	while (zrc != Z_STREAM_END && !rc) {
		uint64_t want = entries - index < CHUNK_ENTRIES ? entries - index : CHUNK_ENTRIES;
		size_t pos = (size_t)(z.next_in - data), used = 0;
		uint64_t zeros;

		/* Between blocks with no bits pending: perhaps a zero run to count. */
		if (!have && (z.data_type & (128 | 64 | 7)) == 128 &&
		    (zeros = zero_run_at(data + pos, len - pos, &used)) >= WINDOW_BYTES &&
		    zeros % 8 == 0 && zeros / 8 <= entries - index) {
			static const unsigned char window[WINDOW_BYTES];

			index += zeros / 8;
			sums.zeros += zeros;
			z.next_in += used;
			z.avail_in = 0;
			/* What follows may copy from the last 32 KiB: zeros. */
			if (inflateSetDictionary(&z, window, WINDOW_BYTES) != Z_OK)
				rc = tce_fail(err, TCE_EIO, "cannot set zlib's window");
			continue;
		}
		/* With every entry in, leave room to notice a stream that goes on. */
		size_t room = want ? want * 8 - have : 8;
		size_t left = len - (size_t)(z.next_in - data), produced, full;

		/* avail_in is 32-bit: feed a large stream a piece at a time. */
		if (z.avail_in == 0)
			z.avail_in = left > (1u << 30) ? (1u << 30) : (uInt)left;
		z.next_out = (Bytef *)block + have;
		z.avail_out = (uInt)room;
		zrc = inflate(&z, Z_BLOCK);
		produced = room - z.avail_out;
		/* Z_BLOCK stops after the final block too, before the stream's end. */
		if (zrc == Z_BUF_ERROR || (zrc == Z_OK && !produced && !z.avail_in &&
					   z.next_in == data + len && (z.data_type & 192) != 192)) {
			rc = tce_fail(err, TCE_EFILE, "the compressed table is truncated");
		} else if (zrc != Z_OK && zrc != Z_STREAM_END) {
			rc = tce_fail(err, TCE_EFILE, "the compressed table is corrupt (%s)",
				      z.msg ? z.msg : "zlib error");
		} else if (!want && produced) {
			rc = tce_fail(err, TCE_EFILE, "the compressed table holds more than %llu entries",
				      (unsigned long long)entries);
		} else {
			full = (have + produced) / 8;
			if (full && feed_block(x, block, index, full, big_endian, &sums, err))
				rc = -1;
			index += full;
			have = (have + produced) % 8;
			memmove(block, (unsigned char *)block + full * 8, have);
		}
	}
	if (!rc && (have || index != entries))
		rc = tce_fail(err, TCE_EFILE, "the compressed table holds %llu bytes, not the %llu of %llu entries",
			      (unsigned long long)(index * 8 + have), (unsigned long long)entries * 8,
			      (unsigned long long)entries);
	if (!rc && (size_t)(z.next_in - data) != len)
		rc = tce_fail(err, TCE_EFILE, "the compressed table has %zu bytes of trailing data",
			      len - (size_t)(z.next_in - data));
	checksums_flush(&sums);
	if (!rc) {
		const unsigned char *t = data + len;
		uLong stored = ((uLong)t[0] << 24) | ((uLong)t[1] << 16) | ((uLong)t[2] << 8) | t[3];

		if (stored != sums.adler)
			rc = tce_fail(err, TCE_EFILE, "the compressed table is corrupt (incorrect data check)");
	}
	*crc = sums.crc;
	inflateEnd(&z);
	return rc;
}

int tce_decode(const void *data, size_t len, bool compressed, uint64_t entries,
	       bool big_endian, struct tce_extents *x, uint32_t *crc, struct tce_err *err)
{
	if (compressed)
		return decode_zlib(data, len, entries, big_endian, x, crc, err);
	return decode_raw(data, len, entries, big_endian, x, crc, err);
}
