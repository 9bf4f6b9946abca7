/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * digits.h - the one hex and one decimal formatter of the command layer,
 * fast enough for the per-entry hot loop: two digits per table lookup,
 * written right to left into a field the caller has already sized, with
 * no length checks left to do.  obuf's ob_hex and ob_u64 and every escape
 * are built on them.
 */
#ifndef TCECTL_DIGITS_H
#define TCECTL_DIGITS_H

#include <stdint.h>

extern const char hex_pairs[512];	/* "000102...feff" */
extern const char dec_pairs[200];	/* "000102...99" */

/* Exactly `digits` hex digits of v, zero-padded; v must fit. */
static inline void put_hex_fixed(char *p, uint64_t v, unsigned digits)
{
	char *q = p + digits;

	while (q - p >= 2) {
		q -= 2;
		q[0] = hex_pairs[2 * (v & 0xff)];
		q[1] = hex_pairs[2 * (v & 0xff) + 1];
		v >>= 8;
	}
	if (q > p)
		p[0] = hex_pairs[2 * (v & 0xf) + 1];
}

/* Decimal digits v needs, at least 1. */
static inline unsigned dec_digits(uint64_t v)
{
	unsigned n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* The two hex digits of byte b, as in "\\xHH" escapes. */
static inline void put_hex_byte(char *p, unsigned char b)
{
	p[0] = hex_pairs[2 * b];
	p[1] = hex_pairs[2 * b + 1];
}

/* v in decimal, right-aligned in `width` columns padded with spaces; v must fit. */
static inline void put_dec_right(char *p, uint64_t v, unsigned width)
{
	char *q = p + width;

	while (v >= 100) {
		q -= 2;
		q[0] = dec_pairs[2 * (v % 100)];
		q[1] = dec_pairs[2 * (v % 100) + 1];
		v /= 100;
	}
	if (v >= 10) {
		q -= 2;
		q[0] = dec_pairs[2 * v];
		q[1] = dec_pairs[2 * v + 1];
	} else {
		*--q = (char)('0' + v);
	}
	while (q > p)
		*--q = ' ';
}

#endif
