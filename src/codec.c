// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "codec.h"

/*
 * zstd's default level: on the tables of the bench it is as fast as level 1
 * (zeros dominate) and a third smaller on the mapped part.
 */
#define ZSTD_LEVEL 3

/*
 * The largest window a frame may ask of the decoder: 8 MiB.  The encoder's
 * level never asks more than 2 MiB; a crafted frame asking more is refused
 * rather than allowed to take memory the file does not account for.
 */
#define ZSTD_WINDOW_LOG_MAX 23

/* Bytes of a section read at a time. */
#define IN_CHUNK (128u << 10)

const char *tce_codec_name(enum tce_codec codec)
{
	switch (codec) {
	case TCE_CODEC_ZLIB:
		return "zlib";
	case TCE_CODEC_ZSTD:
		return "zstd";
	default:
		return "none";
	}
}

uint64_t tce_codec_max_output(enum tce_codec codec, uint64_t input_bytes)
{
	uint64_t ratio = codec == TCE_CODEC_ZSTD ? 32768 : codec == TCE_CODEC_ZLIB ? 1032 : 1;

	return input_bytes > UINT64_MAX / ratio ? UINT64_MAX : input_bytes * ratio;
}

/* --- checksums ------------------------------------------------------------- */

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

void tce_sums_init(struct tce_sums *s)
{
	*s = (struct tce_sums){ 0 };
}

/* Entries looked at together: a run of zeros this long is folded, not summed. */
#define ZERO_PROBE 512

void tce_sums_feed(struct tce_sums *s, const uint64_t *e, size_t n)
{
	while (n) {
		size_t len = n < ZERO_PROBE ? n : ZERO_PROBE, nonzero = 0;
		uint64_t any = 0;

		/* An OR first: most probes are all zero, and it vectorises. */
		for (size_t i = 0; i < len; i++)
			any |= e[i];
		for (size_t i = 0; any && i < len; i++)
			nonzero += e[i] != 0;
		if (nonzero) {
			if (s->zeros) {
				s->crc = crc32_zeros(s->crc, s->zeros);
				s->zeros = 0;
			}
			s->crc = (uint32_t)crc32(s->crc, (const Bytef *)e, (uInt)(len * 8));
			s->mapped += nonzero;
		} else {
			s->zeros += len * 8;
		}
		e += len;
		n -= len;
	}
}

uint32_t tce_sums_crc(struct tce_sums *s)
{
	if (s->zeros) {
		s->crc = crc32_zeros(s->crc, s->zeros);
		s->zeros = 0;
	}
	return s->crc;
}

/* --- the encoder ----------------------------------------------------------- */

int tce_encoder_init(struct tce_encoder *e, tce_sink_fn sink, void *ctx, struct tce_err *err)
{
	*e = (struct tce_encoder){ .sink = sink, .ctx = ctx };
	e->zstd = ZSTD_createCCtx();
	e->out_cap = ZSTD_CStreamOutSize();
	e->out = malloc(e->out_cap);
	if (!e->zstd || !e->out) {
		tce_encoder_free(e);
		return tce_fail(err, TCE_EIO, "out of memory starting zstd");
	}
	return 0;
}

int tce_encoder_begin(struct tce_encoder *e, uint64_t bytes, struct tce_err *err)
{
	size_t rc;

	ZSTD_CCtx_reset(e->zstd, ZSTD_reset_session_and_parameters);
	rc = ZSTD_CCtx_setParameter(e->zstd, ZSTD_c_compressionLevel, ZSTD_LEVEL);
	if (!ZSTD_isError(rc))
		rc = ZSTD_CCtx_setPledgedSrcSize(e->zstd, bytes);
	if (ZSTD_isError(rc))
		return tce_fail(err, TCE_EIO, "cannot start zstd: %s", ZSTD_getErrorName(rc));
	return 0;
}

static int zstd_stream(struct tce_encoder *e, const void *data, size_t len, ZSTD_EndDirective mode,
		    struct tce_err *err)
{
	ZSTD_inBuffer in = { data, len, 0 };
	size_t left;

