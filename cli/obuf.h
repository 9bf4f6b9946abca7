/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * obuf.h - block-buffered output with the formatters the hot paths need.
 *
 * A dump of a large table prints millions of lines: formatting goes into
 * one buffer and leaves in large writes, never through printf per entry.
 */
#ifndef TCECTL_OBUF_H
#define TCECTL_OBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define OBUF_SIZE (256 * 1024)

struct obuf {
	int fd;
	int error;		/* first errno of a failed write; later writes are dropped */
	size_t len;
	char buf[OBUF_SIZE];
};

extern struct obuf *const out;	/* standard output */

void ob_flush(struct obuf *ob);
void ob_write(struct obuf *ob, const void *data, size_t len);
void ob_printf(struct obuf *ob, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Room for n more bytes; n must be far below OBUF_SIZE. */
static inline char *ob_reserve(struct obuf *ob, size_t n)
{
	if (ob->len + n > OBUF_SIZE)
		ob_flush(ob);
	return ob->buf + ob->len;
}

static inline void ob_putc(struct obuf *ob, char c)
{
	*ob_reserve(ob, 1) = c;
	ob->len++;
}

static inline void ob_puts(struct obuf *ob, const char *s)
{
	ob_write(ob, s, strlen(s));
}

void ob_spaces(struct obuf *ob, size_t n);

/* "0x" and at least `digits` hex digits (zero-padded). */
void ob_hex(struct obuf *ob, uint64_t v, unsigned digits);
void ob_u64(struct obuf *ob, uint64_t v);
/* v right-aligned in width columns. */
void ob_u64_right(struct obuf *ob, uint64_t v, unsigned width);

/* Hex digits v needs, at least 1. */
unsigned hex_digits(uint64_t v);

#endif
