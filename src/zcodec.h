/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * zcodec.h - a table's bytes in a checkpoint, to and from extents.
 *
 * The bytes are the entries in the file's byte order, either as they are
 * or as a zlib stream (ELFCOMPRESS_ZLIB: what elf_compress, readelf -z and
 * objcopy read).  The encoder writes the long runs of empty entries as
 * deflate blocks of its own, a few bits per 258 bytes, and passes only the
 * rest to zlib: a 128 MiB table that is 1% mapped compresses in
 * milliseconds, where zlib alone takes a quarter of a second.
 */
#ifndef TCECTL_ZCODEC_H
#define TCECTL_ZCODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "extents.h"

struct zbytes {
	unsigned char *data;
	size_t len;
	size_t cap;
};

void zbytes_free(struct zbytes *b);

/*
 * Appends the zlib stream of the entries [0, x->end) to out, in the given
 * byte order; *crc receives the CRC-32 of the uncompressed bytes.
 */
int tce_zlib_encode(const struct tce_extents *x, bool big_endian, struct zbytes *out,
		    uint32_t *crc, struct tce_err *err);

/* Appends the entries [0, x->end) as they are (no compression). */
int tce_raw_encode(const struct tce_extents *x, bool big_endian, struct zbytes *out,
		   uint32_t *crc, struct tce_err *err);

/*
 * Feeds `entries` entries, stored as a zlib stream (compressed) or as
 * they are, into x, which tce_extents_begin() has set up for
 * [0, entries).  Fails on a stream that is corrupt or of the wrong length.
 */
int tce_decode(const void *data, size_t len, bool compressed, uint64_t entries,
	       bool big_endian, struct tce_extents *x, uint32_t *crc, struct tce_err *err);

/* CRC-32 of n zero bytes appended to crc, in O(log n). */
uint32_t crc32_zeros(uint32_t crc, uint64_t n);

#endif
