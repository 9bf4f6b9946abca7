/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * codec.h - a table's bytes in a checkpoint section, streamed both ways.
 *
 * A section holds the entries in the file's byte order, as they are or
 * behind an Elf64_Chdr: a zstd frame (ELFCOMPRESS_ZSTD, what version 2
 * writes) or a zlib stream (ELFCOMPRESS_ZLIB, what version 1 wrote).  The
 * encoder is libzstd's streaming compressor; the decoder reads the section
 * with pread in fixed chunks, so its memory does not grow with the table
 * or the file and a file cut short while read is an error, not a signal.
 * The checksums fold long runs of zero bytes in O(log n).
 */
#ifndef TCECTL_CODEC_H
#define TCECTL_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum tce_codec {
	TCE_CODEC_NONE,
	TCE_CODEC_ZLIB,
	TCE_CODEC_ZSTD,
};

/* "none", "zlib" or "zstd": what inspect shows. */
const char *tce_codec_name(enum tce_codec codec);

/*
 * The most bytes a codec can produce from one input byte: deflate's
 * 258-byte copy in under two bits (RFC 1951), and zstd's RLE block of
 * 128 KiB in four bytes.  A section whose header promises more is damaged.
 */
uint64_t tce_codec_max_output(enum tce_codec codec, uint64_t input_bytes);

/* CRC-32 and mapped count of entries in the file's byte order. */
struct tce_sums {
	uint32_t crc;
	uint64_t zeros;		/* zero bytes not folded into crc yet */
	uint64_t mapped;	/* non-zero entries */
};

void tce_sums_init(struct tce_sums *s);
void tce_sums_feed(struct tce_sums *s, const uint64_t *entries, size_t n);
uint32_t tce_sums_crc(struct tce_sums *s);

/* CRC-32 of n zero bytes appended to crc, in O(log n). */
uint32_t crc32_zeros(uint32_t crc, uint64_t n);

/* Where the encoder's output goes: returns 0, or -1 with err filled. */
typedef int (*tce_sink_fn)(void *ctx, const void *buf, size_t len, struct tce_err *err);

/* One zstd frame per table, written through sink as it is produced. */
struct tce_encoder {
	void *zstd;		/* ZSTD_CCtx */
	unsigned char *out;
	size_t out_cap;
	tce_sink_fn sink;
	void *ctx;
};

int tce_encoder_init(struct tce_encoder *e, tce_sink_fn sink, void *ctx, struct tce_err *err);
/* A new frame of exactly `bytes` bytes, recorded in its header. */
int tce_encoder_begin(struct tce_encoder *e, uint64_t bytes, struct tce_err *err);
int tce_encoder_feed(struct tce_encoder *e, const void *data, size_t len, struct tce_err *err);
int tce_encoder_end(struct tce_encoder *e, struct tce_err *err);
/* Drops the frame under way. */
void tce_encoder_reset(struct tce_encoder *e);
void tce_encoder_free(struct tce_encoder *e);

/* Reads one section's data [offset, offset + len) of fd, decoded. */
struct tce_decoder {
	enum tce_codec codec;
	int fd;
	uint64_t next, end;	/* file offsets: next byte to read, end of the data */
	unsigned char *in;	/* a chunk of the file, from file offset in_base */
	uint64_t in_base;
	size_t in_valid;	/* bytes read into in */
	size_t in_len, in_pos;	/* the section's bytes in it, and those used */
	void *zstd;		/* ZSTD_DCtx */
	void *zlib;		/* z_stream */
	bool zlib_ready;
	bool ended;		/* the stream said it is complete */
	bool header_checked;	/* zstd: the frame's header was looked at */
	uint64_t produced;
};

void tce_decoder_init(struct tce_decoder *d);
int tce_decoder_start(struct tce_decoder *d, enum tce_codec codec, int fd, uint64_t offset,
		      uint64_t len, struct tce_err *err);
/*
 * Exactly len bytes of decoded data into out.  The messages say what is
 * wrong with the data (the caller names file and table); a file shorter
 * than the section says "truncated".
 */
int tce_decoder_read(struct tce_decoder *d, void *out, size_t len, struct tce_err *err);
/* Fails unless the stream ends here, exactly at the end of the section. */
int tce_decoder_finish(struct tce_decoder *d, struct tce_err *err);
void tce_decoder_free(struct tce_decoder *d);

#endif