	do {
		ZSTD_outBuffer out = { e->out, e->out_cap, 0 };

		left = ZSTD_compressStream2(e->zstd, &out, &in, mode);
		if (ZSTD_isError(left))
			return tce_fail(err, TCE_EIO, "zstd cannot compress a table: %s",
					ZSTD_getErrorName(left));
		if (out.pos && e->sink(e->ctx, e->out, out.pos, err))
			return -1;
	} while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
	return 0;
}

int tce_encoder_feed(struct tce_encoder *e, const void *data, size_t len, struct tce_err *err)
{
	return zstd_stream(e, data, len, ZSTD_e_continue, err);
}

int tce_encoder_end(struct tce_encoder *e, struct tce_err *err)
{
	return zstd_stream(e, NULL, 0, ZSTD_e_end, err);
}

void tce_encoder_reset(struct tce_encoder *e)
{
	if (e->zstd)
		ZSTD_CCtx_reset(e->zstd, ZSTD_reset_session_only);
}

void tce_encoder_free(struct tce_encoder *e)
{
	ZSTD_freeCCtx(e->zstd);
	free(e->out);
	*e = (struct tce_encoder){ 0 };
}

/* --- the decoder ----------------------------------------------------------- */

void tce_decoder_init(struct tce_decoder *d)
{
	*d = (struct tce_decoder){ .fd = -1 };
}


int tce_decoder_start(struct tce_decoder *d, enum tce_codec codec, int fd, uint64_t offset,
		      uint64_t len, struct tce_err *err)
{
	bool same_file = d->fd == fd;

	d->codec = codec;
	d->fd = fd;
	d->next = offset;
	d->end = offset + len;
	d->in_len = d->in_pos = 0;
	d->ended = false;
	d->header_checked = false;
	d->produced = 0;
	if (codec != TCE_CODEC_NONE && !d->in && !(d->in = malloc(IN_CHUNK)))
		return tce_fail(err, TCE_EIO, "out of memory");
	/*
	 * Sections follow each other in the file: a small one is often in the
	 * chunk read for the last, and a file of many tables takes few reads.
	 */
	if (codec != TCE_CODEC_NONE && same_file && offset >= d->in_base &&
	    offset < d->in_base + d->in_valid) {
		uint64_t stop = d->in_base + d->in_valid < d->end ? d->in_base + d->in_valid : d->end;

		d->in_pos = (size_t)(offset - d->in_base);
		d->in_len = (size_t)(stop - d->in_base);
		d->next = stop;
	}
	if (codec == TCE_CODEC_ZSTD) {
		if (!d->zstd) {
			d->zstd = ZSTD_createDCtx();
			if (!d->zstd)
				return tce_fail(err, TCE_EIO, "out of memory starting zstd");
		}
		ZSTD_DCtx_reset(d->zstd, ZSTD_reset_session_and_parameters);
		ZSTD_DCtx_setParameter(d->zstd, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX);
	} else if (codec == TCE_CODEC_ZLIB) {
		if (!d->zlib && !(d->zlib = calloc(1, sizeof(z_stream))))
			return tce_fail(err, TCE_EIO, "out of memory");
		if (d->zlib_ready)
			inflateEnd(d->zlib);
		*(z_stream *)d->zlib = (z_stream){ 0 };
		d->zlib_ready = inflateInit(d->zlib) == Z_OK;
		if (!d->zlib_ready)
			return tce_fail(err, TCE_EIO, "cannot start zlib");
	}
	return 0;
}

/* The file is shorter than the section: it was cut, or is being cut. */
static int truncated(struct tce_decoder *d, uint64_t at, struct tce_err *err)
{
	struct stat st;

	if (fstat(d->fd, &st))
		st.st_size = (off_t)at;
	return tce_fail(err, TCE_EFILE,
			"truncated: its data ends at byte %" PRIu64 ", the file at byte %lld; was it written completely?",
			d->end, (long long)st.st_size);
}

/* Reads len bytes at file offset at, whole or not at all. */
static int read_at(struct tce_decoder *d, void *buf, size_t len, uint64_t at, struct tce_err *err)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(d->fd, (char *)buf + done, len - done, (off_t)(at + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return tce_fail(err, TCE_EIO, "cannot read: %s", strerror(errno));
		if (n == 0)
			return truncated(d, at + done, err);
		done += (size_t)n;
	}
	return 0;
}

/* The next chunk of compressed input, when the last one is used up. */
static int refill(struct tce_decoder *d, struct tce_err *err)
{
	size_t len;

	if (d->in_pos < d->in_len || d->next == d->end)
		return 0;
	len = d->end - d->next < IN_CHUNK ? (size_t)(d->end - d->next) : IN_CHUNK;
	/* As much as fits: what follows the section comes too, for the next one. */
	d->in_valid = 0;
	for (size_t got = 0; got < len; ) {
		ssize_t n = pread(d->fd, d->in + got, IN_CHUNK - got, (off_t)(d->next + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return tce_fail(err, TCE_EIO, "cannot read: %s", strerror(errno));
		if (n == 0)
			return truncated(d, d->next + got, err);
		got += (size_t)n;
		d->in_valid = got;
	}
	d->in_base = d->next;
	d->next += len;
	d->in_len = len;
	d->in_pos = 0;
	return 0;
}

static bool input_done(const struct tce_decoder *d)
{
	return d->in_pos == d->in_len && d->next == d->end;
}

static int short_stream(struct tce_decoder *d, struct tce_err *err)
{
	return tce_fail(err, TCE_EFILE,
			"the compressed table ends after %" PRIu64 " bytes, short of what its header says",
			d->produced);
}

/* Up to len bytes into out; *made says how many.  0 with *made < len: no progress possible. */
/*
 * The window a zstd frame asks for, from its header (RFC 8878, 3.1.1.1):
 * 1 and *window set, 0 when p holds too little of it, -1 when it is not a
 * zstd frame (a skippable frame, another magic number).
 */
static int zstd_frame_window(const unsigned char *p, size_t n, uint64_t *window)
{
	static const unsigned did_bytes[] = { 0, 1, 2, 4 }, fcs_bytes[] = { 1, 2, 4, 8 };
	unsigned fhd, at;
	uint64_t fcs = 0;

	if (n < 6)
		return 0;
	if (p[0] != 0x28 || p[1] != 0xb5 || p[2] != 0x2f || p[3] != 0xfd)
		return -1;
	fhd = p[4];
	if (!(fhd & 0x20)) {		/* a window descriptor */
		uint64_t base = 1ULL << (10 + (p[5] >> 3));

		*window = base + (base >> 3) * (p[5] & 7);
		return 1;
	}
	/* Single segment: the window is the content size. */
	at = 5 + did_bytes[fhd & 3];
	if (n < at + fcs_bytes[fhd >> 6])
		return 0;
	for (unsigned k = 0; k < fcs_bytes[fhd >> 6]; k++)
		fcs |= (uint64_t)p[at + k] << (8 * k);
	*window = (fhd >> 6) == 1 ? fcs + 256 : fcs;
	return 1;
}

/*
 * One zstd frame whose window is at most 2^ZSTD_WINDOW_LOG_MAX, as tcectl
 * writes.  Checked here, not only by ZSTD_d_windowLogMax: zstd decodes a
 * frame whose content fits the output in one pass, and that pass does not
 * look at the limit.  What is not a frame is left to the stream to report.
 */
static int zstd_check_header(struct tce_decoder *d, struct tce_err *err)
{
	uint64_t window;
	int rc = zstd_frame_window(d->in + d->in_pos, d->in_len - d->in_pos, &window);

	if (rc == 0 && d->next != d->end)
		return 0;		/* more input first */
	d->header_checked = true;
	if (rc == 1 && window > (1ULL << ZSTD_WINDOW_LOG_MAX))
		return tce_fail(err, TCE_EFILE,
				"the compressed table's zstd frame needs a window of %llu bytes, above the %llu tcectl allows",
				(unsigned long long)window, 1ULL << ZSTD_WINDOW_LOG_MAX);
	return 0;
}

static int zstd_step(struct tce_decoder *d, void *out, size_t len, size_t *made,
		     struct tce_err *err)
{
	ZSTD_inBuffer in = { d->in, d->in_len, d->in_pos };
	ZSTD_outBuffer o = { out, len, 0 };
	size_t rc;

	*made = 0;
	if (!d->header_checked && zstd_check_header(d, err))
		return -1;
	rc = ZSTD_decompressStream(d->zstd, &o, &in);

	d->in_pos = in.pos;
	*made = o.pos;
	if (ZSTD_isError(rc))
		return tce_fail(err, TCE_EFILE, "the compressed table is corrupt (zstd: %s)",
				ZSTD_getErrorName(rc));
	if (rc == 0)
		d->ended = true;
	return 0;
}

static int zlib_step(struct tce_decoder *d, void *out, size_t len, size_t *made,
		     struct tce_err *err)
{
	z_stream *z = d->zlib;
	size_t avail_in = d->in_len - d->in_pos;
	int rc;

	z->next_in = d->in + d->in_pos;
	z->avail_in = (uInt)avail_in;
	z->next_out = out;
	z->avail_out = (uInt)len;
	rc = inflate(z, Z_NO_FLUSH);
	d->in_pos += avail_in - z->avail_in;
	*made = len - z->avail_out;
	if (rc == Z_STREAM_END)
		d->ended = true;
	else if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR || rc == Z_STREAM_ERROR || rc == Z_MEM_ERROR)
		return tce_fail(err, TCE_EFILE, "the compressed table is corrupt (zlib: %s)",
				z->msg ? z->msg : rc == Z_NEED_DICT ? "needs a dictionary" : "error");
	return 0;
}

static int step(struct tce_decoder *d, void *out, size_t len, size_t *made, struct tce_err *err)
{
	return d->codec == TCE_CODEC_ZSTD ? zstd_step(d, out, len, made, err) :
					    zlib_step(d, out, len, made, err);
}

int tce_decoder_read(struct tce_decoder *d, void *out, size_t len, struct tce_err *err)
{
	size_t done = 0;

	if (d->codec == TCE_CODEC_NONE) {
		if (len > d->end - d->next)
			return tce_fail(err, TCE_EFILE, "the table holds fewer bytes than asked");
		if (read_at(d, out, len, d->next, err))
			return -1;
		d->next += len;
		d->produced += len;
		return 0;
	}
	/* Chunks of at most 1 GiB: zlib counts in 32 bits. */
	while (done < len) {
		size_t want = len - done < (1u << 30) ? len - done : (1u << 30), made, before;

		if (d->ended)
			return short_stream(d, err);
		if (refill(d, err))
			return -1;
		before = d->in_pos;
		if (step(d, (char *)out + done, want, &made, err))
			return -1;
		done += made;
		d->produced += made;
		/* Nothing came out and nothing went in: the stream stops short. */
		if (!made && d->in_pos == before && !d->ended)
			return short_stream(d, err);
	}
	return 0;
}

int tce_decoder_finish(struct tce_decoder *d, struct tce_err *err)
{
	unsigned char spare[8];

	if (d->codec == TCE_CODEC_NONE) {
		if (d->next != d->end)
			return tce_fail(err, TCE_EFILE, "the table holds more bytes than its entries");
		return 0;
	}
	/* The frame's last block or trailer may still be unread. */
	while (!d->ended) {
		size_t made, before;

		if (refill(d, err))
			return -1;
		before = d->in_pos;
		if (step(d, spare, sizeof(spare), &made, err))
			return -1;
		if (made)
			return tce_fail(err, TCE_EFILE,
					"the compressed table holds more than the %" PRIu64 " bytes its header says",
					d->produced);
		if (d->in_pos == before && !d->ended)
			return short_stream(d, err);
	}
	if (!input_done(d))
		return tce_fail(err, TCE_EFILE, "the compressed table has %" PRIu64 " bytes of trailing data",
				(uint64_t)(d->in_len - d->in_pos) + (d->end - d->next));
	return 0;
}

void tce_decoder_free(struct tce_decoder *d)
{
	ZSTD_freeDCtx(d->zstd);
	if (d->zlib_ready)
		inflateEnd(d->zlib);
	free(d->zlib);
	free(d->in);
	tce_decoder_init(d);
}
